"""`QaService.ask` latency with two answer models, interleaved in one run (what /v1/qa does
besides HTTP): the model before (no learned ranker) against the one after.

    python bench/qa_latency.py --index-dir IDX --before OLD.json --after NEW.json \\
        --queries ../shared/eval/faq_dev.jsonl [--rounds 3]

Each query is asked once with each model before timing (the encoders' caches are warm in
both), then `rounds` times each, alternating, so machine load hits both alike.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from zwfw.core.settings import Settings
from zwfw.evaluation import read_jsonl
from zwfw.qa import QaService, load_model
from zwfw.runtime import load_runtime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runtime = load_runtime(Settings(index_dir=args.index_dir))
    base = runtime.qa
    services = {
        name: QaService(base.search, base.settings, load_model(path), base.reranker)
        for name, path in (("before", args.before), ("after", args.after))
    }
    queries = [r["query"] for r in read_jsonl(args.queries)]
    times: dict[str, list[float]] = {name: [] for name in services}
    for q in queries:
        for qa in services.values():
            qa.ask(q)
    for _ in range(args.rounds):
        for q in queries:
            for name, qa in services.items():
                started = time.perf_counter()
                qa.ask(q)
                times[name].append((time.perf_counter() - started) * 1000)
    result = {
        name: {
            "p50_ms": round(float(np.percentile(t, 50)), 2),
            "p90_ms": round(float(np.percentile(t, 90)), 2),
            "n": len(t),
        }
        for name, t in times.items()
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
