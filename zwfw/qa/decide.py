"""The three things the assistant can do with a question."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    HANDOFF = "handoff"
