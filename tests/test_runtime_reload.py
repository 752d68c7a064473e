"""The server's reloads: never of its own writes, never onto a build with another encoder."""

from __future__ import annotations

import threading
import time

import pytest
from fakes import HashEncoder

from zwfw.core.errors import ConfigError
from zwfw.core.records import Faq
from zwfw.indexer import build_index
from zwfw.runtime import Runtime
from zwfw.search.store import current_build, switch_current

pytestmark = pytest.mark.integration


def test_a_faq_edit_burst_never_makes_the_server_reload_its_own_index(
    writable_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the refresh thread read the new stamp outside the write lock, waited for the
    write, then reloaded and re-applied every FAQ edit. Now it looks again under the lock."""
    rt = writable_runtime
    served, reloads = rt.index, []
    finish = rt._after_write

    def racing() -> None:
        refresher = threading.Thread(target=lambda: reloads.append(rt.refresh_if_changed()))
        refresher.start()
        time.sleep(0.2)  # the refresher has seen the new manifest and waits for the lock
        finish()
        threading.Thread(target=refresher.join).start()

    monkeypatch.setattr(rt, "_after_write", racing)
    for i in range(5):
        rt.upsert([Faq(id=f"burst{i}", question=f"连续编辑的问题{i}", answer="答")])
    time.sleep(0.5)
    assert reloads == [False] * 5
    assert rt.index is served


def test_a_build_with_another_encoder_is_refused_and_switching_back_keeps_serving(
    writable_runtime: Runtime, segmenter: object
) -> None:
    rt = writable_runtime
    good = rt.index.build
    other = build_index(
        [Faq(id="x", question="别的编码器", answer="答")], rt.settings, HashEncoder(), segmenter
    )  # type: ignore[arg-type]
    assert current_build(rt.settings.index_dir) == other
    with pytest.raises(ConfigError, match="test/hash"):
        rt.refresh_if_changed()
    assert rt.index.build == good  # before: the runtime pointed at the rejected build
    assert rt.refresh_if_changed() is False  # refused once, not retried every second
    with pytest.raises(ConfigError):  # an edit never lands in the rejected build
        rt.upsert([Faq(id="lost", question="不该写入", answer="答")])
    switch_current(rt.settings.index_dir, good)
    rt.upsert([Faq(id="kept", question="切回之后的编辑", answer="答")])
    assert rt.index.build == good
    assert "faq:kept" in rt.index.docs.get(["faq:kept"])
    assert "faq:lost" not in rt.index.docs.get(["faq:lost"])


def test_an_update_by_another_process_is_followed_once(writable_runtime: Runtime) -> None:
    from zwfw.indexer import upsert
    from zwfw.search import open_current

    rt = writable_runtime
    other = open_current(rt.settings)  # another writer's view of the same build
    upsert(
        other, [Faq(id="cli", question="命令行写入的问题", answer="答")], rt.encoder, rt.segmenter
    )
    other.close()
    assert rt.refresh_if_changed() is True
    assert rt.refresh_if_changed() is False
    assert "faq:cli" in rt.index.docs.get(["faq:cli"])


def test_a_server_edit_while_another_process_writes_fails_clearly(
    writable_runtime: Runtime,
) -> None:
    from zwfw.core.errors import BackendUnavailable
    from zwfw.indexer.lock import FileWriterLock

    rt = writable_runtime
    rt.settings = rt.settings.model_copy(
        update={"indexer": rt.settings.indexer.model_copy(update={"lock_timeout_seconds": 0.2})}
    )
    other = FileWriterLock(rt.settings.index_dir)  # its own descriptor: another writer
    other.acquire("zwfw index", 0)
    try:
        with pytest.raises(BackendUnavailable, match="being written by zwfw index"):
            rt.upsert([Faq(id="busy", question="忙的时候编辑", answer="答")])
    finally:
        other.release()
    rt.upsert([Faq(id="busy", question="忙的时候编辑", answer="答")])
    assert "faq:busy" in rt.index.docs.get(["faq:busy"])
