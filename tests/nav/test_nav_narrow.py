"""The next question is the one that best splits the likely candidates."""

from __future__ import annotations

from zwfw.nav.narrow import Cand, best_question, keep, options_for, winner


def _cand(key: str, weight: float = 1.0, **facets: set[str]) -> Cand:
    return Cand(key, weight, {a: frozenset(v) for a, v in facets.items()})


def _plain(_attr: str, value: str) -> str:
    return value


POOL = [
    _cand("a", variant={"首次"}, region={"广州市"}, department={"公安"}),
    _cand("b", variant={"补领"}, region={"广州市"}, department={"公安"}),
    _cand("c", variant={"换领"}, region={"广州市"}, department={"公安"}),
    _cand("d", variant={"注销"}, region={"广州市"}, department={"公安"}),
]


def test_the_question_is_about_the_attribute_that_separates_the_candidates() -> None:
    question = best_question(POOL, set(), 6, _plain)
    assert question is not None and question.attr == "variant"
    assert sorted((o.label, o.count) for o in question.options) == [
        ("换领", 1), ("注销", 1), ("补领", 1), ("首次", 1)
    ]  # fmt: skip


def test_an_attribute_already_asked_is_not_asked_again() -> None:
    assert best_question(POOL, {"variant"}, 6, _plain) is None  # nothing else splits


def test_elder_mode_offers_at_most_three_options_with_the_rest_as_other() -> None:
    question = best_question(POOL, set(), 3, _plain)
    assert question is not None and len(question.options) == 3
    assert question.options[-1].label == "其他" and question.options[-1].count == 2


def test_an_item_that_says_nothing_about_an_attribute_survives_every_answer() -> None:
    pool = [*POOL, _cand("e", variant=set())]
    options = options_for(pool, "variant", 6, lambda v: v)
    assert all(any(c.key == "e" for c in keep(pool, "variant", o)) for o in options)


def test_retrieval_weight_decides_when_one_item_clearly_wins() -> None:
    assert winner([_cand("a", 10.0), _cand("b", 1.0), _cand("c", 1.0)]) is not None
    assert winner([_cand("a", 1.2), _cand("b", 1.0)]) is None
    assert winner([_cand("only")]) is not None


def test_a_split_of_unlikely_candidates_is_worth_less() -> None:
    pool = [
        _cand("a", 5.0, region={"广州市"}, variant={"首次"}),
        _cand("b", 5.0, region={"广州市"}, variant={"补领"}),
        _cand("c", 0.1, region={"深圳市"}, variant={"首次"}),
        _cand("d", 0.1, region={"杭州市"}, variant={"首次"}),
    ]
    question = best_question(pool, set(), 6, _plain)
    assert question is not None and question.attr == "variant"
