"""Record chat transcripts over HTTP from a running server on the real catalogue.

Serve the Guangdong items + Beijing FAQ index first (`zwfw serve --index-dir DIR --port P`),
then:

    python scripts/record_real_transcripts.py --base http://127.0.0.1:P [--out docs/examples]

Writes `chat_real_first_turns.md` (first turns across query kinds, including the failures
listed in issue 10), `chat_real_conversations.md` (multi-turn) and `chat_real_elder.md`.
Standard library only, so it records exactly what a client receives.
"""

from __future__ import annotations

import argparse
import json
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# (kind, message): every kind of item query, FAQ questions, out of scope, and a need.
FIRST_TURNS = [
    ("official name", "剧毒化学品道路运输通行证核发"),
    ("official name", "超限运输车辆跨省行驶公路审批"),
    ("official name", "新增取水许可"),
    ("colloquial", "残疾人证丢了要怎么补办"),
    ("colloquial", "港澳通行证过期了怎么换新的"),
    ("colloquial", "请不起律师，怎么申请法律援助"),
    ("pinyin initials", "jsz 增驾"),
    ("traditional", "殘疾人證註銷"),
    ("FAQ question", "社保卡丢了怎么补办？"),
    ("FAQ, short", "医保初始密码"),
    ("out of scope", "北京地铁有没有月票？"),
    ("need", "我要开个小饭馆"),
]
CONVERSATIONS = {
    "A city named freely (not among the options)": [
        "我的社保卡掉了要去哪里补",
        "深圳",
        "深圳",
    ],
    "Starting with a FAQ answer, then follow-ups on its subject": [
        "社保卡办理状态怎么查",
        "补办要带什么材料",
        "都不是",
    ],
    "A field question during guided navigation": ["我要办港澳通行证", "要带什么材料", "第一个"],
    "A city after a FAQ answer keeps the topic": ["驾驶证快过期了怎么换", "深圳"],
    "A need the catalogue does not cover, then 都不是": ["身份证丢了", "都不是"],
    "Asking for a human": ["转人工"],
    "An item, its guide, and “都不是”": [
        "残疾人证丢了要怎么补办",
        "需要带什么材料",
        "网上能办吗",
        "法律援助",
        "都不是",
    ],
}
ELDER = ["你好", "残疾人证丢了要怎么补办", "要带什么材料", "在哪里办", "我要开个小饭馆", "谢谢"]
ELDER_PENDING = ["港澳通行证怎么办理", "电话多少", "第二个"]


def _chat(base: str, message: str, mode: str, session: str | None) -> dict[str, Any]:
    body = {"message": message, "mode": mode} | ({"session_id": session} if session else {})
    request = urllib.request.Request(
        base.rstrip("/") + "/v1/chat",
        json.dumps(body, ensure_ascii=False).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        data: dict[str, Any] = json.loads(response.read())
        return data


def _turn(title: str, message: str, r: dict[str, Any]) -> list[str]:
    quoted = "\n".join(f"> {line}" if line else ">" for line in r["reply"].splitlines())
    lines = [f"### {title}用户：{message}", "", quoted, "", f"- action: `{r['action']}`"]
    if r["sources"]:
        cited = "; ".join(f"{s['type']} `{s['id']}` {s['title']}" for s in r["sources"])
        lines.append(f"- sources: {cited}")
    if r["cards"]:
        cards = "; ".join(f"`{c['id']}` {c['title']}（{c['region']}）" for c in r["cards"])
        lines.append(f"- cards: {cards}")
    if r["options"]:
        lines.append(f"- options: {json.dumps(r['options'], ensure_ascii=False)}")
    if r.get("speech"):  # elderly mode: what is read aloud
        lines.append(f"- speech: {r['speech']}")
    return [*lines, ""]


def _conversation(base: str, messages: list[str], mode: str) -> list[str]:
    session, lines = None, []
    for n, message in enumerate(messages, start=1):
        reply = _chat(base, message, mode, session)
        session = reply["session_id"]
        lines += _turn(f"{n}. ", message, reply)
    return lines


def _header(title: str, what: str) -> list[str]:
    return [
        f"# {title}",
        "",
        "Recorded by `scripts/record_real_transcripts.py` over HTTP (`POST /v1/chat`) against",
        "`zwfw serve` on the real index (Guangdong items + Beijing FAQ). " + what,
        "",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "examples")
    args = parser.parse_args()
    first = _header("First turns on the real catalogue", "Each message starts a new session.")
    for kind, message in FIRST_TURNS:
        first += _turn(f"[{kind}] ", message, _chat(args.base, message, "standard", None))
    (args.out / "chat_real_first_turns.md").write_text("\n".join(first), encoding="utf-8")
    multi = _header("Conversations on the real catalogue", "One session per section.")
    for title, messages in CONVERSATIONS.items():
        multi += [f"## {title}", "", *_conversation(args.base, messages, "standard")]
    (args.out / "chat_real_conversations.md").write_text("\n".join(multi), encoding="utf-8")
    elder = _header("Elderly mode on the real catalogue", 'One session, `"mode": "elder"`.')
    elder += _conversation(args.base, ELDER, "elder")
    elder += ["## A field question while options pend (a new session)", ""]
    elder += _conversation(args.base, ELDER_PENDING, "elder")
    (args.out / "chat_real_elder.md").write_text("\n".join(elder), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
