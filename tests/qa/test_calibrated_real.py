"""The shipped answer classifier on the real Beijing FAQ: the dev queries (which it was not
fitted on) and held-out out-of-scope questions built from real citizen messages and other
provinces' items."""

from __future__ import annotations

import pytest
from testdata import shared_file

from zwfw.core.settings import Settings
from zwfw.evaluation import eval_faq, read_jsonl
from zwfw.indexer import build_index, load_sources
from zwfw.models import Segmenter
from zwfw.models.encoders import CachedEncoder
from zwfw.qa import Action, QaService
from zwfw.qa.outofscope import citizen_questions, home_of, region_questions, sample
from zwfw.runtime import load_runtime

pytestmark = [pytest.mark.integration, pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def qa(
    tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter, encoder: CachedEncoder
) -> QaService:
    index_dir = tmp_path_factory.mktemp("beijing-faq")
    records = load_sources([shared_file("data", "beijing_gov_faq.jsonl")]).records
    settings = Settings(index_dir=index_dir, state_db=index_dir / "state.sqlite")
    build_index(records, settings, encoder, segmenter)
    return load_runtime(settings, (segmenter, encoder)).qa


def test_dev_questions_are_answered_often_and_rarely_wrongly(qa: QaService) -> None:
    figures = eval_faq(qa, read_jsonl(shared_file("eval", "faq_dev.jsonl")))
    assert figures["top1"] >= 0.93
    # Out of fold (the pair matcher and classifier refitted without the query): 0.754 at
    # the shipped threshold (mean of the folds); in-sample here (0.807), so a floor.
    assert figures["answered_correct"] >= 0.75
    assert figures["answered_wrong"] <= 0.02
    # In-domain near-misses (dev's own out-of-scope questions) have a limit of their own,
    # 1 of 15; the shipped model keeps it on the questions it was fitted on as well as out
    # of fold (its threshold is the stricter of the two, docs/qa.md).
    assert figures["out_of_scope_answered"] <= 0.067  # 1 of 15, rounded to 4 places


def test_held_out_out_of_scope_questions_are_rarely_answered(qa: QaService) -> None:
    home = home_of(qa.search.index.docs.iter_kind("faq"))
    material = [
        *citizen_questions(shared_file("data", "citizen_messages_labeled.jsonl")),
        *region_questions([shared_file("data", "hunan_items.jsonl")], home),
    ]
    held_out = sample((q for q in material if q.half == "eval"), 150)
    rows = [{"query": q.text, "faq_ids": []} for q in held_out]
    assert len(rows) == 300
    assert eval_faq(qa, rows)["out_of_scope_answered"] <= 0.08


def test_a_question_about_another_province_is_not_answered_from_beijing(qa: QaService) -> None:
    asked = "在湖南省办理3周岁内国内出生新生儿上户需要什么材料？"
    assert qa.ask(asked).action is not Action.ANSWER


def test_a_generic_question_is_not_answered_with_an_entry_for_a_narrower_case(
    qa: QaService,
) -> None:
    """公积金怎么提取 matched 退休人员如何提取公积金？; other 提取 entries fit it as well."""
    result = qa.ask("公积金怎么提取")
    assert result.action is Action.CLARIFY and len(result.suggestions) >= 2
