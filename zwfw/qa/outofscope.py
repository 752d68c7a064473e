"""Out-of-scope questions built from real material, for fitting and for measuring the decision.

Two sources, both real text rather than invented questions:

- citizen messages (11.5k, labelled by domain and type) that a FAQ cannot settle: complaints
  and suggestions (they ask someone to act), and enquiries about one particular place,
  building or case (their anonymised names show as ``***``, read here as 某);
- other regions' services: real item names of another province's catalogue, phrased as a
  citizen's question about that place (在广州市办理X需要什么材料？). Items of the FAQ's own
  regions are left out, so what remains is about somewhere the catalogue does not serve.

Each question is assigned to the `fit` or the `eval` half by a hash of its source id, so the
figures measured on `eval` come from questions the classifier never saw. docs/qa.md tells
how the set was checked.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from zwfw.core.records import Record
from zwfw.core.regions import find_in_text, within
from zwfw.models import normalize

_MASK = re.compile(r"\*+")
_ACTS = {"建言", "投诉/求助"}  # message types that ask for an action, not for information
_MIN_CHARS, _MAX_CHARS = 8, 80  # the length of a question typed into an assistant
_TEMPLATES = (
    "在{place}办理{name}需要什么材料？",
    "{place}{name}怎么办理？",
    "{place}的{name}去哪里办？",
    "请问{place}{name}的办理流程是什么？",
    "{name}，{place}哪里可以办？",
    "我在{place}，想办{name}，要怎么弄？",
)


@dataclass(frozen=True)
class OutOfScope:
    id: str  # source file's record id, prefixed by the source
    text: str
    source: str  # "citizen" or "region"

    @property
    def half(self) -> str:
        """`fit` or `eval`, stable across runs and machines."""
        return "eval" if _hash(self.id) % 2 == 0 else "fit"


def sample(questions: Iterable[OutOfScope], limit: int) -> list[OutOfScope]:
    """At most `limit` per source, the same ones on every run (ordered by a hash of the id)."""
    by_source: dict[str, list[OutOfScope]] = {}
    for q in sorted(questions, key=lambda q: _hash("sample:" + q.id)):
        kept = by_source.setdefault(q.source, [])
        if len(kept) < limit:
            kept.append(q)
    return [q for kept in by_source.values() for q in kept]


def citizen_questions(path: Path) -> Iterator[OutOfScope]:
    """Messages asking for an action, or about one masked place or case, of question length."""
    for row in _jsonl(path):
        text = str(row.get("text") or "").strip()
        if not (row.get("message_type") in _ACTS or "*" in text):
            continue
        text = _MASK.sub("某", text)
        if _MIN_CHARS <= len(text) <= _MAX_CHARS:
            yield OutOfScope(f"citizen:{row['id']}", text, "citizen")


def region_questions(paths: Iterable[Path], home: Sequence[str]) -> Iterator[OutOfScope]:
    """Items of catalogues for places outside `home`, asked about as a citizen would."""
    for path in paths:
        for row in _jsonl(path):
            key = str(row.get("id") or row.get("item_code") or "")
            name = str(row.get("name") or "").strip()
            place = _place(str(row.get("region_name") or row.get("area") or ""))
            region = find_in_text(place) if place else None
            if not (key and name and region) or any(within(region, h) for h in home):
                continue
            template = _TEMPLATES[_hash(key) % len(_TEMPLATES)]
            yield OutOfScope(f"region:{key}", template.format(place=place, name=name), "region")


def home_regions(texts: Iterable[str], share: float = 0.2) -> tuple[str, ...]:
    """Regions a catalogue is about: those named at least `share` as often as the commonest."""
    counts: dict[str, int] = {}
    for text in texts:
        region = find_in_text(normalize(text))
        if region:
            counts[region] = counts.get(region, 0) + 1
    if not counts:
        return ()
    top = max(counts.values())
    return tuple(sorted(r for r, n in counts.items() if n >= share * top))


def home_of(faqs: Iterable[Record]) -> tuple[str, ...]:
    """The regions a FAQ catalogue serves, from the places its questions name."""
    return home_regions(f.title for f in faqs)


def _place(area: str) -> str:
    """The narrowest division of a catalogue's area field (广东省广州市 → 广州市)."""
    province, rest = re.fullmatch(r"(.+?(?:省|自治区))?(.*)", area).groups()  # type: ignore[union-attr]
    return rest or province or ""


def _jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _hash(key: str) -> int:
    return int.from_bytes(hashlib.md5(key.encode(), usedforsecurity=False).digest()[:4])


def write_eval_set(questions: Iterable[OutOfScope], path: Path) -> int:
    """The `eval` half as faq_dev-format JSONL (`zwfw eval --faq` reads it); returns its size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for q in questions:
            if q.half == "eval":
                row = {"qid": q.id, "query": q.text, "kind": "out_of_scope", "source": q.source}
                out.write(json.dumps({**row, "faq_ids": []}, ensure_ascii=False) + "\n")
                n += 1
    return n
