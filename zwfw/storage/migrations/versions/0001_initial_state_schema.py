"""The initial state schema: every store's tables, the version rows and the audit guards.

Revision ID: 0001
Revises:
Create Date: 2026-12-06 03:18:25.876867
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.Text(), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "clicks",
        sa.Column("turn_id", sa.Text(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("doc_id", sa.Text(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("turn_id", "position"),
    )
    op.create_table(
        "event",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.Text(), nullable=True),
        sa.Column("catalog", sa.Text(), nullable=True),
        sa.Column("query", sa.Text(), nullable=True),
        sa.Column("rating", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("event_at", ["at"], unique=False)
        batch_op.create_index("event_catalog", ["catalog", "user_id"], unique=False)
        batch_op.create_index("event_user", ["user_id", "at"], unique=False)

    op.create_table(
        "faq_edits",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "faq_history",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("faq_id", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("faq_history", schema=None) as batch_op:
        batch_op.create_index("faq_history_id", ["faq_id", "seq"], unique=False)

    op.create_table(
        "nav_entity",
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "id"),
    )
    op.create_table(
        "nav_history",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("entity_id", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("nav_history", schema=None) as batch_op:
        batch_op.create_index("nav_history_entity", ["kind", "entity_id", "seq"], unique=False)

    op.create_table(
        "profile",
        sa.Column(
            "rid",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.Text(), nullable=False),
        sa.Column("id_card_hmac", sa.Text(), nullable=True),
        sa.Column("consents", sa.Text(), nullable=False),
        sa.Column("mask_recommend", sa.BigInteger(), nullable=False),
        sa.Column("mask_policy", sa.BigInteger(), nullable=False),
        sa.Column("mask_push", sa.BigInteger(), nullable=False),
        sa.Column("birth_year", sa.BigInteger(), nullable=True),
        sa.Column("region_code", sa.Text(), nullable=True),
        sa.Column("hukou_region_code", sa.Text(), nullable=True),
        sa.Column("employment_status", sa.Text(), nullable=True),
        sa.Column("children_birth_years", sa.Text(), nullable=True),
        sa.Column("has_disability", sa.BigInteger(), nullable=True),
        sa.Column("disability_level", sa.BigInteger(), nullable=True),
        sa.Column("retired", sa.BigInteger(), nullable=True),
        sa.Column("low_income", sa.BigInteger(), nullable=True),
        sa.Column("credit_code", sa.Text(), nullable=True),
        sa.Column("industry_code", sa.Text(), nullable=True),
        sa.Column("size", sa.Text(), nullable=True),
        sa.Column("founded_on", sa.BigInteger(), nullable=True),
        sa.Column("employees", sa.BigInteger(), nullable=True),
        sa.Column("revenue_band", sa.Text(), nullable=True),
        sa.Column("qualifications", sa.Text(), nullable=True),
        sa.Column("laid_off_rate", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("rid"),
        sa.UniqueConstraint("user_id"),
    )
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.create_index("profile_id_card", ["id_card_hmac"], unique=False)

    op.create_table(
        "ratings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("target_type", sa.Text(), nullable=False),
        sa.Column("target_id", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("score", sa.BigInteger(), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("session_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index("ratings_target", ["target_type", "target_id"], unique=False)

    op.create_table(
        "requests",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("route", sa.Text(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("status", sa.BigInteger(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index("requests_at", ["at"], unique=False)

    op.create_table(
        "store_version",
        sa.Column("store", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("store"),
    )
    op.create_table(
        "synonym_history",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("rule_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("synonym_history", schema=None) as batch_op:
        batch_op.create_index("synonym_history_rule", ["rule_id", "seq"], unique=False)

    op.create_table(
        "synonym_rule",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "tasks",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("examples", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.Float(), nullable=False),
        sa.Column("last_seen", sa.Float(), nullable=False),
        sa.Column("status", sa.Text(), server_default="open", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "key"),
    )
    op.create_table(
        "turns",
        sa.Column("turn_id", sa.Text(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("route", sa.Text(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("query_key", sa.Text(), nullable=False),
        sa.Column("shown", sa.Text(), nullable=False),
        sa.Column("result_offset", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.Text(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("session_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("turn_id"),
    )
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.create_index("turns_at", ["at"], unique=False)

    op.create_table(
        "proposals",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.Text(), nullable=True),
        sa.Column("task_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )

    op.bulk_insert(
        sa.table("store_version", sa.column("store", sa.Text), sa.column("version", sa.BigInteger)),
        [{"store": s, "version": 0} for s in ("synonyms", "faq", "nav", "curation")],
    )
    _audit_append_only()


def _audit_append_only() -> None:
    """The audit log refuses UPDATE, DELETE (and on SQLite an INSERT reusing an id, which
    INSERT OR REPLACE would otherwise turn into a silent delete) in the database itself."""
    if op.get_bind().dialect.name == "sqlite":
        for name, when in (
            ("audit_no_update", "BEFORE UPDATE ON audit"),
            ("audit_no_delete", "BEFORE DELETE ON audit"),
            (
                "audit_no_reuse",
                "BEFORE INSERT ON audit WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)",
            ),
        ):
            op.execute(
                f"CREATE TRIGGER {name} {when}"
                " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit"
        " FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit"
        " FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
    )


def downgrade() -> None:
    op.drop_table("audit")
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION audit_append_only()")
    op.drop_table("proposals")
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.drop_index("turns_at")

    op.drop_table("turns")
    op.drop_table("tasks")
    op.drop_table("synonym_rule")
    with op.batch_alter_table("synonym_history", schema=None) as batch_op:
        batch_op.drop_index("synonym_history_rule")

    op.drop_table("synonym_history")
    op.drop_table("store_version")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("requests_at")

    op.drop_table("requests")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index("ratings_target")

    op.drop_table("ratings")
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.drop_index("profile_id_card")

    op.drop_table("profile")
    with op.batch_alter_table("nav_history", schema=None) as batch_op:
        batch_op.drop_index("nav_history_entity")

    op.drop_table("nav_history")
    op.drop_table("nav_entity")
    with op.batch_alter_table("faq_history", schema=None) as batch_op:
        batch_op.drop_index("faq_history_id")

    op.drop_table("faq_history")
    op.drop_table("faq_edits")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("event_user")
        batch_op.drop_index("event_catalog")
        batch_op.drop_index("event_at")

    op.drop_table("event")
    op.drop_table("clicks")
