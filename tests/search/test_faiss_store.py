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


def _mapped_files() -> str:
    return Path("/proc/self/maps").read_text()


@pytest.mark.parametrize("threshold", [pytest.param(10**9, id="flat"), pytest.param(0, id="hnsw")])
def test_a_served_index_is_mapped_from_its_file_not_copied(tmp_path: Path, threshold: int) -> None:
    store = FaissStore.create(16, expected=40, hnsw_threshold=threshold)
    vectors = _unit(40)
    store.add(list(range(40)), vectors)
    store.save(tmp_path / "v.faiss")
    mapped = FaissStore.load(tmp_path / "v.faiss", mmap=True)
    assert mapped.mapped and str(tmp_path / "v.faiss") in _mapped_files()
    _, ids = mapped.search(vectors[5:6], 1)
    assert ids[0, 0] == 5


@pytest.mark.parametrize("threshold", [pytest.param(10**9, id="flat"), pytest.param(0, id="hnsw")])
def test_writes_to_a_mapped_index_land_and_the_saved_file_is_mapped_again(
    tmp_path: Path, threshold: int
) -> None:
    """FAISS aborts the process when a mapped index grows, so a write first reads it in."""
    path = tmp_path / "v.faiss"
    store = FaissStore.create(16, expected=40, hnsw_threshold=threshold)
    vectors = _unit(41)
    store.add(list(range(30)), vectors[:30])
    store.save(path)
    served = FaissStore.load(path, mmap=True)
    served.remove([3])
    served.add([100], vectors[40:41])
    assert not served.mapped  # the write made a private copy
    served.save(path)
    assert served.mapped
    _, ids = served.search(vectors[40:41], 1)
    assert ids[0, 0] == 100
    reread = FaissStore.load(path, mmap=True)
    _, ids = reread.search(vectors[3:4], 3)
    assert 3 not in ids[0].tolist() and reread.size == 30
