"""A catalogue thinned to what a cold one brings: names, types, departments, regions, levels
and audiences, without conditions, materials, themes or catalogue names.

`zwfw fit --also <index of the thinned catalogue>` fits the fusion on evidence from both the
full and the thin index of one catalogue, and k-fold figures on the thin index tell, from the
dev set alone, how a setting behaves on a catalogue that has names and little else
(docs/fusion.md). Usage: `python -m zwfw.evaluation.thin SOURCE.jsonl... OUT.jsonl`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from zwfw.core.records import Item, Record
from zwfw.indexer.sources import load_sources

KEPT = ("id", "name", "item_type", "department", "region_code", "region_name", "level")


def thin(records: Iterable[Record]) -> Iterator[dict[str, Any]]:
    """Each item as a canonical record with only the fields a cold catalogue has."""
    for record in records:
        if isinstance(record, Item):
            yield {
                "kind": "item",
                **{f: getattr(record, f) for f in KEPT},
                "audiences": list(record.audiences),
            }


def main(argv: list[str]) -> None:
    *sources, out = [Path(a) for a in argv]
    rows = thin(load_sources(sources).records)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    Path(out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
