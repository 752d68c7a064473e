"""Record the chat transcripts in docs/examples/ against a real HTTP server.

Builds (or reuses, with --index-dir) an index of data/demo, serves `zwfw.api.create_app`
with uvicorn in a thread, and talks to it over HTTP with httpx, exactly as the chatbot
widget would.

    .venv/bin/python scripts/record_transcripts.py [--index-dir DIR] [--out docs/examples]
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from zwfw.api import create_app
from zwfw.core.settings import Settings
from zwfw.indexer import build_index, load_sources
from zwfw.runtime import build_tools, load_runtime

ROOT = Path(__file__).resolve().parents[1]
CONVERSATIONS = {
    "standard": [
        "你好",
        "办护照要带什么",
        "第一次办",
        "广州",
        "要多少钱",
        "在哪里办",
        "网上能办吗",
        "我要开个小店",
        "谢谢",
    ],
    "elder": [
        "你好",
        "我在广州第一次办户照要带什么",
        "那要多少钱",
        "多久能办好",
        "在哪里办",
        "社保卡丢了怎么办",
        "谢谢",
    ],
}
TITLES = {"standard": "标准模式对话", "elder": "长者模式对话（语音转写输入）"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(index_dir: Path, state: Path, port: int) -> uvicorn.Server:
    settings = Settings(index_dir=index_dir, state_db=state / "state.sqlite")
    runtime = load_runtime(settings)
    app = create_app(settings, runtime=runtime)  # every router and service, as `zwfw serve`
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server


def _record(base: str, mode: str, messages: list[str]) -> str:
    lines = [
        f"# {TITLES[mode]}",
        "",
        "Recorded by `scripts/record_transcripts.py` against a live uvicorn server:",
        "`POST /v1/chat`",
        f'with `"mode": "{mode}"`, one session. Each turn shows the reply, then the action, the',
        "sources cited, the cards and the quick-reply options the client receives.",
        "",
    ]
    session: str | None = None
    with httpx.Client(base_url=base, timeout=30) as client:
        for n, message in enumerate(messages, start=1):
            body: dict[str, Any] = {"message": message, "mode": mode}
            if session:
                body["session_id"] = session
            response = client.post("/v1/chat", json=body)
            response.raise_for_status()
            turn = response.json()
            session = turn["session_id"]
            lines += _turn(n, message, turn)
    return "\n".join(lines) + "\n"


def _turn(n: int, message: str, turn: dict[str, Any]) -> list[str]:
    quoted = "\n".join(f"> {line}" for line in turn["reply"].splitlines())
    out = [f"## {n}. 用户：{message}", "", quoted, "", f"- action: `{turn['action']}`"]
    for source in turn["sources"]:
        out.append(
            f"- source: {source['type']} `{source['id']}` {source['title']} {source['url'] or ''}"
        )
    if turn["cards"]:
        cards = "; ".join(f"{c['type']}: {c['title']}（{c['region']}）" for c in turn["cards"])
        out.append(f"- cards: {cards}")
    if turn["options"]:
        out.append("- options: " + json.dumps(turn["options"], ensure_ascii=False))
    return [*out, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, help="an index of data/demo (built if omitted)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "examples")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp)
        index_dir = args.index_dir
        if index_dir is None:
            index_dir = state / "index"
            settings = Settings(index_dir=index_dir)
            segmenter, encoder = build_tools(settings)
            build_index(
                load_sources([ROOT / "data" / "demo"]).records, settings, encoder, segmenter
            )
        port = _free_port()
        server = _serve(index_dir, state, port)
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            for mode, messages in CONVERSATIONS.items():
                text = _record(f"http://127.0.0.1:{port}", mode, messages)
                (args.out / f"chat_{mode}.md").write_text(text, "utf-8")
                print(f"wrote {args.out / f'chat_{mode}.md'}")
        finally:
            server.should_exit = True


if __name__ == "__main__":
    main()
