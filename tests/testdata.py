"""Where test data lives: the bundled demo catalogue and the optional ../shared folder.

A module of its own, not conftest: several test folders have a conftest.py, and which one
`import conftest` finds depends on collection order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
SHARED = ROOT.parent / "shared"


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared is optional)")
    return path
