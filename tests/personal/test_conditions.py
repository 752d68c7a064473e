"""Eligibility trees are validated when policies load, with errors naming the policy."""

from __future__ import annotations

from typing import Any

import pytest
from personal_support import demo_records, make_policy

from zwfw.core.errors import InvalidRecord
from zwfw.personal import compile_policies, compile_policy


def test_every_demo_policy_has_a_valid_eligibility_tree() -> None:
    policies, _ = demo_records()
    rules = compile_policies(policies)
    assert len(rules) == len(policies) >= 20
    assert {r.policy.audience for r in rules.values()} == {"person", "enterprise"}


@pytest.mark.parametrize(
    ("tree", "audience", "message"),
    [
        pytest.param(
            {"field": "salary", "op": "gt", "value": 1}, "person",
            "policy p-test: eligibility: unknown field 'salary'", id="unknown-field",
        ),
        pytest.param(
            {"all": [{"field": "age", "op": "older_than", "value": 1}]}, "person",
            "policy p-test: eligibility.all[0]: unknown operator 'older_than'", id="unknown-op",
        ),
        pytest.param(
            {"field": "employees", "op": "gte", "value": 1}, "person",
            "unknown field 'employees' for person policies", id="enterprise-field-on-person",
        ),
        pytest.param(
            {"field": "age", "op": "contains", "value": 1}, "person",
            "operator 'contains' does not apply to age", id="op-not-for-field",
        ),
        pytest.param(
            {"field": "employment_status", "op": "eq", "value": "jobless"}, "person",
            "valid values: employed", id="unknown-choice",
        ),
        pytest.param(
            {"field": "age", "op": "between", "value": [60, 16]}, "person",
            "lower bound is above the upper bound", id="inverted-range",
        ),
        pytest.param(
            {"field": "age", "op": "gte", "value": True}, "person",
            "bad value True for age gte", id="bool-as-number",
        ),
        pytest.param(
            {"field": "founded_on", "op": "date_between", "value": [None, "2024-13-01"]},
            "enterprise", "bad value", id="bad-date",
        ),
        pytest.param(
            {"any": []}, "person", "eligibility.any: must be a non-empty list", id="empty-any"
        ),
        pytest.param(
            {"not": {"field": "age", "op": "gte", "value": 1}, "all": []}, "person",
            "expected all/any/not or field/op/value", id="mixed-keys",
        ),
    ],
)  # fmt: skip
def test_an_invalid_tree_is_rejected_with_the_policy_and_node_named(
    tree: dict[str, Any], audience: str, message: str
) -> None:
    with pytest.raises(InvalidRecord, match="policy p-test") as info:
        compile_policy(make_policy(tree, audience))
    assert message in info.value.message


def test_a_policy_without_conditions_has_no_rule() -> None:
    assert compile_policy(make_policy(None)) is None
