"""Browser tests: the real server (`zwfw serve` in a subprocess, demo index in a temp dir)
driven by Debian's Chromium through Playwright. Marked `e2e`; skipped when Chromium is absent
(CI installs it: .ci/run)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_support import CHROMIUM, TOKENS, USER_TOKEN_SECRET

from zwfw.ops import hash_token

REPO = Path(__file__).resolve().parents[2]  # the server runs this checkout's code
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
START_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZWFW_")}
    roles = {hash_token(TOKENS[r]): r for r in ("editor", "reviewer")}
    env |= {
        "ZWFW_INDEX_DIR": str(root / "index"),
        "ZWFW_STATE_DB": str(root / "state.sqlite"),
        "ZWFW_ADMIN__TOKEN_HASHES": f'["{hash_token(TOKENS["admin"])}"]',
        "ZWFW_OPS__ROLE_TOKENS": str(roles).replace("'", '"'),
        "ZWFW_PERSONAL__TOKEN_SECRET": USER_TOKEN_SECRET,
        "ZWFW_PERSONAL__ID_SALT": "e2e-id-card-hashing-key",
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p),
    }
    return env


@pytest.fixture(scope="session")
def server(demo_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real `zwfw serve` on a free port, over a copy of the demo index."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    root = tmp_path_factory.mktemp("e2e-server")
    shutil.copytree(demo_index_dir, root / "index")
    port = _free_port()
    code = "from zwfw.cli import app; app()"
    args = [sys.executable, "-c", code, "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = (root / "server.log").open("w")
    proc = subprocess.Popen(args, env=_server_env(root), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, proc, root / "server.log")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def _wait_ready(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited:\n" + log.read_text()[-3000:])
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("server not ready in time:\n" + log.read_text()[-3000:])


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def _page(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not errors, f"script errors in the page: {errors}"


@pytest.fixture
def phone(browser: Any, server: str) -> Iterator[Any]:
    """A phone-sized page; fails the test if the page threw a script error."""
    yield from _page(browser, PHONE)


@pytest.fixture
def desktop(browser: Any, server: str) -> Iterator[Any]:
    yield from _page(browser, DESKTOP)


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where flows save screenshots: E2E_SCREENSHOTS (docs/screenshots to refresh the
    docs), else a temp dir."""
    target = os.environ.get("E2E_SCREENSHOTS")
    folder = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
