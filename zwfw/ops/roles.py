"""Who may do what in the curation loop: role-bearing bearer tokens.

Tokens are configured as "sha256:<hex>" hashes mapped to a role, like the admin tokens, so
the configuration holds no usable secret. Roles are separate duties, not ranks: an editor
proposes, a reviewer approves and publishes, an admin may do both (but, like everyone, never
approves their own proposal; see `curation`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from zwfw.core.errors import ConfigError


class Role(StrEnum):
    EDITOR = "editor"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @classmethod
    def from_str(cls, value: str) -> Role:
        try:
            return cls(value.strip().lower())
        except ValueError:
            valid = ", ".join(r.value for r in cls)
            raise ConfigError(f"unknown role {value!r}; valid roles: {valid}") from None


class Permission(StrEnum):
    READ = "read"  # analytics, tasks, proposals, the audit log
    PROPOSE = "propose"  # create and edit draft proposals, dismiss tasks
    REVIEW = "review"  # approve or reject drafts
    PUBLISH = "publish"  # make approved proposals live


GRANTS: Mapping[Role, frozenset[Permission]] = {
    Role.EDITOR: frozenset({Permission.READ, Permission.PROPOSE}),
    Role.REVIEWER: frozenset({Permission.READ, Permission.REVIEW, Permission.PUBLISH}),
    Role.ADMIN: frozenset(Permission),
}


@dataclass(frozen=True)
class Actor:
    """An authenticated caller. `name` is the role plus the first 8 hex digits of the
    token's hash: stable per token, recorded in the audit log, and useless as a secret."""

    name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return permission in GRANTS[self.role]


def hash_token(token: str) -> str:
    """The configured form of a token: "sha256:<hex digest>"."""
    return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()


class RoleTokens:
    def __init__(self, hashes: Mapping[str, str]) -> None:
        """`hashes` maps "sha256:<64 hex>" to a role name; a malformed entry fails at start-up."""
        self._roles: dict[str, Role] = {}
        for token_hash, role in hashes.items():
            if not re.fullmatch(r"sha256:[0-9a-f]{64}", token_hash):
                raise ConfigError("each role token must be given as sha256:<64 hex digits>")
            self._roles[token_hash] = Role.from_str(role)

    def identify(self, token: str) -> Actor | None:
        """The actor holding `token`, or None. Every hash is compared, in constant time."""
        presented = hash_token(token.strip()).encode()
        found: Role | None = None
        for known, role in self._roles.items():
            if hmac.compare_digest(known.encode(), presented):
                found = role
        if found is None:
            return None
        return Actor(f"{found.value}-{presented.decode()[7:15]}", found)
