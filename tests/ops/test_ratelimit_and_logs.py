"""Token buckets per client, and JSON log lines that mask what they carry."""

from __future__ import annotations

import io
import json
import logging

from ops.pii_samples import ID, MOBILE

from zwfw.ops import JsonFormatter, install_json_logging, request_id_var
from zwfw.ops.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_burst_then_refills_over_time() -> None:
    clock = Clock()
    limiter = RateLimiter(capacity=2, per_second=0.5, clock=clock)
    assert [limiter.acquire("1.2.3.4") for _ in range(3)] == [0.0, 0.0, 2.0]
    assert limiter.acquire("5.6.7.8") == 0.0  # another client has its own bucket
    clock.now = 2.0
    assert limiter.acquire("1.2.3.4") == 0.0


def test_idle_clients_are_forgotten_past_the_key_limit() -> None:
    clock = Clock()
    limiter = RateLimiter(capacity=1, per_second=1, max_keys=2, clock=clock)
    limiter.acquire("a")
    clock.now = 5.0
    limiter.acquire("b")
    limiter.acquire("c")
    assert set(limiter._buckets) == {"b", "c"}


def _format(msg: str, *args: object, **extra: object) -> dict[str, object]:
    record = logging.LogRecord("zwfw.x", logging.WARNING, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return dict(json.loads(JsonFormatter().format(record)))


def test_a_log_line_is_json_with_the_current_request_id() -> None:
    token = request_id_var.set("rid-7")
    try:
        line = _format("index %s loaded", "b1", route="/v1/search")
    finally:
        request_id_var.reset(token)
    assert line["message"] == "index b1 loaded" and line["level"] == "WARNING"
    assert line["request_id"] == "rid-7" and line["route"] == "/v1/search"


def test_a_log_line_masks_personal_data_in_message_and_extras() -> None:
    line = _format("query %s", f"身份证{ID}", phone=MOBILE)
    text = json.dumps(line, ensure_ascii=False)
    assert ID not in text and MOBILE not in text and "[身份证号]" in text


def test_background_logging_keeps_the_request_id_of_the_caller() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stop = install_json_logging(stream=stream, background=True)
    token = request_id_var.set("rid-bg")
    try:
        logging.getLogger("zwfw.x").info("手机 %s", MOBILE)
    finally:
        request_id_var.reset(token)
        stop()
        root.handlers[:], root.level = saved[0], saved[1]
    line = json.loads(stream.getvalue())
    assert line["request_id"] == "rid-bg" and line["message"] == "手机 [手机号]"
