"""Write-ahead intent for updates, so one update is atomic across docstore, tantivy and FAISS.

An update is first planned in full (records, vector ids, vectors, lexical documents, what to
delete) and written as one file, `<build>/intent.npz`, by write-to-temp, fsync and rename.
Only then are the three stores changed, each step idempotent, and the file is removed last.
A crash before the rename leaves only `intent.tmp`, which is discarded (rolled back: no store
was touched). A crash after it leaves `intent.npz`, which the next writer replays (rolled
forward) before doing anything else: see `zwfw.indexer.recovery`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from zwfw.core.records import Record, parse_record, record_to_dict
from zwfw.indexer.crashpoints import reached
from zwfw.search.fields import IndexDoc
from zwfw.search.store import OpenIndex, write_manifest

INTENT = "intent.npz"
_TORN = "intent.tmp"
KINDS = ("item", "app", "faq", "policy")


@dataclass(frozen=True)
class Change:
    """One planned update: everything needed to apply it again without the encoder."""

    records: list[Record]
    vids: list[int]
    hashes: list[str | None]
    vectors: npt.NDArray[np.float32]
    docs: list[IndexDoc]
    deletes: list[str] = field(default_factory=list)  # keys whose documents go
    drop_vids: list[int] = field(default_factory=list)  # vectors of replaced or deleted docs


def intent_path(build: Path) -> Path:
    return build / INTENT


def pending(build: Path) -> bool:
    """Whether an interrupted update waits to be rolled forward or back."""
    return (build / INTENT).exists() or (build / _TORN).exists()


def write_intent(build: Path, change: Change) -> None:
    meta = {
        "records": [record_to_dict(r) for r in change.records],
        "vids": change.vids,
        "hashes": change.hashes,
        "docs": [asdict(d) for d in change.docs],
        "deletes": change.deletes,
        "drop_vids": change.drop_vids,
    }
    blob = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8)
    tmp = build / _TORN
    with tmp.open("wb") as fh:
        np.savez(fh, meta=blob, vectors=change.vectors)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, build / INTENT)
    _fsync_dir(build)


def read_intent(build: Path) -> Change | None:
    """The committed intent, if any; a torn one (crash while writing it) is discarded."""
    (build / _TORN).unlink(missing_ok=True)
    path = build / INTENT
    if not path.exists():
        return None
    with np.load(path) as data:
        meta = json.loads(data["meta"].tobytes().decode())
        vectors = np.asarray(data["vectors"], dtype=np.float32)
    return Change(
        records=[parse_record(r) for r in meta["records"]],
        vids=[int(v) for v in meta["vids"]],
        hashes=list(meta["hashes"]),
        vectors=vectors,
        docs=[IndexDoc(**d) for d in meta["docs"]],
        deletes=list(meta["deletes"]),
        drop_vids=[int(v) for v in meta["drop_vids"]],
    )


def clear_intent(build: Path) -> None:
    (build / INTENT).unlink(missing_ok=True)
    _fsync_dir(build)


def commit(index: OpenIndex, change: Change) -> None:
    """Write the intent, apply it to the three stores, then drop it."""
    reached("before_intent")
    write_intent(index.build, change)
    reached("after_intent")
    apply(index, change)
    clear_intent(index.build)


def apply(index: OpenIndex, change: Change) -> None:
    """Apply a change to every store; safe to run again on a partly applied change."""
    index.docs.apply(zip(change.records, change.vids, change.hashes, strict=True), change.deletes)
    reached("after_docstore")
    index.vectors.remove(change.drop_vids)
    fresh = set(index.vectors.missing(change.vids))
    rows = [i for i, vid in enumerate(change.vids) if vid in fresh]
    index.vectors.add([change.vids[i] for i in rows], change.vectors[rows])
    index.vectors.save(index.vectors_path)
    reached("after_vectors")
    index.lexical.delete(change.deletes)
    index.lexical.upsert(change.docs)
    index.lexical.commit()
    reached("after_lexical")
    _bump_manifest(index)
    reached("after_manifest")


def _bump_manifest(index: OpenIndex) -> None:
    """New counts, and a higher `generation`: readers reopen the build when it changes."""
    counts = Counter({kind: index.docs.count(kind) for kind in KINDS})
    index.manifest = {
        **index.manifest,
        "counts": {k: v for k, v in counts.items() if v},
        "generation": int(index.manifest.get("generation", 0)) + 1,
        "updated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    write_manifest(index.build, index.manifest)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
