"""Verification of the signed user tokens issued by the platform's identity system.

zwfw never issues user tokens: the identity system signs an HS256 JWT whose `sub` is the
user id, and we check its signature with the shared key, its expiry, and that `sub` is
present. Only HS256 is accepted, so a token cannot choose a weaker algorithm (`none`).
"""

from __future__ import annotations

import jwt

from zwfw.core.errors import ConfigError

MIN_SECRET_BYTES = 32  # RFC 7518 §3.2: an HS256 key at least as long as the hash


class InvalidToken(Exception):
    """The token is missing, malformed, expired or not signed with our key."""


class TokenVerifier:
    def __init__(self, secret: str, leeway_seconds: int = 30) -> None:
        if len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
            raise ConfigError(f"the user-token secret must be at least {MIN_SECRET_BYTES} bytes")
        self._secret = secret
        self._leeway = leeway_seconds

    def verify(self, token: str) -> str:
        """The user id (`sub`) of a valid token; raises InvalidToken with the reason."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                options={"require": ["exp", "sub"]},
                leeway=self._leeway,
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("the user token has expired") from None
        except jwt.PyJWTError:
            raise InvalidToken("the user token is not valid") from None
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject:
            raise InvalidToken("the user token names no user")
        return subject
