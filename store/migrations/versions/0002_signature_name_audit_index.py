"""Users get a printed full name (shown with e-signatures, 21 CFR 11.50); the audit trail gets an
index on (entity, entity_key) for the per-record audit view.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("full_name", sa.Text))
    op.create_index("ix_audit_entity", "audit", ["entity", "entity_key"])


def downgrade() -> None:
    op.drop_index("ix_audit_entity", table_name="audit")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("full_name")
