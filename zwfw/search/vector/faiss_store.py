"""FAISS vector store: exact flat search for small collections, HNSW with tombstones above.

IndexHNSW cannot remove vectors, so removals there are tombstones filtered at search time
and dropped at the next rebuild; a flat index removes for real.

A served index is opened memory-mapped (`IO_FLAG_MMAP_IFC`): the vectors and the HNSW graph
stay in the page cache, shared by every worker that maps the same file, instead of being copied
into each worker's heap. FAISS cannot grow or shrink a mapped index (it aborts the process, it
does not raise), so the first write reads the file fully into memory, and `save` maps the new
file again. Files are only ever replaced by rename, so a reader's mapping of the old file stays
valid until it reopens the new build.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss as _faiss
import numpy as np
import numpy.typing as npt

from zwfw.core.errors import BackendUnavailable

# faiss-cpu ships stubs that miss most of its SWIG API (selectors, HNSW params).
faiss: Any = _faiss

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]


class FaissStore:
    def __init__(
        self, index: Any, tombstones: set[int] | None = None, mapped: Path | None = None
    ) -> None:
        self._index = index
        self._dead: set[int] = tombstones or set()
        self._lock = threading.Lock()
        self._mapped = mapped  # the file this index is a read-only view of, if any
        self._remap = mapped is not None  # map the file again after a save
        inner = faiss.downcast_index(index.index)
        self._hnsw = isinstance(inner, faiss.IndexHNSW)
        self._ef = int(inner.hnsw.efSearch) if self._hnsw else 0

    @classmethod
    def create(
        cls, dim: int, expected: int, hnsw_threshold: int, m: int = 32, ef: int = 96
    ) -> FaissStore:
        """A flat index below `hnsw_threshold` expected vectors, HNSW at or above it."""
        if expected >= hnsw_threshold:
            inner = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = 80
            inner.hnsw.efSearch = ef
        else:
            inner = faiss.IndexFlatIP(dim)
        return cls(faiss.IndexIDMap2(inner))

    @classmethod
    def load(cls, path: Path, mmap: bool = False) -> FaissStore:
        """Read `path`; with `mmap`, map it read-only so processes share its pages."""
        index = _read(path, mmap)
        dead_path = path.with_suffix(".tombstones.npy")
        dead = set(np.load(dead_path).tolist()) if dead_path.exists() else set()
        return cls(index, dead, mapped=path if mmap else None)

    @property
    def mapped(self) -> bool:
        """Whether the index is served from a read-only mapping of its file."""
        return self._mapped is not None

    def _own(self) -> None:
        """Before a write (caller holds the lock): a mapped index is read into memory."""
        if self._mapped is not None:
            self._index = _read(self._mapped, mmap=False)
            self._mapped = None

    @property
    def size(self) -> int:
        return int(self._index.ntotal) - len(self._dead)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    def add(self, ids: Sequence[int], vectors: F32) -> None:
        if len(ids) == 0:
            return
        with self._lock:
            self._own()
            self._index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
            )
            self._dead.difference_update(ids)

    def ids(self, live: bool = True) -> I64:
        """Every stored id; with `live`, tombstones excluded (consistency checks, reuse)."""
        with self._lock:
            stored = faiss.vector_to_array(self._index.id_map).astype(np.int64)
        if live and self._dead:
            stored = stored[~np.isin(stored, np.fromiter(self._dead, dtype=np.int64))]
        return stored

    def missing(self, ids: Sequence[int]) -> list[int]:
        """The ids not stored at all: a replayed write adds only these, so HNSW (which cannot
        remove) never holds one id twice."""
        present = set(self.ids(live=False).tolist())
        return [int(i) for i in ids if int(i) not in present]

    def vectors(self, ids: Sequence[int]) -> F32:
        """The stored vectors of `ids` (all must be present), to reuse unchanged text's vector."""
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        with self._lock:
            for row, i in enumerate(ids):
                out[row] = self._index.reconstruct(int(i))
        return out

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids) == 0:
            return
        with self._lock:
            if self._hnsw:
                self._dead.update(int(i) for i in ids)
            else:
                self._own()
                self._index.remove_ids(np.asarray(ids, dtype=np.int64))

    def search(
        self, queries: F32, k: int, ranges: Sequence[tuple[int, int]] = ()
    ) -> tuple[F32, I64]:
        """Top-k (scores, ids) per query row, ids of -1 padding short results.

        `ranges` restricts ids to half-open [lo, hi) intervals inside FAISS itself (the
        docstore gives each kind its own id range), so a FAQ-only search at 100k items still
        returns k FAQ entries; tombstones are excluded the same way.
        """
        keep: list[object] = []  # selectors must outlive the search call
        sel = None
        for lo, hi in ranges:
            rng = faiss.IDSelectorRange(lo, hi)
            keep.append(rng)
            sel = rng if sel is None else faiss.IDSelectorOr(sel, rng)
            keep.append(sel)
        with self._lock:
            if self._dead:
                batch = faiss.IDSelectorBatch(np.asarray(sorted(self._dead), dtype=np.int64))
                alive = faiss.IDSelectorNot(batch)
                keep += [batch, alive]
                sel = alive if sel is None else faiss.IDSelectorAnd(sel, alive)
                keep.append(sel)
            params = None
            if sel is not None:
                params = (
                    faiss.SearchParametersHNSW(sel=sel, efSearch=self._ef)
                    if self._hnsw
                    else faiss.SearchParameters(sel=sel)
                )
            scores, ids = self._index.search(
                np.ascontiguousarray(queries, dtype=np.float32), k, params=params
            )
        return scores.astype(np.float32), ids.astype(np.int64)

    def save(self, path: Path) -> None:
        """Write to a temporary file and rename, so a reader never sees half a file (and a
        reader's mapping of the old one stays valid). A store opened mapped maps the new file."""
        tmp = path.with_suffix(".tmp")
        with self._lock:
            faiss.write_index(self._index, str(tmp))
            dead = np.asarray(sorted(self._dead), dtype=np.int64)
            os.replace(tmp, path)
            if self._remap and self._mapped is None:
                self._index, self._mapped = _read(path, mmap=True), path
        dead_tmp = path.with_suffix(".tombstones.tmp.npy")
        np.save(dead_tmp, dead)
        os.replace(dead_tmp, path.with_suffix(".tombstones.npy"))


def _read(path: Path, mmap: bool) -> Any:
    try:
        return faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC if mmap else 0)
    except RuntimeError as exc:
        raise BackendUnavailable(f"cannot read FAISS index {path}: {exc}") from exc
