"""The personal space over HTTP: profiles, events, recommendations, policies, push lists.

Every personal route needs the user token issued by the identity system (401 without a
valid one), and a user may act only on their own id (403 otherwise). The push list of a
policy (免申即享) is for administrators and takes the admin token instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from zwfw.api.auth import AdminDep, bearer_token
from zwfw.api.deps import PersonalDep
from zwfw.api.errors import responses
from zwfw.api.schemas import Timestamp
from zwfw.core.errors import Forbidden, Unauthorized
from zwfw.core.pii import mask
from zwfw.personal import (
    EventType,
    InvalidToken,
    Profile,
    Purpose,
    Reason,
    Recommendation,
    Verdict,
)

router = APIRouter(tags=["personal"], responses=responses(401, 403, 404))
_bearer = HTTPBearer(auto_error=False, description="a user token from the identity system")
_CONSENTS: Any = Field(
    default_factory=dict,
    description="purposes per profile field; a field without a purpose is never used",
    examples=[{"birth_year": ["recommend", "policy"], "region_code": ["recommend", "policy"]}],
)
_ID_CARD: Any = Field(None, description="write-only; stored only as a keyed hash, kept if omitted")


class PersonProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    audience: Literal["person"]
    birth_year: int | None = None
    region_code: str | None = Field(None, description="where the person lives, 6 digits")
    hukou_region_code: str | None = None
    employment_status: (
        Literal["employed", "unemployed", "self_employed", "retired", "student"] | None
    ) = None
    children_birth_years: list[int] | None = None
    has_disability: bool | None = None
    disability_level: int | None = Field(None, ge=1, le=4)
    retired: bool | None = None
    low_income: bool | None = None
    id_card_number: str | None = _ID_CARD
    consents: dict[str, list[Purpose]] = _CONSENTS


class EnterpriseProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    audience: Literal["enterprise"]
    credit_code: str | None = Field(None, description="统一社会信用代码")
    region_code: str | None = None
    industry_code: str | None = Field(None, description="GB/T 4754, e.g. I65")
    size: Literal["micro", "small", "medium", "large"] | None = None
    founded_on: dt.date | None = None
    employees: int | None = Field(None, ge=0)
    revenue_band: Literal["lt_1m", "1m_10m", "10m_100m", "gt_100m"] | None = None
    qualifications: list[str] | None = None
    laid_off_rate: float | None = Field(None, ge=0, le=1)
    id_card_number: str | None = _ID_CARD
    consents: dict[str, list[Purpose]] = _CONSENTS


ProfileUpdate = Annotated[
    PersonProfileUpdate | EnterpriseProfileUpdate, Field(discriminator="audience")
]


class ProfilePublic(BaseModel):
    user_id: str
    audience: Literal["person", "enterprise"]
    values: dict[str, Any]
    consents: dict[str, list[Purpose]]
    id_card_on_file: bool
    updated_at: Timestamp


class EventCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: EventType
    item_id: str | None = None
    query: str | None = Field(None, max_length=200)
    rating: int | None = Field(None, ge=1, le=5)


class EventPublic(BaseModel):
    type: EventType
    item_id: str | None
    at: Timestamp


class RecommendationPublic(BaseModel):
    item_id: str
    name: str
    catalog_name: str
    region_code: str
    region_name: str
    source: Literal["life_stage", "co_occurrence", "regional", "high_frequency"]
    reason: str
    url: str | None


class RecommendationsPublic(BaseModel):
    user_id: str
    region_code: str | None = Field(description="the region whose item variants are shown")
    items: list[RecommendationPublic]


class ReasonPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    field: str
    condition: str = Field(description="the condition as the policy requires it")
    fact: str = Field(description="the user's fact it was judged on")
    known: bool


class PolicyMatchPublic(BaseModel):
    policy_id: str
    title: str
    issuer: str
    region_name: str
    summary: str
    item_ids: list[str]
    met: list[ReasonPublic] = Field(description="eligible: which facts met which conditions")
    missing: list[ReasonPublic] = Field(description="near-miss: any one of these would do")


class PoliciesPublic(BaseModel):
    user_id: str
    eligible: list[PolicyMatchPublic]
    near_misses: list[PolicyMatchPublic]


class EligiblePublic(BaseModel):
    policy_id: str
    user_ids: list[str]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


def current_user(
    service: PersonalDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The caller's user id from a valid user token, or 401."""
    try:
        return service.user_of(bearer_token(credentials, "a user"))
    except InvalidToken as exc:
        raise Unauthorized(str(exc)) from None


