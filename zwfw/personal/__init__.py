"""The personal space: consented profiles, events, recommendations and policy eligibility."""

from zwfw.personal.conditions import Rule, compile_policy
from zwfw.personal.eligible import EligiblePage
from zwfw.personal.events import Event, EventType
from zwfw.personal.fields import Audience, Purpose
from zwfw.personal.profile import Profile
from zwfw.personal.recommend import Recommendation
from zwfw.personal.rules import Reason, Verdict, judge
from zwfw.personal.service import (
    PersonalService,
    PolicyMatches,
    compile_policies,
    create_personal_service,
)
from zwfw.personal.tokens import InvalidToken, TokenVerifier

__all__ = [
    "Audience",
    "EligiblePage",
    "Event",
    "EventType",
    "InvalidToken",
    "PersonalService",
    "PolicyMatches",
    "Profile",
    "Purpose",
    "Reason",
    "Recommendation",
    "Rule",
    "TokenVerifier",
    "Verdict",
    "compile_policies",
    "compile_policy",
    "create_personal_service",
    "judge",
]
