"""FAQ answer decisions over the demo FAQ, with the real engine, encoder and shipped model."""

from __future__ import annotations

import datetime as dt

import pytest

from zwfw.core.records import Faq
from zwfw.core.regions import name_of
from zwfw.qa import Action
from zwfw.runtime import Runtime


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


@pytest.mark.integration
def test_hiding_an_entry_closes_the_ranks_up_behind_it(demo_runtime: Runtime) -> None:
    # Leave-one-out fitting asks each FAQ question with its own entry hidden.
    question = "医保密码忘了怎么办"
    shown = demo_runtime.qa.match(question).scored
    top = shown[0].candidate
    hidden = demo_runtime.qa.match(question, hide={top.record.id}).scored
    assert top.record.id not in [s.candidate.record.id for s in hidden]
    ranks = sorted(s.candidate.vector_rank for s in hidden if s.candidate.vector_rank)
    assert ranks[0] == 1


@pytest.mark.integration
def test_questions_typed_exactly_as_in_the_faq_are_answered_from_their_entry(
    demo_runtime: Runtime,
) -> None:
    # Leave-one-out fitting never shows an exact match; the overlap features' sign constraint
    # keeps the model from learning that exact wording means a sibling entry.
    today = dt.date.today()
    live = [
        f
        for f in demo_runtime.index.docs.iter_kind("faq")
        if isinstance(f, Faq) and f.is_live(today)
    ]
    results = [(f, demo_runtime.qa.ask(f.question)) for f in live]
    answered = [(f, r) for f, r in results if r.action is Action.ANSWER]
    assert len(answered) >= 0.9 * len(live)
    assert all(r.sources[0].title == f.question for f, r in answered)


@pytest.mark.integration
def test_an_answer_names_the_region_whose_rules_it_states(demo_runtime: Runtime) -> None:
    """A citizen of another city sees whose answer it is: the entry's region, by name."""
    today = dt.date.today()
    for faq in demo_runtime.index.docs.iter_kind("faq"):
        assert isinstance(faq, Faq)
        result = demo_runtime.qa.ask(faq.question, today)
        if result.action is Action.ANSWER and result.sources[0].id == faq.id:
            expected = name_of(faq.region_code) if faq.region_code else ""
            assert result.sources[0].region == expected