UserDep = Annotated[str, Depends(current_user)]


def own_user(user_id: str, caller: UserDep) -> str:
    """The path's user id when it is the caller's own, or 403."""
    if user_id != caller:
        raise Forbidden("you may only access your own personal data")
    return user_id


OwnDep = Annotated[str, Depends(own_user)]


@router.put("/v1/users/{user_id}/profile", response_model=ProfilePublic)
def put_profile(user_id: OwnDep, body: ProfileUpdate, service: PersonalDep) -> ProfilePublic:
    """Replace the profile whole; fields left out become unknown."""
    values = body.model_dump(exclude={"audience", "consents", "id_card_number"}, exclude_none=True)
    profile = service.put_profile(
        user_id, body.audience, values, body.consents, body.id_card_number
    )
    return _profile(profile)


@router.get("/v1/users/{user_id}/profile", response_model=ProfilePublic)
def get_profile(user_id: OwnDep, service: PersonalDep) -> ProfilePublic:
    return _profile(service.get_profile(user_id))


@router.delete("/v1/users/{user_id}/profile", status_code=204)
def delete_profile(user_id: OwnDep, service: PersonalDep) -> Response:
    """Delete the profile and every recorded event of the user, for good."""
    service.delete_user(user_id)
    return Response(status_code=204)


@router.post("/v1/events", response_model=EventPublic, status_code=201)
def record_event(body: EventCreate, caller: UserDep, service: PersonalDep) -> EventPublic:
    # The service masks the query; the item id is free text too, so it is masked here.
    item_id = mask(body.item_id) if body.item_id else None
    event = service.record_event(caller, body.type, item_id, body.query, body.rating)
    return EventPublic(type=event.type, item_id=event.item_id, at=event.at)


@router.get("/v1/users/{user_id}/recommendations", response_model=RecommendationsPublic)
def recommendations(
    user_id: OwnDep,
    service: PersonalDep,
    size: Annotated[int, Query(ge=1, le=50)] = 10,
    region: Annotated[str | None, Query(pattern=r"^\d{6}$", description="cold start")] = None,
) -> RecommendationsPublic:
    used, found = service.recommendations(user_id, size, region)
    return RecommendationsPublic(user_id=user_id, region_code=used, items=[_rec(r) for r in found])


@router.get("/v1/users/{user_id}/policies", response_model=PoliciesPublic)
def policies(user_id: OwnDep, service: PersonalDep) -> PoliciesPublic:
    """Policies the user qualifies for, with reasons, and those missed by one condition."""
    matches = service.policies_for(user_id)
    return PoliciesPublic(
        user_id=user_id,
        eligible=[_match(v) for v in matches.eligible],
        near_misses=[_match(v) for v in matches.near_misses],
    )


@router.get("/v1/policies/{policy_id}/eligible", response_model=EligiblePublic, tags=["admin"])
def eligible_users(
    policy_id: str,
    admin: AdminDep,
    service: PersonalDep,
    cursor: str | None = None,
    size: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> EligiblePublic:
    """Users who consented to push and qualify for the policy (免申即享), page by page."""
    page = service.eligible_page(policy_id, cursor, size)
    return EligiblePublic(
        policy_id=page.policy_id, user_ids=page.user_ids, next_cursor=page.next_cursor
    )


def _profile(profile: Profile) -> ProfilePublic:
    return ProfilePublic(
        user_id=profile.user_id,
        audience=profile.audience,
        values=dict(profile.values),
        consents={k: sorted(v) for k, v in profile.consents.items()},
        id_card_on_file=profile.id_card_on_file,
        updated_at=profile.updated_at,
    )


def _rec(rec: Recommendation) -> RecommendationPublic:
    item = rec.item
    return RecommendationPublic(
        item_id=item.id,
        name=item.name,
        catalog_name=item.catalog_name or item.name,
        region_code=item.region_code,
        region_name=item.region_name,
        source=rec.source,
        reason=rec.reason,
        url=item.url,
    )


def _match(verdict: Verdict) -> PolicyMatchPublic:
    policy = verdict.rule.policy
    return PolicyMatchPublic(
        policy_id=policy.id,
        title=policy.title,
        issuer=policy.issuer,
        region_name=policy.region_name,
        summary=policy.summary,
        item_ids=list(policy.item_ids),
        met=[_reason(r) for r in verdict.met],
        missing=[_reason(r) for r in verdict.missing],
    )


def _reason(reason: Reason) -> ReasonPublic:
    return ReasonPublic.model_validate(reason)
