"""Initial schema: study, sites, users, participants, visits, answers, confirmations, the
append-only hash-chained audit trail (UPDATE/DELETE refused by triggers) and drafts.

Frozen copy of the schema as first released: never edit, add a new revision instead.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE refused'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE refused'); END",
)
PG_TRIGGERS = (
    "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP; END $$",
    "CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "study",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("title_en", sa.Text, nullable=False),
        sa.Column("title_zh", sa.Text, nullable=False),
        sa.Column("protocol_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("row_version", sa.Integer, nullable=False),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("row_version", sa.Integer, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.String(32)),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("row_version", sa.Integer, nullable=False),
    )
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("screening_no", sa.String(32)),
        sa.Column("randomization_no", sa.String(32)),
        sa.Column("sex", sa.String(1), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("height_cm", sa.Double),
        sa.Column("weight_kg", sa.Double),
        sa.Column("enrolment_date", sa.Date),
        sa.Column("day1_date", sa.Date),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_date", sa.Date),
        sa.Column("status_reason", sa.Text),
        sa.Column("row_version", sa.Integer, nullable=False),
    )
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
        sa.Column("visit_code", sa.String(16), nullable=False),
        sa.Column("actual_date", sa.Date),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text),
        sa.Column("out_of_window_reason", sa.Text),
        sa.Column("signed_by", sa.String(64)),
        sa.Column("signed_at", sa.String(32)),
        sa.Column("signature_meaning", sa.Text),
        sa.Column("signature_hash", sa.String(64)),
        sa.Column("locked", sa.Boolean, nullable=False),
        sa.Column("row_version", sa.Integer, nullable=False),
        sa.UniqueConstraint("participant_id", "visit_code", name="uq_visits_participant_visit"),
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("visit_id", sa.Integer, sa.ForeignKey("visits.id"), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("value_num", sa.Double),
        sa.Column("value_text", sa.Text),
        sa.Column("status", sa.String(2)),
        sa.Column("entered_by", sa.String(64), nullable=False),
        sa.Column("entered_at", sa.String(32), nullable=False),
        sa.Column("changed_by", sa.String(64)),
        sa.Column("changed_at", sa.String(32)),
        sa.Column("row_version", sa.Integer, nullable=False),
        sa.UniqueConstraint("visit_id", "item", name="uq_answers_visit_item"),
    )
    op.create_table(
        "confirmations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("visit_id", sa.Integer, sa.ForeignKey("visits.id"), nullable=False),
        sa.Column("variable", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("value", sa.Text),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("confirmed_by", sa.String(64), nullable=False),
        sa.Column("confirmed_at", sa.String(32), nullable=False),
        sa.UniqueConstraint(
            "visit_id", "variable", "rule", name="uq_confirmations_visit_var_rule"
        ),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("ts_utc", sa.String(32), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_key", sa.Text, nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text),
        sa.Column("reason", sa.Text),
        sa.Column("program_version", sa.String(32), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_id", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "drafts",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("participant", sa.String(32), primary_key=True),
        sa.Column("visit", sa.String(16), primary_key=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("saved_at", sa.String(32), nullable=False),
    )
    triggers = PG_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for sql in triggers:
        op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_no_truncate ON audit")
        op.execute("DROP TRIGGER audit_no_update ON audit")
        op.execute("DROP FUNCTION audit_append_only()")
    else:
        op.execute("DROP TRIGGER audit_no_update")
        op.execute("DROP TRIGGER audit_no_delete")
    for table in (
        "drafts", "audit_head", "audit", "confirmations", "answers", "visits", "participants",
        "users", "sites", "study",
    ):
        op.drop_table(table)
