"""Routes reach the app's state only through the dependency aliases of `zwfw/api/deps.py`,
so a test can swap any part with `app.dependency_overrides` and no route sees a loose bag."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROUTES = Path(__file__).resolve().parents[2] / "zwfw" / "api" / "routes"


def _state_reads(source: str) -> list[int]:
    """Lines that touch `….app` or `….state` (request.app.state, getattr(request.app, …)),
    or name either attribute as a string to getattr/setattr/hasattr."""
    return [n.lineno for n in ast.walk(ast.parse(source)) if _reads(n)]


def _reads(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in ("app", "state")
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("getattr", "setattr", "hasattr")
        and any(isinstance(a, ast.Constant) and a.value in ("app", "state") for a in node.args)
    )


@pytest.mark.parametrize("module", sorted(ROUTES.glob("*.py")), ids=lambda p: p.name)
def test_no_route_module_reads_the_app_state(module: Path) -> None:
    assert _state_reads(module.read_text(encoding="utf-8")) == [], (
        f"{module.name} reads app.state: take the part through an alias of zwfw/api/deps.py"
    )


def test_the_check_catches_the_ways_a_route_used_to_read_the_state() -> None:
    bad = [
        'x = getattr(request.app.state, "runtime", None)',
        "settings = request.app.state.settings",
        'state = getattr(request, "app").state',
    ]
    assert all(_state_reads(line) for line in bad)
    assert _state_reads("def f(ops: OpsDep) -> None:\n    ops.metrics.render()") == []
