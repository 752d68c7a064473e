"""Load bench: throughput and latency of served search over HTTP at several concurrencies.

A bounded asyncio client (httpx) sends fresh citizen queries to one or more base URLs, round-
robin, as a load balancer would. By default it starts the servers itself, so one run compares
`zwfw serve --workers 1` with `--workers 2` (and, with `--replicas 2`, two servers sharing the
state given in the environment, e.g. ZWFW_STATE_URL and ZWFW_REDIS_URL):

    python bench/load.py --index-dir var/index --workers 1 2 --concurrency 1 8 32
    python bench/load.py --url http://127.0.0.1:8000 --concurrency 8     # an existing server

Queries are the first 40 characters of real citizen messages (../shared), 20–40 characters
long, each used once per level unless `--repeat` is given, so the query-vector cache misses as
it would for citizens. The client shares the machine's cores with the server, so compare ratios
from one run (workers 2 vs 1), not absolute figures across machines. Writes JSON to
bench/results/load-<stamp>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = ROOT.parent / "shared" / "data" / "citizen_messages_labeled.jsonl"
FALLBACK = ["护照丢了怎么补办", "社保卡怎么申请", "公积金提取需要什么材料", "营业执照变更"]


def citizen_queries(limit: int) -> list[str]:
    """Distinct 20–40-character prefixes of real citizen messages (the demo list if absent)."""
    if not MESSAGES.exists():
        return (FALLBACK * (limit // len(FALLBACK) + 1))[:limit]
    seen: dict[str, None] = {}
    with MESSAGES.open(encoding="utf-8") as lines:
        for line in lines:
            text = "".join(str(json.loads(line).get("text", "")).split())[:40]
            if len(text) >= 20:
                seen.setdefault(text, None)
            if len(seen) >= limit:
                break
    return list(seen)


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_level(urls: Sequence[str], queries: Sequence[str], concurrency: int) -> dict:
    """Send every query once with `concurrency` requests in flight; latency in ms."""
    latencies: list[float] = []
    errors = 0
    pending = iter(enumerate(queries))
    limits = httpx.Limits(max_connections=concurrency * len(urls))
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def worker() -> None:
            nonlocal errors
            for i, query in pending:
                url = urls[i % len(urls)]
                start = time.perf_counter()
                try:
                    resp = await client.get(f"{url}/v1/search", params={"q": query})
                    ok = resp.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - start) * 1000)
                errors += not ok

        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": errors,
        "qps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p90_ms": round(_pct(latencies, 0.90), 1),
        "p99_ms": round(_pct(latencies, 0.99), 1),
        # The client's own CPU, in cores: what it took from the server on a shared machine.
        "client_cpu_cores": round(cpu / elapsed, 2),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(
    url: str, proc: subprocess.Popen[bytes], log: Path, workers: int, timeout: float = 300
) -> float:
    """Seconds until /readyz answers and every worker has logged "index loaded": one worker's
    /readyz says nothing of the other, which would still be loading during the first level."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"server at {url} exited with {proc.returncode}: see {log}")
        try:
            loaded = log.read_text(errors="replace").count("index loaded") >= workers
            if loaded and httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server at {url} not ready after {timeout} s")


@contextmanager
def servers(index_dir: Path, workers: int, replicas: int, port: int = 0) -> Iterator[list[str]]:
    """`replicas` servers of `workers` processes each, on ports from `port` (free ones if 0),
    stopped afterwards."""
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    exe = Path(sys.executable).with_name("zwfw")
    logs = Path(tempfile.mkdtemp(prefix="zwfw-load-"))
    try:
        for n in range(replicas):
            at = port + n if port else _free_port()
            cmd = [str(exe), "serve", "--index-dir", str(index_dir), "--port", str(at)]
            cmd += ["--workers", str(workers)]
            with (logs / f"{n}.log").open("wb") as sink:
                procs.append(
                    subprocess.Popen(cmd, stdout=sink, stderr=sink, start_new_session=True)
                )
            urls.append(f"http://127.0.0.1:{at}")
        for n, (url, proc) in enumerate(zip(urls, procs, strict=True)):
            took = _wait_ready(url, proc, logs / f"{n}.log", workers)
            print(f"{url}: {workers} worker(s) loaded in {took:.1f} s", flush=True)
        yield urls
    finally:
        for proc in procs:
            with_group = proc.pid
            try:
                os.killpg(with_group, signal.SIGTERM)
            except ProcessLookupError:
                continue
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(with_group, signal.SIGKILL)


def bench(urls: Sequence[str], levels: Sequence[int], per_level: int, label: str) -> list[dict]:
    queries = citizen_queries(per_level * len(levels) + 20)
    asyncio.run(run_level(urls, queries[:20], 2))  # warm-up: models and page cache
    rows = []
    for n, concurrency in enumerate(levels):
        chunk = queries[20 + n * per_level : 20 + (n + 1) * per_level]
        row = {"setup": label, **asyncio.run(run_level(urls, chunk, concurrency))}
        print(json.dumps(row, ensure_ascii=False), flush=True)
        rows.append(row)
    return rows


def _ratios(rows: list[dict], workers: Sequence[int]) -> dict[str, float]:
    """Throughput of each later setup over the first one's, per concurrency (same run)."""
    if len(workers) < 2:
        return {}
    label = f"x {workers[0]} worker(s)"
    first = {r["concurrency"]: r["qps"] for r in rows if r["setup"].endswith(label)}
    out = {}
    for r in rows:
        base = first.get(r["concurrency"])
        if base and not r["setup"].endswith(label):
            out[f"{r['setup']} @ c{r['concurrency']}"] = round(r["qps"] / base, 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", action="append", help="an existing server (repeatable)")
    parser.add_argument("--index-dir", type=Path, help="start servers on this index")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--requests", type=int, default=300, help="per concurrency level")
    parser.add_argument("--port", type=int, default=0, help="first server port (default: free)")
    args = parser.parse_args()
    rows: list[dict] = []
    if args.url:
        rows += bench(args.url, args.concurrency, args.requests, "given")
    elif args.index_dir:
        for workers in args.workers:
            with servers(args.index_dir, workers, args.replicas, args.port) as urls:
                label = f"{args.replicas} replica(s) x {workers} worker(s)"
                rows += bench(urls, args.concurrency, args.requests, label)
    else:
        parser.error("give --url or --index-dir")
    ratios = _ratios(rows, args.workers)
    if ratios:
        print(json.dumps({"qps_ratio_vs_first_setup": ratios}), flush=True)
        rows.append({"qps_ratio_vs_first_setup": ratios})
    out = ROOT / "bench" / "results" / f"load-{dt.datetime.now():%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
