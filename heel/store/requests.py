"""Front-desk requests (booking and hand-off) and their notification outbox.

A request and its outbox messages are written in one transaction, so a request is never stored without the
notifications that announce it, and a notification outage only delays them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from heel.store.models import Base

KINDS = ("booking", "handoff")
STATUSES = ("new", "contacted", "done")
OUTBOX_CHANNELS = ("email", "webhook")
OUTBOX_STATUSES = ("pending", "sent", "failed", "skipped")


class Request(Base):
    """What the front desk acts on. Holds only what it needs to contact the visitor and arrange care."""

    __tablename__ = "requests"

    id = Column(Integer, primary_key=True, autoincrement=True)
    kind = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False, default="new")
    conversation_id = Column(String(255), nullable=False, index=True)
    # sha256 of conversation id + submission id + content: a retried or double-clicked submit finds this row.
    idempotency_key = Column(String(64), nullable=False, unique=True)
    name = Column(String(120))
    phone = Column(String(32))
    email = Column(String(254))
    preferred_time = Column(String(300))
    preferred_time_text = Column(String(300))
    preferred_time_data = Column(JSON)
    reason = Column(Text)
    assessment_summary = Column(Text)
    patient_type = Column(String(16))
    consent_version = Column(String(32), nullable=False)
    consent_at = Column(DateTime, nullable=False)
    bot_paused = Column(
        Boolean, nullable=False, default=False
    )  # True while a hand-off waits for staff to resume the bot
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    updated_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    contacted_at = Column(DateTime)
    done_at = Column(DateTime)
    bot_resumed_at = Column(DateTime)

    outbox = relationship("OutboxMessage", back_populates="request", cascade="all, delete-orphan")

    __table_args__ = (Index("ix_requests_status_created", "status", "created_at"),)


class OutboxMessage(Base):
    """One notification to deliver (e-mail or webhook); the front-desk worker sends it with retries."""

    __tablename__ = "outbox_messages"

    id = Column(Integer, primary_key=True, autoincrement=True)
    request_id = Column(Integer, ForeignKey("requests.id", ondelete="CASCADE"), nullable=False, index=True)
    channel = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False, default="pending")
    payload = Column(JSON, nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    # Also the lease: a worker that claims a message pushes this forward, so others skip it while it sends.
    next_attempt_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    last_error = Column(String(500))
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    sent_at = Column(DateTime)

    request = relationship("Request", back_populates="outbox")

    __table_args__ = (Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),)
