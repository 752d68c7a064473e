"""The curation loop: tasks from recurring failures, proposal states, duties and the audit."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import sqlalchemy as sa
from ops.pii_samples import MOBILE

from zwfw.core.errors import InvalidRecord
from zwfw.ops import (
    Actor,
    Curation,
    CurationConflict,
    NotAllowed,
    ProposalKind,
    ProposalState,
    Publishers,
    Rating,
    RatingStore,
    Role,
    TargetType,
    TaskKind,
    TaskStatus,
    Thresholds,
    Turn,
)
from zwfw.ops.querylog import QueryLog
from zwfw.storage import Storage

EDITOR = Actor("editor-1", Role.EDITOR)
EDITOR2 = Actor("editor-2", Role.EDITOR)
REVIEWER = Actor("reviewer-1", Role.REVIEWER)
ADMIN = Actor("admin-1", Role.ADMIN)
SYNONYM = {"kind": "equivalent", "terms": ["社保卡", "社会保障卡"]}


class Published:
    def __init__(self) -> None:
        self.synonyms: list[tuple[str, list[str], str]] = []

    def synonym(self, kind: str, terms: Sequence[str], author: str) -> None:
        self.synonyms.append((kind, list(terms), author))


@pytest.fixture
def published() -> Published:
    return Published()


@pytest.fixture
def curation(storage: Storage, published: Published) -> Curation:
    c = Curation(storage, Publishers(synonym=published.synonym))
    yield c  # type: ignore[misc]
    c.close()


def test_an_approved_proposal_goes_live_through_the_publisher(
    curation: Curation, published: Published
) -> None:
    draft = curation.propose(EDITOR, ProposalKind.SYNONYM, SYNONYM, None)
    assert draft.state is ProposalState.DRAFT and published.synonyms == []
    approved = curation.approve(REVIEWER, draft.id)
    assert approved.state is ProposalState.APPROVED and published.synonyms == []
    live = curation.publish(REVIEWER, draft.id)
    assert live.state is ProposalState.LIVE and live.reviewer == REVIEWER.name
    assert published.synonyms == [("equivalent", ["社保卡", "社会保障卡"], REVIEWER.name)]


@pytest.mark.parametrize(
    ("actor", "action"),
    [
        pytest.param(EDITOR, "approve", id="editor-cannot-approve"),
        pytest.param(EDITOR, "publish", id="editor-cannot-publish"),
        pytest.param(REVIEWER, "edit", id="reviewer-cannot-edit"),
    ],
)
def test_each_role_keeps_to_its_duty(curation: Curation, actor: Actor, action: str) -> None:
    draft = curation.propose(EDITOR2, ProposalKind.SYNONYM, SYNONYM, None)
    with pytest.raises(NotAllowed, match="role may not"):
        if action == "edit":
            curation.edit(actor, draft.id, SYNONYM)
        else:
            getattr(curation, action)(actor, draft.id)


def test_nobody_approves_their_own_proposal_not_even_an_admin(curation: Curation) -> None:
    draft = curation.propose(ADMIN, ProposalKind.SYNONYM, SYNONYM, None)
    with pytest.raises(NotAllowed, match="someone other than its author"):
        curation.approve(ADMIN, draft.id)
    assert curation.approve(REVIEWER, draft.id).state is ProposalState.APPROVED


def test_a_draft_cannot_be_published_and_a_live_one_cannot_be_edited(curation: Curation) -> None:
    draft = curation.propose(EDITOR, ProposalKind.SYNONYM, SYNONYM, None)
    with pytest.raises(CurationConflict, match="must be approved to be published"):
        curation.publish(REVIEWER, draft.id)
    curation.approve(REVIEWER, draft.id)
    curation.publish(REVIEWER, draft.id)
    with pytest.raises(CurationConflict, match="is live; it must be draft"):
        curation.edit(EDITOR, draft.id, SYNONYM)


def test_a_rejected_proposal_keeps_the_reason_and_never_goes_live(curation: Curation) -> None:
    draft = curation.propose(EDITOR, ProposalKind.SYNONYM, SYNONYM, None)
    rejected = curation.reject(REVIEWER, draft.id, "社保卡 already has this synonym")
    assert rejected.state is ProposalState.REJECTED and rejected.note
    with pytest.raises(CurationConflict):
        curation.approve(REVIEWER, draft.id)


def test_a_store_that_refuses_the_fix_leaves_the_proposal_approved(storage: Storage) -> None:
    def refuse(kind: str, terms: Sequence[str], author: str) -> None:
        raise InvalidRecord("cycle: 驾驶证 → 驾照 → 驾驶证")

    curation = Curation(storage, Publishers(synonym=refuse))
    try:
        draft = curation.propose(EDITOR, ProposalKind.SYNONYM, SYNONYM, None)
        curation.approve(REVIEWER, draft.id)
        with pytest.raises(InvalidRecord, match="cycle"):
            curation.publish(REVIEWER, draft.id)
        assert curation.get(draft.id).state is ProposalState.APPROVED
        assert [e.action for e in curation.audit_log()] == ["approve", "propose"]
    finally:
        curation.close()


@pytest.mark.parametrize(
    ("kind", "payload", "message"),
    [
        pytest.param(ProposalKind.SYNONYM, {"kind": "equivalent", "terms": ["a"]}, "at least two"),
        pytest.param(ProposalKind.SYNONYM, {"kind": "sideways", "terms": ["a", "b"]}, "oneway"),
        pytest.param(ProposalKind.SYNONYM, {**SYNONYM, "extra": 1}, "unknown synonym fields"),
        pytest.param(ProposalKind.FAQ, {"question": "q"}, "answer must be"),
    ],
)
def test_a_malformed_payload_is_refused_with_the_field_named(
    storage: Storage, kind: ProposalKind, payload: dict[str, object], message: str
) -> None:
    curation = Curation(storage, Publishers(synonym=print, faq=print))
    try:
        with pytest.raises(InvalidRecord, match=message):
            curation.propose(EDITOR, kind, payload, None)
    finally:
        curation.close()


def test_a_kind_without_a_connected_store_cannot_be_proposed(curation: Curation) -> None:
    nav = {"query": "孩子上学", "target_type": "item", "target_id": "x"}
    with pytest.raises(InvalidRecord, match="nav_hint proposals cannot be published here"):
        curation.propose(EDITOR, ProposalKind.NAV_HINT, nav, None)


def test_every_change_is_audited_with_who_before_and_after(curation: Curation) -> None:
    draft = curation.propose(EDITOR, ProposalKind.SYNONYM, SYNONYM, None)
    curation.edit(EDITOR2, draft.id, {"kind": "oneway", "terms": ["社保卡", "社会保障卡"]})
    curation.approve(REVIEWER, draft.id)
    entries = list(reversed(curation.audit_log()))
    assert [(e.action, e.actor, e.role) for e in entries] == [
        ("propose", "editor-1", "editor"),
        ("edit", "editor-2", "editor"),
        ("approve", "reviewer-1", "reviewer"),
    ]
    assert entries[0].before is None and entries[0].after["state"] == "draft"  # type: ignore[index]
    assert entries[1].before["payload"]["kind"] == "equivalent"  # type: ignore[index]
    assert entries[1].after["payload"]["kind"] == "oneway"  # type: ignore[index]


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("UPDATE audit SET actor = 'someone-else'", id="update"),
        pytest.param("DELETE FROM audit", id="delete"),
        pytest.param("TRUNCATE audit", id="truncate"),
        pytest.param("INSERT OR REPLACE INTO audit SELECT * FROM audit WHERE id = 1", id="replace"),
    ],
)
def test_the_audit_log_cannot_be_changed_even_with_sql(
    curation: Curation, storage: Storage, sql: str
) -> None:
    curation.propose(EDITOR, ProposalKind.SYNONYM, SYNONYM, None)
    before = curation.audit_log()
    refused = (sa.exc.DatabaseError, sa.exc.ProgrammingError)
    if storage.is_sqlite and sql.startswith("TRUNCATE"):
        sql = "DELETE FROM audit"  # SQLite has no TRUNCATE; this is its spelling
    if not storage.is_sqlite and "OR REPLACE" in sql:
        sql = "INSERT INTO audit SELECT * FROM audit WHERE id = 1"
    with pytest.raises(refused), storage.engine.begin() as db:
        db.exec_driver_sql(sql)
    assert curation.audit_log() == before and curation.audit_intact()


def test_an_edit_made_without_the_triggers_breaks_the_hash_chain(
    curation: Curation, storage: Storage
) -> None:
    curation.propose(EDITOR, ProposalKind.SYNONYM, SYNONYM, None)
    curation.propose(EDITOR, ProposalKind.SYNONYM, SYNONYM, None)
    drop = (
        "DROP TRIGGER audit_no_update"
        if storage.is_sqlite
        else "DROP TRIGGER audit_no_change ON audit"
    )
    with storage.engine.begin() as db:
        db.exec_driver_sql(drop)
        db.exec_driver_sql("UPDATE audit SET actor = 'someone-else' WHERE id = 1")
    assert not curation.audit_intact()


def test_concurrent_appends_keep_one_hash_chain(curation: Curation) -> None:
    """Eight writers at once (threads here; replicas in production) never fork the chain:
    each append waits for the curation version-row lock of the one before."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: curation.propose(EDITOR, ProposalKind.SYNONYM, SYNONYM, None),
                      range(24)))  # fmt: skip
    assert len(curation.audit_log(limit=100)) == 24 and curation.audit_intact()


