from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zwfw.search.vector import FaissStore


def _unit(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("threshold", [pytest.param(10**9, id="flat"), pytest.param(0, id="hnsw")])
def test_a_removed_vector_is_never_returned(threshold: int) -> None:
    store = FaissStore.create(16, expected=50, hnsw_threshold=threshold)
    vectors = _unit(50)
    store.add(list(range(50)), vectors)
    store.remove([7])
    _, ids = store.search(vectors[7:8], 5)
    assert 7 not in ids[0].tolist() and store.size == 49


def test_an_id_range_limits_results_to_one_kind() -> None:
    store = FaissStore.create(16, expected=40, hnsw_threshold=10**9)
    vectors = _unit(40)
    store.add(list(range(20)) + list(range(1000, 1020)), vectors)
    _, ids = store.search(vectors[:1], 10, ranges=[(1000, 2000)])
    assert all(1000 <= i < 2000 for i in ids[0].tolist())


def test_tombstones_survive_save_and_load(tmp_path: Path) -> None:
    store = FaissStore.create(16, expected=30, hnsw_threshold=0)
    vectors = _unit(30)
    store.add(list(range(30)), vectors)
    store.remove([3])
    store.save(tmp_path / "v.faiss")
    loaded = FaissStore.load(tmp_path / "v.faiss")
    _, ids = loaded.search(vectors[3:4], 3)
    assert 3 not in ids[0].tolist() and loaded.size == 29
