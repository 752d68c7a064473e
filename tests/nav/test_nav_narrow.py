"""The next question is the facet that best splits the likely candidates, readably."""

from __future__ import annotations

from zwfw.nav.narrow import (
    WAY_OUT,
    Cand,
    best_question,
    keep,
    options_for,
    shortlist,
    splits,
    winner,
)


def _cand(key: str, weight: float = 1.0, text: str = "", **facets: set[str]) -> Cand:
    values = {a: frozenset(v) for a, v in facets.items()}
    return Cand(key, weight, values, text or " ".join(v for vs in facets.values() for v in vs))


def _plain(_attr: str, value: str) -> str:
    return value


POOL = [
    _cand("a", variant={"首次"}, region={"广州市"}, department={"公安"}),
    _cand("b", variant={"补领"}, region={"广州市"}, department={"公安"}),
    _cand("c", variant={"换领"}, region={"广州市"}, department={"公安"}),
    _cand("d", variant={"注销"}, region={"广州市"}, department={"公安"}),
]


def test_the_question_is_about_the_facet_that_separates_the_candidates() -> None:
    question = best_question(POOL, set(), 6, _plain)
    assert question is not None and question.attr == "variant"
    assert [(o.label, o.count) for o in question.options][-1] == (WAY_OUT, 4)
    assert sorted((o.label, o.count) for o in question.options[:-1]) == [
        ("换领", 1), ("注销", 1), ("补领", 1), ("首次", 1)
    ]  # fmt: skip


def test_a_facet_already_asked_is_not_asked_again() -> None:
    assert best_question(POOL, {"variant"}, 6, _plain) is None  # nothing else splits


def test_a_facet_that_splits_exactly_like_an_asked_one_is_the_same_question() -> None:
    pool = [_cand(k, catalog={f"{k}证"}, variant={v}) for k, v in (("x", "首次"), ("y", "补领"))]
    assert best_question(pool, set(), 6, _plain) is not None
    assert best_question(pool, {"variant"}, 6, _plain) is None


def test_beyond_the_shown_values_the_rest_answer_to_other() -> None:
    question = best_question(POOL, set(), 3, _plain)
    assert question is not None and len(question.options) == 3
    assert question.options[-1].label == "其他" and question.options[-1].count == 2


def test_every_named_option_keeps_some_but_not_all_candidates() -> None:
    options = options_for(POOL, "variant", 6, lambda v: v)
    assert splits(POOL, options)
    everywhere = options_for(POOL, "department", 6, lambda v: v)
    assert not splits(POOL, everywhere)  # 公安 fits all four: not a question


def test_an_item_that_says_nothing_about_a_facet_survives_every_answer() -> None:
    pool = [*POOL, _cand("e", variant=set())]
    options = options_for(pool, "variant", 6, lambda v: v)
    assert all(any(c.key == "e" for c in keep(pool, "variant", o)) for o in options)


def test_the_way_out_that_covers_nothing_new_keeps_every_candidate() -> None:
    options = options_for(POOL, "variant", 6, lambda v: v)
    assert options[-1].label == WAY_OUT and options[-1].keeps_all
    assert len(keep(POOL, "variant", options[-1])) == len(POOL)


def test_a_label_written_in_an_item_it_would_drop_is_not_offered() -> None:
    """撤销 is in the shared catalogue entry of every item: a citizen reading theirs would pick
    it whatever they want, so it answers to 其他 instead of being named."""
    entry = "对股权出质设立、变更、注销、撤销登记"
    pool = [
        _cand("s", 3.0, f"对股权出质设立登记 {entry}", variant={"设立"}),
        _cand("r", 2.0, f"对股权出质撤销登记 {entry}", variant={"撤销"}),
        _cand("c", 1.0, f"对股权出质变更登记 {entry}", variant={"变更"}),
    ]
    labels = [o.label for o in options_for(pool, "variant", 6, lambda v: v)]
    assert "撤销" not in labels and "设立" not in labels and "变更" not in labels


def test_a_label_missing_from_an_item_it_keeps_is_not_offered() -> None:
    pool = [
        _cand("a", text="保安员证核发(遗失补发保安员证)", variant={"补领"}),
        _cand("b", text="保安员证核发(初次申领保安员证)", variant={"首次"}),
    ]
    assert best_question(pool, set(), 6, _plain) is None  # 补领 / 首次 are in neither name


