"""Request-path cost of operations logging: p50 with logging on vs off, in one run.

The same fixed search-like handler is served by four apps, called directly through ASGI
(no sockets, no TestClient thread hop, so the difference is the logging itself):

- off: error handlers only;
- on: the observability middleware (metrics, JSON access log line, request event) and the
  route's `log_search_turn`, all going through the asynchronous query log;
- on_no_access_log: the same without the JSON access log line, to show what that costs;
- sync: like off, but the handler writes its turn to SQLite synchronously and commits, the
  design the asynchronous writer replaces.

Log lines go through `install_json_logging`'s background thread, as in production;
`--inline-log` formats and writes them on the request path instead (results in
`logging_overhead_inline.json`), which shows why the server should not.

Requests alternate between the apps in rounds so drift (CPU frequency, other processes)
hits all of them alike. Results go to bench/results/logging_overhead.json.

    .venv/bin/python bench/logging_overhead.py [--requests 5000] [--inline-log]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request

from zwfw.api import errors, observability
from zwfw.core.settings import Settings
from zwfw.ops import Ops, Period, create_ops, install_json_logging
from zwfw.search import SearchHit, SearchPage
from zwfw.storage import open_storage

RESULTS = Path(__file__).resolve().parent / "results"
HITS = [SearchHit(f"item-{i}", "item", "普通护照补发", 0.03, "…", {}, "公安局", None, None)
        for i in range(10)]  # fmt: skip


def _handler_app(extra: Callable[[Request, SearchPage], None] | None) -> FastAPI:
    app = FastAPI()
    errors.install(app)

    @app.get("/v1/search")
    def search(q: str, request: Request) -> dict[str, Any]:
        page = SearchPage(q, 87, 12.5, HITS)
        if extra is not None:
            extra(request, page)
        return {"query": q, "total": page.total, "hits": [h.id for h in page.hits]}

    return app


def build_apps(work: Path) -> tuple[dict[str, FastAPI], Ops, sqlite3.Connection]:
    ops = create_ops(open_storage(Settings(state_db=work / "ops.sqlite")), {})
    on = _handler_app(lambda request, page: observability.log_search_turn(ops, request, page, 0))
    observability.install(on)
    on.state.ops = ops
    quiet = _handler_app(lambda request, page: observability.log_search_turn(ops, request, page, 0))
    observability.install(quiet, log_requests=False)
    quiet.state.ops = ops

    sync_db = sqlite3.connect(work / "sync.sqlite", check_same_thread=False)
    sync_db.execute("CREATE TABLE turns (at REAL, query TEXT, shown TEXT, total INT)")

    def write_now(request: Request, page: SearchPage) -> None:
        shown = json.dumps([h.id for h in page.hits])
        sync_db.execute("INSERT INTO turns VALUES (?,?,?,?)", (time.time(), page.query, shown, 87))
        sync_db.commit()

    apps = {"off": _handler_app(None), "on": on, "on_no_access_log": quiet}
    return apps | {"sync": _handler_app(write_now)}, ops, sync_db


async def call(app: FastAPI, query: bytes) -> float:
    """One GET through the whole ASGI stack; returns seconds."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": "/v1/search", "raw_path": b"/v1/search",
        "query_string": b"q=" + query, "headers": [(b"host", b"bench")],
        "client": ("127.0.0.1", 1), "server": ("bench", 80), "root_path": "",
    }  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    started = time.perf_counter()
    await app(scope, receive, send)
    elapsed = time.perf_counter() - started
    assert sent[0]["status"] == 200, sent[0]
    return elapsed


async def measure(apps: dict[str, FastAPI], requests: int) -> dict[str, list[float]]:
    queries = [f"护照补办{i % 50}".encode() for i in range(requests)]
    for name in apps:  # warm-up: first-call imports, threadpool start, SQLite pages
        for q in queries[:200]:
            await call(apps[name], q)
    timings: dict[str, list[float]] = {name: [] for name in apps}
    for q in queries:
        for name, app in apps.items():
            timings[name].append(await call(app, q))
    return timings


def summarise(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    return {
        "p50_ms": round(statistics.median(ms), 4),
        "p99_ms": round(ms[int(len(ms) * 0.99) - 1], 4),
        "mean_ms": round(statistics.fmean(ms), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument(
        "--inline-log", action="store_true", help="format and write log lines on the request path"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        log_file = Path(tmp) / "access.jsonl"
        sink = log_file.open("w", encoding="utf-8")
        stop_logging = install_json_logging(stream=sink, background=not args.inline_log)
        apps, ops, sync_db = build_apps(Path(tmp))
        timings = asyncio.run(measure(apps, args.requests))
        started = time.perf_counter()
        ops.querylog.flush(timeout=60)
        flush_s = time.perf_counter() - started
        written = ops.analytics.top_queries(Period(), limit=1000)
        ops.close()
        sync_db.close()
        stop_logging()
        sink.close()
        log_lines = sum(1 for _ in log_file.open(encoding="utf-8"))
    result = {
        "machine": {"platform": platform.platform(), "python": platform.python_version()},
        "date": time.strftime("%Y-%m-%d"),
        "requests_per_mode": args.requests,
        "log_lines_written": "inline" if args.inline_log else "background thread",
        "modes": {name: summarise(samples) for name, samples in timings.items()},
        "turns_written": sum(q.count for q in written),
        "access_log_lines": log_lines,
        "final_flush_s": round(flush_s, 4),
        "querylog_dropped": ops.querylog.dropped,
    }
    modes = result["modes"]
    result["p50_overhead_ms"] = round(modes["on"]["p50_ms"] - modes["off"]["p50_ms"], 4)
    result["p50_overhead_sync_ms"] = round(modes["sync"]["p50_ms"] - modes["off"]["p50_ms"], 4)
    out = RESULTS / ("logging_overhead_inline.json" if args.inline_log else "logging_overhead.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
