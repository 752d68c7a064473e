"""Life-event bundles (一件事一次办) as data: steps, the item per region, shared materials, apps.

A bundle is what a citizen lives through (a birth, a new shop); its steps are catalogue items
of several departments. Bundles ship in `zwfw/nav/data/bundles.json` and administrators edit
them at run time (see `store`), so every reference is checked against the open catalogue.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass as plain_dataclass
from importlib import resources
from typing import Annotated, Any

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass

from zwfw.core.errors import InvalidRecord
from zwfw.core.records import App, Item, doc_key
from zwfw.core.regions import ancestors, name_of
from zwfw.models import normalize
from zwfw.nav.materials import merge_materials
from zwfw.search.docstore import DocStore

_CONFIG = ConfigDict(extra="forbid", str_strip_whitespace=True)
NonEmpty = Annotated[str, Field(min_length=1, max_length=200)]


@dataclass(frozen=True, config=_CONFIG)
class BundleStep:
    """One step; `items` maps a region code to the item ids that serve it there."""

    title: NonEmpty
    items: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    note: str = ""
    materials: tuple[str, ...] = ()  # needed for the step but missing from the catalogue


@dataclass(frozen=True, config=_CONFIG)
class Bundle:
    id: NonEmpty
    name: NonEmpty
    triggers: Annotated[tuple[NonEmpty, ...], Field(min_length=1)]
    steps: Annotated[tuple[BundleStep, ...], Field(min_length=1)]
    description: str = ""
    shared_materials: tuple[str, ...] = ()  # collected once, before the steps
    apps: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @property
    def regions(self) -> list[str]:
        """Region codes where at least one step has an item, in code order."""
        return sorted({code for step in self.steps for code in step.items if step.items[code]})


@dataclass(frozen=True, config=_CONFIG)
class NavHint:
    """Administrator knowledge the catalogue lacks: a phrase that means a bundle or items."""

    id: NonEmpty
    phrases: Annotated[tuple[NonEmpty, ...], Field(min_length=1)]
    bundle_id: str | None = None
    item_ids: tuple[str, ...] = ()
    note: str = ""


_BUNDLE: TypeAdapter[Bundle] = TypeAdapter(Bundle)
_HINT: TypeAdapter[NavHint] = TypeAdapter(NavHint)


def parse_bundle(data: Any) -> Bundle:
    return _parse(_BUNDLE, data)


def parse_hint(data: Any) -> NavHint:
    hint = _parse(_HINT, data)
    if not hint.bundle_id and not hint.item_ids:
        raise InvalidRecord("a hint needs a bundle_id or item_ids")
    return hint


def to_dict(value: Bundle | NavHint) -> dict[str, Any]:
    adapter: TypeAdapter[Any] = _BUNDLE if isinstance(value, Bundle) else _HINT
    out: dict[str, Any] = adapter.dump_python(value, mode="json")
    return out


def _parse(adapter: TypeAdapter[Any], data: Any) -> Any:
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidRecord(reasons) from None


def shipped_bundles() -> list[Bundle]:
    """The bundles that ship with zwfw, seeded into the store on its first open."""
    text = (resources.files("zwfw.nav") / "data" / "bundles.json").read_text(encoding="utf-8")
    return [parse_bundle(b) for b in json.loads(text)["bundles"]]


def check_references(bundle: Bundle, docs: DocStore) -> None:
    """Raise InvalidRecord naming every item or app id the catalogue does not know, and any
    region key that is not a 6-digit division code."""
    codes = {*(c for step in bundle.steps for c in step.items), *bundle.apps}
    bad = sorted(c for c in codes if not re.fullmatch(r"\d{6}", c))
    if bad:
        raise InvalidRecord(
            f"bundle {bundle.id!r}: region keys must be 6-digit division codes, "
            f"got {', '.join(bad)}"
        )
    wanted = [
        (doc_key("item", i), f"step {n} ({step.title}, {code})")
        for n, step in enumerate(bundle.steps, start=1)
        for code, ids in step.items.items()
        for i in ids
    ]
    wanted += [
        (doc_key("app", a), f"apps ({code})") for code, ids in bundle.apps.items() for a in ids
    ]
    _require(wanted, docs)


def check_hint(hint: NavHint, docs: DocStore, bundle_ids: set[str]) -> None:
    if hint.bundle_id and hint.bundle_id not in bundle_ids:
        raise InvalidRecord(f"unknown bundle id {hint.bundle_id!r} in hint {hint.id!r}")
    _require([(doc_key("item", i), f"hint {hint.id}") for i in hint.item_ids], docs)


def _require(wanted: list[tuple[str, str]], docs: DocStore) -> None:
    found = docs.get([key for key, _ in wanted])
    missing = [f"{key.split(':', 1)[1]!r} in {where}" for key, where in wanted if key not in found]
    if missing:
        raise InvalidRecord("unknown id: " + "; ".join(missing))


def match_bundle(text: str, bundles: list[Bundle]) -> Bundle | None:
    """The bundle whose longest trigger occurs in `text` (出生 in 孩子出生了要办什么)."""
    said = normalize(text)
    best = max(
        ((len(t), b) for b in bundles for t in b.triggers if normalize(t) in said),
        key=lambda pair: pair[0],
        default=None,
    )
    return best[1] if best else None


@plain_dataclass(frozen=True)
class ChecklistStep:
    order: int
    title: str
    note: str
    items: tuple[Item, ...]


@plain_dataclass(frozen=True)
class Checklist:
    """A bundle resolved for one region: every step, the merged materials, the apps."""

    bundle: Bundle
    region_code: str
    steps: tuple[ChecklistStep, ...]
    materials: tuple[str, ...]
    apps: tuple[App, ...]

    @property
    def region_name(self) -> str:
        return name_of(self.region_code)


def checklist(bundle: Bundle, region_code: str, docs: DocStore) -> Checklist:
    """Steps keep their order; a region without its own item uses its city's or province's;
    shared materials come first and each document appears once."""
    steps = []
    for order, step in enumerate(bundle.steps, start=1):
        ids = _for_region(step.items, region_code)
        found = docs.get([doc_key("item", i) for i in ids])
        items = tuple(r for i in ids if isinstance(r := found.get(doc_key("item", i)), Item))
        steps.append(ChecklistStep(order, step.title, step.note, items))
    app_ids = _for_region(bundle.apps, region_code)
    found_apps = docs.get([doc_key("app", a) for a in app_ids])
    apps = tuple(r for a in app_ids if isinstance(r := found_apps.get(doc_key("app", a)), App))
    lists: list[tuple[str, ...]] = []
    for step, resolved in zip(bundle.steps, steps, strict=True):
        lists += [item.materials for item in resolved.items] + [step.materials]
    materials = tuple(merge_materials(lists, fixed=bundle.shared_materials))
    return Checklist(bundle, region_code, tuple(steps), materials, apps)


def _for_region(by_region: dict[str, tuple[str, ...]], region_code: str) -> tuple[str, ...]:
    for code in ancestors(region_code):
        if by_region.get(code):
            return by_region[code]
    return ()


def match_hint(text: str, hints: list[NavHint]) -> NavHint | None:
    """The hint whose longest phrase occurs in `text`; hints win over bundle triggers."""
    said = normalize(text)
    best = max(
        ((len(p), h) for h in hints for p in h.phrases if normalize(p) in said),
        key=lambda pair: pair[0],
        default=None,
    )
    return best[1] if best else None