def test_retrieval_weight_decides_when_one_item_clearly_wins() -> None:
    assert winner([_cand("a", 10.0), _cand("b", 1.0), _cand("c", 1.0)]) is not None
    assert winner([_cand("a", 1.2), _cand("b", 1.0)]) is None
    assert winner([_cand("only")]) is not None


def test_a_session_ends_on_every_close_rival_not_one_guess() -> None:
    pool = [_cand("a", 1.0), _cand("b", 0.9), _cand("c", 0.1), _cand("d", 0.01)]
    assert [c.key for c in shortlist(pool, 5)] == ["a", "b", "c"]
    assert [c.key for c in shortlist(pool, 2)] == ["a", "b"]
    assert [c.key for c in shortlist([_cand("a", 10.0), _cand("b", 1.0)], 5)] == ["a"]


def test_a_split_of_unlikely_candidates_is_worth_less() -> None:
    pool = [
        _cand("a", 5.0, region={"广州市"}, variant={"首次"}),
        _cand("b", 5.0, region={"广州市"}, variant={"补领"}),
        _cand("c", 0.1, region={"深圳市"}, variant={"首次"}),
        _cand("d", 0.1, region={"杭州市"}, variant={"首次"}),
    ]
    question = best_question(pool, set(), 6, _plain)
    assert question is not None and question.attr == "variant"


def test_the_heaviest_candidate_is_named_though_its_name_is_inside_a_siblings() -> None:
    """办理往来港澳通行证 is inside 首次办理往来港澳通行证进度查询: both are named, the heavier
    first, so the likeliest service is never hidden behind 其他."""
    pool = [
        _cand("main", 0.65, service={"办理往来港澳通行证"}),
        _cand("lookup", 0.31, service={"首次办理往来港澳通行证进度查询"}),
        _cand("tw", 0.03, service={"办理往来台湾通行证"}),
        _cand("x", 0.006, service={"办理中华人民共和国出入境通行证"}),
    ]
    options = options_for(pool, "service", 3, lambda v: v)
    assert options[0].label == "办理往来港澳通行证"
    assert "首次办理往来港澳通行证进度查询" in [o.label for o in options]


def test_a_question_that_cannot_name_the_heaviest_candidate_is_not_asked() -> None:
    pool = [
        _cand("main", 5.0, "甲证核发 撤销", variant={"首次"}),
        _cand("b", 1.0, "甲证撤销", variant={"撤销"}),
        _cand("c", 1.0, "甲证变更", variant={"变更"}),
    ]
    question = best_question(pool, set(), 6, _plain)
    assert question is None or any(
        "main" in {c.key for c in keep(pool, question.attr, o)}
        for o in question.options
        if o.label not in ("其他", WAY_OUT)
    )


def test_a_question_whose_named_options_keep_little_weight_is_not_asked() -> None:
    """找哪个部门？[司法厅, 其他] when 司法厅 holds a sliver of the weight tells nobody anything."""
    pool = [
        _cand("a", 1.0, department={"民政厅"}),
        _cand("b", 1.0, department={"人社厅"}),
        _cand("c", 1.0, department={"卫健委"}),
        _cand("d", 1.0, department={"医保局"}),
        _cand("e", 0.6, department={"司法厅"}),
        _cand("f", 0.6, department={"司法厅"}),
    ]
    assert best_question(pool, set(), 2, _plain) is None


def test_a_lookup_variant_is_offered_last_to_a_need_that_does_not_ask_to_look_up() -> None:
    from zwfw.nav.narrow import Option, Question
    from zwfw.nav.service import _lookups_last

    options = (
        Option("查询", frozenset({"查询"}), 22),
        Option("首次", frozenset({"首次"}), 5),
        Option("其他", frozenset({"x"}), 3),
    )
    question = Question("variant", options, 1.0)
    assert [o.label for o in _lookups_last(question, "我要办港澳通行证").options] == [
        "首次", "查询", "其他"
    ]  # fmt: skip
    assert _lookups_last(question, "查一下港澳通行证进度").options == options
