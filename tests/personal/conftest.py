"""Fixtures for the personal space: a service over the demo data on a settable clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from personal_support import SALT, SECRET, Clock, demo_records

from zwfw.personal import PersonalService, create_personal_service


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_service(tmp_path: Path, clock: Clock) -> Iterator[Callable[..., PersonalService]]:
    made: list[PersonalService] = []

    def make(**overrides: Any) -> PersonalService:
        policies, items = demo_records()
        args: dict[str, Any] = {
            "db_path": tmp_path / f"personal-{len(made)}.sqlite",
            "token_secret": SECRET,
            "id_salt": SALT,
            "policies": policies,
            "items": items,
            "clock": clock,
        } | overrides
        made.append(create_personal_service(**args))
        return made[-1]

    yield make
    for service in made:
        service.close()


@pytest.fixture
def service(make_service: Callable[..., PersonalService]) -> PersonalService:
    return make_service()