def _seed_failures(storage: Storage) -> None:
    log = QueryLog(storage)
    for i in range(3):
        log.record(Turn(f"z{i}", "search", f"火星签证 {MOBILE}", (), 0, 1.0))
        log.record(Turn(f"h{i}", "qa", "我要投诉", (), 0, 1.0, action="handoff"))
    log.record(Turn("once", "search", "只搜过一次", (), 0, 1.0))
    log.close()
    ratings = RatingStore(storage)
    for score in (1, 2, 1):
        ratings.add(Rating(TargetType.ANSWER, "faq-9", score, comment="没用"))
    ratings.add(Rating(TargetType.ANSWER, "faq-ok", 5))
    ratings.close()


def test_recurring_failures_become_tasks_with_counts_and_masked_examples(
    curation: Curation,
) -> None:
    _seed_failures(curation.storage)
    curation.refresh_tasks(force=True)
    found = {(t.kind, t.key): t for t in curation.tasks()}
    assert set(found) == {
        (TaskKind.ZERO_RESULT, "火星签证 [手机号]"),
        (TaskKind.HANDOFF, "我要投诉"),
        (TaskKind.LOW_RATING, "faq-9"),
    }
    assert found[(TaskKind.ZERO_RESULT, "火星签证 [手机号]")].count == 3
    assert found[(TaskKind.LOW_RATING, "faq-9")].examples == ("没用", "没用", "没用")
    assert curation.queue_size()["tasks_open"] == 3


def test_publishing_a_fix_resolves_its_task_and_dismissed_tasks_stay_closed(
    curation: Curation,
) -> None:
    _seed_failures(curation.storage)
    curation.refresh_tasks(force=True)
    zero, handoff = (curation.tasks(kind=k)[0] for k in (TaskKind.ZERO_RESULT, TaskKind.HANDOFF))
    draft = curation.propose(EDITOR, ProposalKind.SYNONYM, SYNONYM, zero.id)
    curation.approve(REVIEWER, draft.id)
    curation.publish(ADMIN, draft.id)
    assert curation.dismiss_task(EDITOR, handoff.id).status is TaskStatus.DISMISSED
    curation.refresh_tasks(force=True)
    assert [t.kind for t in curation.tasks()] == [TaskKind.LOW_RATING]
    assert {t.status for t in curation.tasks(status=None)} == set(TaskStatus)


def test_thresholds_decide_what_counts_as_recurring(storage: Storage) -> None:
    _seed_failures(storage)
    curation = Curation(storage, thresholds=Thresholds(min_count=4))
    try:
        curation.refresh_tasks(force=True)
        assert curation.tasks() == []
    finally:
        curation.close()
