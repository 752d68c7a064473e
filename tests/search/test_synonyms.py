"""Synonym rules: the shipped lexicon, validation, the store (on both databases) and its live
snapshot."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from zwfw.core.errors import InvalidRecord, NotFound, SourceError
from zwfw.search.synonyms import (
    MAX_TERM_CHARS,
    SHIPPED_LEXICON,
    SynonymRule,
    SynonymSet,
    SynonymStore,
    load_lexicon,
    validate,
)
from zwfw.storage import Storage

equivalent = SynonymRule.equivalent
oneway = SynonymRule.oneway


@pytest.fixture
def seeded(storage: Storage) -> Iterator[SynonymStore]:
    with SynonymStore(storage, seed=SHIPPED_LEXICON) as store:
        yield store


@pytest.fixture
def empty(storage: Storage) -> Iterator[SynonymStore]:
    with SynonymStore(storage, seed=None) as store:
        yield store


# --- the snapshot -----------------------------------------------------------------------


def test_equivalent_terms_expand_to_every_other_member_of_their_groups() -> None:
    synonyms = SynonymSet([equivalent("户口", "户籍"), equivalent("户口", "户口本", "户籍")])
    assert synonyms.expand("户口") == ("户籍", "户口本")
    assert synonyms.expand("户口本") == ("户口", "户籍")
    assert "户口" not in synonyms.expand("户口")


def test_oneway_rules_expand_one_step_and_never_back() -> None:
    synonyms = SynonymSet([oneway("孩子上学", "入学"), oneway("入学", "义务教育入学")])
    assert synonyms.expand("孩子上学") == ("入学",)
    assert synonyms.expand("义务教育入学") == ()
    assert synonyms.source_terms() == {"孩子上学", "入学"}


def test_scan_finds_the_longest_source_term_without_overlaps() -> None:
    synonyms = SynonymSet([equivalent("身份证", "居民身份证"), equivalent("临时身份证", "临时证")])
    assert synonyms.scan("办临时身份证和身份证") == ((1, "临时身份证"), (7, "身份证"))


# --- the shipped lexicon and validation -------------------------------------------------


def test_the_shipped_lexicon_loads_and_expands_everyday_words() -> None:
    rules = load_lexicon(SHIPPED_LEXICON)
    synonyms = SynonymSet(rules)
    assert len(rules) >= 300
    assert synonyms.expand("社保卡") == ("社会保障卡",)
    assert "社保卡" in synonyms.expand("社会保障卡")
    assert "入学" in synonyms.expand("孩子上学")
    assert "孩子上学" not in synonyms.expand("入学")


def test_a_bad_lexicon_line_fails_the_load_and_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"terms": ["a", "b"], "kind": "equivalent"}\n{"kind": "sideways"}\n')
    with pytest.raises(SourceError, match=r"bad\.jsonl:2: kind must be one of"):
        load_lexicon(path)


EXISTING = [
    SynonymRule(id=1, kind="oneway", terms=("驾照", "驾驶证")),
    SynonymRule(id=2, kind="oneway", terms=("驾驶证", "机动车驾驶证")),
]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        pytest.param(equivalent(), "terms must not be empty", id="empty-list"),
        pytest.param(equivalent("社保卡", "  "), "a term is empty", id="empty-term"),
        pytest.param(equivalent("社保卡"), "at least two different terms", id="one-term"),
        pytest.param(
            equivalent("社保卡", "长" * (MAX_TERM_CHARS + 1)),
            "has 21 characters, the limit is 20",
            id="too-long",
        ),
        pytest.param(equivalent(*(f"词{i}" for i in range(21))), "at most 20 terms", id="too-many"),
        pytest.param(oneway("护照", "护照"), "'护照' maps to itself", id="self-map"),
        pytest.param(
            equivalent("护照", "普通护照", "护照"), "duplicate term '护照'", id="duplicate"
        ),
        pytest.param(
            oneway("机动车驾驶证", "驾照"),
            "cycle: 机动车驾驶证 → 驾照 → 驾驶证 → 机动车驾驶证",
            id="cycle",
        ),
        pytest.param(oneway("驾照", "驾驶证"), r"already exists \(id 1\)", id="same-rule"),
    ],
)
def test_invalid_rules_are_rejected_with_a_reason(rule: SynonymRule, message: str) -> None:
    with pytest.raises(InvalidRecord, match=message):
        validate(rule, EXISTING)


def test_traditional_and_full_width_terms_are_normalised_before_validation() -> None:
    assert validate(equivalent("駕照", "ＡＢＣ證"), []).terms == ("驾照", "abc证")
    with pytest.raises(InvalidRecord, match=r"'驾照' maps to itself .*'駕照'"):
        validate(oneway("驾照", "駕照"), [])


def test_a_rule_may_replace_itself_without_being_its_own_cycle() -> None:
    replacement = SynonymRule(id=2, kind="oneway", terms=("驾驶证", "驾照"))
    assert validate(replacement, EXISTING[1:]).terms == ("驾驶证", "驾照")
    with pytest.raises(InvalidRecord, match="cycle"):
        validate(replacement, EXISTING)


# --- the store --------------------------------------------------------------------------


def test_a_new_store_is_seeded_from_the_shipped_lexicon(seeded: SynonymStore) -> None:
    page = seeded.list(limit=1)
    assert page.total >= 300 and page.items[0].updated_by == "system"
    synonyms = seeded.snapshot()
    assert synonyms.version == 1
    assert synonyms.expand("社保卡") == ("社会保障卡",)
    assert synonyms.expand("社会保障卡") == ("社保卡",)
    assert "入学" in synonyms.expand("孩子上学") and "孩子上学" not in synonyms.expand("入学")


def test_reopening_never_reseeds_so_deleted_rules_stay_deleted(storage: Storage) -> None:
    with SynonymStore(storage) as store:
        total = store.list().total
        rule = store.list(q="社保卡").items[0]
        store.delete(rule.id or 0, author="admin-1")
    with SynonymStore(storage) as store:
        assert store.list().total == total - 1
        assert store.snapshot().expand("社保卡") == ()


def test_list_filters_by_a_term_substring_in_either_script(seeded: SynonymStore) -> None:
    page = seeded.list(q="駕駛證", limit=200)
    assert page.total == len(page.items) > 0
    assert all(any("驾驶证" in t for t in r.terms) for r in page.items)
    assert seeded.list(q="驾驶证", offset=1, limit=200).items == page.items[1:]


def test_create_update_and_delete_are_versioned_with_author_time_and_content(
    empty: SynonymStore,
) -> None:
    start = datetime.now(UTC) - timedelta(seconds=1)
    created = empty.create(oneway("醫保", "医疗保险"), author="admin-aa")
    updated = empty.update(created.id or 0, equivalent("医保", "医疗保险"), author="admin-bb")
    empty.delete(created.id or 0, author="admin-cc")

    changes = empty.history(created.id or 0)
    assert [(c.action, c.version, c.author) for c in changes] == [
        ("create", 1, "admin-aa"),
        ("update", 2, "admin-bb"),
        ("delete", 3, "admin-cc"),
    ]
    assert changes[0].before is None and changes[0].after == created
    assert changes[1].before == created and changes[1].after == updated
    assert changes[2].before == updated and changes[2].after is None
    assert all(start <= c.at <= datetime.now(UTC) for c in changes)
    assert empty.history_all(limit=2) == changes[:0:-1]
    with pytest.raises(NotFound):
        empty.get(created.id or 0)


def test_a_stored_rule_reads_back_as_it_was_returned(empty: SynonymStore) -> None:
    created = empty.create(equivalent("公积金", "住房公积金"), author="admin-aa")
    fetched = empty.get(created.id or 0)
    assert (fetched, fetched.updated_at, fetched.updated_by) == (
        created,
        created.updated_at,
        "admin-aa",
    )


def test_an_update_that_changes_nothing_is_not_recorded(empty: SynonymStore) -> None:
    created = empty.create(equivalent("公积金", "住房公积金"), author="admin-aa")
    empty.update(created.id or 0, equivalent("公積金", "住房公积金"), author="admin-bb")
    assert len(empty.history(created.id or 0)) == 1 and empty.snapshot().version == 1


def test_editing_or_deleting_a_missing_rule_is_not_found(empty: SynonymStore) -> None:
    with pytest.raises(NotFound, match="synonym rule 99 does not exist"):
        empty.update(99, equivalent("a", "b"), author="admin-aa")
    with pytest.raises(NotFound):
        empty.delete(99, author="admin-aa")
    with pytest.raises(NotFound):
        empty.history(99)


def test_an_invalid_edit_changes_nothing(seeded: SynonymStore) -> None:
    before = seeded.snapshot()
    with pytest.raises(InvalidRecord, match="cycle: 入学 → 孩子上学 → 入学"):
        seeded.create(oneway("入学", "孩子上学"), author="admin-aa")
    assert seeded.snapshot() is before


def test_an_edit_is_visible_in_the_next_snapshot(seeded: SynonymStore) -> None:
    before = seeded.snapshot()
    assert seeded.snapshot() is before  # nothing changed: the cached snapshot is reused
    seeded.create(oneway("娃上学", "入学"), author="admin-aa")
    after = seeded.snapshot()
    assert after.expand("娃上学") == ("入学",) and before.expand("娃上学") == ()
    assert after.version == before.version + 1


def test_an_edit_by_another_replica_is_visible_in_the_next_snapshot(storage: Storage) -> None:
    with (
        SynonymStore(storage, poll_seconds=0) as server,
        SynonymStore(storage) as admin_tool,
    ):
        before = server.snapshot()
        rule = admin_tool.create(equivalent("银发证", "老年人优待证"), author="admin-aa")
        assert server.snapshot().expand("银发证") == ("老年人优待证",)
        admin_tool.delete(rule.id or 0, author="admin-aa")
        assert server.snapshot().expand("银发证") == ()
        assert server.snapshot().version == before.version + 2


def test_another_replicas_edit_is_seen_once_the_poll_interval_passed(storage: Storage) -> None:
    """Between polls a snapshot costs no database read; after one, the edit is live."""
    server, admin_tool = SynonymStore(storage, poll_seconds=0.2), SynonymStore(storage, seed=None)
    assert server.snapshot().expand("银发证") == ()
    admin_tool.create(equivalent("银发证", "老年人优待证"), author="admin-aa")
    assert server.snapshot().expand("银发证") == ()  # still within the interval
    deadline = time.monotonic() + 1.0
    while server.snapshot().expand("银发证") == () and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.snapshot().expand("银发证") == ("老年人优待证",)
