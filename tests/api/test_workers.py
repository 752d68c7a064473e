"""`zwfw serve --workers N` starts N processes that serve the same, memory-mapped index."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(c) for c in text)
    return found


def _cmdline(pid: int) -> str:
    """A worker is a multiprocessing spawn; the resource tracker is a child too, not a worker."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def _wait_until_both_load_the_index(workers: set[int], timeout: float = 60) -> None:
    """/readyz answered by one worker says nothing about the other: wait for its mapping."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all("vectors.faiss" in Path(f"/proc/{p}/maps").read_text() for p in workers):
            return
        time.sleep(0.5)


@pytest.mark.integration
@pytest.mark.slow
def test_two_workers_serve_searches_from_one_index(demo_index_dir: Path, tmp_path: Path) -> None:
    port = _free_port()
    # No OMP_NUM_THREADS: the workers' pools must be sized by the setting (default 1 each).
    pinned = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "ZWFW_WORKER_THREADS")
    env = {k: v for k, v in os.environ.items() if k not in pinned}
    env["ZWFW_STATE_DB"] = str(tmp_path / "state.sqlite")
    cmd = [sys.executable, "-m", "zwfw.cli", "serve", "--index-dir", str(demo_index_dir)]
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [*cmd, "--port", str(port), "--workers", "2"],
            env=env,
            stdout=sink,
            stderr=sink,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        ready = 0
        while time.monotonic() < deadline and ready < 6:  # both workers loaded, most likely
            try:
                ready = ready + 1 if httpx.get(f"{base}/readyz", timeout=2).is_success else 0
            except httpx.HTTPError:
                ready = 0
            time.sleep(0.5)
        assert ready, "the server never became ready"
        workers = {p for p in _children(server.pid) if "spawn_main" in _cmdline(p)}
        assert len(workers) == 2, f"expected two worker processes, found {workers}"
        _wait_until_both_load_the_index(workers)
        for pid in workers:  # the index pages are mapped from the files, shared, not copied
            maps = Path(f"/proc/{pid}/maps").read_text()
            assert "vectors.faiss" in maps, f"worker {pid} did not map the FAISS file"
            assert "/lexical/" in maps, f"worker {pid} did not map the tantivy segments"
        for _ in range(10):
            found = httpx.get(f"{base}/v1/search", params={"q": "护照丢了怎么补"}, timeout=10)
            assert found.status_code == 200
            assert found.json()["total"] > 0
        pools = re.findall(
            r"thread pools: encoder (\d+), FAISS/BLAS/OpenMP \{([^}]*)\}", log.read_text()
        )
        assert len(pools) == 2, "each worker sizes its own thread pools"
        for encoder, libraries in pools:
            assert encoder == "1" and set(re.findall(r": (\d+)", libraries)) == {"1"}, libraries
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
