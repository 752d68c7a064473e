"""Incremental updates of the serving build: upsert and delete documents, no rebuild.

Callers hold the index's writer lock (`zwfw.indexer.recovery.writing`); each update is
planned in full, then committed through the write-ahead intent (`zwfw.indexer.journal`), so
a crash at any step leaves stores that the next writer brings back into agreement.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from tqdm import tqdm

from zwfw.core.errors import NotFound
from zwfw.core.records import Record, doc_key
from zwfw.indexer.journal import Change, commit
from zwfw.models import Segmenter
from zwfw.models.encoders import Encoder
from zwfw.search.fields import IndexDoc, build_doc
from zwfw.search.store import OpenIndex

_BATCH = 256  # passages per encoder call: progress moves, memory stays small


def passage_hash(passage: str) -> str:
    """Identifies the text a vector was encoded from: equal hashes, reusable vector."""
    return hashlib.blake2b(passage.encode(), digest_size=16).hexdigest()


def upsert(
    index: OpenIndex, records: Sequence[Record], encoder: Encoder, segmenter: Segmenter
) -> None:
    """Add or replace records; visible to search when this returns.

    A replaced record gets a fresh vector id and its old vector is removed (or tombstoned
    under HNSW), so a concurrent search never pairs the old vector with the new record.
    Text that did not change keeps its vector (copied, not re-encoded).
    """
    change = plan_upsert(index, records, encoder, segmenter)
    if change is not None:
        commit(index, change)


def plan_upsert(
    index: OpenIndex,
    records: Sequence[Record],
    encoder: Encoder,
    segmenter: Segmenter,
    progress: bool = False,
) -> Change | None:
    """The change that upserts `records` (None when there are none); nothing is written."""
    records = list({doc_key(r.kind, r.id): r for r in records}.values())  # last one wins
    if not records:
        return None
    keys = [doc_key(r.kind, r.id) for r in records]
    old = [v for v in (index.docs.vid_of(k) for k in keys) if v is not None]
    docs = [build_doc(r, segmenter) for r in records]
    hashes = [passage_hash(d.passage) for d in docs]
    return Change(
        records=records,
        vids=_fresh_vids(index, records),
        hashes=list(hashes),
        vectors=_vectors(index, docs, hashes, encoder, progress),
        docs=docs,
        drop_vids=old,
    )


def delete(index: OpenIndex, keys: Sequence[str]) -> None:
    """Remove documents by `kind:id`; raises NotFound naming any key that is not indexed."""
    vids = {k: index.docs.vid_of(k) for k in keys}
    missing = [k for k, v in vids.items() if v is None]
    if missing:
        raise NotFound(f"not in the index: {', '.join(missing)}")
    empty = np.zeros((0, index.vectors.dim), dtype=np.float32)
    drop = [v for v in vids.values() if v is not None]
    commit(index, Change([], [], [], empty, [], deletes=list(vids), drop_vids=drop))


def _fresh_vids(index: OpenIndex, records: Sequence[Record]) -> list[int]:
    """The next free ids of each kind's range; safe because only the lock holder writes."""
    nxt: dict[str, int] = {}
    vids = []
    for r in records:
        nxt[r.kind] = nxt.get(r.kind) or index.docs.next_vid(r.kind)
        vids.append(nxt[r.kind])
        nxt[r.kind] += 1
    return vids


def _vectors(
    index: OpenIndex,
    docs: Sequence[IndexDoc],
    hashes: Sequence[str],
    encoder: Encoder,
    progress: bool,
) -> np.ndarray:
    known = index.docs.hashes()
    live = set(index.vectors.ids().tolist())
    reuse = {i: known[h] for i, h in enumerate(hashes) if known.get(h) in live}
    out = np.empty((len(docs), encoder.dim), dtype=np.float32)
    if reuse:
        out[list(reuse)] = index.vectors.vectors(list(reuse.values()))
    todo = [i for i in range(len(docs)) if i not in reuse]
    bar = tqdm(total=len(todo), unit="doc", disable=not progress, desc="encoding")
    with bar:
        for start in range(0, len(todo), _BATCH):
            part = todo[start : start + _BATCH]
            out[part] = encoder.encode_passages([docs[i].passage for i in part])
            bar.update(len(part))
    return out
