"""`zwfw fit`: the learned fusion fitted on a catalogue's synthetic queries and labelled ones,
with k-fold figures on the labelled queries the reported model never saw."""

from __future__ import annotations

import dataclasses
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zwfw.core.records import DocKind, doc_key
from zwfw.evaluation.runner import crossval_rankings, format_comparison, labelled, score_groups
from zwfw.search import SearchService
from zwfw.search.fitting import COPY, Group, Labelled, collect, fit, synthetic


def synthetic_groups(search: SearchService, count: int, seed: int = 0) -> list[Group]:
    """Evidence for `count` synthetic queries made from the catalogue's item names."""
    made = synthetic(search.index.docs.iter_all(), search.segmenter, per_item=2, seed=seed)
    random.Random(seed).shuffle(made)
    return collect(search, made[:count])


def copies(search: SearchService, queries: Sequence[Labelled], mark: str) -> list[Group]:
    """Evidence for the labelled queries from another index that holds their items (the same
    catalogue indexed thin, `evaluation.thin`), their qids marked as copies so they keep
    their query's fold. Queries whose items that index lacks are left out."""
    held = [q for q in queries if _holds(search, q.relevant)]
    return [dataclasses.replace(g, qid=g.qid + mark) for g in collect(search, held)]


def _holds(search: SearchService, relevant: Any) -> bool:
    keys = [doc_key(DocKind.ITEM.value, i) for i in relevant]
    return bool(keys) and len(search.index.docs.get(keys)) == len(keys)


def fit_fusion(
    search: SearchService,
    queries: Sequence[dict[str, Any]],
    others: Sequence[SearchService],
    out: Path,
    count: int = 1000,
    folds: int = 0,
) -> str:
    """Fit on `search`'s catalogue (and `others'`: their names' synthetic queries, and the
    labelled queries' evidence where they hold the items), write the model to `out`, and
    return a report: sizes, time, and with `folds`, per-kind nDCG@10 under cross-validation
    for each index that answered the labelled queries."""
    started = time.perf_counter()
    extra = synthetic_groups(search, count)
    for other in others:
        extra += synthetic_groups(other, count)
    asked = labelled(queries)
    catalogues = [collect(search, asked)] if asked else []
    if asked:
        catalogues += [copies(o, asked, f"{COPY}{n}") for n, o in enumerate(others, start=1)]
    dev = [g for groups in catalogues for g in groups]
    lines = []
    if folds and dev:
        rankings = crossval_rankings(dev, extra, folds)
        for n, groups in enumerate(catalogues):
            if groups:
                where = "the main index" if n == 0 else f"--also index {n}"
                lines.append(f"{folds}-fold on {len(groups)} labelled queries, {where} "
                             "(never in their own fit):")  # fmt: skip
                lines.append(format_comparison({"fusion": score_groups(groups, rankings)}))
    model = fit(dev + extra, about={"labelled": len(dev), "synthetic": len(extra)})
    model.save(out)
    info = json.dumps(dict(model.about), ensure_ascii=False)
    took = time.perf_counter() - started
    lines.append(f"wrote {out} ({out.stat().st_size} bytes) in {took:.0f} s: {info}")
    return "\n".join(lines)
