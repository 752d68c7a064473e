"""The query-side adapter: what a fit learns, that cosines keep their scale, and its file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fakes import HashEncoder

from zwfw.core.errors import ConfigError
from zwfw.models.adapter import AdaptedEncoder, Batch, QueryAdapter, fit_adapter, query_model_id

DIM = 16


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _world(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Passages share one common direction, as e5's do. Queries of item i are item i's
    passage plus a 'style' direction that pulls every query toward item 0's passage: a
    colloquial sentence that plain cosine files under the wrong service."""
    rng = np.random.default_rng(seed)
    common = _unit(rng.normal(size=DIM))
    passages = _unit(3 * common + rng.normal(size=(8, DIM)))
    style = passages[0] - passages.mean(axis=0)
    items = rng.integers(1, 8, size=60)
    queries = _unit(passages[items] + 1.6 * style + 0.05 * rng.normal(size=(60, DIM)))
    return passages, queries, items, common


def _targets(items: np.ndarray, n: int) -> np.ndarray:
    return np.eye(n)[items]


def test_a_fitted_adapter_files_unseen_styled_queries_under_their_own_item() -> None:
    passages, queries, items, _ = _world(0)
    plain_hits = (np.argmax(queries[40:] @ passages.T, axis=1) == items[40:]).mean()
    adapter = fit_adapter([Batch(queries[:40], _targets(items[:40], 8), passages)],
                          penalty=0.01, temperature=0.05)  # fmt: skip
    adapted = adapter.apply(queries[40:].astype(np.float32))
    hits = (np.argmax(adapted @ passages.T, axis=1) == items[40:]).mean()
    assert plain_hits < 0.5
    assert hits > 0.9


def test_adapted_cosines_keep_the_scale_absolute_floors_were_set_on() -> None:
    passages, queries, items, _ = _world(1)
    batch = Batch(queries, _targets(items, 8), passages)
    kept = fit_adapter([batch], penalty=0.01, temperature=0.05).apply(queries)
    free = fit_adapter([batch], penalty=0.01, keep_scale=0.0, temperature=0.05).apply(queries)
    before = (queries @ passages.T).mean()
    assert abs((kept @ passages.T).mean() - before) < 0.03
    assert abs((free @ passages.T).mean() - before) > abs((kept @ passages.T).mean() - before)


def test_adapted_vectors_are_unit_and_a_zero_adapter_changes_nothing() -> None:
    vectors = _unit(np.random.default_rng(2).normal(size=(5, DIM))).astype(np.float32)
    assert np.allclose(QueryAdapter(np.zeros((DIM, DIM), np.float32)).apply(vectors), vectors)
    moved = QueryAdapter(np.eye(DIM, dtype=np.float32)[::-1]).apply(vectors)
    assert np.allclose(np.linalg.norm(moved, axis=1), 1.0, atol=1e-5)


def test_the_adapted_encoder_moves_queries_only_and_keeps_the_index_model_id() -> None:
    inner = HashEncoder(dim=DIM)
    u = np.random.default_rng(3).normal(scale=0.3, size=(DIM, DIM)).astype(np.float32)
    encoder = AdaptedEncoder(inner, QueryAdapter(u))
    assert encoder.model_id == inner.model_id and encoder.dim == DIM
    assert np.allclose(encoder.encode_passages(["户口迁移"]), inner.encode_passages(["户口迁移"]))
    assert not np.allclose(encoder.encode_queries(["户口迁移"]), inner.encode_queries(["户口迁移"]))


def test_a_shared_vector_cache_never_mixes_adapted_and_plain_query_vectors() -> None:
    """Replicas share query vectors in Redis under `query_model_id`: one with another adapter,
    or none, has another key, although all of them serve the same index (`model_id`)."""
    inner = HashEncoder(dim=DIM)
    rng = np.random.default_rng(4)
    one, two = (
        AdaptedEncoder(inner, QueryAdapter(rng.normal(size=(DIM, DIM)).astype(np.float32)))
        for _ in range(2)
    )
    keys = {query_model_id(inner), query_model_id(one), query_model_id(two)}
    assert len(keys) == 3 and query_model_id(inner) == inner.model_id
    assert query_model_id(one) == query_model_id(AdaptedEncoder(inner, one.adapter))


def test_an_adapter_survives_its_file_and_one_of_another_size_is_refused(tmp_path: Path) -> None:
    u = np.random.default_rng(4).normal(scale=0.1, size=(DIM, DIM)).astype(np.float32)
    path = tmp_path / "adapter.npy"
    QueryAdapter(u).save(path)
    assert np.allclose(QueryAdapter.load(path, DIM).u, u, atol=1e-3)
    with pytest.raises(ConfigError, match="ZWFW_ENCODER__QUERY_ADAPTER_PATH"):
        QueryAdapter.load(path, DIM * 2)
    with pytest.raises(ConfigError, match="cannot read"):
        QueryAdapter.load(tmp_path / "missing.npy", DIM)
