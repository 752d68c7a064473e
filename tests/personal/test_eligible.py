"""The SQL eligibility pass agrees with the explained verdicts and pages with a cursor."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from personal_support import NOW, consent_all, demo_records

from zwfw.core.errors import InvalidQuery, NotFound
from zwfw.personal import PersonalService, Purpose, compile_policies, judge
from zwfw.personal.fields import EMPLOYMENT, REVENUE_BANDS, SIZES, STORED

REGIONS = ["440106", "440100", "440305", "330106", "330100", "110000", "510100"]
INDUSTRIES = ["I65", "C16", "K70", "F51", "M73", "C39"]
QUALIFICATIONS = ["高新技术企业", "专精特新", "专精特新小巨人"]


def _random_values(rng: random.Random, audience: str) -> dict[str, Any]:
    if audience == "person":
        values: dict[str, Any] = {
            "birth_year": rng.randint(1930, 2008),
            "region_code": rng.choice(REGIONS),
            "hukou_region_code": rng.choice(REGIONS),
            "employment_status": rng.choice(EMPLOYMENT),
            "children_birth_years": rng.sample(range(2015, 2027), rng.randint(0, 2)),
            "has_disability": rng.random() < 0.3,
            "disability_level": rng.randint(1, 4),
            "retired": rng.random() < 0.3,
            "low_income": rng.random() < 0.3,
        }
    else:
        values = {
            "region_code": rng.choice(REGIONS),
            "industry_code": rng.choice(INDUSTRIES),
            "size": rng.choice(SIZES),
            "founded_on": dt.date(2026, 1, 1) - dt.timedelta(days=rng.randint(0, 9000)),
            "employees": rng.randint(0, 500),
            "revenue_band": rng.choice(REVENUE_BANDS),
            "qualifications": rng.sample(QUALIFICATIONS, rng.randint(0, 2)),
            "laid_off_rate": rng.choice([0.0, 0.03, 0.055, 0.1, 0.2, 0.3]),
        }
    # Drop some facts and withhold some consents so unknowns are exercised too.
    return {k: v for k, v in values.items() if rng.random() < 0.85}


def _random_consents(rng: random.Random, audience: str) -> dict[str, list[str]]:
    fields = [name for name, _ in STORED[audience]]  # type: ignore[index]
    return {f: [p for p in ("policy", "push") if rng.random() < 0.8] for f in fields}


def _all_pages(service: PersonalService, policy_id: str, size: int) -> list[str]:
    users: list[str] = []
    cursor = None
    while True:
        page = service.eligible_page(policy_id, cursor, size)
        users += page.user_ids
        if page.next_cursor is None:
            return users
        cursor = page.next_cursor


def test_the_push_list_matches_the_explained_verdict_for_every_demo_policy(
    service: PersonalService,
) -> None:
    rng = random.Random(6)
    profiles = {}
    for n in range(400):
        audience = "person" if n % 2 else "enterprise"
        profiles[f"u{n:03d}"] = service.put_profile(
            f"u{n:03d}", audience, _random_values(rng, audience), _random_consents(rng, audience)
        )
    today = NOW.date()
    rules = compile_policies(demo_records()[0])
    for policy_id, rule in rules.items():
        if rule.policy.expires_on and rule.policy.expires_on < today:
            continue
        expected = sorted(
            user
            for user, profile in profiles.items()
            if profile.audience == rule.policy.audience
            and judge(rule, profile.facts(Purpose.PUSH, today)).eligible
        )
        assert sorted(_all_pages(service, policy_id, 37)) == expected, policy_id
    assert any(_all_pages(service, p, 1000) for p in rules)


def test_only_profiles_consenting_to_push_are_on_a_push_list(service: PersonalService) -> None:
    values = {"birth_year": 1950, "region_code": "440106"}
    service.put_profile("pushed", "person", values, consent_all(values))
    service.put_profile("private", "person", values, {key: ["policy"] for key in values})
    assert _all_pages(service, "demo-policy-010", 10) == ["pushed"]
    assert [v.rule.policy.id for v in service.policies_for("private").eligible] == [
        "demo-policy-010"
    ]


def test_pages_follow_each_other_without_repeats(service: PersonalService) -> None:
    values = {"employment_status": "employed"}
    for n in range(25):
        service.put_profile(f"w{n:02d}", "person", values, consent_all(values))
    first = service.eligible_page("demo-policy-008", None, 10)
    second = service.eligible_page("demo-policy-008", first.next_cursor, 10)
    assert first.user_ids == [f"w{n:02d}" for n in range(10)]
    assert second.user_ids == [f"w{n:02d}" for n in range(10, 20)]
    assert len(_all_pages(service, "demo-policy-008", 10)) == 25


def test_a_cursor_of_another_policy_or_a_forged_one_is_refused(service: PersonalService) -> None:
    values = {"employment_status": "self_employed"}
    for n in range(3):
        service.put_profile(f"s{n}", "person", values, consent_all(values))
    cursor = service.eligible_page("demo-policy-013", None, 1).next_cursor
    with pytest.raises(InvalidQuery, match="another policy"):
        service.eligible_page("demo-policy-016", cursor, 1)
    with pytest.raises(InvalidQuery, match="not valid"):
        service.eligible_page("demo-policy-013", "not-a-cursor!", 1)


def test_an_expired_or_unknown_policy_has_no_push_list(service: PersonalService) -> None:
    with pytest.raises(InvalidQuery, match="expired on 2023-12-31"):
        service.eligible_page("demo-policy-026", None, 10)
    with pytest.raises(NotFound):
        service.eligible_page("no-such-policy", None, 10)
