from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError
from testdata import ROOT

from zwfw.core.errors import ConfigError
from zwfw.core.settings import (
    EncoderKind,
    PersonalSettings,
    Settings,
    get_settings,
    setting_names,
)


def test_nested_settings_come_from_the_zwfw_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZWFW_SEARCH__RRF_K", "30")
    monkeypatch.setenv("ZWFW_INDEX_DIR", "/tmp/somewhere")
    settings = get_settings()
    assert settings.search.rrf_k == 30
    assert str(settings.index_dir) == "/tmp/somewhere"


def test_an_invalid_value_fails_at_start_up_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZWFW_SEARCH__RRF_K", "0")
    with pytest.raises(ValidationError, match=r"search\.rrf_k"):
        Settings()


def test_an_unknown_encoder_kind_lists_the_valid_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZWFW_ENCODER__KIND", "bert")
    with pytest.raises(ValidationError, match="'e5', 'e5_onnx' or 'sentence_transformers'"):
        Settings()


def test_a_sentence_transformers_encoder_needs_a_model_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZWFW_ENCODER__KIND", EncoderKind.SENTENCE_TRANSFORMERS.value)
    with pytest.raises(ValidationError, match="ZWFW_ENCODER__MODEL_PATH"):
        Settings()


@pytest.mark.parametrize(
    ("name", "named"),
    [
        pytest.param("ZWFW_SEARCH__RRFK", "ZWFW_SEARCH__RRF_K", id="nested-typo"),
        pytest.param("ZWFW_INDEXDIR", "ZWFW_INDEX_DIR", id="top-level-typo"),
        pytest.param("ZWFW_SERACH__RRF_K", "ZWFW_SEARCH__RRF_K", id="group-typo"),
    ],
)
def test_a_misspelt_setting_is_an_error_that_names_it_and_the_right_one(
    monkeypatch: pytest.MonkeyPatch, name: str, named: str
) -> None:
    monkeypatch.setenv(name, "5")
    with pytest.raises(ConfigError, match=rf"unknown setting {name} \(did you mean {named}\?\)"):
        get_settings()


def test_an_invalid_setting_is_one_line_that_names_it_without_its_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZWFW_ADMIN__TOKEN_HASHES", '["not-a-hash-but-a-secret"]')
    with pytest.raises(ConfigError) as raised:
        get_settings()
    assert "ZWFW_ADMIN__TOKEN_HASHES" in raised.value.message
    assert "not-a-hash-but-a-secret" not in raised.value.message
    assert "\n" not in raised.value.message


@pytest.mark.parametrize(
    ("env", "match"),
    [
        pytest.param({"ZWFW_LEXICAL__ES_URL": "localhost:9200"}, "http", id="no-scheme"),
        pytest.param(
            {"ZWFW_LEXICAL__BACKEND": "elasticsearch"}, "ES_URL is required", id="missing"
        ),
    ],
)
def test_the_elasticsearch_url_is_checked_at_start_up(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], match: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=match):
        get_settings()


@pytest.mark.parametrize(
    ("secret", "salt", "reason"),
    [
        pytest.param(None, None, "to enable it", id="unset"),
        pytest.param("short", "s" * 16, "TOKEN_SECRET must be at least 32 bytes", id="short-key"),
        pytest.param("k" * 32, "short", "ID_SALT must be at least 16", id="short-salt"),
        pytest.param("k" * 32, "s" * 16, None, id="usable"),
    ],
)
def test_personal_secrets_are_judged_at_start_up_without_failing_the_rest(
    secret: str | None, salt: str | None, reason: str | None
) -> None:
    personal = PersonalSettings(token_secret=secret, id_salt=salt)
    found = personal.disabled_reason()
    assert found == reason if reason is None else reason in (found or "")


def test_a_database_under_a_file_is_a_start_up_error_naming_the_setting(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    settings = Settings(state_db=tmp_path / "afile" / "state.sqlite")
    with pytest.raises(ConfigError, match=r"ZWFW_STATE_DB=.*afile is a file"):
        settings.check_paths()
    Settings(state_db=tmp_path / "new" / "deeper" / "state.sqlite").check_paths()  # creatable


def test_every_setting_is_documented() -> None:
    documented = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in setting_names() if f"`{name}`" not in documented]
    assert missing == [], f"add these to docs/settings.md: {missing}"


def test_the_documented_settings_all_exist() -> None:
    documented = set(
        re.findall(r"`(ZWFW_[A-Z0-9_]+)`", (ROOT / "docs" / "settings.md").read_text())
    )
    assert documented - set(setting_names()) == set()
