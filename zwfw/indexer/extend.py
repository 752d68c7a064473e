"""A new build made from a copy of the serving one plus the difference, not from scratch.

When 1 % of a large catalogue changed, analysing, indexing and inserting the other 99 % again
is most of a rebuild's time even with every vector reused. So a build whose settings allow
it copies the serving build's files (docstore, tantivy segments, FAISS) into the new build
directory and applies only the records whose canonical JSON changed, and the deletions, as
one update. It falls back to a build from scratch when the copy would not be equivalent:
another encoder, schema, lexical backend or vector index type, or HNSW tombstones that
would pass a fifth of the index.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zwfw.core.records import Record, doc_key, record_to_dict
from zwfw.core.settings import LexicalBackend, Settings
from zwfw.indexer.crashpoints import reached
from zwfw.indexer.journal import Change, apply
from zwfw.indexer.updater import plan_upsert
from zwfw.models import Segmenter
from zwfw.models.encoders import Encoder
from zwfw.search.store import SCHEMA_VERSION, open_build, read_manifest

_MAX_DEAD_SHARE = 0.2
# derived.json (and its postings) is made for one build and generation: the new build
# computes its own.
_SKIP = shutil.ignore_patterns(
    "intent.*", "*.tmp", "*-shm", "manifest.json*", "BUILDING", "derived.json*", "derived-*"
)


def vector_index_kind(count: int, settings: Settings) -> str:
    return "hnsw" if count >= settings.vector.hnsw_threshold else "flat"


def can_extend(previous: Path | None, count: int, settings: Settings, encoder: Encoder) -> bool:
    """Whether `previous` plus a difference equals a build from scratch of `count` records."""
    if previous is None or settings.lexical.backend is not LexicalBackend.EMBEDDED:
        return False
    manifest = read_manifest(previous)
    return (
        manifest.get("schema_version") == SCHEMA_VERSION
        and manifest.get("encoder") == encoder.model_id
        and manifest.get("lexical_backend") == settings.lexical.backend.value
        and manifest.get("vector_index") == vector_index_kind(count, settings)
    )


def extend(
    previous: Path,
    build: Path,
    records: Sequence[Record],
    settings: Settings,
    encoder: Encoder,
    segmenter: Segmenter,
    progress: bool,
) -> dict[str, Any] | None:
    """Fill `build` from `previous` plus the difference; returns the counts of what changed,
    or None (and leaves `build` to be written from scratch) when tombstones would pile up."""
    for path in previous.iterdir():
        if _SKIP(str(previous), [path.name]):
            continue
        target = build / path.name
        if path.is_dir():
            shutil.copytree(path, target)
        else:
            shutil.copy2(path, target)
    reached("mid_build")
    manifest = {**read_manifest(previous), "generation": 0}
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    index = open_build(build, settings)
    try:
        stored = index.docs.data()
        wanted = {doc_key(r.kind, r.id): r for r in records}
        changed = [
            r for k, r in wanted.items()
            if stored.get(k) != json.dumps(record_to_dict(r), ensure_ascii=False)
        ]  # fmt: skip
        gone = sorted(set(stored) - set(wanted))
        vids = index.docs.vids()
        if _too_many_dead(index.manifest, index.vectors, len(changed) + len(gone)):
            return None
        change = plan_upsert(index, changed, encoder, segmenter, progress) or Change(
            [], [], [], index.vectors.vectors([]), []
        )
        apply(
            index,
            dataclasses.replace(
                change, deletes=gone, drop_vids=[*change.drop_vids, *(vids[k] for k in gone)]
            ),
        )
    finally:
        index.close()
    return {"changed": len(changed), "removed": len(gone), "kept": len(wanted) - len(changed)}


def _too_many_dead(manifest: dict[str, Any], vectors: Any, dropping: int) -> bool:
    if manifest.get("vector_index") != "hnsw":
        return False  # a flat index removes for real
    total = max(int(vectors.size), 1)
    dead = len(vectors.ids(live=False)) - int(vectors.size)
    return (dead + dropping) / total > _MAX_DEAD_SHARE
