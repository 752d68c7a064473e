"""Every table of the state database, in one MetaData: the shape the migrations create.

Times keep the representation each store always had (epoch seconds for logs, ISO text for
edit histories), so moving a store between SQLite and PostgreSQL never converts values.
JSON bodies are text: both databases store and compare them the same way. The profile table's
wide columns are written out here rather than derived from `zwfw.personal.fields` (a higher
layer): a new profile field needs a migration anyway, and a test checks the two agree.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()
# SQLite aliases INTEGER PRIMARY KEY to the rowid; PostgreSQL gets a 64-bit identity.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Text, Float, Int = sa.Text, sa.Float, sa.BigInteger


def _history(name: str, key: str) -> sa.Table:
    """An append-only edit history: who changed which entity, when, before and after."""
    return sa.Table(
        name, metadata,
        sa.Column("seq", Id, primary_key=True, autoincrement=True),
        sa.Column(key, Text, nullable=False),
        sa.Column("version", Int, nullable=False),
        sa.Column("action", Text, nullable=False),
        sa.Column("author", Text, nullable=False),
        sa.Column("at", Text, nullable=False),
        sa.Column("before", Text),
        sa.Column("after", Text),
    )  # fmt: skip


# Bumped in the same transaction as every edit of a store; replicas poll it to reload.
store_version = sa.Table(
    "store_version", metadata,
    sa.Column("store", Text, primary_key=True),
    sa.Column("version", Int, nullable=False),
)  # fmt: skip

synonym_rule = sa.Table(
    "synonym_rule", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("kind", Text, sa.CheckConstraint("kind IN ('equivalent', 'oneway')"), nullable=False),
    sa.Column("terms", Text, nullable=False),
    sa.Column("updated_at", Text, nullable=False),
    sa.Column("updated_by", Text, nullable=False),
)  # fmt: skip
synonym_history = sa.Table(
    "synonym_history", metadata,
    sa.Column("seq", Id, primary_key=True, autoincrement=True),
    sa.Column("rule_id", Int, nullable=False),
    sa.Column("version", Int, nullable=False),
    sa.Column("action", Text, nullable=False),
    sa.Column("author", Text, nullable=False),
    sa.Column("at", Text, nullable=False),
    sa.Column("before", Text),
    sa.Column("after", Text),
    sa.Index("synonym_history_rule", "rule_id", "seq"),
)  # fmt: skip

faq_edits = sa.Table(
    "faq_edits", metadata,
    sa.Column("id", Text, primary_key=True),
    sa.Column("data", Text),  # the entry as last written; NULL once deleted
    sa.Column("version", Int, nullable=False),
    sa.Column("updated_at", Text, nullable=False),
    sa.Column("updated_by", Text, nullable=False),
)  # fmt: skip
faq_history = _history("faq_history", "faq_id")
sa.Index("faq_history_id", faq_history.c.faq_id, faq_history.c.seq)

nav_entity = sa.Table(
    "nav_entity", metadata,
    sa.Column("kind", Text, primary_key=True),
    sa.Column("id", Text, primary_key=True),
    sa.Column("body", Text, nullable=False),
    sa.Column("updated_at", Text, nullable=False),
    sa.Column("updated_by", Text, nullable=False),
)  # fmt: skip
nav_history = _history("nav_history", "entity_id")
nav_history.append_column(sa.Column("kind", Text, nullable=False))
sa.Index("nav_history_entity", nav_history.c.kind, nav_history.c.entity_id, nav_history.c.seq)

turns = sa.Table(
    "turns", metadata,
    sa.Column("turn_id", Text, primary_key=True),
    sa.Column("at", Float, nullable=False),
    sa.Column("route", Text, nullable=False),
    sa.Column("query", Text, nullable=False),
    sa.Column("query_key", Text, nullable=False),
    sa.Column("shown", Text, nullable=False),
    sa.Column("result_offset", Int, nullable=False),
    sa.Column("total", Int, nullable=False),
    sa.Column("action", Text),
    sa.Column("latency_ms", Float, nullable=False),
    sa.Column("session_id", Text),
    sa.Index("turns_at", "at"),
)  # fmt: skip
clicks = sa.Table(
    "clicks", metadata,
    sa.Column("turn_id", Text, primary_key=True),
    sa.Column("position", Int, primary_key=True),
    sa.Column("doc_id", Text, nullable=False),
    sa.Column("at", Float, nullable=False),
)  # fmt: skip
requests = sa.Table(
    "requests", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("at", Float, nullable=False),
    sa.Column("route", Text, nullable=False),
    sa.Column("method", Text, nullable=False),
    sa.Column("status", Int, nullable=False),
    sa.Column("latency_ms", Float, nullable=False),
    sa.Index("requests_at", "at"),
)  # fmt: skip
ratings = sa.Table(
    "ratings", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("at", Float, nullable=False),
    sa.Column("target_type", Text, nullable=False),
    sa.Column("target_id", Text, nullable=False),
    sa.Column("department", Text, nullable=False),
    sa.Column("score", Int, sa.CheckConstraint("score BETWEEN 1 AND 5"), nullable=False),
    sa.Column("tags", Text, nullable=False),
    sa.Column("comment", Text),
    sa.Column("session_id", Text),
    sa.Index("ratings_target", "target_type", "target_id"),
)  # fmt: skip
tasks = sa.Table(
    "tasks", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("kind", Text, nullable=False),
    sa.Column("key", Text, nullable=False),
    sa.Column("count", Int, nullable=False),
    sa.Column("examples", Text, nullable=False),
    sa.Column("first_seen", Float, nullable=False),
    sa.Column("last_seen", Float, nullable=False),
    sa.Column("status", Text, nullable=False, server_default="open"),
    sa.UniqueConstraint("kind", "key"),
)  # fmt: skip
proposals = sa.Table(
    "proposals", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("kind", Text, nullable=False),
    sa.Column("payload", Text, nullable=False),
    sa.Column("state", Text, nullable=False),
    sa.Column("author", Text, nullable=False),
    sa.Column("reviewer", Text),
    sa.Column("task_id", Int, sa.ForeignKey("tasks.id")),
    sa.Column("note", Text),
    sa.Column("created_at", Float, nullable=False),
    sa.Column("updated_at", Float, nullable=False),
)  # fmt: skip
# Append-only: the migration adds triggers that refuse UPDATE and DELETE on both databases.
audit = sa.Table(
    "audit", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("at", Float, nullable=False),
    sa.Column("actor", Text, nullable=False),
    sa.Column("role", Text, nullable=False),
    sa.Column("action", Text, nullable=False),
    sa.Column("entity", Text, nullable=False),
    sa.Column("entity_id", Int, nullable=False),
    sa.Column("before", Text),
    sa.Column("after", Text),
    sa.Column("prev_hash", Text, nullable=False),
    sa.Column("hash", Text, nullable=False),
    sqlite_autoincrement=True,
)  # fmt: skip

# The personal space: one wide row per user (see zwfw.personal.profiles) and its events.
PURPOSES = ("recommend", "policy", "push")
PROFILE_COLUMNS: dict[str, Any] = {
    "birth_year": Int, "region_code": Text, "hukou_region_code": Text,
    "employment_status": Text, "children_birth_years": Text, "has_disability": Int,
    "disability_level": Int, "retired": Int, "low_income": Int, "credit_code": Text,
    "industry_code": Text, "size": Text, "founded_on": Int, "employees": Int,
    "revenue_band": Text, "qualifications": Text, "laid_off_rate": Float,
}  # fmt: skip
profile = sa.Table(
    "profile", metadata,
    sa.Column("rid", Id, primary_key=True, autoincrement=True),
    sa.Column("user_id", Text, nullable=False, unique=True),
    sa.Column("audience", Text, nullable=False),
    sa.Column("updated_at", Text, nullable=False),
    sa.Column("id_card_hmac", Text),
    sa.Column("consents", Text, nullable=False),
    *(sa.Column(f"mask_{p}", Int, nullable=False) for p in PURPOSES),
    *(sa.Column(name, kind) for name, kind in PROFILE_COLUMNS.items()),
    sa.Index("profile_id_card", "id_card_hmac"),
)  # fmt: skip
event = sa.Table(
    "event", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("user_id", Text, nullable=False),
    sa.Column("type", Text, nullable=False),
    sa.Column("at", Int, nullable=False),
    sa.Column("item_id", Text),
    sa.Column("catalog", Text),
    sa.Column("query", Text),
    sa.Column("rating", Int),
    sa.Index("event_user", "user_id", "at"),
    sa.Index("event_at", "at"),
    sa.Index("event_catalog", "catalog", "user_id"),
)  # fmt: skip
