"""Hybrid search p50 with the learned fusion against weighted RRF, in the same run.

Both services share one index, vocabulary and uncached encoder; each query is timed on
one then the other, so load on the machine affects both alike.
Run from the repository root:  .venv/bin/python bench/fusion_latency.py --index-dir DIR
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from zwfw.core.settings import get_settings
from zwfw.runtime import load_runtime
from zwfw.search import SearchFilters, SearchService

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--index-dir", type=Path, required=True)
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args()
    settings = get_settings().model_copy(update={"index_dir": args.index_dir})
    runtime = load_runtime(settings)
    served = runtime.search
    encoder = runtime.encoder.inner  # uncached: every query is encoded, as on a cold query

    def service(fusion: object) -> SearchService:
        return SearchService(
            runtime.index, encoder, runtime.segmenter, settings.search,
            vocab=served.vocab, synonyms=served.synonyms, fusion=fusion,  # type: ignore[arg-type]
        )  # fmt: skip

    learned, rrf = service(served.fusion), service(None)
    queries = [
        json.loads(line)["query"]
        for name in ("items_dev", "hunan_dev")
        for line in (SHARED / "eval" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    everything = SearchFilters()
    for q in queries[:30]:  # warm-up
        learned.search(q, everything)
        rrf.search(q, everything)
    times: dict[str, list[float]] = {"learned": [], "rrf": []}
    for _ in range(args.rounds):
        for q in queries:
            for name, svc in (("learned", learned), ("rrf", rrf)):
                started = time.perf_counter()
                svc.search(q, everything)
                times[name].append((time.perf_counter() - started) * 1000)
    p50 = {name: float(np.percentile(ms, 50)) for name, ms in times.items()}
    report = {f"{k}_p50_ms": round(v, 2) for k, v in p50.items()}
    ratio = round(p50["learned"] / p50["rrf"], 3)
    print(json.dumps({**report, "ratio": ratio, "n": len(times["rrf"])}))


if __name__ == "__main__":
    main()
