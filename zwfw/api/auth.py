"""Bearer-token authentication for the admin API.

Settings hold only sha256 hashes of tokens (`ZWFW_ADMIN__TOKEN_HASHES`), so a leaked
settings file grants nothing; a presented token is hashed and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from zwfw.core.settings import Settings

# auto_error=False: a missing header gets our 401 (with WWW-Authenticate), not FastAPI's.
_bearer = HTTPBearer(auto_error=False, description="an administrator token")


@dataclass(frozen=True)
class Admin:
    """Who made a request: `admin-` plus the first 8 hex digits of the token's hash, stable
    per token and recorded as the author of each edit without revealing the token."""

    name: str


def hash_token(token: str) -> str:
    """The settings form of a token: "sha256:<hex digest>"."""
    return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()


def require_admin(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Admin:
    """The caller's identity, or 401 when the bearer token is missing or not configured."""
    settings: Settings = request.app.state.settings
    if credentials is None or not credentials.credentials.strip():
        raise _unauthorized("an administrator bearer token is required")
    presented = hash_token(credentials.credentials.strip())
    # Compare with every configured hash, without stopping early, so timing says nothing.
    matched = False
    for known in settings.admin.token_hashes:
        matched |= hmac.compare_digest(known.encode(), presented.encode())
    if not matched:
        raise _unauthorized("the bearer token is not valid")
    return Admin(name="admin-" + presented.removeprefix("sha256:")[:8])


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


AdminDep = Annotated[Admin, Depends(require_admin)]
