"""FAQ answer decisions over the demo FAQ, with the real engine and encoder."""

from __future__ import annotations

import datetime as dt

import pytest

from zwfw.core.settings import QaSettings
from zwfw.qa import Action, Evidence, decide
from zwfw.runtime import Runtime

SETTINGS = QaSettings()


@pytest.mark.parametrize(
    ("evidence", "action"),
    [
        pytest.param(Evidence(0.99, False, 0.99, margin=0.05), Action.ANSWER, id="clear-lead"),
        pytest.param(Evidence(0.99, False, 0.99, margin=0.001), Action.CLARIFY, id="near-tie"),
        pytest.param(Evidence(0.9, True, 0.9, coverage=0.7, margin=0), Action.ANSWER, id="agree"),
        pytest.param(Evidence(0.87, True, 0.90), Action.CLARIFY, id="agree-but-weak"),
        pytest.param(Evidence(0.9, True, 0.9, coverage=0.3), Action.CLARIFY, id="agree-few-words"),
        pytest.param(Evidence(0.5, False, 0.5), Action.HANDOFF, id="far"),
    ],
)
def test_the_decision_follows_the_calibrated_thresholds(evidence: Evidence, action: Action) -> None:
    assert decide(evidence, SETTINGS) is action


def test_agreement_needs_shared_words_unless_configured_otherwise() -> None:
    loose = SETTINGS.model_copy(update={"answer_agree_min_coverage": 0.0})
    assert decide(Evidence(0.9, True, 0.9, coverage=0.0, margin=0), SETTINGS) is Action.CLARIFY
    assert decide(Evidence(0.9, True, 0.9, coverage=0.0, margin=0), loose) is Action.ANSWER


@pytest.mark.integration
def test_a_faq_question_is_answered_with_its_source(demo_runtime: Runtime) -> None:
    result = demo_runtime.qa.ask("医保密码忘了怎么办")
    assert result.action is Action.ANSWER
    assert result.sources and result.sources[0].type == "faq"
    assert "密码" in result.sources[0].title and result.answer


@pytest.mark.integration
def test_an_out_of_scope_question_is_handed_off_with_the_hotline(demo_runtime: Runtime) -> None:
    result = demo_runtime.qa.ask("今晚的足球比赛谁会赢")
    assert result.action is Action.HANDOFF
    assert result.answer and "12345" in result.answer


@pytest.mark.integration
def test_an_expired_entry_is_never_answered_from(demo_runtime: Runtime) -> None:
    expired = [
        f
        for f in demo_runtime.index.docs.iter_kind("faq")
        if getattr(f, "expires_on", None) and f.expires_on < dt.date.today()
    ]  # type: ignore[union-attr]
    assert expired
    for faq in expired:
        result = demo_runtime.qa.ask(faq.question)  # type: ignore[union-attr]
        assert faq.id not in [s.id for s in result.sources]
        assert faq.id not in [s.id for s in result.suggestions]
