"""`zwfw eval --nav`: guided navigation with a simulated citizen, scored as
../shared/eval/nav_eval.py scores it, in process or against a running server.

The citizen starts with an item query as the need and answers truthfully about the grade-2
item: the option whose label occurs in that item's name, catalogue name, department, region
or audiences; else an option meaning "other"; else it is stuck. `reached` when a grade-2
item is among the final result's items, `wrong_result` when the result is something else.
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from zwfw.core.errors import ZwfwError
from zwfw.core.records import Item
from zwfw.nav import NavService, NavStep
from zwfw.search.docstore import DocStore

Response = dict[str, Any]
OTHER = ("其他", "都不是", "以上都不是", "其它")


class NavClient(Protocol):
    def post(self, body: dict[str, Any]) -> Response:
        """One `/v1/nav` call: {"need": …} starts, {"session_id", "answer"} continues."""
        ...


class InProcessNav:
    def __init__(self, nav: NavService) -> None:
        self.nav = nav

    def post(self, body: dict[str, Any]) -> Response:
        try:
            step = self.nav.step(body.get("session_id"), body.get("need"), body.get("answer"))
        except ZwfwError as exc:
            return {"error": exc.message}
        return _public(step)


class HttpNav:
    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self.url, self.timeout = base_url.rstrip("/") + "/v1/nav", timeout

    def post(self, body: dict[str, Any]) -> Response:
        data = json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                out: Response = json.loads(response.read())
                return out
        except (OSError, ValueError) as exc:
            return {"error": str(exc)}


def _public(step: NavStep) -> Response:
    """The parts of the `/v1/nav` body the simulated citizen reads."""
    result = None
    if step.result is not None:
        result = {"items": [{"id": i.id, "name": i.name} for i in step.result.items]}
    return {
        "session_id": step.session_id,
        "question": step.question,
        "options": [{"label": o.label} for o in step.options],
        "result": result,
    }


def item_text(record: Mapping[str, Any]) -> str:
    """What a truthful citizen knows about the item they want (the catalogue JSONL fields)."""
    parts = [record.get(k) or "" for k in ("name", "catalog_name", "department", "area")]
    return " ".join([*parts, " ".join(record.get("service_objects") or [])])


def pick(options: list[str], target: str) -> str | None:
    chosen = next((o for o in options if o and o not in OTHER and o in target), None)
    return chosen or next((o for o in options if o in OTHER), None)


def walk(client: NavClient, need: str, exact: list[str], target: str, max_steps: int) -> str:
    """One simulated conversation; returns reached, wrong_result, no_result, stuck or error."""
    resp, steps = client.post({"need": need}), 0
    while True:
        if not resp or "error" in resp:
            return "error"
        if result := resp.get("result"):
            ids = {i.get("id") for i in result.get("items", [])}
            return "reached" if ids & set(exact) else "wrong_result"
        if not resp.get("question") or steps >= max_steps:
            return "no_result"
        chosen = pick([o.get("label", "") for o in resp.get("options", [])], target)
        if chosen is None:
            return "stuck"
        resp = client.post({"session_id": resp["session_id"], "answer": chosen})
        steps += 1


@dataclass
class NavReport:
    per_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)  # qid → outcome


def eval_nav(
    client: NavClient,
    items: list[dict[str, Any]],
    catalogue: Mapping[str, Mapping[str, Any]],
    max_steps: int = 5,
) -> NavReport:
    """`catalogue` maps item code → its source record (for the citizen's answers)."""
    report = NavReport()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for q in items:
        exact = [k for k, g in q["relevant"].items() if int(g) == 2 and k in catalogue]
        if not exact:
            continue
        target = " ".join(item_text(catalogue[k]) for k in exact)
        outcome = walk(client, q["query"], exact, target, max_steps)
        report.outcomes[q["qid"]] = outcome
        counts["overall"][outcome] += 1
        counts[q.get("kind", "all")][outcome] += 1
    report.per_kind = {
        kind: {k: round(v / sum(c.values()), 4) for k, v in c.items()} | {"n": sum(c.values())}
        for kind, c in counts.items()
    }
    return report


def format_nav(report: NavReport) -> str:
    lines = [f"{'kind':<14}{'n':>5}{'reached':>9}{'wrong':>7}{'none':>6}{'stuck':>7}"]
    for kind, m in sorted(report.per_kind.items(), key=lambda kv: (kv[0] != "overall", kv[0])):
        lines.append(
            f"{kind:<14}{int(m['n']):>5}{m.get('reached', 0.0):>9.3f}"
            f"{m.get('wrong_result', 0.0):>7.3f}{m.get('no_result', 0.0):>6.3f}"
            f"{m.get('stuck', 0.0):>7.3f}"
        )
    return "\n".join(lines)


def read_catalogue(path: Path) -> dict[str, dict[str, Any]]:
    """Source records by id (`item_code` in the Guangdong format, else `id`)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            out[str(record.get("item_code") or record.get("id"))] = record
    return out


def catalogue_of(docs: DocStore) -> dict[str, dict[str, Any]]:
    """The same fields, from the index, for an in-process run without the source files."""
    return {
        r.id: {
            "name": r.name,
            "catalog_name": r.catalog_name,
            "department": r.department,
            "area": r.region_name,
            "service_objects": list(r.audiences),
        }
        for r in docs.iter_kind("item")
        if isinstance(r, Item)
    }
