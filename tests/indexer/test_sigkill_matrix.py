"""Index writes under SIGKILL and concurrency, with real `zwfw` processes (issue 14).

Each writer is paused at a named step (zwfw.indexer.crashpoints) and killed there with
SIGKILL. The stores must then agree once the next writer has taken the lock (here `zwfw check
--repair`), and nothing acknowledged may be lost. These are the issue's reproductions: two
concurrent upserts, an upsert killed after the docstore commit, a killed build, and FAQ edits
from a server killed mid-write.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from procs import env, faqs, kill9, start, wait_paused, write_jsonl, zwfw
from testdata import DEMO

from zwfw.api.auth import hash_token
from zwfw.core.records import Faq
from zwfw.core.settings import Settings
from zwfw.indexer.check import check_index
from zwfw.indexer.recovery import partial_builds
from zwfw.search.docstore import DocStore
from zwfw.search.store import current_build

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _served(index_dir: Path) -> dict[str, Faq]:
    build = current_build(index_dir)
    assert build is not None
    docs = DocStore(build / "docs.sqlite")
    try:
        return {r.id: r for r in docs.iter_kind("faq") if isinstance(r, Faq)}
    finally:
        docs.close()


def _repair_and_check(index_dir: Path) -> None:
    """The next writer (here `zwfw check --repair`) gets the lock and leaves agreeing stores."""
    code, out = zwfw(["check", "--repair", "--index-dir", str(index_dir)], env())
    assert code == 0, out
    assert "consistent" in out
    assert check_index(Settings(index_dir=index_dir)).consistent


def test_two_concurrent_upserts_both_land(writable_index_dir: Path, tmp_path: Path) -> None:
    """Before: both reported success and one batch vanished (same next_vid, INSERT OR REPLACE,
    FAISS last-writer-wins). Now the second waits for the first."""
    a = write_jsonl(tmp_path / "a.jsonl", faqs("a", 30))
    b = write_jsonl(tmp_path / "b.jsonl", faqs("b", 30))
    procs = [
        start(["upsert", str(p), "--index-dir", str(writable_index_dir)], env()) for p in (a, b)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    served = _served(writable_index_dir)
    assert {f"a{i}" for i in range(30)} | {f"b{i}" for i in range(30)} <= set(served)
    assert check_index(Settings(index_dir=writable_index_dir)).consistent


def test_a_second_writer_gets_a_clear_error_naming_the_first(
    writable_index_dir: Path, tmp_path: Path
) -> None:
    flag = tmp_path / "paused"
    first = start(
        ["upsert", str(write_jsonl(tmp_path / "a.jsonl", faqs("a", 3))),
         "--index-dir", str(writable_index_dir)],
        env("after_intent", flag),
    )  # fmt: skip
    wait_paused(first, flag)
    code, out = zwfw(
        ["upsert", str(write_jsonl(tmp_path / "b.jsonl", faqs("b", 3))),
         "--index-dir", str(writable_index_dir)],
        env(indexer__lock_timeout_seconds="0.5"),
    )  # fmt: skip
    assert code == 2
    assert f"being written by zwfw upsert (pid {first.pid}" in out
    assert "Traceback" not in out
    flag.unlink()  # the first goes on and finishes
    first.communicate(timeout=120)
    assert first.returncode == 0
    assert {"a0", "a1", "a2"} <= set(_served(writable_index_dir))


UPSERT_STEPS = ["before_intent", "after_intent", "after_docstore", "after_vectors",
                "after_lexical", "after_manifest"]  # fmt: skip


@pytest.mark.parametrize("step", UPSERT_STEPS)
def test_an_upsert_killed_at_any_step_leaves_agreeing_stores(
    step: str, writable_index_dir: Path, tmp_path: Path
) -> None:
    acked = write_jsonl(tmp_path / "acked.jsonl", faqs("ack", 5))
    code, out = zwfw(["upsert", str(acked), "--index-dir", str(writable_index_dir)], env())
    assert code == 0, out
    replaced = next(iter(_served(writable_index_dir)))  # an entry the killed write replaces
    batch = [*faqs("k", 5), Faq(id=replaced, question="改过的问题怎么办理", answer="新答案")]
    flag = tmp_path / "paused"
    proc = start(
        ["upsert", str(write_jsonl(tmp_path / "k.jsonl", batch)),
         "--index-dir", str(writable_index_dir)],
        env(step, flag),
    )  # fmt: skip
    wait_paused(proc, flag)
    kill9(proc)
    if step != "before_intent":  # the kill left a write in flight, and check says so
        assert not check_index(Settings(index_dir=writable_index_dir)).consistent
    _repair_and_check(writable_index_dir)
    served = _served(writable_index_dir)
    assert {f"ack{i}" for i in range(5)} <= set(served)  # acknowledged: never lost
    rolled_forward = step != "before_intent"  # the intent was on disk: the write completes
    assert ({f"k{i}" for i in range(5)} <= set(served)) is rolled_forward
    assert (served[replaced].question == "改过的问题怎么办理") is rolled_forward


INDEX_STEPS = ["mid_build", "before_switch", "after_switch"]


@pytest.mark.parametrize("step", INDEX_STEPS)
def test_a_build_killed_at_any_step_leaves_one_consistent_serving_build(
    step: str, writable_index_dir: Path, tmp_path: Path
) -> None:
    before = current_build(writable_index_dir)
    extra = write_jsonl(tmp_path / "extra.jsonl", faqs("new", 300))  # a second batch to kill in
    flag = tmp_path / "paused"
    proc = start(
        ["index", str(DEMO), str(extra), "--index-dir", str(writable_index_dir)],
        env(step, flag),
    )
    wait_paused(proc, flag)
    kill9(proc)
    after = current_build(writable_index_dir)
    assert (after == before) is (step != "after_switch")
    if step == "mid_build":
        assert partial_builds(writable_index_dir)  # the reproduction: the directory stays …
    _repair_and_check(writable_index_dir)
    assert partial_builds(writable_index_dir) == []  # … until the next writer removes it
    assert current_build(writable_index_dir) == after


ADMIN_TOKEN = "indexw-test-admin-token"


@pytest.mark.parametrize(
    ("step", "port"),
    [("after_intent", 8161), ("after_docstore", 8162), ("after_vectors", 8163),
     ("after_lexical", 8164)],
)  # fmt: skip
def test_a_server_killed_mid_faq_edit_loses_no_acknowledged_edit(
    step: str, port: int, writable_index_dir: Path, tmp_path: Path
) -> None:
    flag = tmp_path / "paused"
    server = start(
        ["serve", "--index-dir", str(writable_index_dir), "--port", str(port)],
        env(
            f"{step}#2",  # the first edit goes through; the server is killed in the second
            flag,
            state_db=str(tmp_path / "state.sqlite"),
            admin__token_hashes=f'["{hash_token(ADMIN_TOKEN)}"]',
        ),
    )
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    try:
        _wait_ready(base, server)
        first = {"id": "edit-1", "question": "第一次编辑的问题", "answer": "第一个答案"}
        assert httpx.post(f"{base}/v1/admin/faq", json=first, headers=auth).status_code == 201
        second = {"id": "edit-2", "question": "第二次编辑的问题", "answer": "第二个答案"}
        threading.Thread(
            target=lambda: _swallow(lambda: httpx.post(
                f"{base}/v1/admin/faq", json=second, headers=auth, timeout=60)),
            daemon=True,
        ).start()  # fmt: skip
        wait_paused(server, flag)
    finally:
        if server.poll() is None:
            kill9(server)
    _repair_and_check(writable_index_dir)
    assert _served(writable_index_dir)["edit-1"].answer == "第一个答案"
    with sqlite3.connect(tmp_path / "state.sqlite") as db:
        edits = {row[0] for row in db.execute("SELECT id FROM faq_edits")}
    assert "edit-1" in edits and "edit-2" not in edits  # the killed edit was never confirmed


def _wait_ready(base: str, server: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server never became ready")


def _swallow(call: Callable[[], object]) -> None:
    with contextlib.suppress(httpx.HTTPError):  # the server was killed under the request
        call()
