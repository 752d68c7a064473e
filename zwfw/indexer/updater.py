"""Incremental updates of the serving build: upsert and delete single documents, no rebuild."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from zwfw.core.errors import NotFound
from zwfw.core.records import Record, doc_key
from zwfw.models import Segmenter
from zwfw.models.encoders import Encoder
from zwfw.search.fields import build_doc
from zwfw.search.store import OpenIndex, write_manifest


def upsert(
    index: OpenIndex, records: Sequence[Record], encoder: Encoder, segmenter: Segmenter
) -> None:
    """Add or replace records; visible to search when this returns.

    A replaced record gets a fresh vector id and its old vector is removed (or tombstoned
    under HNSW), so a concurrent search never pairs the old vector with the new record.
    """
    if not records:
        return
    keys = [doc_key(r.kind, r.id) for r in records]
    old = [v for v in (index.docs.vid_of(k) for k in keys) if v is not None]
    nxt: dict[str, int] = {}
    vids = []
    for r in records:
        nxt[r.kind] = nxt.get(r.kind) or index.docs.next_vid(r.kind)
        vids.append(nxt[r.kind])
        nxt[r.kind] += 1
    index_docs = [build_doc(r, segmenter) for r in records]
    index.vectors.add(vids, encoder.encode_passages([d.passage for d in index_docs]))
    index.docs.put(zip(records, vids, strict=True))
    index.vectors.remove(old)
    index.lexical.upsert(index_docs)
    index.lexical.commit()
    _persist(index)


def delete(index: OpenIndex, keys: Sequence[str]) -> None:
    """Remove documents by `kind:id`; raises NotFound naming any key that is not indexed."""
    vids = {k: index.docs.vid_of(k) for k in keys}
    missing = [k for k, v in vids.items() if v is None]
    if missing:
        raise NotFound(f"not in the index: {', '.join(missing)}")
    index.docs.delete(keys)
    index.vectors.remove([v for v in vids.values() if v is not None])
    index.lexical.delete(keys)
    index.lexical.commit()
    _persist(index)


def _persist(index: OpenIndex) -> None:
    index.vectors.save(index.vectors_path)
    counts = Counter({kind: index.docs.count(kind) for kind in ("item", "app", "faq", "policy")})
    index.manifest = {
        **index.manifest,
        "counts": {k: v for k, v in counts.items() if v},
        "updated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    write_manifest(index.build, index.manifest)
