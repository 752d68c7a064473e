"""Simulated users of guided navigation on the item dev set.

Run from the repository root:  .venv/bin/python bench/nav_simulation.py [--index-dir DIR]

For each query in ../shared/eval/items_dev.jsonl, the query is the need; the user wants a
grade-2 item (the heaviest one in the first candidate pool) and answers every question
truthfully from its attributes: with the label of the option that keeps it, or "不知道" when
the item fits every option. Navigation ends with a result or after MAX_QUESTIONS. Reported:
success (the result's first item is grade 2), questions asked, and success within 3 questions.
Writes bench/results/nav_simulation.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from zwfw.core.settings import Settings
from zwfw.indexer import build_index, load_sources
from zwfw.nav import NavService, create_nav_service
from zwfw.nav.session import Session
from zwfw.runtime import build_tools, load_runtime
from zwfw.storage import open_storage

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared"
ITEMS = SHARED / "data" / "guangdong_items.jsonl"
DEV = SHARED / "eval" / "items_dev.jsonl"
MAX_QUESTIONS = 8


def simulate(nav: NavService, query: str, grade2: set[str], mode: str) -> dict[str, Any]:
    """One conversation; `grade2` holds item keys (item:<id>)."""
    step = nav.step(None, query, None, mode)
    state = nav.store.load_session(step.session_id) or {}
    pool = Session.from_json(state).weights
    reachable = sorted((k for k in grade2 if k in pool), key=lambda k: -pool[k])
    target = reachable[0] if reachable else None
    while step.result is None and step.questions_asked <= MAX_QUESTIONS:
        session = Session.from_json(nav.store.load_session(step.session_id) or {})
        assert session.pending is not None
        holding = [o for o in session.pending.options if target in o.keys]
        if target is None or not holding:
            break  # the target is gone: a truthful user cannot answer
        answer = holding[0].label if len(holding) < len(session.pending.options) else "不知道"
        step = nav.step(step.session_id, None, answer, mode)
    first = f"item:{step.result.items[0].id}" if step.result and step.result.items else None
    return {
        "reachable": target is not None,
        "success": first in grade2,
        "questions": step.questions_asked,
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in rows if r["success"]]
    return {
        "queries": len(rows),
        "reachable": round(sum(r["reachable"] for r in rows) / len(rows), 3),
        "success": round(len(ok) / len(rows), 3),
        "success_within_3": round(sum(r["questions"] <= 3 for r in ok) / len(rows), 3),
        "mean_questions_when_successful": round(statistics.mean(r["questions"] for r in ok), 2)
        if ok
        else None,
        "mean_questions_all": round(statistics.mean(r["questions"] for r in rows), 2),
    }


def run(index_dir: Path, modes: list[str]) -> dict[str, Any]:
    settings = Settings(index_dir=index_dir, state_db=index_dir / "state.sqlite")
    tools = build_tools(settings)
    if not (index_dir / "CURRENT").exists():
        started = time.perf_counter()
        build_index(load_sources([ITEMS]).records, settings, tools[1], tools[0])
        print(f"index built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    runtime = load_runtime(settings, tools)
    queries = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]
    out: dict[str, Any] = {"dev_set": str(DEV.name), "max_questions": MAX_QUESTIONS}
    with tempfile.TemporaryDirectory() as tmp:
        state = Settings(state_db=Path(tmp) / "state.sqlite")
        nav = create_nav_service(open_storage(state), runtime.search)
        for mode in modes:
            rows, by_kind = [], defaultdict(list)
            for q in queries:
                grade2 = {f"item:{i}" for i, g in q["relevant"].items() if g == 2}
                row = simulate(nav, q["query"], grade2, mode) | {"qid": q["qid"]}
                rows.append(row)
                by_kind[q["kind"]].append(row)
            out[mode] = summarise(rows) | {
                "per_kind": {k: summarise(v) for k, v in sorted(by_kind.items())},
                "failures": [r["qid"] for r in rows if not r["success"]],
            }
        nav.close()
    runtime.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, help="reuse (or build once into) this dir")
    parser.add_argument("--modes", default="standard,elder")
    args = parser.parse_args()
    if not ITEMS.exists() or not DEV.exists():
        print(f"{ITEMS} or {DEV} is missing; nothing to measure", file=sys.stderr)
        return 0
    modes = args.modes.split(",")
    if args.index_dir:
        result = run(args.index_dir, modes)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = run(Path(tmp), modes)
    (HERE / "results").mkdir(exist_ok=True)
    target = HERE / "results" / "nav_simulation.json"
    target.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for mode in modes:
        print(mode, {k: v for k, v in result[mode].items() if k not in ("per_kind", "failures")})
    return 0


if __name__ == "__main__":
    sys.exit(main())
