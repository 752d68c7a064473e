"""What only the administrators' console needs: who a token belongs to, and running the
offline evaluation (`zwfw.evaluation`) on the serving index from the browser.

Evaluation sets are the dev sets' JSONL rows: item queries carry `relevant`
({item id: grade}), FAQ queries carry `faq_ids`. A set is uploaded with the request or named
from the stored sets (`*.jsonl` in `ZWFW_ADMIN__EVAL_SETS_DIR`, default the bundled
`data/eval`). A run searches every query on the serving process, so sets are capped.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from zwfw.api.deps import OpsDep, RuntimeDep, SettingsDep
from zwfw.api.errors import responses
from zwfw.api.routes.curation import current_actor, requires
from zwfw.core.errors import InvalidQuery, NotFound
from zwfw.core.settings import Settings
from zwfw.evaluation import eval_faq, eval_items, read_jsonl
from zwfw.ops import Actor, Period, Permission, hash_token
from zwfw.qa import Action

router = APIRouter(prefix="/v1/admin", tags=["console"], responses=responses(401, 403, 404))
BUNDLED_SETS = Path(__file__).resolve().parents[3] / "data" / "eval"
MAX_QUERIES = 500
COVERAGE_DAYS, COVERAGE_QUERIES = 30, 200


class WhoAmI(BaseModel):
    name: str
    role: Literal["editor", "reviewer", "admin"]
    permissions: list[str] = Field(description="curation permissions of the role")
    catalogue: bool = Field(description="may edit synonyms, FAQ entries and navigation data")


@router.get("/whoami", response_model=WhoAmI)
def whoami(
    request: Request, settings: SettingsDep, actor: Annotated[Actor, Depends(current_actor)]
) -> WhoAmI:
    """The console signs in with this: 401 for an unknown token, else what to show."""
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    return WhoAmI(
        name=actor.name,
        role=actor.role.value,
        permissions=[p.value for p in Permission if actor.can(p)],
        catalogue=hash_token(token) in settings.admin.token_hashes,
    )


class EvalRun(BaseModel):
    kind: Literal["items", "faq"]
    stored: str | None = Field(None, description="name of a stored set (see GET …/eval/sets)")
    queries: list[dict[str, Any]] | None = Field(None, description="an uploaded set's rows")


class EvalSet(BaseModel):
    name: str
    kind: Literal["items", "faq"]
    queries: int


Reader = Annotated[Actor, Depends(requires(Permission.READ))]


@router.get("/eval/sets", response_model=list[EvalSet])
def eval_sets(settings: SettingsDep, _: Reader) -> list[EvalSet]:
    return [EvalSet(name=p.stem, kind=_kind(rows), queries=len(rows))
            for p, rows in _stored(settings)]  # fmt: skip


@router.post("/eval", response_model=dict[str, Any])
def run_eval(
    body: EvalRun, settings: SettingsDep, runtime: RuntimeDep, _: Reader
) -> dict[str, Any]:
    """Items: nDCG@10, recall@10 and MRR per query kind. FAQ: top-1, recall@5, decisions."""
    rows = body.queries if body.queries is not None else _named(settings, body.stored)
    if not rows or len(rows) > MAX_QUERIES:
        raise InvalidQuery(f"a query set needs 1 to {MAX_QUERIES} rows")
    need = "relevant" if body.kind == "items" else "faq_ids"
    if any("query" not in r or need not in r for r in rows):
        raise InvalidQuery(f"every {body.kind} row needs 'query' and '{need}'")
    if body.kind == "items":
        return {"kind": "items", "per_kind": eval_items(runtime.search, rows)}
    return {"kind": "faq", **eval_faq(runtime.qa, rows)}


def _stored(settings: Settings) -> list[tuple[Path, list[dict[str, Any]]]]:
    folder = settings.admin.eval_sets_dir or BUNDLED_SETS
    return [(p, read_jsonl(p)) for p in sorted(folder.glob("*.jsonl"))] if folder.is_dir() else []


def _named(settings: Settings, name: str | None) -> list[dict[str, Any]]:
    for path, rows in _stored(settings):
        if path.stem == name:
            return rows
    raise NotFound(f"no stored query set named {name!r}")


def _kind(rows: list[dict[str, Any]]) -> Literal["items", "faq"]:
    return "faq" if rows and "faq_ids" in rows[0] else "items"


class Covered(BaseModel):
    question: str
    count: int = Field(description="how often it was asked in the window")
    was_handed_off: bool


@router.get("/faq-coverage", response_model=list[Covered])
def faq_coverage(faq_id: str, runtime: RuntimeDep, ops: OpsDep, _: Reader) -> list[Covered]:
    """Logged questions of the last 30 days (handed off first, then the most frequent) that
    the FAQ entry `faq_id` answers now. Asked of the QA service directly, so the check
    itself is not logged as citizens' questions."""
    period = Period(since=time.time() - COVERAGE_DAYS * 86_400)
    handed = {r.query: r.count for r in ops.analytics.handoff_queries(period, COVERAGE_QUERIES)}
    asked = {r.query: r.count for r in ops.analytics.top_queries(period, COVERAGE_QUERIES)}
    found = []
    for question, count in ({**asked, **handed}).items():
        result = runtime.qa.ask(question)
        if result.action is Action.ANSWER and result.sources and result.sources[0].id == faq_id:
            found.append(Covered(question=question, count=count, was_handed_off=question in handed))
    return sorted(found, key=lambda c: (not c.was_handed_off, -c.count))
