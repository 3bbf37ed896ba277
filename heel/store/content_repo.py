"""Read access to educational content. Returns plain dataclasses, never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Dict, List, Optional, Tuple

from sqlalchemy import select

from heel.store.db import session_scope
from heel.store.models import Topic


@dataclass(frozen=True)
class TopicView:
    id: str
    intent: str
    title: str
    summary: str
    detail: str
    self_care: List[str]
    see_physio: str
    related: List[str]
    condition_notes: Dict[str, str]
    sources: List[Dict[str, str]]
    reviewed: date


def _view(row: Topic) -> TopicView:
    return TopicView(
        id=row.id,
        intent=row.intent,
        title=row.title,
        summary=row.summary,
        detail=row.detail,
        self_care=list(row.self_care or []),
        see_physio=row.see_physio,
        related=list(row.related or []),
        condition_notes=dict(row.condition_notes or {}),
        sources=list(row.sources or []),
        reviewed=row.reviewed,
    )


def get_topic(topic_id: str) -> Optional[TopicView]:
    with session_scope() as session:
        row = session.get(Topic, topic_id)
        return _view(row) if row else None


def get_topic_by_intent(intent: str) -> Optional[TopicView]:
    with session_scope() as session:
        row = session.execute(select(Topic).where(Topic.intent == intent)).scalar_one_or_none()
        return _view(row) if row else None


def get_titles(topic_ids: List[str]) -> Dict[str, str]:
    """Titles for button labels, in one query."""
    if not topic_ids:
        return {}
    with session_scope() as session:
        rows = session.execute(select(Topic.id, Topic.title).where(Topic.id.in_(topic_ids))).all()
        return {topic_id: title for topic_id, title in rows}


def topic_index() -> Dict[str, Tuple[str, str]]:
    """topic id -> (title, intent) for buttons and clarifying questions, in one light query."""
    with session_scope() as session:
        rows = session.execute(select(Topic.id, Topic.title, Topic.intent)).all()
        return {topic_id: (title, intent) for topic_id, title, intent in rows}


def list_topics() -> List[TopicView]:
    with session_scope() as session:
        return [_view(row) for row in session.execute(select(Topic).order_by(Topic.id)).scalars()]
