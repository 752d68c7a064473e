"""The one way route tests get an app: the real one (`create_app`, every router, the error
handlers and the middleware), with the parts a test exercises swapped in through
`app.dependency_overrides`, as the dependencies of `zwfw.api.deps` allow.

The client does not run the app's lifespan (that would load an index with the real model):
the services a test does not give answer as while loading (503 `index_not_ready`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from zwfw.api import create_app
from zwfw.core.settings import Settings
from zwfw.ops import Ops


def _const(value: Any) -> Callable[[], Any]:
    def dependency() -> Any:
        return value

    return dependency


@contextmanager
def client_with(
    settings: Settings, overrides: dict[Callable[..., Any], Any], ops: Ops | None = None
) -> Iterator[TestClient]:
    """A client of the real app whose dependency `dep` returns `overrides[dep]`; `ops` is an
    operations container the test made (the middleware's metrics and request log use it)."""
    app = create_app(settings, ops=ops)
    for dependency, value in overrides.items():
        app.dependency_overrides[dependency] = _const(value)
    client = TestClient(app)
    try:
        yield client
    finally:
        client.close()
