"""Memory and time-to-ready of `zwfw serve --workers N`, FAISS memory-mapped or read into memory.

    python bench/worker_memory.py --index-dir DIR [--workers 1 2] [--port 18510]

For each setting of `ZWFW_VECTOR__MMAP` (on, off) and each worker count, one server is started
on DIR (opened read-only: nothing is written there), timed until /readyz answers and until every
worker has logged "index loaded", then sent `--queries` fresh citizen queries one at a time so
the searched pages are touched. Then each worker's RSS and PSS are read from
/proc/<pid>/smaps_rollup. PSS divides a shared page among the processes that map it, so the sum
of the workers' PSS is what the set really costs; RSS counts a shared page in every worker. What
a second worker adds is PSS(2 workers) − PSS(1 worker), from the same run.

Time-to-ready is the median of `--repeats` starts of one worker, alternating on and off, with
the index files already in the page cache (dropping the cache would disturb every other process
on the machine): it measures opening, not reading from disk. Writes JSON to
bench/results/worker_memory.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from load import citizen_queries

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ("Rss", "Pss", "Pss_Anon", "Pss_File")


def smaps(pid: int) -> dict[str, float]:
    """RSS and PSS of one process in MB, from its smaps_rollup."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in FIELDS:
            out[name.lower() + "_mb"] = round(int(rest.split()[0]) / 1024, 1)
    return out


def worker_pids(server: int, workers: int) -> list[int]:
    """The processes that serve: the server itself with one worker, its spawned children else
    (uvicorn's supervisor and multiprocessing's resource tracker hold no index)."""
    if workers == 1:
        return [server]
    found = []
    for task in Path(f"/proc/{server}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmd = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            if b"spawn_main" in cmd:
                found.append(int(child))
    return sorted(found)


@contextmanager
def server(index_dir: Path, workers: int, mmap: bool, port: int) -> Iterator[dict]:
    """Start `zwfw serve`, wait until all workers have loaded the index; yields timings."""
    state = Path(tempfile.mkdtemp(prefix="zwfw-memory-"))
    log = state / "server.log"
    env = {**os.environ, "ZWFW_VECTOR__MMAP": "true" if mmap else "false",
           "ZWFW_STATE_DB": str(state / "state.sqlite")}  # fmt: skip
    cmd = [str(Path(sys.executable).with_name("zwfw")), "serve", "--index-dir", str(index_dir),
           "--port", str(port), "--workers", str(workers)]  # fmt: skip
    started = time.monotonic()
    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, env=env, stdout=sink, stderr=sink, start_new_session=True)
    info: dict = {"pid": proc.pid}
    try:
        url = f"http://127.0.0.1:{port}"
        while "ready_s" not in info or log.read_text().count("index loaded") < workers:
            if proc.poll() is not None:
                raise SystemExit(f"server exited with {proc.returncode}: see {log}")
            if time.monotonic() - started > 300:
                raise SystemExit(f"server not ready after 300 s: see {log}")
            if "ready_s" not in info:
                try:
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        info["ready_s"] = round(time.monotonic() - started, 2)
                except httpx.HTTPError:
                    pass
            time.sleep(0.05)
        info["all_loaded_s"] = round(time.monotonic() - started, 2)
        info["url"] = url
        yield info
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def memory_row(index_dir: Path, workers: int, mmap: bool, port: int, queries: list[str]) -> dict:
    with server(index_dir, workers, mmap, port) as info:
        for q in queries:  # a new connection each, so the kernel spreads them over workers
            httpx.get(f"{info['url']}/v1/search", params={"q": q}, timeout=30)
        per = [smaps(pid) for pid in worker_pids(info["pid"], workers)]
    total = {k: round(sum(p[k] for p in per), 1) for k in per[0]}
    return {"mmap": mmap, "workers": workers, "ready_s": info["ready_s"],
            "all_loaded_s": info["all_loaded_s"], "per_worker": per, "total": total}  # fmt: skip


def ready_times(index_dir: Path, port: int, repeats: int) -> dict[str, float]:
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(repeats):
        for mmap in (True, False):
            with server(index_dir, 1, mmap, port) as info:
                times[mmap].append(info["ready_s"])
    return {("mmap" if k else "read") + "_ready_s_median": statistics.median(v)
            for k, v in times.items()}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--port", type=int, default=18510)
    ap.add_argument("--queries", type=int, default=60)
    ap.add_argument("--repeats", type=int, default=3, help="starts per setting for ready time")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "worker_memory.json")
    args = ap.parse_args()
    queries = citizen_queries(args.queries)
    build = (args.index_dir / "CURRENT").read_text().strip()
    faiss_file = args.index_dir / "builds" / build / "vectors.faiss"
    rows = []
    for mmap in (True, False):
        for workers in args.workers:
            rows.append(memory_row(args.index_dir, workers, mmap, args.port, queries))
            print(json.dumps({k: v for k, v in rows[-1].items() if k != "per_worker"}),
                  flush=True)  # fmt: skip
    added = {}
    for mmap in (True, False):
        by = {r["workers"]: r["total"]["pss_mb"] for r in rows if r["mmap"] == mmap}
        if 1 in by and 2 in by:
            added["mmap" if mmap else "read"] = round(by[2] - by[1], 1)
    result = {"index_dir": str(args.index_dir),
              "faiss_mb": round(faiss_file.stat().st_size / 2**20, 1),
              "rows": rows, "second_worker_adds_pss_mb": added,
              "ready": ready_times(args.index_dir, args.port, args.repeats)}  # fmt: skip
    print(json.dumps({k: result[k] for k in ("faiss_mb", "second_worker_adds_pss_mb", "ready")}))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
