"""Hybrid search latency beside one CPU-bound neighbour process, against the same idle.

Run from the repository root:
    .venv/bin/python bench/neighbour_latency.py --index-dir DIR [--queries 100]

For each thread setting (`ZWFW_WORKER_THREADS`: 1, the served default, and one per core, what
the libraries do when nobody owns their pools) a fresh process loads the runtime exactly as
the server does (`load_runtime`, so `build_tools` applies the setting), with the query-vector
cache off so every query is encoded. It runs the first 40 characters of citizen messages
(`citizen_messages_labeled.jsonl`) through `SearchService.search`, first idle, then with a
`while True: pass` process running beside it (in its own session), and reports p50/p90 and
the busy/idle ratio. On a machine that other work keeps busy, "idle" means "without the
extra neighbour": compare the ratio, not the absolute figures.

With `--serve-workers N` it measures the served path instead: `zwfw serve --workers N` on the
index (settings from the environment, so `ZWFW_WORKER_THREADS` applies per worker), queried over
HTTP one request at a time, each on a new connection so the workers share them, idle and then
beside the neighbour.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared"
PINNED = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def _queries(n: int) -> list[str]:
    path = SHARED / "data" / "citizen_messages_labeled.jsonl"
    seen: dict[str, None] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            text = str(json.loads(line).get("text", ""))[:40].strip()
            if len(text) >= 20:
                seen.setdefault(text)
            if len(seen) >= n:
                break
    return list(seen)


def _measure(search: object, queries: list[str]) -> dict[str, float]:
    from zwfw.search.filters import SearchFilters

    took = []
    for q in queries:
        start = time.perf_counter()
        search.search(q, SearchFilters())  # type: ignore[attr-defined]
        took.append((time.perf_counter() - start) * 1000)
    took.sort()
    return {"p50_ms": round(statistics.median(took), 1),
            "p90_ms": round(took[int(len(took) * 0.9)], 1)}  # fmt: skip


def child(index_dir: Path, threads: int, n: int) -> dict[str, object]:
    from zwfw.core.settings import EncoderSettings, Settings
    from zwfw.runtime import load_runtime

    state = Path(tempfile.mkdtemp(prefix="zwfw-neighbour-")) / "state.sqlite"
    settings = Settings(index_dir=index_dir, state_db=state, worker_threads=threads,
                        encoder=EncoderSettings(query_cache_size=0))  # fmt: skip
    runtime = load_runtime(settings)
    queries = _queries(n * 2 + 20)
    _measure(runtime.search, queries[:20])  # warm-up
    idle = _measure(runtime.search, queries[20 : 20 + n])
    # A session of its own, like a `zwfw index` started from another shell: with the kernel's
    # autogroup scheduling a child of this process would share this process's CPU share.
    neighbour = subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
    try:
        time.sleep(1.0)
        busy = _measure(runtime.search, queries[20 + n :])
    finally:
        neighbour.kill()
        neighbour.wait()
    return {"worker_threads": threads, "idle": idle, "busy": busy,
            "busy_over_idle_p50": round(busy["p50_ms"] / idle["p50_ms"], 2),
            "busy_over_idle_p90": round(busy["p90_ms"] / idle["p90_ms"], 2)}  # fmt: skip


def served(index_dir: Path, workers: int, n: int, port: int) -> dict[str, object]:
    import httpx
    from worker_memory import server

    queries = _queries(n * 2 + 20)
    for pinned in PINNED:  # the server's pools are sized by its settings alone
        os.environ.pop(pinned, None)

    def measure(batch: list[str], url: str) -> dict[str, float]:
        took = []
        for q in batch:
            start = time.perf_counter()
            httpx.get(f"{url}/v1/search", params={"q": q}, timeout=30).raise_for_status()
            took.append((time.perf_counter() - start) * 1000)
        took.sort()
        return {"p50_ms": round(statistics.median(took), 1),
                "p90_ms": round(took[int(len(took) * 0.9)], 1)}  # fmt: skip

    with server(index_dir, workers, True, port) as info:
        measure(queries[:20], info["url"])  # warm-up
        idle = measure(queries[20 : 20 + n], info["url"])
        neighbour = subprocess.Popen(
            [sys.executable, "-c", "while True: pass"], start_new_session=True
        )
        try:
            time.sleep(1.0)
            busy = measure(queries[20 + n :], info["url"])
        finally:
            neighbour.kill()
            neighbour.wait()
    return {"served_workers": workers, "idle": idle, "busy": busy,
            "busy_over_idle_p50": round(busy["p50_ms"] / idle["p50_ms"], 2),
            "busy_over_idle_p90": round(busy["p90_ms"] / idle["p90_ms"], 2)}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--threads", type=int, nargs="*", default=None, help="settings to measure")
    ap.add_argument("--serve-workers", type=int, nargs="*", default=None,
                    help="measure `zwfw serve --workers N` over HTTP instead")  # fmt: skip
    ap.add_argument("--port", type=int, default=18520, help="with --serve-workers")
    ap.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    if not (SHARED / "data" / "citizen_messages_labeled.jsonl").exists():
        print("../shared data is missing: nothing to measure", file=sys.stderr)
        return 0
    if args.child is not None:
        print(json.dumps(child(args.index_dir, args.child, args.queries)))
        return 0
    results = []
    for workers in args.serve_workers or []:
        results.append(served(args.index_dir, workers, args.queries, args.port))
        print(json.dumps(results[-1]), file=sys.stderr)
    for threads in [] if args.serve_workers else args.threads or sorted({1, os.cpu_count() or 1}):
        env = {k: v for k, v in os.environ.items() if k not in PINNED}
        out = subprocess.run(
            [sys.executable, __file__, "--index-dir", str(args.index_dir),
             "--queries", str(args.queries), "--child", str(threads)],
            env=env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        results.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), file=sys.stderr)
    name = "neighbour_latency_served.json" if args.serve_workers else "neighbour_latency.json"
    args.out = args.out or HERE / "results" / name
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
