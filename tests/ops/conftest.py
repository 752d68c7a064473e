"""Fixtures for the operations package: a fresh ops database per test, writer stopped after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zwfw.ops import Ops, create_ops, hash_token

EDITOR, REVIEWER, ADMIN = "editor-token", "reviewer-token", "admin-token"
ROLE_TOKENS = {
    hash_token(EDITOR): "editor",
    hash_token(REVIEWER): "reviewer",
    hash_token(ADMIN): "admin",
}


@pytest.fixture
def ops(tmp_path: Path) -> Iterator[Ops]:
    ops = create_ops(tmp_path / "ops.sqlite", ROLE_TOKENS)
    yield ops
    ops.close()
