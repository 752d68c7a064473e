"""Nothing a citizen typed reaches a log, a session, a table or an export unmasked.

Every kind of personal number and a self-stated name go through every public route, in
every field a client controls (query, body, session and request ids, headers). Then every
byte the service wrote (the JSON log, the state database with its WAL, the analytics exports)
is searched for them: the expected count is 0.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient
from ops.pii_samples import BANK, ID, ID_X, MOBILE, NAME, SECRETS

from zwfw.api import create_app
from zwfw.api.auth import hash_token
from zwfw.core.settings import AdminSettings, PersonalSettings, Settings
from zwfw.models import Segmenter
from zwfw.models.encoders import CachedEncoder
from zwfw.ops import JsonFormatter
from zwfw.runtime import load_runtime

pytestmark = pytest.mark.integration
SECRET = "privacy-test-secret-key-of-32-bytes!"
ADMIN = {"Authorization": "Bearer admin-s3cret"}
# Each kind, and the forms that defeated masking before: '+'-joined numbers.
TEXTS = [
    f"我的身份证号{ID}怎么补办护照",
    f"身份证 {ID_X} 过期了",
    f"手机{MOBILE}收不到验证码",
    f"银行卡{BANK}社保扣款",
    f"我叫{NAME}，想开个小店",
    f"姓名：{NAME} 公积金提取",
    f"{MOBILE}+{BANK}",
]
ANALYTICS = ("top-queries", "zero-result-queries", "no-click-queries", "handoff-queries",
             "ratings")  # fmt: skip


@pytest.fixture
def workdir(writable_index_dir: Path) -> Path:
    """The folder every written file lands in (the index copy included)."""
    return writable_index_dir.parent


@pytest.fixture
def settings(workdir: Path, writable_index_dir: Path) -> Settings:
    return Settings(
        index_dir=writable_index_dir, state_db=workdir / "state.sqlite",
        admin=AdminSettings(token_hashes=[hash_token("admin-s3cret")]),
        personal=PersonalSettings(token_secret=SECRET, id_salt="privacy-test-id-salt"),
    )  # fmt: skip


@pytest.fixture
def log_file(workdir: Path) -> Iterator[Path]:
    """The service's JSON log, as `zwfw serve` writes it, into a file."""
    path = workdir / "service.log"
    stream = path.open("w", encoding="utf-8")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    root.setLevel(old_level)
    stream.close()


def _user(user: str) -> dict[str, str]:
    token = jwt.encode({"sub": user, "exp": int(time.time()) + 300}, SECRET, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


def _every_public_route(c: TestClient, text: str) -> None:
    ids = {"X-Request-ID": ID, "X-Session-ID": MOBILE}
    c.get("/v1/search", params={"q": text}, headers=ids)
    c.get(f"/v1/search?q={urllib.parse.quote(text, safe='+')}")  # '+' as a raw space
    c.get("/v1/suggest", params={"q": text[:50]}, headers=ids)
    c.post("/v1/qa", json={"question": text}, headers=ids)
    chat = c.post("/v1/chat", json={"message": text}, headers=ids).json()
    c.post("/v1/chat", json={"session_id": chat.get("session_id"), "message": text})
    c.post("/v1/chat", json={"session_id": MOBILE, "message": text})
    nav = c.post("/v1/nav", json={"need": text, "session_id": ID}).json()
    c.post("/v1/nav", json={"need": text}).json()
    c.post("/v1/nav", json={"session_id": nav.get("session_id"), "answer": text[:100]})
    rating = {"target": {"type": "item", "id": ID}, "score": 1, "comment": text,
              "tags": [text[:20]], "session_id": MOBILE}  # fmt: skip
    c.post("/v1/ratings", json=rating)
    c.post("/v1/clicks", json={"request_id": ID, "position": 1, "id": BANK})
    user = _user("u1")
    c.post("/v1/events", json={"type": "search", "query": text}, headers=user)
    c.post("/v1/events", json={"type": "click", "item_id": ID}, headers=user)
    profile = {"audience": "person", "birth_year": 1990, "id_card_number": ID}
    c.put("/v1/users/u1/profile", json=profile, headers=user)


def _written_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _leaks(files: list[Path]) -> list[tuple[str, str]]:
    found = []
    for path in files:
        data = path.read_bytes()
        found += [(path.name, s) for s in SECRETS if s.encode() in data]
    return found


def test_no_personal_data_in_any_file_the_service_writes(
    settings: Settings, workdir: Path, log_file: Path, segmenter: Segmenter,
    encoder: CachedEncoder,
) -> None:  # fmt: skip
    runtime = load_runtime(settings, (segmenter, encoder))
    exports = workdir / "exports"
    exports.mkdir()
    with TestClient(create_app(settings, runtime=runtime)) as c:
        for text in TEXTS:
            _every_public_route(c, text)
        c.app.state.ops.querylog.flush()  # type: ignore[attr-defined]
        for name in ANALYTICS:
            for fmt in ("json", "csv"):
                got = c.get(f"/v1/admin/analytics/{name}", params={"format": fmt}, headers=ADMIN)
                assert got.status_code == 200, got.text
                (exports / f"{name}.{fmt}").write_bytes(got.content)
    logging.getLogger().handlers[-1].flush()
    files = _written_files(workdir)
    assert set(settings.database_files().values()) <= set(files)
    assert log_file.stat().st_size > 0
    # Every store (query log, ratings, sessions, personal space) is in the one state
    # database; its latest pages may still be in the write-ahead log beside it.
    state = b"".join(p.read_bytes() for p in files if p.name.startswith(settings.state_db.name))
    assert "[手机号]".encode() in state  # masked, not dropped
    assert "[手机号]".encode() in log_file.read_bytes()
    assert _leaks(files) == []


def _free_port() -> int:
    for port in range(8180, 8190):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in 8180-8189")


@pytest.mark.slow
def test_the_server_log_never_holds_the_raw_path_or_query(
    writable_index_dir: Path, workdir: Path
) -> None:
    """The real `zwfw serve`: uvicorn's own access line held the raw query string, where
    `%81` glued to digits and '+'-joined numbers passed the mask."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZWFW_")}
    env |= {"ZWFW_INDEX_DIR": str(writable_index_dir), "ZWFW_STATE_DB": str(workdir / "s.db"),
            "ZWFW_API__PORT": str(port)}  # fmt: skip
    log = workdir / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "zwfw.cli", "serve"], env=env, stderr=out, stdout=out,
            cwd=workdir,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(base, server)
            glued = "%E6%88%91" + ID  # 我 percent-encoded, its last byte glued to the number
            for query in (glued, f"{MOBILE}+{BANK}", urllib.parse.quote(f"{ID} {MOBILE}")):
                for path in (f"/v1/search?q={query}", f"/v1/nothing/{query}?x={query}"):
                    _get(base + path)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
    text = log.read_text(encoding="utf-8")
    assert '"zwfw.access"' in text  # requests are logged, by route
    assert [s for s in (ID, MOBILE, BANK, ID[-12:]) if s in text] == []


def _wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        if _get(base + "/readyz") == 200:
            return
        time.sleep(0.5)
    pytest.fail("the server did not become ready")


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0
