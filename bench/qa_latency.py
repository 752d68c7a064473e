"""`QaService.ask` latency without and with the pair matcher, interleaved in one run (what
/v1/qa does besides HTTP). "before" is the same model with its matcher removed: exactly the
work the old classifier did (its `match_*` features read 0).

    python bench/qa_latency.py --index-dir IDX [--model zwfw/qa/answer_model.json] \\
        --queries ../shared/eval/faq_dev.jsonl [--rounds 3]

Each query is asked once with each model before timing (the encoders' caches are warm in
both), then `rounds` times each, alternating, so machine load hits both alike.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from zwfw.core.settings import Settings
from zwfw.evaluation import read_jsonl
from zwfw.qa import QaService, load_model
from zwfw.qa.classifier import DEFAULT_MODEL
from zwfw.runtime import load_runtime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runtime = load_runtime(Settings(index_dir=args.index_dir))
    base = runtime.qa
    after = load_model(args.model)
    services = {
        name: QaService(base.search, base.settings, model, base.reranker)
        for name, model in (("before", replace(after, matcher=None)), ("after", after))
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
