"""`zwfw serve --workers N` starts N processes that serve the same index."""

from __future__ import annotations

import os
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


@pytest.mark.integration
@pytest.mark.slow
def test_two_workers_serve_searches_from_one_index(demo_index_dir: Path, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "ZWFW_STATE_DB": str(tmp_path / "state.sqlite"), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "zwfw.cli", "serve", "--index-dir", str(demo_index_dir)]
    server = subprocess.Popen(
        [*cmd, "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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
        workers = {p for p in _children(server.pid) if Path(f"/proc/{p}/cmdline").exists()}
        assert len(workers) >= 2, f"expected two worker processes, found {workers}"
        for _ in range(10):
            found = httpx.get(f"{base}/v1/search", params={"q": "护照丢了怎么补"}, timeout=10)
            assert found.status_code == 200
            assert found.json()["total"] > 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
