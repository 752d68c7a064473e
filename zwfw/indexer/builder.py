"""Full builds: records → docstore, lexical and vector indexes in a new build directory,
then an atomic switch of `CURRENT`. Old builds beyond the last few are pruned.

A build holds the index's writer lock from start to switch, so no upsert lands in the old
build while the new one is written (it would be lost at the switch). Vectors of passages
whose text is unchanged since the serving build are copied from it, not re-encoded. The
catalogue's part of the vocabulary and completions is computed last and stored with the build
(`zwfw.search.derived`), so a server starting on it does not compute it again.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from zwfw.core.records import Record, doc_key
from zwfw.core.settings import Settings
from zwfw.indexer.crashpoints import reached
from zwfw.indexer.extend import can_extend, extend, vector_index_kind
from zwfw.indexer.recovery import BUILDING, writing
from zwfw.indexer.reuse import Previous
from zwfw.indexer.updater import passage_hash
from zwfw.models import Segmenter
from zwfw.models.encoders import Encoder
from zwfw.search import derived
from zwfw.search.docstore import DocStore, vid_range
from zwfw.search.fields import build_doc
from zwfw.search.lexical import create_lexical
from zwfw.search.store import (
    SCHEMA_VERSION,
    builds_dir,
    current_build,
    read_manifest,
    switch_current,
    write_manifest,
)
from zwfw.search.vector import FaissStore

log = logging.getLogger(__name__)
KEEP_BUILDS = 3
_BATCH = 256


def build_index(
    records: Sequence[Record],
    settings: Settings,
    encoder: Encoder,
    segmenter: Segmenter,
    progress: bool = False,
    incremental: bool = True,
) -> Path:
    """Write a complete build and switch to it; returns the new build directory.

    Nothing the serving build uses is touched until the final `switch_current`, so an
    exception anywhere before it leaves the previous index serving. With `incremental`, the
    build starts from a copy of the serving one when that is equivalent (see `extend`).
    """
    records = list({doc_key(r.kind, r.id): r for r in records}.values())  # last one wins
    with writing(settings, "zwfw index"):
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%f")
        build = builds_dir(settings.index_dir) / f"{stamp}-{uuid.uuid4().hex[:6]}"
        build.mkdir(parents=True)
        (build / BUILDING).touch()  # a killed build is recognised by this marker
        try:
            _fill(build, records, settings, encoder, segmenter, progress, incremental)
            derived.store(build, segmenter)  # so servers need not work it out at start-up
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        (build / BUILDING).unlink()
        reached("before_switch")
        _publish(settings, build)
        switch_current(settings.index_dir, build)
        reached("after_switch")
        _prune(settings.index_dir, keep=build)
    return build


def _fill(
    build: Path,
    records: Sequence[Record],
    settings: Settings,
    encoder: Encoder,
    segmenter: Segmenter,
    progress: bool,
    incremental: bool,
) -> None:
    previous = current_build(settings.index_dir)
    if incremental and previous and can_extend(previous, len(records), settings, encoder):
        stats = extend(previous, build, records, settings, encoder, segmenter, progress)
        if stats is not None:
            manifest = read_manifest(build)
            write_manifest(build, {**manifest, "built_at": _now(), "from_build": previous.name})
            log.info("built from %s: %s", previous.name, stats)
            return
        for path in build.iterdir():  # too many tombstones: start again from scratch
            if path.name != BUILDING:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    _write(build, records, settings, encoder, segmenter, progress)


def _publish(settings: Settings, build: Path) -> None:
    """Point the lexical engine's serving name at the new build (an ES alias; nothing for
    tantivy), just before `CURRENT` names it."""
    lexical = create_lexical(settings.lexical, build)
    try:
        lexical.publish()
    finally:
        lexical.close()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _write(
    build: Path,
    records: Sequence[Record],
    settings: Settings,
    encoder: Encoder,
    segmenter: Segmenter,
    progress: bool,
) -> None:
    docs = DocStore(build / "docs.sqlite")
    lexical = create_lexical(settings.lexical, build)
    vectors = FaissStore.create(
        encoder.dim,
        len(records),
        settings.vector.hnsw_threshold,
        settings.vector.hnsw_m,
        settings.vector.hnsw_ef_search,
    )
    next_vid = {kind: vid_range(kind)[0] for kind in ("item", "app", "faq", "policy")}
    bar = tqdm(total=len(records), unit="doc", disable=not progress, desc="indexing")
    previous = Previous.open(settings.index_dir, encoder.model_id)
    try:
        for start in range(0, len(records), _BATCH):
            batch = records[start : start + _BATCH]
            index_docs = [build_doc(r, segmenter) for r in batch]
            hashes = [passage_hash(d.passage) for d in index_docs]
            vids = _assign_vids(batch, next_vid)
            vectors.add(vids, previous.vectors(index_docs, hashes, encoder))
            lexical.upsert(index_docs)
            docs.apply(zip(batch, vids, hashes, strict=True))
            bar.update(len(batch))
            bar.set_postfix(reused=previous.reused, encoded=previous.encoded, refresh=False)
            if start == 0:
                reached("mid_build")
        lexical.commit()
        vectors.save(build / "vectors.faiss")
    finally:
        bar.close()
        previous.close()
        lexical.close()
        docs.close()
    write_manifest(
        build,
        {
            "schema_version": SCHEMA_VERSION,
            "built_at": _now(),
            "encoder": encoder.model_id,
            "dim": encoder.dim,
            "lexical_backend": settings.lexical.backend.value,
            "vector_index": vector_index_kind(len(records), settings),
            "counts": dict(Counter(r.kind for r in records)),
        },
    )


def _assign_vids(batch: Sequence[Record], next_vid: dict[str, int]) -> list[int]:
    """Consecutive vector ids inside each kind's range (a kind filter is then an id range)."""
    vids = []
    for record in batch:
        vids.append(next_vid[record.kind])
        next_vid[record.kind] += 1
    return vids


def _prune(index_dir: Path, keep: Path) -> None:
    builds = sorted(p for p in builds_dir(index_dir).iterdir() if p.is_dir())
    current = current_build(index_dir)
    for old in builds[:-KEEP_BUILDS]:
        if old not in (keep, current):
            log.info("removing old build %s", old)
            shutil.rmtree(old, ignore_errors=True)
