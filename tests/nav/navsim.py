"""A truthful simulated user for navigation tests: answers from the target item's attributes."""

from __future__ import annotations

from zwfw.nav import NavService, NavStep
from zwfw.nav.session import Session


def answer_for(nav: NavService, step: NavStep, target_key: str) -> str:
    """The label of the option that keeps `target_key`, or 不知道 when every option does."""
    session = Session.from_json(nav.store.load_session(step.session_id) or {})
    assert session.pending is not None, "no open question"
    holding = [o for o in session.pending.options if target_key in o.keys]
    assert holding, f"{target_key} was dropped: {[o.label for o in session.pending.options]}"
    return holding[0].label if len(holding) < len(session.pending.options) else "不知道"


def navigate_to(
    nav: NavService, need: str, target_id: str, mode: str = "standard", limit: int = 6
) -> NavStep:
    """Start with `need` and answer truthfully until a result (at most `limit` questions)."""
    step = nav.step(None, need, None, mode)
    while step.result is None:
        assert step.questions_asked <= limit, step.question
        step = nav.step(step.session_id, None, answer_for(nav, step, f"item:{target_id}"), mode)
    return step
