"""Compile an eligibility tree to one SQL predicate over the profile table.

A full pass over a million profiles must take seconds, so the tree runs inside the database
(SQLite or PostgreSQL: their spellings differ only in `instr`/`strpos`) instead of Python.
Unknown facts become NULL (a missing value, or the field's consent bit unset for the
purpose), and SQL's three-valued AND/OR/NOT then behaves exactly like `rules.evaluate`: a row
is selected only when the predicate is surely true. Policy values are bound as parameters;
only our own constants (bits, the year) are written inline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from zwfw.core.regions import NATIONAL
from zwfw.personal.conditions import AllOf, AnyOf, Comparison, Node, Not, Rule
from zwfw.personal.fields import Purpose, bit_of
from zwfw.personal.profile import ymd

Params = list[Any]


def compile_where(
    rule: Rule, purpose: Purpose, today: dt.date, dialect: str = "sqlite"
) -> tuple[str, Params]:
    """`audience = ? AND (<tree>)` and its parameters, for profiles judged on `today`."""
    params: Params = [rule.policy.audience]
    tree = _node(rule.root, purpose, today, params)
    if dialect == "postgresql":
        tree = tree.replace("instr(", "strpos(")
    return f"audience = ? AND {tree}", params


def _node(node: Node, purpose: Purpose, today: dt.date, params: Params) -> str:
    if isinstance(node, Comparison):
        return _leaf(node, purpose, today, params)
    if isinstance(node, Not):
        return f"(NOT {_node(node.child, purpose, today, params)})"
    joiner = " AND " if isinstance(node, AllOf) else " OR "
    assert isinstance(node, AllOf | AnyOf)
    return "(" + joiner.join(_node(c, purpose, today, params) for c in node.children) + ")"


def _column(cond: Comparison, purpose: Purpose, today: dt.date) -> str:
    spec = cond.field
    source = spec.source
    expr = {
        "age": f"({today.year} - birth_year)",
        "years_since_founded": f"(({ymd(today)} - founded_on) / 10000)",
    }.get(spec.name, source)
    bit = bit_of(spec.audience, source)
    return f"(CASE WHEN (mask_{purpose.value} & {bit}) != 0 THEN {expr} END)"


def _leaf(cond: Comparison, purpose: Purpose, today: dt.date, params: Params) -> str:
    x, op, value = _column(cond, purpose, today), cond.op, _sql_value(cond.value)
    if op == "exists":
        params.append(int(value))
        return f"((CASE WHEN {x} IS NOT NULL THEN 1 ELSE 0 END) = ?)"
    simple = {"eq": "=", "ne": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
    if op in simple:
        params.append(value)
        return f"({x} {simple[op]} ?)"
    if op in ("in", "not_in"):
        params.extend(value)
        marks = ", ".join("?" * len(value))
        return f"({x} {'IN' if op == 'in' else 'NOT IN'} ({marks}))"
    if op == "between":
        params.extend(value)
        return f"({x} BETWEEN ? AND ?)"
    if op == "contains":
        # Children are stored by birth year: a child aged a is one born in year - a.
        element = today.year - value if cond.field.name == "children_ages" else value
        params.append(f"|{element}|")
        return f"(instr({x}, ?) > 0)"
    if op == "within":
        if value == NATIONAL:
            return f"(CASE WHEN {x} IS NULL THEN NULL ELSE 1 END)"
        params.extend([value, value, value])
        return f"({x} = ? OR substr({x}, 1, 4) || '00' = ? OR substr({x}, 1, 2) || '0000' = ?)"
    assert op == "date_between"
    parts = []
    for bound, symbol in zip(value, (">=", "<="), strict=True):
        if bound is not None:
            parts.append(f"{x} {symbol} ?")
            params.append(bound)
    return "(" + " AND ".join(parts) + ")"


def _sql_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_sql_value(v) for v in value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.date):
        return ymd(value)
    return value
