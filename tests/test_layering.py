"""Imports flow one way: core → models → indexer/search → qa/nav → runtime → api → cli."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "zwfw"

LAYER = {
    "core": 0, "storage": 1, "models": 1, "search": 2, "indexer": 2,
    "qa": 3, "nav": 3, "personal": 3, "ops": 3, "chat": 4,
    "runtime": 5, "evaluation": 5, "api": 6, "cli": 7,
}  # fmt: skip
# The indexer writes through the search package's backends and field analysis; the
# reverse (search importing indexer) is forbidden like any other upward import.
ALLOWED_SIDEWAYS = {("indexer", "search")}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m.split(".")[1] for m in found if m.startswith("zwfw.") and len(m.split(".")) > 1}


def _edges() -> list[tuple[str, str, str]]:
    edges = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        source = rel.parts[0].removesuffix(".py")
        if source not in LAYER:
            continue
        for target in _imports(path):
            if target != source and target in LAYER:
                edges.append((source, target, str(rel)))
    return sorted(edges)  # one order in every process (pytest-xdist compares collections)


def test_every_package_is_assigned_a_layer() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages <= set(LAYER), packages - set(LAYER)


@pytest.mark.parametrize(("source", "target", "where"), _edges(), ids=lambda v: str(v))
def test_imports_never_point_upward(source: str, target: str, where: str) -> None:
    allowed = LAYER[target] < LAYER[source] or (source, target) in ALLOWED_SIDEWAYS
    assert allowed, f"{where}: {source} (layer {LAYER[source]}) imports {target}"


def test_only_the_api_imports_fastapi() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] not in ("api", "cli.py")
        and ("import fastapi" in p.read_text() or "from fastapi" in p.read_text())
    ]
    assert offenders == []


def test_the_layering_check_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "x.py"
    bad.write_text("from zwfw.api import create_app\n")
    assert _imports(bad) == {"api"}
