"""Profiles: consent decides which facts are used, ID-card numbers never stored, deletion total."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from personal_support import NOW, consent_all, demo_records

from zwfw.core.errors import InvalidRecord, NotFound
from zwfw.personal import EventType, PersonalService, Purpose

ID_CARD = "44010619660101123X"
SENIOR = {
    "birth_year": 1966,
    "region_code": "440106",
    "employment_status": "self_employed",
    "children_birth_years": [2020],
    "low_income": True,
}


def test_a_profile_reads_back_with_its_consents_and_derived_ages(service: PersonalService) -> None:
    service.put_profile("u1", "person", SENIOR, consent_all(SENIOR))
    profile = service.get_profile("u1")
    assert profile.values["children_birth_years"] == (2020,)
    facts = profile.facts(Purpose.POLICY, NOW.date())
    assert facts["age"] == 60 and facts["children_ages"] == (6,)


def test_a_field_without_consent_for_the_purpose_is_treated_as_unknown(
    service: PersonalService,
) -> None:
    consents = consent_all(SENIOR) | {"birth_year": ["recommend"]}
    service.put_profile("u1", "person", SENIOR, consents)
    matches = service.policies_for("u1")
    eligible = {v.rule.policy.id for v in matches.eligible}
    # 广州 senior transit needs age ≥ 60: the age is known, but not consented for policies.
    assert "demo-policy-010" not in eligible
    (near,) = [v for v in matches.near_misses if v.rule.policy.id == "demo-policy-010"]
    assert [(r.field, r.known) for r in near.missing] == [("age", False)]
    assert "demo-policy-013" in eligible  # employment status is consented


def test_a_field_with_no_consent_at_all_is_never_used(service: PersonalService) -> None:
    service.put_profile("u1", "person", SENIOR, {})
    assert service.policies_for("u1").eligible == []
    assert service.get_profile("u1").facts(Purpose.RECOMMEND, NOW.date()) == {}


def test_the_id_card_number_is_never_stored_in_clear(service: PersonalService) -> None:
    service.put_profile("u1", "person", SENIOR, consent_all(SENIOR), id_card_number=ID_CARD)
    assert ID_CARD.encode() not in _stored_bytes(service)
    assert service.get_profile("u1").id_card_on_file
    assert service.user_for_id_card(ID_CARD.lower()) == "u1"


def test_the_id_card_hash_depends_on_the_configured_key(
    make_service: Callable[..., PersonalService],
) -> None:
    one = make_service()
    two = make_service(id_salt="another-key-0123456789")
    for service in (one, two):
        service.put_profile("u1", "person", SENIOR, {}, id_card_number=ID_CARD)
    hashes = {_column(s, "id_card_hmac") for s in (one, two)}
    assert len(hashes) == 2


def test_a_profile_update_without_the_id_card_keeps_it(service: PersonalService) -> None:
    service.put_profile("u1", "person", SENIOR, {}, id_card_number=ID_CARD)
    service.put_profile("u1", "person", {"birth_year": 1970}, {})
    profile = service.get_profile("u1")
    assert profile.id_card_on_file and profile.values == {"birth_year": 1970}


def test_deleting_a_user_leaves_nothing_of_them_in_the_database(service: PersonalService) -> None:
    service.put_profile("citizen-42", "person", SENIOR, consent_all(SENIOR), id_card_number=ID_CARD)
    service.record_event("citizen-42", EventType.SEARCH, query="老年人优待证怎么办理")
    service.record_event("citizen-42", EventType.HANDLE, item_id="11440100MB2C63962G3442108615001")
    service.record_event("someone-else", EventType.SEARCH, query="护照")
    digest = _column(service, "id_card_hmac")

    assert service.delete_user("citizen-42") == 3

    with pytest.raises(NotFound):
        service.get_profile("citizen-42")
    assert service.events_count("citizen-42") == 0 and service.events_count("someone-else") == 1
    raw = _stored_bytes(service)
    for trace in ("citizen-42", "老年人优待证怎么办理", digest, ID_CARD):
        assert trace.encode() not in raw, trace


@pytest.mark.parametrize(
    ("values", "message"),
    [
        pytest.param({"salary": 1}, "unknown person profile field 'salary'", id="unknown-field"),
        pytest.param({"birth_year": 2030}, "birth_year: must be between", id="future-birth"),
        pytest.param({"region_code": "广州"}, "6-digit division code", id="region-name"),
        pytest.param({"employment_status": "jobless"}, "valid values", id="bad-choice"),
        pytest.param({"low_income": "yes"}, "expected true or false", id="not-a-bool"),
    ],
)
def test_an_invalid_profile_is_rejected_naming_the_field(
    service: PersonalService, values: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidRecord, match=message):
        service.put_profile("u1", "person", values, {})


def test_consent_to_an_unknown_purpose_is_rejected(service: PersonalService) -> None:
    with pytest.raises(InvalidRecord, match="valid purposes are recommend, policy, push"):
        service.put_profile("u1", "person", SENIOR, {"birth_year": ["marketing"]})


def _stored_bytes(service: PersonalService) -> bytes:
    """Every byte the database keeps: the SQLite file with its log (deleted pages too), or
    on PostgreSQL every row of the personal tables."""
    storage = service.storage
    if storage.path is not None:
        files = storage.path.parent.glob(storage.path.name + "*")
        return b"".join(f.read_bytes() for f in files)
    with storage.engine.connect() as conn:
        rows = [
            tuple(r)
            for t in ("profile", "event")
            for r in conn.exec_driver_sql(f"SELECT * FROM {t}")
        ]
    return repr(rows).encode()


def _column(service: PersonalService, column: str) -> str:
    with service.storage.engine.connect() as conn:
        return str(conn.exec_driver_sql(f"SELECT {column} FROM profile").scalar())


def test_reloading_policies_keeps_profiles_and_rejects_a_bad_policy_whole(
    service: PersonalService,
) -> None:
    service.put_profile("u1", "person", SENIOR, consent_all(SENIOR))
    policies, items = demo_records()
    bad = dataclasses.replace(policies[0], eligibility={"field": "salary", "op": "gt", "value": 1})
    with pytest.raises(InvalidRecord, match=f"policy {policies[0].id}"):
        service.reload([bad, *policies[1:]], items)
    assert "demo-policy-001" in service.rules
    service.reload(policies[1:], items)
    assert "demo-policy-001" not in service.rules
    assert service.policies_for("u1").eligible  # the profile is still there
