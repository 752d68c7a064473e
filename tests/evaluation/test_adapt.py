"""`zwfw fit-adapter`'s pieces: which queries a catalogue can fit on, and honest k-fold."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from zwfw.core.records import Item
from zwfw.core.settings import EncoderSettings
from zwfw.evaluation.adapt import Catalogue, crossval_dense, fit_query_adapter, folds_of
from zwfw.models.adapter import AdaptedEncoder, Batch, QueryAdapter
from zwfw.models.encoders import create_encoder
from zwfw.runtime import Runtime
from zwfw.search.fitting import Labelled


def _catalogue() -> Catalogue:
    return Catalogue(["a", "b", "c"], np.eye(3, dtype=np.float32))


def test_a_catalogue_fits_only_the_queries_whose_items_it_holds_weighted_by_gain() -> None:
    queries = [
        Labelled("q1", "x", "official", {"a": 2, "b": 1}),
        Labelled("q2", "y", "official", {"zz": 2}),  # another catalogue's item
    ]
    batch = _catalogue().batch(queries, np.eye(3, dtype=np.float32)[:2])
    assert batch is not None and len(batch.queries) == 1
    assert np.allclose(batch.targets[0], [0.75, 0.25, 0.0])


def test_the_dense_ranking_is_by_cosine() -> None:
    assert _catalogue().ranking(np.array([0.1, 0.9, 0.3], dtype=np.float32), k=2) == ["b", "c"]


def test_every_query_is_scored_by_an_adapter_fitted_without_it() -> None:
    queries = [Labelled(f"q{n}", str(n), "colloquial", {"abc"[n % 3]: 2}) for n in range(9)]
    vectors = np.eye(3, dtype=np.float32)[[n % 3 for n in range(9)]]
    fitted_on: list[int] = []

    def fitter(batches: Sequence[Batch]) -> QueryAdapter:
        fitted_on.append(sum(len(b.queries) for b in batches))
        return QueryAdapter(np.zeros((3, 3), dtype=np.float32))

    folds = folds_of(queries, 3)
    assert sorted(n for fold in folds for n in fold) == list(range(9))
    table = crossval_dense([_catalogue()], queries, vectors, 3, fitter)[0]
    assert fitted_on == [6, 6, 6]  # one fit per fold, never on the fold it scores
    assert table["e5"]["overall"]["ndcg@10"] == table["adapted"]["overall"]["ndcg@10"] == 1.0


def test_fit_adapter_over_a_real_index_writes_an_adapter_the_encoder_settings_load(
    demo_runtime: Runtime, tmp_path: Path
) -> None:
    items = [r for r in demo_runtime.search.index.docs.iter_all() if isinstance(r, Item)][:12]
    queries = [Labelled(f"q{n}", r.name, "official", {r.id: 2}) for n, r in enumerate(items)]
    out = tmp_path / "adapter.npy"
    report = fit_query_adapter([demo_runtime.search], queries, out, folds=3)
    assert "dense alone, 3-fold, index 0" in report and out.exists()
    settings = EncoderSettings(query_adapter_path=out, query_cache_size=0)
    adapted = create_encoder(settings).inner
    assert isinstance(adapted, AdaptedEncoder)
    assert np.allclose(np.linalg.norm(adapted.encode_queries(["户口迁移"]), axis=1), 1.0, atol=1e-5)
