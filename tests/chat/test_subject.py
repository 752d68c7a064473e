"""The options of a clarification are about what the message names: entries that hold its
subject come first (QA's next candidates that hold it join them, those sharing nothing are
dropped), progress lookups come last unless progress is asked about, and a follow-up after
a FAQ answer keeps the entry's subject without its lookup words."""

from __future__ import annotations

from typing import Any

import pytest

from zwfw.chat.fields import topic_of
from zwfw.chat.router import TurnRouter
from zwfw.chat.subject import Subject
from zwfw.core.records import Faq, Item, parse_record
from zwfw.qa import Action, QaResult, Suggestion
from zwfw.qa.rerank import Scored
from zwfw.qa.service import Match
from zwfw.runtime import Runtime
from zwfw.search import Candidate

pytestmark = pytest.mark.integration


def _item(ident: str, name: str) -> Item:
    data: dict[str, Any] = {
        "kind": "item", "id": ident, "name": name, "item_type": "公共服务",
        "department": "公安厅", "region_code": "440000", "region_name": "广东省",
        "level": "省级", "audiences": ["自然人"],
    }  # fmt: skip
    record = parse_record(data)
    assert isinstance(record, Item)
    return record


def _faq(ident: str, question: str) -> Faq:
    record = parse_record({"kind": "faq", "id": ident, "question": question, "answer": "…"})
    assert isinstance(record, Faq)
    return record


def _cand(record: Item | Faq, cosine: float) -> Candidate:
    return Candidate(f"{record.kind}:{record.id}", record, 1.0, 1, 1.0, 1, cosine)


def _router(runtime: Runtime) -> TurnRouter:
    return TurnRouter(runtime.search, runtime.qa, 0.88)


def test_entries_holding_the_subject_come_first_and_deeper_ones_join_them(
    demo_runtime: Runtime,
) -> None:
    # Close by cosine and sharing only the action (补办): QA's first suggestions; the
    # entries about 身份证 are QA's fourth and fifth candidates.
    near = [_faq("f1", "产权证平面图丢失，怎么补办？"), _faq("f2", "如何办理补考？")]
    about = [_faq("f3", "身份证丢失如何办理登机？"), _faq("f4", "怎么申请临时身份证？")]
    result = QaResult(Action.CLARIFY, None, [], [Suggestion(f.id, f.question, 0.91) for f in near])
    query = demo_runtime.search.analyze("身份证怎么补办")
    match = Match(query, [Scored(_cand(f, 0.91)) for f in near] + [
        Scored(_cand(f, 0.90)) for f in about
    ])  # fmt: skip
    router = _router(demo_runtime)
    deeper = [s.candidate for s in match.scored[2:]]
    offers = router._offers([], result, Subject.of(query), deeper)
    assert [o.label for o in offers] == [f.question for f in about]


def test_after_a_hand_off_no_deeper_entry_is_offered(demo_runtime: Runtime) -> None:
    query = demo_runtime.search.analyze("身份证怎么补办")
    result = QaResult(Action.HANDOFF, "…", [], [])
    deeper = [_cand(_faq("f3", "身份证丢失如何办理登机？"), 0.9)]
    assert _router(demo_runtime)._offers([], result, Subject.of(query), deeper) == []


@pytest.mark.parametrize(
    ("message", "first"),
    [
        pytest.param("深圳护照办理要多少钱", "办理及加注普通护照", id="service-first"),
        pytest.param("护照办理进度怎么查", "首次办理普通护照办证进度查询", id="progress-asked"),
    ],
)
def test_progress_lookups_come_last_unless_progress_is_asked(
    demo_runtime: Runtime, message: str, first: str
) -> None:
    found = [
        _cand(_item("i1", "首次办理普通护照办证进度查询"), 0.93),
        _cand(_item("i2", "补发普通护照办证进度查询"), 0.92),
        _cand(_item("i3", "办理及加注普通护照"), 0.90),
    ]
    query = demo_runtime.search.analyze(message)
    result = QaResult(Action.HANDOFF, "…", [], [])
    offers = _router(demo_runtime)._offers(found, result, Subject.of(query), [])
    assert offers[0].label == first and len(offers) == 3


def test_a_synonym_of_the_subject_holds_it(demo_runtime: Runtime) -> None:
    subject = Subject.of(demo_runtime.search.analyze("社保卡怎么激活"))
    assert subject.holds("社会保障卡如何申领或者补换？")
    assert not subject.holds("如何办理补考？")


@pytest.mark.parametrize(
    ("title", "topic"),
    [
        pytest.param("如何查询社保卡办理状态？", "社保卡办理", id="lookup-words-dropped"),
        pytest.param("社保卡办理进度查询", "社保卡办理", id="progress"),
        pytest.param("社会保障卡如何申领或者补换？", "社会保障卡 申领或者补换", id="kept"),
    ],
)
def test_a_faq_answers_topic_drops_its_lookup_words(title: str, topic: str) -> None:
    assert topic_of(title) == topic


def test_a_synonym_stands_for_its_word_only(demo_runtime: Runtime) -> None:
    # 身份证号 is one word of a long subject about 公积金: a title holding a synonym of it
    # (居民身份证) does not hold the subject.
    query = demo_runtime.search.analyze("职工个人住房公积金账户姓名或身份证号错误 变更 在哪里办")
    subject = Subject.of(query)
    assert not subject.holds("居民身份证办理进度查询")
    assert subject.holds("职工个人住房公积金账户姓名或身份证号错误，如何变更？")
