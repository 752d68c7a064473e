"""User tokens: only HS256 JWTs signed with the configured key, unexpired, naming a user."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from personal_support import SECRET

from zwfw.core.errors import ConfigError
from zwfw.personal import InvalidToken, TokenVerifier


def _token(claims: dict[str, Any], key: str | None = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def test_a_valid_token_names_its_user() -> None:
    token = _token({"sub": "u1", "exp": int(time.time()) + 60})
    assert TokenVerifier(SECRET).verify(token) == "u1"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        pytest.param(
            lambda: _token({"sub": "u1", "exp": int(time.time()) - 3600}), "expired", id="expired"
        ),
        pytest.param(
            lambda: _token({"sub": "u1", "exp": int(time.time()) + 60}, key="x" * 40),
            "not valid",
            id="wrong-key",
        ),
        pytest.param(lambda: _token({"sub": "u1"}), "not valid", id="no-expiry"),
        pytest.param(lambda: _token({"exp": int(time.time()) + 60}), "not valid", id="no-user"),
        pytest.param(
            lambda: _token({"sub": "u1", "exp": int(time.time()) + 60}, None, "none"),
            "not valid",
            id="unsigned",
        ),
        pytest.param(lambda: "not.a.token", "not valid", id="garbage"),
    ],
)
def test_a_bad_token_is_refused_with_the_reason(token: Any, message: str) -> None:
    with pytest.raises(InvalidToken, match=message):
        TokenVerifier(SECRET).verify(token())


def test_a_short_secret_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="at least 32 bytes"):
        TokenVerifier("short")
