"""`zwfw eval`: item-search and FAQ metrics on the dev sets' JSONL format, overall and per kind."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from zwfw.core.records import DocKind
from zwfw.evaluation.metrics import mrr, ndcg, recall
from zwfw.qa import Action, QaService
from zwfw.search import SearchFilters, SearchService


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def _mean(values: Iterable[float]) -> float:
    vals = list(values)
    return round(sum(vals) / len(vals), 4) if vals else 0.0


def eval_items(search: SearchService, queries: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """nDCG@10, recall@10 and MRR over item search, overall and per query kind."""
    rows: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    only_items = SearchFilters(kinds=(DocKind.ITEM,))
    for q in queries:
        page = search.search(q["query"], only_items, size=10)
        ranked = [h.id for h in page.hits]
        scores = (
            ndcg(ranked, q["relevant"]),
            recall(ranked, q["relevant"]),
            mrr(ranked, q["relevant"]),
        )
        rows["overall"].append(scores)
        rows[q.get("kind", "all")].append(scores)
    return {
        kind: {
            "n": len(v),
            "ndcg@10": _mean(s[0] for s in v),
            "recall@10": _mean(s[1] for s in v),
            "mrr": _mean(s[2] for s in v),
        }
        for kind, v in rows.items()
    }


def eval_faq(qa: QaService, queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Top-1 and recall@5 on in-scope queries, and the three answer-decision shares."""
    top1, rec5, correct, wrong, oos_answered = [], [], [], [], []
    per_kind: dict[str, list[float]] = defaultdict(list)
    for q in queries:
        gold = set(q["faq_ids"])
        ids = [c.record.id for c in qa.candidates(q["query"])[:5]]
        result = qa.ask(q["query"])
        answered = result.action is Action.ANSWER
        if not gold:
            oos_answered.append(float(answered))
            continue
        hit = float(bool(ids) and ids[0] in gold)
        top1.append(hit)
        per_kind[q.get("kind", "all")].append(hit)
        rec5.append(float(bool(gold & set(ids))))
        right = answered and result.sources[0].id in gold
        correct.append(float(right))
        wrong.append(float(answered and not right))
    return {
        "top1": _mean(top1),
        "recall@5": _mean(rec5),
        "answered_correct": _mean(correct),
        "answered_wrong": _mean(wrong),
        "out_of_scope_answered": _mean(oos_answered),
        "top1_per_kind": {k: _mean(v) for k, v in per_kind.items()},
        "n_in_scope": len(top1),
        "n_out_of_scope": len(oos_answered),
    }


def format_table(results: dict[str, dict[str, float]]) -> str:
    lines = [f"{'kind':<12}{'n':>5}{'nDCG@10':>10}{'R@10':>8}{'MRR':>8}"]
    for kind, m in sorted(results.items(), key=lambda kv: (kv[0] != "overall", kv[0])):
        lines.append(
            f"{kind:<12}{int(m['n']):>5}{m['ndcg@10']:>10.3f}{m['recall@10']:>8.3f}{m['mrr']:>8.3f}"
        )
    return "\n".join(lines)
