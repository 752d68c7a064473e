"""Vectors of the serving build, reused by a new build for every passage whose text is unchanged.

Encoding is nearly all of a build's time; a catalogue where 1 % changed should cost 1 % of
the encoding. Passages are matched by content hash (`passage_hash`), never by key, so a
record that moved or was renamed but kept its text still reuses its vector.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from zwfw.models.encoders import Encoder
from zwfw.search.docstore import DocStore
from zwfw.search.fields import IndexDoc
from zwfw.search.store import current_build, read_manifest
from zwfw.search.vector import FaissStore


class Previous:
    """The serving build's hash → vector lookup (empty when none, or built with another
    encoder, whose vectors would not be comparable)."""

    def __init__(self, known: dict[str, int], store: FaissStore | None) -> None:
        self._known = known
        self._store = store
        self.reused = 0
        self.encoded = 0

    @classmethod
    def open(cls, index_dir: Path, model_id: str) -> Previous:
        build = current_build(index_dir)
        if build is None or read_manifest(build).get("encoder") != model_id:
            return cls({}, None)
        docs = DocStore(build / "docs.sqlite")
        try:
            known = docs.hashes()
        finally:
            docs.close()
        store = FaissStore.load(build / "vectors.faiss")
        live = set(store.ids().tolist())
        return cls({h: v for h, v in known.items() if v in live}, store)

    def vectors(
        self, docs: Sequence[IndexDoc], hashes: Sequence[str], encoder: Encoder
    ) -> np.ndarray:
        """One vector per doc: copied when its passage hash is known, else encoded."""
        out = np.empty((len(docs), encoder.dim), dtype=np.float32)
        hits = [i for i, h in enumerate(hashes) if h in self._known]
        if hits and self._store is not None:
            out[hits] = self._store.vectors([self._known[hashes[i]] for i in hits])
        hit_set = set(hits)
        todo = [i for i in range(len(docs)) if i not in hit_set]
        if todo:
            out[todo] = encoder.encode_passages([docs[i].passage for i in todo])
        self.reused += len(hits)
        self.encoded += len(todo)
        return out

    def close(self) -> None:
        self._store = None
        self._known = {}
