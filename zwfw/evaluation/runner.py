"""`zwfw eval`: item-search and FAQ metrics on the dev sets' JSONL format, overall and per kind."""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from zwfw.core.records import DocKind
from zwfw.evaluation.metrics import mrr, ndcg, recall
from zwfw.models import normalize
from zwfw.qa import Action, QaService
from zwfw.search import SearchFilters, SearchService
from zwfw.search.fitting import Group, Labelled, base_qid, fit, ranked

Ranker = Callable[[dict[str, Any]], list[str]]
_ITEMS = SearchFilters(kinds=(DocKind.ITEM,))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def _mean(values: Iterable[float]) -> float:
    vals = list(values)
    return round(sum(vals) / len(vals), 4) if vals else 0.0


def eval_items(search: SearchService, queries: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """nDCG@10, recall@10 and MRR over item search, overall and per query kind."""

    def zwfw(q: dict[str, Any]) -> list[str]:
        return [h.id for h in search.search(q["query"], _ITEMS, size=10).hits]

    return score_rankings(queries, zwfw)


def eval_parts(
    search: SearchService, queries: list[dict[str, Any]]
) -> dict[str, dict[str, dict[str, float]]]:
    """The same measures for each retriever alone: `dense` is plain e5 on the query as typed
    (normalised, nothing rewritten); `lexical` is zwfw's lexical retriever with its query
    understanding (pinyin, initials, corrections, synonyms)."""

    def dense(q: dict[str, Any]) -> list[str]:
        analyzed = search.analyze(q["query"])
        plain = dataclasses.replace(analyzed, text=normalize(q["query"]))
        return [r.id for _, _, r in search.lists(plain, _ITEMS, 10)[1]]

    def lexical(q: dict[str, Any]) -> list[str]:
        lex = search.lists(search.analyze(q["query"]), _ITEMS, 10)[0]
        records = search.index.docs.get([k for k, _ in lex])
        return [records[k].id for k, _ in lex if k in records]

    return {"dense": score_rankings(queries, dense), "lexical": score_rankings(queries, lexical)}


def score_rankings(queries: list[dict[str, Any]], rank: Ranker) -> dict[str, dict[str, float]]:
    rows: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for q in queries:
        ids = rank(q)
        scores = (ndcg(ids, q["relevant"]), recall(ids, q["relevant"]), mrr(ids, q["relevant"]))
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


def crossval_items(
    groups: list[Group], extra: list[Group], folds: int = 5, seed: int = 0
) -> dict[str, dict[str, float]]:
    """Figures of the learned fusion on each labelled query, from a model fitted without it
    (`crossval_rankings`)."""
    return score_groups(groups, crossval_rankings(groups, extra, folds, seed))


def crossval_rankings(
    groups: list[Group], extra: list[Group], folds: int = 5, seed: int = 0
) -> dict[str, list[str]]:
    """Each labelled query's ranking by a model fitted without it: k folds over `groups`,
    each fitted on the other folds plus `extra` (synthetic queries, other catalogues).
    Rankings are the fusion's order of both retrievers' candidates. Copies of one query's
    evidence from another index of its catalogue (`fitting.COPY`) fall in the query's fold:
    they are fitted on with it and held out with it."""
    bases = sorted({base_qid(g.qid) for g in groups},
                   key=lambda q: zlib.crc32(f"{seed}:{q}".encode()))  # fmt: skip
    rankings: dict[str, list[str]] = {}
    for fold in range(folds):
        held = set(bases[fold::folds])
        model = fit([g for g in groups if base_qid(g.qid) not in held] + extra)
        rankings.update({g.qid: ranked(model, g) for g in groups if base_qid(g.qid) in held})
    return rankings


def score_groups(
    groups: Iterable[Group], rankings: Mapping[str, list[str]]
) -> dict[str, dict[str, float]]:
    rows = [{"qid": g.qid, "kind": g.kind, "relevant": g.relevant} for g in groups]
    return score_rankings(rows, lambda q: rankings[q["qid"]])


def labelled(rows: Iterable[Mapping[str, Any]]) -> list[Labelled]:
    return [Labelled(str(r["qid"]), r["query"], r.get("kind", "all"), r["relevant"]) for r in rows]


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


def format_comparison(systems: Mapping[str, Mapping[str, Mapping[str, float]]]) -> str:
    """nDCG@10 per kind, one column per system (zwfw, dense alone, lexical alone, …)."""
    names = list(systems)
    kinds = sorted(next(iter(systems.values())), key=lambda k: (k != "overall", k))
    lines = [f"{'nDCG@10':<12}{'n':>5}" + "".join(f"{n:>10}" for n in names)]
    for kind in kinds:
        n = int(systems[names[0]][kind]["n"])
        cells = "".join(f"{systems[s][kind]['ndcg@10']:>10.3f}" for s in names)
        lines.append(f"{kind:<12}{n:>5}{cells}")
    return "\n".join(lines)
