"""Bearer tokens over HTTP: reading the header, and the administrator check.

Settings hold only sha256 hashes of tokens (`ZWFW_ADMIN__TOKEN_HASHES`), so a leaked settings
file grants nothing. Hashing and the constant-time comparison live in one place,
`zwfw.ops.roles.RoleTokens`: administrator tokens are role tokens with the admin role.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from zwfw.api.deps import SettingsDep
from zwfw.core.errors import Unauthorized
from zwfw.ops.roles import RoleTokens, hash_token

__all__ = ["Admin", "AdminDep", "bearer_token", "hash_token", "require_admin"]

# auto_error=False: a missing header gets our 401 (with WWW-Authenticate), not FastAPI's.
_bearer = HTTPBearer(auto_error=False, description="an administrator token")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


@dataclass(frozen=True)
class Admin:
    """Who made a request: `admin-` plus the first 8 hex digits of the token's hash, stable
    per token and recorded as the author of each edit without revealing the token."""

    name: str


def bearer_token(credentials: HTTPAuthorizationCredentials | None, what: str) -> str:
    """The presented bearer token; `Unauthorized` when there is none. `what` names the
    kind of token the route wants, for the message."""
    token = credentials.credentials.strip() if credentials else ""
    if not token:
        raise Unauthorized(f"{what} bearer token is required")
    return token


@lru_cache(maxsize=8)
def _admin_tokens(hashes: tuple[str, ...]) -> RoleTokens:
    return RoleTokens(dict.fromkeys(hashes, "admin"))


def require_admin(settings: SettingsDep, credentials: Credentials) -> Admin:
    """The caller's identity, or 401 when the bearer token is missing or not configured."""
    token = bearer_token(credentials, "an administrator")
    actor = _admin_tokens(tuple(settings.admin.token_hashes)).identify(token)
    if actor is None:
        raise Unauthorized("the bearer token is not valid")
    return Admin(name=actor.name)


AdminDep = Annotated[Admin, Depends(require_admin)]
