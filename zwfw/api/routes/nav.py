"""Guided navigation over HTTP: `POST /v1/nav`, one step per call (see docs/navigation.md)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from zwfw.api.deps import NavDep
from zwfw.api.errors import responses
from zwfw.core.pii import mask, safe_identifier
from zwfw.core.records import App, Item
from zwfw.nav import NavStep

router = APIRouter(prefix="/v1", tags=["nav"], responses=responses(404))


class NavRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session_id: str | None = Field(None, description="omit to start a new conversation")
    need: str | None = Field(
        None, max_length=200, description="what the user wants, e.g. 我要开个小店; starts over"
    )
    answer: str | None = Field(
        None, max_length=100, description="the answer to the last question: 第一个, 企业, 广州"
    )
    mode: Literal["standard", "elder"] = Field(
        "standard", description="elder: at most 3 short options per step"
    )


class OptionPublic(BaseModel):
    label: str
    count: int = Field(description="candidates that remain if this option is chosen")


class CandidatePublic(BaseModel):
    id: str
    name: str
    region: str
    department: str
    share: float = Field(description="the candidate's share of the remaining weight, 0..1")


class ItemPublic(BaseModel):
    id: str
    name: str
    region: str
    department: str
    url: str | None
    online_url: str | None


class AppPublic(BaseModel):
    id: str
    name: str
    region: str
    url: str | None
    mini_program_id: str | None


class StepPublic(BaseModel):
    order: int
    title: str
    note: str
    items: list[ItemPublic]


class BundlePublic(BaseModel):
    id: str
    name: str
    region: str
    description: str
    steps: list[StepPublic]


class ResultPublic(BaseModel):
    items: list[ItemPublic]
    apps: list[AppPublic]
    materials: list[str] = Field(description="every document once, shared ones first")
    bundle: BundlePublic | None = None


class NavResponse(BaseModel):
    session_id: str
    question: str | None = None
    attribute: str | None = Field(None, description="what the question is about: audience, …")
    options: list[OptionPublic]
    candidates: list[CandidatePublic]
    result: ResultPublic | None = None
    message: str | None = Field(None, description="e.g. the answer was not understood")
    questions_asked: int


@router.post("/nav", response_model=NavResponse)
def navigate(body: NavRequest, nav: NavDep) -> NavResponse:
    # The need and the answer are kept in the session store: mask what a citizen typed first.
    need, answer = _masked(body.need), _masked(body.answer)
    return _public(nav.step(safe_identifier(body.session_id), need, answer, body.mode))


def _masked(text: str | None) -> str | None:
    return mask(text) if text else text


def _public(step: NavStep) -> NavResponse:
    result = None
    if step.result is not None:
        r, bundle = step.result, None
        if r.bundle is not None:
            steps = [StepPublic(order=s.order, title=s.title, note=s.note, items=_items(s.items))
                     for s in r.bundle.steps]  # fmt: skip
            b = r.bundle.bundle
            bundle = BundlePublic(
                id=b.id, name=b.name, region=r.bundle.region_name,
                description=b.description, steps=steps,
            )  # fmt: skip
        result = ResultPublic(
            items=_items(r.items),
            apps=[_app(a) for a in r.apps],
            materials=list(r.materials),
            bundle=bundle,
        )
    return NavResponse(
        session_id=step.session_id,
        question=step.question,
        attribute=step.attribute,
        options=[OptionPublic(label=o.label, count=o.count) for o in step.options],
        candidates=[
            CandidatePublic.model_validate(c, from_attributes=True) for c in step.candidates
        ],
        result=result,
        message=step.message,
        questions_asked=step.questions_asked,
    )


def _items(items: tuple[Item, ...]) -> list[ItemPublic]:
    return [
        ItemPublic(
            id=i.id,
            name=i.name,
            region=i.region_name,
            department=i.department,
            url=i.url,
            online_url=i.online_url,
        )
        for i in items
    ]


def _app(a: App) -> AppPublic:
    return AppPublic(
        id=a.id, name=a.name, region=a.region_name, url=a.url, mini_program_id=a.mini_program_id
    )
