"""initial schema: topics, requests, outbox_messages

Revision ID: 0001
Revises:
Create Date: 2025-11-26

Databases made before Alembic (the content loader used create_all) already have `topics`; tables that exist are
adopted as they are instead of failing the upgrade.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _missing(table: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    if _missing("topics"):
        op.create_table(
            "topics",
            sa.Column("id", sa.String(length=64), nullable=False),
            sa.Column("intent", sa.String(length=64), nullable=False),
            sa.Column("title", sa.String(length=120), nullable=False),
            sa.Column("summary", sa.Text(), nullable=False),
            sa.Column("detail", sa.Text(), nullable=False),
            sa.Column("self_care", sa.JSON(), nullable=False),
            sa.Column("see_physio", sa.Text(), nullable=False),
            sa.Column("related", sa.JSON(), nullable=False),
            sa.Column("condition_notes", sa.JSON(), nullable=False),
            sa.Column("sources", sa.JSON(), nullable=False),
            sa.Column("reviewed", sa.Date(), nullable=False),
            sa.Column("content_hash", sa.String(length=64), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("intent"),
        )
    if _missing("requests"):
        op.create_table(
            "requests",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("conversation_id", sa.String(length=255), nullable=False),
            sa.Column("idempotency_key", sa.String(length=64), nullable=False),
            sa.Column("name", sa.String(length=120), nullable=True),
            sa.Column("phone", sa.String(length=32), nullable=True),
            sa.Column("email", sa.String(length=254), nullable=True),
            sa.Column("preferred_time", sa.String(length=300), nullable=True),
            sa.Column("preferred_time_text", sa.String(length=300), nullable=True),
            sa.Column("preferred_time_data", sa.JSON(), nullable=True),
            sa.Column("reason", sa.Text(), nullable=True),
            sa.Column("assessment_summary", sa.Text(), nullable=True),
            sa.Column("patient_type", sa.String(length=16), nullable=True),
            sa.Column("consent_version", sa.String(length=32), nullable=False),
            sa.Column("consent_at", sa.DateTime(), nullable=False),
            sa.Column("bot_paused", sa.Boolean(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.Column("contacted_at", sa.DateTime(), nullable=True),
            sa.Column("done_at", sa.DateTime(), nullable=True),
            sa.Column("bot_resumed_at", sa.DateTime(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("idempotency_key"),
        )
        op.create_index("ix_requests_conversation_id", "requests", ["conversation_id"])
        op.create_index("ix_requests_status_created", "requests", ["status", "created_at"])
    if _missing("outbox_messages"):
        op.create_table(
            "outbox_messages",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("request_id", sa.Integer(), nullable=False),
            sa.Column("channel", sa.String(length=16), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("payload", sa.JSON(), nullable=False),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
            sa.Column("last_error", sa.String(length=500), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("sent_at", sa.DateTime(), nullable=True),
            sa.ForeignKeyConstraint(["request_id"], ["requests.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_outbox_messages_request_id", "outbox_messages", ["request_id"])
        op.create_index("ix_outbox_status_next_attempt", "outbox_messages", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("outbox_messages")
    op.drop_table("requests")
    op.drop_table("topics")
