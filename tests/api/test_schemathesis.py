"""Property-based check of the whole HTTP contract against /openapi.json (schemathesis).

Every operation gets a bounded number of generated requests (deterministic, so CI is
repeatable), with an administrator token so the admin routes are explored past the 401.
Each response must not be a 5xx, and its status, content type and body must be the ones
the OpenAPI document declares.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from zwfw.api import create_app
from zwfw.api.auth import hash_token
from zwfw.core.settings import AdminSettings, PersonalSettings, Settings
from zwfw.models import Segmenter
from zwfw.models.encoders import CachedEncoder
from zwfw.runtime import load_runtime

pytestmark = pytest.mark.integration
EXAMPLES = 6  # per operation and mode: about 800 requests in all, a few minutes
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
        personal=PersonalSettings(token_secret="k" * 32, id_salt="schemathesis-salt"),
    )  # fmt: skip
    app = create_app(app_settings, runtime=load_runtime(app_settings, (segmenter, encoder)))
    with TestClient(app):  # runs the lifespan: the operations services exist
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


def test_every_operation_answers_as_its_openapi_declares(api_schema: Any) -> None:
    """One loop over the operations (schemathesis' pytest loader does not run on pytest 9):
    valid and invalid requests per operation, and every failure is listed at the end."""
    failures: list[str] = []
    cases = 0
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,  # nothing written into the checkout
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def check(case: Any) -> None:
                nonlocal cases
                cases += 1
                response = case.call(headers=ADMIN)
                try:
                    case.validate_response(response, checks=CHECKS)
                except BaseException as exc:  # collected: one report for the whole API
                    if not isinstance(exc, Exception | BaseExceptionGroup):
                        raise
                    failures.append(f"{case.operation.label}: {_summary(exc)}")

            with contextlib.suppress(Unsatisfiable):  # no invalid request exists (no input)
                check()
    print(f"schemathesis: {len(operations)} operations, {cases} cases, {len(failures)} failures")
    assert len(operations) >= 50 and cases >= len(operations) * EXAMPLES
    assert failures == [], "\n".join(dict.fromkeys(failures))


def _summary(exc: BaseException) -> str:
    """The check that failed and what was received, on one line."""
    lines = [line.strip() for line in str(exc).splitlines()]
    kept = [line for line in lines if line.startswith(("- ", "Received", "Documented", "`"))]
    return " | ".join(kept)[:300] or repr(exc)[:300]
