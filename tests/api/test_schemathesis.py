"""Property-based check of the whole HTTP contract against /openapi.json (schemathesis).

Every operation gets a bounded number of generated requests (deterministic, so CI is
repeatable), with an administrator token so the admin routes are explored past the 401.
Each response must not be a 5xx, and its status, content type and body must be the ones
the OpenAPI document declares.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from zwfw.api import create_app
from zwfw.api.auth import hash_token
from zwfw.core.settings import AdminSettings, OpsSettings, Settings
from zwfw.models import Segmenter
from zwfw.models.encoders import CachedEncoder
from zwfw.runtime import load_runtime

pytestmark = pytest.mark.integration
EXAMPLES = 8  # per operation: about 500 requests in all, a minute or two
ADMIN = {"Authorization": "Bearer schema-admin"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema(
    demo_index_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    segmenter: Segmenter,
    encoder: CachedEncoder,
) -> Iterator[Any]:
    work = tmp_path_factory.mktemp("schemathesis")
    shutil.copytree(demo_index_dir, work / "index")
    app_settings = Settings(
        index_dir=work / "index", state_db=work / "state.sqlite",
        admin=AdminSettings(token_hashes=[hash_token("schema-admin")]),
        ops=OpsSettings(db=work / "ops.sqlite"),
    )  # fmt: skip
    app = create_app(app_settings, runtime=load_runtime(app_settings, (segmenter, encoder)))
    with TestClient(app):  # runs the lifespan: the operations services exist
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_openapi_declares(case: Any) -> None:
    case.call_and_validate(headers=ADMIN, checks=CHECKS)
