"""How long an edit made through one replica takes to be used by another, per poll interval.

Starts two `zwfw serve` processes on one copy of an index, one fresh PostgreSQL schema and no
Redis, then makes `--edits` FAQ edits and synonym edits through A and times how long A took to
acknowledge each (a FAQ edit encodes and indexes the entry) and, from that 201, the first
request to B that used it (a search that finds the new FAQ
entry by its question; a search that matches by the new synonym). Each poll interval in
`--polls` gets its own pair of replicas, one after the other in the same run, so the figures
compare. `ZWFW_STATE_POLL_SECONDS=1` stands for the old fixed one-second index check.

    python bench/replica_propagation.py --index-dir /work/idx/wiring/real --ports 18110 18111
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import string
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from urllib.parse import quote

import httpx
import sqlalchemy as sa

from zwfw.api.auth import hash_token

ROOT = Path(__file__).resolve().parents[1]
PG = "postgresql://postgres@127.0.0.1:5432/test"
TOKEN = "bench-admin"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@contextmanager
def _schema() -> Iterator[str]:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(PG.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    try:
        yield f"{PG}?options={quote(f'-csearch_path={name}')}"
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
        engine.dispose()


@contextmanager
def _replicas(index_dir: Path, poll: float, ports: list[int]) -> Iterator[list[httpx.Client]]:
    with _schema() as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZWFW_")}
        env |= {"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "ZWFW_INDEX_DIR": str(index_dir),
                "ZWFW_STATE_URL": url, "ZWFW_STATE_POLL_SECONDS": str(poll),
                "ZWFW_ADMIN__TOKEN_HASHES": json.dumps([hash_token(TOKEN)])}  # fmt: skip
        cli = [sys.executable, "-m", "zwfw.cli"]
        subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
        procs = [subprocess.Popen([*cli, "serve", "--port", str(p)], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for p in ports]  # fmt: skip
        clients = [httpx.Client(base_url=f"http://127.0.0.1:{p}", timeout=60) for p in ports]
        try:
            for client in clients:
                _until(600, partial(_ready, client))
            yield clients
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(30)


def _ready(client: httpx.Client) -> bool:
    try:
        return client.get("/readyz").status_code == 200
    except httpx.TransportError:
        return False


def _until(seconds: float, check: Callable[[], bool]) -> float:
    """Seconds until a request made by `check` (counted when sent) saw the change."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        sent = time.monotonic() - started
        if check():
            return sent
        time.sleep(0.02)
    raise TimeoutError(f"not seen within {seconds} s")


def _found(client: httpx.Client, q: str, doc_id: str | None = None) -> bool:
    body = client.get("/v1/search", params={"q": q, "size": 5}).json()
    if doc_id is None:  # matched through the synonym, not a fallback
        return bool(body["total"]) and body["fallback"] == "none"
    return any(hit["id"] == doc_id for hit in body["hits"])


def _timed(send: Callable[[], httpx.Response], used: Callable[[], bool]) -> tuple[float, float]:
    """(seconds until A acknowledged the edit, seconds from then until a request to B,
    counted when sent, used it)."""
    sent = time.monotonic()
    assert send().status_code == 201
    return time.monotonic() - sent, _until(10, used)


def _run(a: httpx.Client, b: httpx.Client, edits: int) -> dict[str, list[tuple[float, float]]]:
    times: dict[str, list[tuple[float, float]]] = {"faq": [], "synonym": []}
    for i in range(edits):
        word = "zq" + "".join(random.choice(string.ascii_lowercase) for _ in range(6))
        faq = {"id": f"bench-{word}", "question": f"第{i}号基准问题{word}怎么办理？",
               "answer": "这是用于测量副本间传播时间的条目。"}  # fmt: skip
        rule = {"kind": "oneway", "terms": [word + "s", "护照"]}
        post = partial(a.post, headers=AUTH)
        times["faq"].append(
            _timed(partial(post, "/v1/admin/faq", json=faq), partial(_found, b, word, faq["id"]))
        )
        times["synonym"].append(
            _timed(partial(post, "/v1/admin/synonyms", json=rule), partial(_found, b, word + "s"))
        )
        time.sleep(0.3)  # edits spread out, not aligned with the poll
    return times


def _summary(seconds: list[float]) -> str:
    return f"p50 {statistics.median(seconds):.3f} s, max {max(seconds):.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--polls", type=float, nargs="+", default=[1.0, 0.25])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--ports", type=int, nargs=2, default=[18110, 18111])
    args = parser.parse_args()
    for poll in args.polls:
        with _replicas(args.index_dir, poll, args.ports) as (a, b):
            times = _run(a, b, args.edits)
        for kind, pairs in times.items():
            acked = [ack for ack, _ in pairs]
            after = [seen for _, seen in pairs]
            total = [ack + seen for ack, seen in pairs]
            print(f"poll {poll:g} s, {kind} (n={len(pairs)}): A's 201 {_summary(acked)}; "
                  f"from the 201 until B used it {_summary(after)}; "
                  f"from the send {_summary(total)}")  # fmt: skip


if __name__ == "__main__":
    main()
