"""Time windows of the operations figures (ratings, the query log, analytics).

The tables themselves live in `zwfw.storage.tables`, with every other store's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# Days are counted in China Standard Time: "yesterday's zero-result queries" means the
# Beijing day, whatever the server's clock zone is.
CST = dt.timezone(dt.timedelta(hours=8), "CST")


@dataclass(frozen=True)
class Period:
    """A half-open time window [since, until) in unix seconds; None means unbounded."""

    since: float | None = None
    until: float | None = None

    @classmethod
    def from_dates(cls, start: dt.date | None, end: dt.date | None) -> Period:
        """Whole Beijing days from `start` to `end`, both inclusive."""
        since = _midnight(start) if start else None
        until = _midnight(end + dt.timedelta(days=1)) if end else None
        return cls(since, until)

    def where(self, column: str = "at") -> tuple[str, dict[str, Any]]:
        """An SQL condition (always valid, possibly `1=1`) and its named parameters."""
        clauses, params = ["1=1"], dict[str, Any]()
        if self.since is not None:
            clauses.append(f"{column} >= :since")
            params["since"] = self.since
        if self.until is not None:
            clauses.append(f"{column} < :until")
            params["until"] = self.until
        return " AND ".join(clauses), params


def _midnight(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=CST).timestamp()
