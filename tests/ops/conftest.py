"""Fixtures for the operations package: a fresh state database per test (on each backend),
the query-log writer stopped after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from zwfw.ops import Ops, create_ops, hash_token
from zwfw.storage import Storage

EDITOR, REVIEWER, ADMIN = "editor-token", "reviewer-token", "admin-token"
ROLE_TOKENS = {
    hash_token(EDITOR): "editor",
    hash_token(REVIEWER): "reviewer",
    hash_token(ADMIN): "admin",
}


@pytest.fixture
def ops(storage: Storage) -> Iterator[Ops]:
    ops = create_ops(storage, ROLE_TOKENS)
    yield ops
    ops.close()
