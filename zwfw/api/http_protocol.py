"""An HTTP/1.1 protocol for uvicorn that accepts raw UTF-8 in the request target.

`curl '127.0.0.1:8000/v1/search?q=护照'` sends the hanzi unencoded. RFC 9112 says a client must
percent-encode them, and h11 and httptools answer 400, but citizens' tools and many gateway
logs replay such URLs, and the meaning is unambiguous. This protocol percent-encodes bytes
≥ 0x80 of the request line before h11 parses it, so the application sees a valid target.
"""

from __future__ import annotations

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


def encode_request_line(data: bytes) -> bytes:
    """Percent-encode non-ASCII bytes of the first line of `data`; leave the rest alone."""
    end = data.find(b"\r\n")
    line = data if end < 0 else data[:end]
    if line.isascii():
        return data
    fixed = b"".join(b"%%%02X" % b if b >= 0x80 else bytes([b]) for b in line)
    return fixed if end < 0 else fixed + data[end:]


class Utf8TargetH11Protocol(H11Protocol):
    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            data = encode_request_line(data)
        super().data_received(data)
