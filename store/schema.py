"""The database schema (SQLAlchemy Core) at the newest migration (DESIGN.md "Data model").

study (protocol) → site → participant → visit → answer. Answers hold raw values or a missing-data
code, never scores. ``audit`` is append-only (triggers, see ``store.migrations``) and hash-chained;
``audit_head`` holds the newest link so concurrent writers serialise and a cut tail is detected.
The migrations in ``store/migrations/versions`` must produce exactly this (tested).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

study = Table(
    "study",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False),
    Column("title_en", Text, nullable=False),
    Column("title_zh", Text, nullable=False),
    Column("protocol_json", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("row_version", Integer, nullable=False),
)

sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("row_version", Integer, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("failed_logins", Integer, nullable=False),
    Column("locked_until", String(32)),
    Column("created_at", String(32), nullable=False),
    Column("row_version", Integer, nullable=False),
    Column("full_name", Text),  # revision 0002: printed name for signatures (21 CFR 11.50)
)

participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    Column("screening_no", String(32)),
    Column("randomization_no", String(32)),
    Column("sex", String(1), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("height_cm", Double),
    Column("weight_kg", Double),
    Column("enrolment_date", Date),
    Column("day1_date", Date),
    Column("status", String(16), nullable=False),
    Column("status_date", Date),
    Column("status_reason", Text),
    Column("row_version", Integer, nullable=False),
)

visits = Table(
    "visits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("participant_id", Integer, ForeignKey("participants.id"), nullable=False),
    Column("visit_code", String(16), nullable=False),
    Column("actual_date", Date),
    Column("status", String(16), nullable=False),
    Column("status_reason", Text),
    Column("out_of_window_reason", Text),
    Column("signed_by", String(64)),
    Column("signed_at", String(32)),
    Column("signature_meaning", Text),
    Column("signature_hash", String(64)),
    Column("locked", Boolean, nullable=False),
    Column("row_version", Integer, nullable=False),
    UniqueConstraint("participant_id", "visit_code", name="uq_visits_participant_visit"),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("visit_id", Integer, ForeignKey("visits.id"), nullable=False),
    Column("item", String(64), nullable=False),
    Column("value_num", Double),
    Column("value_text", Text),
    Column("status", String(2)),
    Column("entered_by", String(64), nullable=False),
    Column("entered_at", String(32), nullable=False),
    Column("changed_by", String(64)),
    Column("changed_at", String(32)),
    Column("row_version", Integer, nullable=False),
    UniqueConstraint("visit_id", "item", name="uq_answers_visit_item"),
)

confirmations = Table(
    "confirmations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("visit_id", Integer, ForeignKey("visits.id"), nullable=False),
    Column("variable", String(64), nullable=False),
    Column("rule", String(100), nullable=False),
    Column("value", Text),
    Column("reason", Text, nullable=False),
    Column("confirmed_by", String(64), nullable=False),
    Column("confirmed_at", String(32), nullable=False),
    UniqueConstraint("visit_id", "variable", "rule", name="uq_confirmations_visit_var_rule"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("ts_utc", String(32), nullable=False),
    Column("username", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_key", Text, nullable=False),
    Column("field", String(64), nullable=False),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("reason", Text),
    Column("program_version", String(32), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_entity", "entity", "entity_key"),  # revision 0002
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_id", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
)

drafts = Table(
    "drafts",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("participant", String(32), primary_key=True),
    Column("visit", String(16), primary_key=True),
    Column("payload", Text, nullable=False),
    Column("saved_at", String(32), nullable=False),
)
