"""Time to ready and worker memory of two checkouts of zwfw on one index, in the same run.

    python bench/startup_time.py --index-dir DIR --before /work/main [--after .] [--repeats 3]

Each start is `zwfw serve` (FAISS mapped) with the given checkout first on PYTHONPATH, timed
until /readyz answers and every worker logged "index loaded" (`worker_memory.server`); the two
checkouts alternate so load from other processes falls on both alike. Then, for 1 and 2
workers, the sum of the workers' PSS after `--queries` fresh citizen queries. Used for the
stored start-up structures (`zwfw.search.derived`): the index must hold `derived.json` for the
"after" checkout to use it (a build made by it does; `zwfw.search.derived.store` adds it to an
older one), and the "before" checkout ignores the file. Writes JSON to
bench/results/startup_time.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from pathlib import Path

from load import citizen_queries
from worker_memory import memory_row, server

ROOT = Path(__file__).resolve().parents[1]


def _use(checkout: Path) -> None:
    os.environ["PYTHONPATH"] = str(checkout.resolve())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--before", type=Path, required=True, help="checkout without the change")
    ap.add_argument("--after", type=Path, default=ROOT)
    ap.add_argument("--port", type=int, default=18910)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "startup_time.json")
    args = ap.parse_args()
    variants = {"before": args.before, "after": args.after}
    ready: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.repeats):
        for name, checkout in variants.items():
            _use(checkout)
            with server(args.index_dir, 1, True, args.port) as info:
                ready[name].append(info["ready_s"])
            print(name, "ready", ready[name][-1], flush=True)
    queries = citizen_queries(args.queries)
    memory = {}
    for name, checkout in variants.items():
        _use(checkout)
        rows = [memory_row(args.index_dir, n, True, args.port, queries) for n in (1, 2)]
        memory[name] = {
            "pss_mb": {r["workers"]: r["total"]["pss_mb"] for r in rows},
            "pss_anon_mb": {r["workers"]: r["total"]["pss_anon_mb"] for r in rows},
            "second_worker_adds_pss_mb": round(
                rows[1]["total"]["pss_mb"] - rows[0]["total"]["pss_mb"], 1
            ),
            "all_loaded_s": {r["workers"]: r["all_loaded_s"] for r in rows},
        }
        print(name, json.dumps(memory[name]), flush=True)
    result = {
        "index_dir": str(args.index_dir),
        "ready_s": ready,
        "ready_s_median": {k: statistics.median(v) for k, v in ready.items()},
        "memory": memory,
    }
    print(json.dumps({k: result[k] for k in ("ready_s_median", "memory")}))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
