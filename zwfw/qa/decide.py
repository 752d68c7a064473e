"""The answer / clarify / hand-off decision over FAQ candidates.

A wrong confident answer costs more than a clarification, so answering needs either strong
agreement (lexical and vector retrievers put the same entry first) or a very high cosine.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from zwfw.core.settings import QaSettings


class Action(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    HANDOFF = "handoff"


@dataclass(frozen=True)
class Evidence:
    """What the decision looks at for the top candidate."""

    cosine: float  # vector similarity of the fused top candidate
    agree: bool  # both retrievers rank it first
    best_cosine: float  # highest cosine of any candidate
    coverage: float = 1.0  # share of the query's content words found in its question
    margin: float = 1.0  # cosine lead of the top candidate over the runner-up


def decide(ev: Evidence, settings: QaSettings) -> Action:
    """Answer on agreement backed by similarity and word overlap, or on a clear cosine lead.

    Near-duplicate FAQ entries make the margin small even when the answer is right, so a
    small margin sends the user to clarification with the top suggestions, not to a guess.
    """
    agreed = (
        ev.agree
        and ev.cosine >= settings.answer_agree_min_cosine
        and ev.coverage >= settings.answer_agree_min_coverage
    )
    if agreed or (
        ev.cosine >= settings.answer_min_cosine and ev.margin >= settings.answer_min_margin
    ):
        return Action.ANSWER
    if ev.best_cosine >= settings.clarify_min_cosine:
        return Action.CLARIFY
    return Action.HANDOFF
