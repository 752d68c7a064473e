from __future__ import annotations

import pytest
from pydantic import ValidationError

from zwfw.core.settings import EncoderKind, Settings, get_settings


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
    with pytest.raises(ValidationError, match="'e5' or 'sentence_transformers'"):
        Settings()


def test_a_sentence_transformers_encoder_needs_a_model_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZWFW_ENCODER__KIND", EncoderKind.SENTENCE_TRANSFORMERS.value)
    with pytest.raises(ValidationError, match="ZWFW_ENCODER__MODEL_PATH"):
        Settings()
