"""Guided navigation (智能导航) and life-event bundles (一件事一次办).

A vague need becomes the exact item by asking the most informative question about the
candidates' own catalogue attributes; a life event becomes a checklist of its bundle.
"""

from zwfw.nav.answers import Answer, match_answer
from zwfw.nav.bundles import Bundle, BundleStep, Checklist, NavHint, checklist, shipped_bundles
from zwfw.nav.factory import create_nav_service
from zwfw.nav.need import looks_like_need
from zwfw.nav.plausible import weak
from zwfw.nav.service import NavService
from zwfw.nav.session import Mode, NavResult, NavStep
from zwfw.nav.store import NavChange, NavStore

__all__ = [
    "Answer",
    "Bundle",
    "BundleStep",
    "Checklist",
    "Mode",
    "NavChange",
    "NavHint",
    "NavResult",
    "NavService",
    "NavStep",
    "NavStore",
    "checklist",
    "create_nav_service",
    "looks_like_need",
    "match_answer",
    "shipped_bundles",
    "weak",
]
