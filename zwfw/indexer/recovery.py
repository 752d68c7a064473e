"""Bringing an index directory back to a consistent state after a crash, under the writer lock.

Every writer runs `recover` right after taking the lock, before it writes: a build directory
left by a killed `zwfw index` is removed, and an interrupted update of the serving build is
rolled forward from its intent (or back, when the intent itself was torn).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

from zwfw.core.errors import ConfigError
from zwfw.core.settings import Settings
from zwfw.indexer.journal import apply, clear_intent, pending, read_intent
from zwfw.indexer.lock import WriterLock, create_writer_lock, holding
from zwfw.search.store import OpenIndex, builds_dir, current_build, open_build, open_current

log = logging.getLogger(__name__)
BUILDING = "BUILDING"  # present in a build directory until the build is complete


@contextlib.contextmanager
def writing(
    settings: Settings,
    owner: str,
    lock: WriterLock | None = None,
    timeout: float | None = None,
) -> Iterator[None]:
    """Hold the index's writer lock (raising IndexBusy after `timeout`, by default the
    configured wait), with the index recovered first. `owner` says who writes, for the
    second writer's error message."""
    lock = lock or create_writer_lock(settings)
    wait = settings.indexer.lock_timeout_seconds if timeout is None else timeout
    with holding(lock, owner, wait):
        recover(settings)
        yield


@contextlib.contextmanager
def open_for_writing(settings: Settings, owner: str, encoder_id: str) -> Iterator[OpenIndex]:
    """The serving build, recovered and opened under the writer lock (a CLI update).
    Refuses a build made with another encoder: its vectors and new ones would not compare."""
    with writing(settings, owner):
        index = open_current(settings)
        try:
            built_with = index.manifest.get("encoder")
            if built_with != encoder_id:
                raise ConfigError(
                    f"the index was built with encoder {built_with!r} but {encoder_id!r} is "
                    "configured: rebuild the index or change ZWFW_ENCODER__KIND"
                )
            yield index
        finally:
            index.close()


def partial_builds(index_dir: Path) -> list[Path]:
    """Build directories whose build did not finish: still marked, or without a manifest."""
    root = builds_dir(index_dir)
    if not root.is_dir():
        return []
    return sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and ((p / BUILDING).exists() or not (p / "manifest.json").exists())
    )


def recover(settings: Settings) -> bool:
    """Make the index consistent; the caller holds the writer lock. True if anything was done."""
    done = False
    for partial in partial_builds(settings.index_dir):
        log.warning("removing the partial build %s left by an interrupted `zwfw index`", partial)
        shutil.rmtree(partial, ignore_errors=True)
        done = True
    build = current_build(settings.index_dir)
    if build is None or not pending(build):
        return done
    change = read_intent(build)  # discards a torn intent: nothing was applied yet
    if change is None:
        return True
    log.warning("rolling forward an interrupted update of %s", build.name)
    index = open_build(build, settings)
    try:
        apply(index, change)
    finally:
        index.close()
    clear_intent(build)
    return True
