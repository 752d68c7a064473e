"""Eligibility verdicts: every operator, three-valued logic, explanations and near-misses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from personal_support import make_policy

from zwfw.personal import Rule, compile_policy, judge


def _rule(tree: dict[str, Any], audience: str = "person") -> Rule:
    rule = compile_policy(make_policy(tree, audience))
    assert rule is not None
    return rule


def _leaf(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


D = dt.date
P, E = "person", "enterprise"


def _op(audience: str, field: str, op: str, value: Any, meets: Any, fails: Any) -> Any:
    return pytest.param(audience, _leaf(field, op, value), meets, fails, id=op)


# (audience, condition, a fact that meets it, a fact that does not)
OPERATORS = [
    _op(P, "employment_status", "eq", "unemployed", "unemployed", "employed"),
    _op(P, "retired", "ne", True, False, True),
    _op(P, "age", "gt", 79, 80, 79),
    _op(P, "age", "gte", 60, 60, 59),
    _op(E, "laid_off_rate", "lt", 0.055, 0.05, 0.055),
    _op(E, "employees", "lte", 30, 30, 31),
    _op(P, "age", "between", [16, 60], 16, 61),
    _op(P, "disability_level", "in", [1, 2], 2, 3),
    _op(E, "industry_code", "not_in", ["K70", "L71"], "I65", "K70"),
    _op(P, "children_ages", "contains", 0, (0, 5), (3, 5)),
    _op(P, "hukou_region_code", "within", "440000", "440106", "330106"),
    _op(
        E, "founded_on", "date_between", ["2020-01-01", "2024-01-01"], D(2024, 1, 1), D(2024, 1, 2)
    ),
    _op(E, "founded_on", "date_between", [None, "2024-01-01"], D(1999, 1, 1), D(2025, 1, 1)),
]


@pytest.mark.parametrize(("audience", "tree", "meets", "fails"), OPERATORS)
def test_each_operator_meets_fails_and_stays_unknown_without_the_fact(
    audience: str, tree: dict[str, Any], meets: Any, fails: Any
) -> None:
    rule = _rule(tree, audience)
    field = tree["field"]
    assert judge(rule, {field: meets}).eligible
    assert not judge(rule, {field: fails}).eligible
    unknown = judge(rule, {})
    assert not unknown.eligible
    assert unknown.missing and not unknown.missing[0].known


def test_exists_asks_whether_the_fact_is_known() -> None:
    needs = _rule(_leaf("disability_level", "exists", True))
    lacks = _rule(_leaf("disability_level", "exists", False))
    assert judge(needs, {"disability_level": 2}).eligible
    assert not judge(needs, {}).eligible
    assert judge(lacks, {}).eligible


def test_region_containment_admits_districts_of_a_city_but_not_its_neighbours() -> None:
    guangzhou = _rule(_leaf("region_code", "within", "440100"))
    assert judge(guangzhou, {"region_code": "440106"}).eligible  # 天河区
    assert judge(guangzhou, {"region_code": "440100"}).eligible
    assert not judge(guangzhou, {"region_code": "440305"}).eligible  # 深圳南山区
    assert not judge(guangzhou, {"region_code": "440000"}).eligible  # the province is bigger
    assert judge(
        _rule(_leaf("region_code", "within", "100000")), {"region_code": "330106"}
    ).eligible


def test_not_of_an_unknown_fact_never_grants_a_benefit() -> None:
    rule = _rule({"not": _leaf("industry_code", "in", ["K70"])}, "enterprise")
    assert not judge(rule, {}).eligible
    assert judge(rule, {"industry_code": "I65"}).eligible
    assert not judge(rule, {"industry_code": "K70"}).eligible


def test_an_eligible_verdict_explains_which_fact_met_which_condition() -> None:
    rule = _rule({"all": [_leaf("age", "gte", 60), _leaf("region_code", "within", "440100")]})
    verdict = judge(rule, {"age": 62, "region_code": "440106"})
    assert [(r.condition, r.fact) for r in verdict.met] == [
        ("年龄 ≥ 60", "年龄：62"),
        ("常住地区在广州市范围内", "常住地区：天河区（440106）"),
    ]


def test_an_any_is_explained_by_the_branch_that_held_and_a_not_in_negated_words() -> None:
    any_rule = _rule({"any": [_leaf("low_income", "eq", True), _leaf("age", "gte", 40)]})
    assert [r.condition for r in judge(any_rule, {"low_income": False, "age": 45}).met] == [
        "年龄 ≥ 40"
    ]
    not_rule = _rule({"not": _leaf("industry_code", "in", ["K70", "L71"])}, "enterprise")
    (reason,) = judge(not_rule, {"industry_code": "I65"}).met
    assert reason.condition == "行业代码不为K70、L71"


def test_a_policy_missed_by_one_condition_is_a_near_miss_naming_it() -> None:
    rule = _rule({"all": [_leaf("age", "gte", 60), _leaf("region_code", "within", "440100")]})
    verdict = judge(rule, {"age": 58, "region_code": "440106"})
    assert verdict.near_miss
    assert [(r.field, r.condition, r.fact) for r in verdict.missing] == [
        ("age", "年龄 ≥ 60", "年龄：58")
    ]


def test_a_policy_missed_by_two_conditions_is_not_a_near_miss() -> None:
    rule = _rule({"all": [_leaf("age", "gte", 60), _leaf("region_code", "within", "440100")]})
    verdict = judge(rule, {"age": 58, "region_code": "330106"})
    assert not verdict.eligible and not verdict.near_miss


def test_a_near_miss_on_an_unknown_fact_says_it_is_unknown() -> None:
    rule = _rule({"all": [_leaf("age", "gte", 60), _leaf("low_income", "eq", True)]})
    (reason,) = judge(rule, {"age": 61}).missing
    assert reason.condition == "属于低收入家庭" and not reason.known
    assert "未知" in reason.fact
