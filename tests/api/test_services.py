"""The typed services container: one part's misconfiguration disables only that part, and
the app closes only what it created."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from zwfw.api import create_app, services
from zwfw.core.settings import PersonalSettings, Settings
from zwfw.runtime import Runtime
from zwfw.search.filters import SearchFilters

pytestmark = [pytest.mark.integration, pytest.mark.storage]  # also run on PostgreSQL


def _settings(tmp_path: Path, runtime: Runtime, id_salt: str) -> Settings:
    personal = PersonalSettings(token_secret="s" * 40, id_salt=id_salt)
    return Settings(
        index_dir=runtime.settings.index_dir, state_db=tmp_path / "state.sqlite", personal=personal
    )


def test_a_misconfigured_personal_space_disables_only_itself(
    writable_runtime: Runtime, tmp_path: Path
) -> None:
    built = services.build(_settings(tmp_path, writable_runtime, "short"), writable_runtime)
    assert built.personal is None
    assert built.chat.reply(None, "办护照要带什么", "standard").reply
    assert built.nav.store.bundles()


def test_a_configured_personal_space_shares_the_state_database(
    writable_runtime: Runtime, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, writable_runtime, "a-long-enough-id-salt")
    built = services.build(settings, writable_runtime)
    assert built.personal is not None and built.personal.storage is built.storage


def test_the_app_leaves_a_runtime_the_caller_passed_in_open_and_unwired(
    writable_runtime: Runtime, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, writable_runtime, "a-long-enough-id-salt")
    with TestClient(create_app(settings, runtime=writable_runtime)) as client:
        assert client.get("/v1/search", params={"q": "护照"}).status_code == 200
        assert writable_runtime.popular_queries is not None  # fed by the app's query log
    page = writable_runtime.search.search("护照", SearchFilters())
    assert page.total > 0  # still open: the runtime is the caller's, not the app's
    # and no longer tied to the closed app: no popular queries, no reload listener
    assert writable_runtime.popular_queries is None and writable_runtime.listeners == []
