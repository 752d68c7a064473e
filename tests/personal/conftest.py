"""Fixtures for the personal space: a service over the demo data on a settable clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from personal_support import SALT, SECRET, Clock, demo_records
from state_backends import migrated_storage

from zwfw.personal import PersonalService, create_personal_service


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_service(
    state_backend: str, tmp_path: Path, clock: Clock
) -> Iterator[Callable[..., PersonalService]]:
    """Services on each state database; every one made gets a database of its own."""
    made: list[PersonalService] = []
    databases = ExitStack()

    def make(**overrides: Any) -> PersonalService:
        policies, items = demo_records()
        where = tmp_path / f"personal-{len(made)}"
        args: dict[str, Any] = {
            "storage": databases.enter_context(migrated_storage(state_backend, where)),
            "token_secret": SECRET,
            "id_salt": SALT,
            "policies": policies,
            "items": items,
            "clock": clock,
        } | overrides
        made.append(create_personal_service(**args))
        return made[-1]

    with databases:
        yield make
        for service in made:
            service.close()


@pytest.fixture
def service(make_service: Callable[..., PersonalService]) -> PersonalService:
    return make_service()
