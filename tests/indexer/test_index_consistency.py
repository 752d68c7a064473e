"""Atomic updates, recovery, the consistency check and the writer lock, in process (fast tier:
the hash encoder stands in for e5, the engines are the real tantivy, FAISS and SQLite)."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from multiprocessing.synchronize import Event
from pathlib import Path

import numpy as np
import pytest
from fakes import HashEncoder

from zwfw.core.records import Faq
from zwfw.core.settings import Settings, VectorSettings
from zwfw.indexer import build_index, upsert
from zwfw.indexer.check import check_index
from zwfw.indexer.journal import Change, apply, intent_path, pending, write_intent
from zwfw.indexer.lock import (
    FileWriterLock,
    IndexBusy,
    PgAdvisoryLock,
    WriterLock,
    create_writer_lock,
)
from zwfw.indexer.recovery import partial_builds, recover, writing
from zwfw.models import Segmenter
from zwfw.search import open_current
from zwfw.search.fields import build_doc
from zwfw.search.store import current_build, read_manifest

FAQS = [Faq(id=f"f{i}", question=f"第{i}个问题怎么办理", answer="答") for i in range(20)]


@pytest.fixture
def settings(tmp_path: Path, segmenter: Segmenter) -> Settings:
    settings = Settings(index_dir=tmp_path / "index")
    build_index(FAQS, settings, HashEncoder(), segmenter)
    return settings


def _change(settings: Settings, segmenter: Segmenter, faqs: list[Faq]) -> Change:
    index = open_current(settings)
    try:
        start = index.docs.next_vid("faq")
    finally:
        index.close()
    docs = [build_doc(f, segmenter) for f in faqs]
    vectors = HashEncoder().encode_passages([d.passage for d in docs])
    vids = list(range(start, start + len(faqs)))
    return Change(list(faqs), vids, [None] * len(faqs), vectors, docs)


def test_a_fresh_build_and_its_updates_are_consistent(
    settings: Settings, segmenter: Segmenter
) -> None:
    index = open_current(settings)
    upsert(index, [Faq(id="f1", question="改写的问题", answer="新")], HashEncoder(), segmenter)
    index.close()
    report = check_index(settings)
    assert report.consistent, report.problems
    assert report.documents == 20


def test_check_names_documents_without_vectors_and_orphan_vectors(
    settings: Settings, segmenter: Segmenter
) -> None:
    index = open_current(settings)
    index.vectors.add([999_999], np.ones((1, 64), dtype=np.float32) / 8)  # an orphan
    index.vectors.remove([index.docs.vid_of("faq:f3") or 0])  # a document loses its vector
    index.vectors.save(index.vectors_path)
    index.close()
    problems = check_index(settings).problems
    assert any("1 documents have no vector: faq:f3" in p for p in problems)
    assert any("1 vectors have no document: 999999" in p for p in problems)


def test_a_half_applied_update_is_rolled_forward_by_the_next_writer(
    settings: Settings, segmenter: Segmenter
) -> None:
    """The issue's reproduction in process: the docstore has the records, FAISS and tantivy
    do not. Before, a re-run did not repair it; now the intent is replayed."""
    change = _change(settings, segmenter, [Faq(id="n1", question="新问题", answer="答")])
    index = open_current(settings)
    write_intent(index.build, change)
    index.docs.apply(zip(change.records, change.vids, change.hashes, strict=True))
    index.close()
    assert not check_index(settings).consistent
    with writing(settings, "test"):
        pass
    assert check_index(settings).consistent
    assert not pending(current_build(settings.index_dir) or Path())


def test_replaying_an_applied_update_changes_nothing(
    settings: Settings, segmenter: Segmenter
) -> None:
    change = _change(settings, segmenter, [Faq(id="n1", question="新问题", answer="答")])
    index = open_current(settings)
    apply(index, change)
    apply(index, change)  # a crash after the last step, before the intent was removed
    assert index.vectors.size == 21 and index.docs.count() == 21
    index.close()
    assert check_index(settings).consistent


def test_a_torn_intent_is_discarded_and_nothing_is_applied(
    settings: Settings, segmenter: Segmenter
) -> None:
    build = current_build(settings.index_dir)
    assert build is not None
    (build / "intent.tmp").write_bytes(b"half a file")
    assert recover(settings)
    assert not pending(build) and not intent_path(build).exists()
    assert check_index(settings).documents == 20


def test_a_partial_build_is_reported_and_removed_by_the_next_writer(settings: Settings) -> None:
    leftover = settings.index_dir / "builds" / "29990101T000000.000000-dead00"
    (leftover / "lexical").mkdir(parents=True)
    assert any("partial build" in p for p in check_index(settings).problems)
    with writing(settings, "test"):
        pass
    assert partial_builds(settings.index_dir) == [] and not leftover.exists()
    assert check_index(settings).consistent


def test_an_upsert_reuses_the_vector_of_unchanged_text(
    settings: Settings, segmenter: Segmenter
) -> None:
    enc = HashEncoder()
    index = open_current(settings)
    same_text = Faq(id="f2", question="第2个问题怎么办理", answer="新答案")  # passage unchanged
    upsert(index, [same_text], enc, segmenter)
    assert enc.calls == 0
    upsert(index, [Faq(id="f2", question="换了问题", answer="答")], enc, segmenter)
    assert enc.calls == 1
    index.close()
    assert check_index(settings).consistent


def test_a_rebuild_encodes_only_changed_passages(settings: Settings, segmenter: Segmenter) -> None:
    enc = HashEncoder()
    changed = [*FAQS[:-1], Faq(id="f19", question="完全不同的问题", answer="答")]
    build_index(changed, settings, enc, segmenter)
    assert enc.calls == 1  # one batch, holding only the changed passage
    index = open_current(settings)
    got = index.vectors.vectors([index.docs.vid_of("faq:f0") or 0])
    index.close()
    expected = HashEncoder().encode_passages([build_doc(FAQS[0], segmenter).passage])
    assert np.allclose(got, expected)


def _hold_lock(index_dir: str, ready: Event) -> None:
    FileWriterLock(Path(index_dir)).acquire("holder process", 1)
    ready.set()
    signal.pause()


def test_the_file_lock_refuses_a_second_writer_and_frees_when_its_holder_is_killed(
    tmp_path: Path,
) -> None:
    ready = mp.get_context("fork").Event()
    holder = mp.get_context("fork").Process(target=_hold_lock, args=(str(tmp_path), ready))
    holder.start()
    assert ready.wait(30)
    with pytest.raises(IndexBusy, match=rf"written by holder process \(pid {holder.pid} "):
        FileWriterLock(tmp_path).acquire("second", 0.2)
    os.kill(holder.pid or 0, signal.SIGKILL)
    holder.join()
    lock = FileWriterLock(tmp_path)
    lock.acquire("second", 5)  # the kernel released it with the killed holder
    lock.release()


@pytest.mark.parametrize("kind", ["file", "postgres"])
def test_the_writer_lock_is_reentrant_within_one_holder(tmp_path: Path, kind: str) -> None:
    lock = _lock(kind, tmp_path)
    lock.acquire("a", 0)
    lock.acquire("a", 0)
    lock.release()
    assert lock.held
    other = _lock(kind, tmp_path)
    with pytest.raises(IndexBusy):
        other.acquire("b", 0)  # still held by the outer acquire
    lock.release()
    assert not lock.held
    other.acquire("b", 0)  # the last release let it go
    other.release()


def _lock(kind: str, index_dir: Path) -> WriterLock:
    if kind == "file":
        return FileWriterLock(index_dir)
    return PgAdvisoryLock(_postgres_url(), index_dir)


def _postgres_url() -> str:
    url = "postgresql://postgres@127.0.0.1:5432/test"
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=2).close()
    except Exception:
        pytest.skip("no PostgreSQL at 127.0.0.1:5432")
    return url


def test_the_postgres_advisory_lock_is_chosen_with_a_state_url_and_excludes_writers(
    tmp_path: Path,
) -> None:
    url = _postgres_url()
    settings = Settings(index_dir=tmp_path, state_url=url)
    first = create_writer_lock(settings)
    assert isinstance(first, PgAdvisoryLock)
    first.acquire("replica A", 0)
    try:
        with pytest.raises(IndexBusy, match="replica A"):
            PgAdvisoryLock(url, tmp_path).acquire("replica B", 0.3)
    finally:
        first.release()
    second = PgAdvisoryLock(url, tmp_path)
    second.acquire("replica B", 1)
    second.release()


def _records(settings: Settings) -> dict[str, str]:
    index = open_current(settings)
    try:
        return index.docs.data()
    finally:
        index.close()


def test_a_rebuild_from_the_serving_build_equals_one_from_scratch(
    settings: Settings, segmenter: Segmenter, tmp_path: Path
) -> None:
    wanted = [*FAQS[2:], Faq(id="f5", question="改过的第5个问题", answer="答"),
              Faq(id="g1", question="新增的问题", answer="答")]  # fmt: skip
    build = build_index(wanted, settings, HashEncoder(), segmenter)
    assert read_manifest(build)["from_build"]  # made from a copy plus the difference
    scratch = Settings(index_dir=tmp_path / "scratch")
    build_index(wanted, scratch, HashEncoder(), segmenter, incremental=False)
    assert _records(settings) == _records(scratch)
    assert check_index(settings).consistent and check_index(settings).documents == 19


def test_a_rebuild_that_would_pile_up_hnsw_tombstones_starts_from_scratch(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    settings = Settings(index_dir=tmp_path, vector=VectorSettings(hnsw_threshold=0))
    build_index(FAQS, settings, HashEncoder(), segmenter)
    changed = [Faq(id=f.id, question=f"{f.question}？", answer="答") for f in FAQS[:10]]
    build = build_index([*changed, *FAQS[10:]], settings, HashEncoder(), segmenter)
    assert "from_build" not in read_manifest(build)
    assert check_index(settings).consistent


def test_zwfw_check_exits_1_and_names_the_disagreement(settings: Settings) -> None:
    from typer.testing import CliRunner

    from zwfw.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["check", "--index-dir", str(settings.index_dir)])
    assert ok.exit_code == 0 and "20 documents in every store" in ok.output
    index = open_current(settings)
    index.lexical.delete(["faq:f7"])
    index.lexical.commit()
    index.close()
    bad = runner.invoke(app, ["check", "--index-dir", str(settings.index_dir)])
    assert bad.exit_code == 1
    assert "1 documents are not in the lexical index: faq:f7" in bad.output
