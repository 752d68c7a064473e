"""Raw UTF-8 in the request target (`curl '…/v1/search?q=护照'`) is served, not rejected."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zwfw.api.http_protocol import encode_request_line


def test_non_ascii_bytes_of_the_request_line_are_percent_encoded() -> None:
    raw = "GET /v1/search?q=护照 HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    assert (
        encode_request_line(raw)
        == b"GET /v1/search?q=%E6%8A%A4%E7%85%A7 HTTP/1.1\r\nHost: x\r\n\r\n"
    )


def test_an_ascii_request_is_left_untouched() -> None:
    raw = b"GET /healthz HTTP/1.1\r\nX-Name: \xe6\x8a\xa4\r\n\r\n"
    assert encode_request_line(raw) == raw


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.integration
def test_the_real_server_answers_a_raw_utf8_query(demo_index_dir: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "zwfw.cli",
            "serve",
            "--index-dir",
            str(demo_index_dir),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        response = b""
        for _ in range(120):
            time.sleep(0.25)
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
                    conn.sendall(
                        "GET /v1/search?q=护照丢了怎么补 HTTP/1.1\r\nHost: x\r\n"
                        "Connection: close\r\n\r\n".encode()
                    )
                    response = b"".join(iter(lambda: conn.recv(65536), b""))
            except OSError:
                continue
            if response.startswith(b"HTTP/1.1 200"):
                break
        assert response.startswith(b"HTTP/1.1 200"), response[:200]
        assert "护照".encode() in response
    finally:
        server.terminate()
        server.wait(timeout=10)
