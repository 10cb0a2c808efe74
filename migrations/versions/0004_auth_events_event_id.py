"""auth_events.event_id (unique) and request_id: rows drained from the event stream

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("auth_events") as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("request_id", sa.String(length=128), nullable=True))
    # Makes the drain idempotent: a batch written twice leaves one row per event.
    op.create_index("ux_auth_events_event_id", "auth_events", ["event_id"], unique=True)


def downgrade():
    op.drop_index("ux_auth_events_event_id", table_name="auth_events")
    with op.batch_alter_table("auth_events") as batch_op:
        batch_op.drop_column("request_id")
        batch_op.drop_column("event_id")
