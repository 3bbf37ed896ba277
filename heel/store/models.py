"""SQLAlchemy models for the clinic database."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, DateTime, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Topic(Base):
    """One educational topic, loaded from content/topics/<id>.yml."""

    __tablename__ = "topics"

    id = Column(String(64), primary_key=True)
    intent = Column(String(64), unique=True, nullable=False)
    title = Column(String(120), nullable=False)
    summary = Column(Text, nullable=False)
    detail = Column(Text, nullable=False)
    self_care = Column(JSON, nullable=False, default=list)
    see_physio = Column(Text, nullable=False)
    related = Column(JSON, nullable=False, default=list)
    condition_notes = Column(JSON, nullable=False, default=dict)
    sources = Column(JSON, nullable=False, default=list)
    reviewed = Column(Date, nullable=False, default=date.today)
    content_hash = Column(String(64), nullable=False)
    updated_at = Column(DateTime, nullable=False, default=datetime.utcnow)
