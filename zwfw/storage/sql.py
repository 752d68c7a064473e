"""The few SQL spellings SQLite and PostgreSQL disagree on, chosen per connection."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, CursorResult


def insert(conn: Connection, table: sa.Table) -> Any:
    """The dialect's INSERT, which has `on_conflict_do_nothing` / `on_conflict_do_update`."""
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    return module.insert(table)


def json_array_agg(conn: Connection) -> str:
    """The aggregate that collects values into a JSON array (text on SQLite)."""
    return "json_agg" if conn.dialect.name == "postgresql" else "json_group_array"


def contains(conn: Connection) -> str:
    """`instr(haystack, needle)` / `strpos(haystack, needle)`: > 0 when found."""
    return "strpos" if conn.dialect.name == "postgresql" else "instr"


_MARK = re.compile(r"\?")


def execute_qmark(conn: Connection, sql: str, params: Sequence[Any]) -> CursorResult[Any]:
    """Run SQL written with `?` placeholders (compiled predicates) on either database."""
    names: dict[str, Any] = {}

    def bind(_: re.Match[str]) -> str:
        index = len(names)
        names[f"p{index}"] = params[index]
        return f":p{index}"

    return conn.execute(sa.text(_MARK.sub(bind, sql)), names)
