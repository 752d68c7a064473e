"""`zwfw fit`: the learned fusion fitted on a catalogue's synthetic queries and labelled ones,
with k-fold figures on the labelled queries the reported model never saw."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zwfw.evaluation.runner import crossval_items, format_comparison, labelled
from zwfw.search import SearchService
from zwfw.search.fitting import Group, collect, fit, synthetic


def synthetic_groups(search: SearchService, count: int, seed: int = 0) -> list[Group]:
    """Evidence for `count` synthetic queries made from the catalogue's item names."""
    made = synthetic(search.index.docs.iter_all(), search.segmenter, per_item=2, seed=seed)
    random.Random(seed).shuffle(made)
    return collect(search, made[:count])


def fit_fusion(
    search: SearchService,
    queries: Sequence[dict[str, Any]],
    others: Sequence[SearchService],
    out: Path,
    count: int = 1000,
    folds: int = 0,
) -> str:
    """Fit on `search`'s catalogue (and `others`'), write the model to `out`, and return a
    report: sizes, time, and with `folds`, per-kind nDCG@10 under cross-validation."""
    started = time.perf_counter()
    extra = synthetic_groups(search, count)
    for other in others:
        extra += synthetic_groups(other, count)
    dev = collect(search, labelled(queries)) if queries else []
    lines = []
    if folds and dev:
        figures = crossval_items(dev, extra, folds)
        lines.append(f"{folds}-fold on {len(dev)} labelled queries (never in their own fit):")
        lines.append(format_comparison({"fusion": figures}))
    model = fit(dev + extra, about={"labelled": len(dev), "synthetic": len(extra)})
    model.save(out)
    info = json.dumps(dict(model.about), ensure_ascii=False)
    took = time.perf_counter() - started
    lines.append(f"wrote {out} ({out.stat().st_size} bytes) in {took:.0f} s: {info}")
    return "\n".join(lines)
