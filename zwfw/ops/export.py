"""CSV export of analytics rows, safe to open in Excel or WPS.

Queries are user input: a query that starts with `=` or `+` would run as a formula in a
spreadsheet (CSV injection), so such cells get a leading apostrophe. The file starts with
a UTF-8 byte-order mark, without which Excel shows Chinese text as mojibake.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Rows as CSV with a header line of `columns` (also written when there are no rows)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return BOM + out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
