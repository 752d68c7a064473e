"""`zwfw eval --chat`: first chat turns on labelled item and FAQ queries, scored as
../shared/eval/chat_eval.py scores them, in process or against a running server.

Item queries: `cited` when a grade-2 item is in `sources`; `offered` when it is in `cards` or
its name is in `options`; `missed` otherwise. FAQ queries in scope: `answered` (action
answer, `sources[0]` a right entry), `wrong` (answered from anything else), `offered` (a
right entry among options/cards), else the action taken; out of scope, `answered` is a false
answer. An administrator runs it after a synonym or FAQ edit to see what the edit did.
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from zwfw.chat import ChatService

Response = dict[str, Any]


class ChatClient(Protocol):
    def first_turn(self, message: str, mode: str) -> Response:
        """The response to `message` as the first turn of a new session."""
        ...


class InProcessChat:
    def __init__(self, chat: ChatService) -> None:
        self.chat = chat

    def first_turn(self, message: str, mode: str) -> Response:
        return asdict(self.chat.reply(None, message, mode))


class HttpChat:
    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self.url, self.timeout = base_url.rstrip("/") + "/v1/chat", timeout

    def first_turn(self, message: str, mode: str) -> Response:
        body = json.dumps({"message": message, "mode": mode}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data: Response = json.loads(response.read())
                return data
        except (OSError, ValueError) as exc:  # every failure scores as a miss
            return {"error": str(exc)}


def _ids(entries: Iterable[Any] | None) -> list[str]:
    return [str(e.get("id")) for e in entries or [] if isinstance(e, dict)]


def _options_text(resp: Response) -> str:
    return " ".join(o if isinstance(o, str) else json.dumps(o) for o in resp.get("options") or [])


def item_outcome(resp: Response, relevant: Mapping[str, int], titles: Mapping[str, str]) -> str:
    exact = {k for k, g in relevant.items() if g == 2}
    if exact & set(_ids(resp.get("sources"))):
        return "cited"
    options = _options_text(resp)
    named = any(titles.get(k) and titles[k] in options for k in exact)
    return "offered" if exact & set(_ids(resp.get("cards"))) or named else "missed"


def faq_outcome(resp: Response, right: set[str], questions: Mapping[str, str]) -> str:
    sources = _ids(resp.get("sources"))
    if resp.get("action") == "answer" and sources:
        return "answered" if sources[0] in right else "wrong"
    options = _options_text(resp)
    shown = set(_ids(resp.get("suggestions")) + _ids(resp.get("cards")))
    if right & shown or any(questions.get(k) and questions[k] in options for k in right):
        return "offered"
    return str(resp.get("action") or "error")


@dataclass
class ChatReport:
    """Outcome shares per kind, and each query's outcome (to split tuning from checking)."""

    items: dict[str, dict[str, float]] = field(default_factory=dict)
    faq: dict[str, dict[str, float]] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)  # qid → outcome


def eval_chat(
    client: ChatClient,
    items: list[dict[str, Any]],
    faq: list[dict[str, Any]],
    titles: Mapping[str, str],
    questions: Mapping[str, str],
    mode: str = "standard",
) -> ChatReport:
    report = ChatReport()
    item_kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for q in items:
        relevant = {k: int(g) for k, g in q["relevant"].items()}
        outcome = item_outcome(client.first_turn(q["query"], mode), relevant, titles)
        report.outcomes[q["qid"]] = outcome
        item_kinds["overall"][outcome] += 1
        item_kinds[q.get("kind", "all")][outcome] += 1
    faq_kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for q in faq:
        resp = client.first_turn(q["query"], mode)
        right = set(q["faq_ids"])
        if right:
            outcome = faq_outcome(resp, right, questions)
            faq_kinds["in_scope"][outcome] += 1
            faq_kinds[f"in_scope:{q.get('kind', 'all')}"][outcome] += 1
        else:
            outcome = "answered" if resp.get("action") == "answer" else str(resp.get("action"))
            faq_kinds["out_of_scope"][outcome] += 1
        report.outcomes[q["qid"]] = outcome
    report.items = _shares(item_kinds)
    report.faq = _shares(faq_kinds)
    return report


def _shares(counts: Mapping[str, Counter[str]]) -> dict[str, dict[str, float]]:
    return {
        kind: {k: round(v / sum(c.values()), 4) for k, v in c.items()} | {"n": sum(c.values())}
        for kind, c in counts.items()
    }


def format_chat(report: ChatReport) -> str:
    """The per-kind tables, as chat_eval.py prints them (plus cited-or-offered)."""
    lines = [f"{'kind':<14}{'n':>5}{'cited':>8}{'offered':>9}{'either':>8}{'missed':>8}"]
    for kind, m in sorted(report.items.items(), key=lambda kv: (kv[0] != "overall", kv[0])):
        cited, offered = m.get("cited", 0.0), m.get("offered", 0.0)
        lines.append(
            f"{kind:<14}{int(m['n']):>5}{cited:>8.3f}{offered:>9.3f}"
            f"{cited + offered:>8.3f}{m.get('missed', 0.0):>8.3f}"
        )
    lines.append("")
    for kind, m in sorted(report.faq.items()):
        shares = sorted(((k, v) for k, v in m.items() if k != "n"), key=lambda kv: -kv[1])
        lines.append(f"{kind:<24}{int(m['n']):>5}  " + "  ".join(f"{k} {v:.3f}" for k, v in shares))
    return "\n".join(lines)
