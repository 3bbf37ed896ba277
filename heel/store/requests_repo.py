"""Repository for front-desk requests and their notification outbox. Returns plain dataclasses, never ORM rows.

Every database failure surfaces as `StoreUnavailable`, so callers have one thing to catch and can tell the visitor
honestly that nothing was saved. Error messages never carry personal data (SQLAlchemy puts bound parameters into
its exception text, so that text is never passed on).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from heel.settings import Settings, get_settings
from heel.store.db import session_scope
from heel.store.requests import KINDS, STATUSES, OutboxMessage, Request

logger = logging.getLogger(__name__)

DEFAULT_LIST_LIMIT = 200


class StoreUnavailable(RuntimeError):
    """The clinic database could not be reached or refused the write; nothing was stored."""


@dataclass(frozen=True)
class NewRequest:
    kind: str
    conversation_id: str
    idempotency_key: str
    consent_version: str
    name: Optional[str] = None
    phone: Optional[str] = None
    email: Optional[str] = None
    preferred_time: Optional[str] = None
    preferred_time_text: Optional[str] = None
    preferred_time_data: Optional[Dict[str, Any]] = None
    reason: Optional[str] = None
    assessment_summary: Optional[str] = None
    patient_type: Optional[str] = None
    bot_paused: bool = False


@dataclass(frozen=True)
class RequestView:
    id: int
    kind: str
    status: str
    conversation_id: str
    name: Optional[str]
    phone: Optional[str]
    email: Optional[str]
    preferred_time: Optional[str]
    preferred_time_text: Optional[str]
    reason: Optional[str]
    assessment_summary: Optional[str]
    patient_type: Optional[str]
    bot_paused: bool
    created_at: datetime
    updated_at: datetime
    contacted_at: Optional[datetime] = None
    done_at: Optional[datetime] = None
    bot_resumed_at: Optional[datetime] = None
    notifications: Tuple[Tuple[str, str, int], ...] = field(default=())  # (channel, status, attempts)

    def as_api(self) -> Dict[str, Any]:
        """The JSON shape of GET /api/requests (times in UTC, ISO 8601)."""
        data = asdict(self)
        data.pop("notifications")
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = iso_utc(value)
        data["notifications"] = [{"channel": c, "status": s, "attempts": a} for c, s, a in self.notifications]
        return data


@dataclass(frozen=True)
class OutboxView:
    id: int
    request_id: int
    channel: str
    payload: Dict[str, Any]
    attempts: int


def utcnow() -> datetime:
    """Naive UTC, as stored (SQLite keeps no time zone; both back ends then agree)."""
    return datetime.utcnow()


def iso_utc(value: Optional[datetime]) -> Optional[str]:
    return value.replace(microsecond=0).isoformat() + "Z" if value else None


def configured_channels(settings: Optional[Settings] = None) -> List[str]:
    """Notification channels that are set up now; a request gets one outbox message per channel."""
    settings = settings or get_settings()
    channels = []
    if settings.smtp_host and settings.frontdesk_email:
        channels.append("email")
    if settings.notify_webhook_url:
        channels.append("webhook")
    return channels


def _view(row: Request, notifications: Sequence[Tuple[str, str, int]] = ()) -> RequestView:
    return RequestView(
        id=row.id,
        kind=row.kind,
        status=row.status,
        conversation_id=row.conversation_id,
        name=row.name,
        phone=row.phone,
        email=row.email,
        preferred_time=row.preferred_time,
        preferred_time_text=row.preferred_time_text,
        reason=row.reason,
        assessment_summary=row.assessment_summary,
        patient_type=row.patient_type,
        bot_paused=bool(row.bot_paused),
        created_at=row.created_at,
        updated_at=row.updated_at,
        contacted_at=row.contacted_at,
        done_at=row.done_at,
        bot_resumed_at=row.bot_resumed_at,
        notifications=tuple(notifications),
    )


def _unavailable(action: str, exc: BaseException) -> StoreUnavailable:
    # The class name only: SQLAlchemy's message would include the names and numbers being written.
    logger.error("clinic database unavailable while %s: %s", action, type(exc).__name__)
    return StoreUnavailable(f"{action} failed: {type(exc).__name__}")


def _by_key(session, key: str) -> Optional[Request]:
    return session.execute(select(Request).where(Request.idempotency_key == key)).scalar_one_or_none()


def create_request(
    new: NewRequest, channels: Optional[Iterable[str]] = None, url: Optional[str] = None, now: Optional[datetime] = None
) -> Tuple[RequestView, bool]:
    """Stores a request and its outbox messages in one transaction.

    Returns (request, created). With an idempotency key already stored, returns that request and False and writes
    nothing, so retries and double submits are safe, also when two arrive at the same time.
    Raises StoreUnavailable when the request could not be committed.
    """
    if new.kind not in KINDS:
        raise ValueError(f"unknown request kind {new.kind!r}")
    now = now or utcnow()
    channels = configured_channels() if channels is None else list(channels)
    try:
        with session_scope(url) as session:
            existing = _by_key(session, new.idempotency_key)
            if existing is not None:
                return _view(existing), False
            row = Request(
                kind=new.kind,
                status="new",
                conversation_id=new.conversation_id,
                idempotency_key=new.idempotency_key,
                name=new.name,
                phone=new.phone,
                email=new.email,
                preferred_time=new.preferred_time,
                preferred_time_text=new.preferred_time_text,
                preferred_time_data=new.preferred_time_data,
                reason=new.reason,
                assessment_summary=new.assessment_summary,
                patient_type=new.patient_type,
                consent_version=new.consent_version,
                consent_at=now,
                bot_paused=new.bot_paused,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()  # assigns row.id for the outbox payloads
            for channel in channels:
                session.add(
                    OutboxMessage(
                        request_id=row.id,
                        channel=channel,
                        status="pending",
                        attempts=0,
                        next_attempt_at=now,
                        created_at=now,
                        # No personal data in notifications: the front desk opens the protected page for details.
                        payload={"request_id": row.id, "kind": row.kind, "created_at": iso_utc(now)},
                    )
                )
            view = _view(row, [(channel, "pending", 0) for channel in channels])
        # Only here, after the commit in session_scope succeeded, does the request exist.
        logger.info("stored %s request %s", view.kind, view.id)
        return view, True
    except IntegrityError as exc:
        # Another submit with the same key committed first: that one is the request.
        try:
            with session_scope(url) as session:
                existing = _by_key(session, new.idempotency_key)
                if existing is not None:
                    return _view(existing), False
        except SQLAlchemyError as inner:
            raise _unavailable("reading the request back", inner) from inner
        raise _unavailable("storing a request", exc) from exc
    except SQLAlchemyError as exc:
        raise _unavailable("storing a request", exc) from exc


def _notifications(session, request_ids: Sequence[int]) -> Dict[int, List[Tuple[str, str, int]]]:
    result: Dict[int, List[Tuple[str, str, int]]] = {request_id: [] for request_id in request_ids}
    if not request_ids:
        return result
    rows = session.execute(
        select(OutboxMessage.request_id, OutboxMessage.channel, OutboxMessage.status, OutboxMessage.attempts)
        .where(OutboxMessage.request_id.in_(list(request_ids)))
        .order_by(OutboxMessage.id)
    ).all()
    for request_id, channel, status, attempts in rows:
        result[request_id].append((channel, status, attempts))
    return result


def get_request(request_id: int, url: Optional[str] = None) -> Optional[RequestView]:
    try:
        with session_scope(url) as session:
            row = session.get(Request, request_id)
            return _view(row, _notifications(session, [row.id])[row.id]) if row else None
    except SQLAlchemyError as exc:
        raise _unavailable("reading a request", exc) from exc


def list_requests(
    statuses: Optional[Iterable[str]] = None,
    kind: Optional[str] = None,
    conversation_id: Optional[str] = None,
    limit: int = DEFAULT_LIST_LIMIT,
    url: Optional[str] = None,
) -> List[RequestView]:
    """Newest first."""
    query = select(Request)
    if statuses:
        query = query.where(Request.status.in_(list(statuses)))
    if kind:
        query = query.where(Request.kind == kind)
    if conversation_id:
        query = query.where(Request.conversation_id == conversation_id)
    query = query.order_by(Request.created_at.desc(), Request.id.desc()).limit(max(1, min(limit, 1000)))
    try:
        with session_scope(url) as session:
            rows = list(session.execute(query).scalars())
            notes = _notifications(session, [row.id for row in rows])
            return [_view(row, notes[row.id]) for row in rows]
    except SQLAlchemyError as exc:
        raise _unavailable("listing requests", exc) from exc


def set_status(
    request_id: int, status: str, url: Optional[str] = None, now: Optional[datetime] = None
) -> Optional[RequestView]:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    now = now or utcnow()
    try:
        with session_scope(url) as session:
            row = session.get(Request, request_id)
            if row is None:
                return None
            row.status = status
            row.updated_at = now
            if status == "contacted" and row.contacted_at is None:
                row.contacted_at = now
            if status == "done" and row.done_at is None:
                row.done_at = now
            view = _view(row)
        return view
    except SQLAlchemyError as exc:
        raise _unavailable("updating a request", exc) from exc


def mark_bot_resumed(
    request_id: int, url: Optional[str] = None, now: Optional[datetime] = None
) -> Optional[RequestView]:
    now = now or utcnow()
    try:
        with session_scope(url) as session:
            row = session.get(Request, request_id)
            if row is None:
                return None
            row.bot_paused = False
            row.bot_resumed_at = now
            row.updated_at = now
            view = _view(row)
        return view
    except SQLAlchemyError as exc:
        raise _unavailable("updating a request", exc) from exc


# ---------------------------------------------------------------------------------------------------- deletion
def _delete_where(condition: Any, url: Optional[str], action: str) -> int:
    """Deletes the matching requests and their notifications (outbox payloads carry the same contact details)."""
    try:
        with session_scope(url) as session:
            ids = list(session.scalars(select(Request.id).where(condition)))
            if ids:
                session.execute(delete(OutboxMessage).where(OutboxMessage.request_id.in_(ids)))
                session.execute(delete(Request).where(Request.id.in_(ids)))
        return len(ids)
    except SQLAlchemyError as exc:
        raise _unavailable(action, exc) from exc


def delete_request(request_id: int, url: Optional[str] = None) -> bool:
    """The front desk deletes one request; False when there was none with that id."""
    return _delete_where(Request.id == request_id, url, "deleting a request") == 1


def delete_for_conversation(conversation_id: str, url: Optional[str] = None) -> int:
    """Everything the visitor of this conversation sent to the front desk ("delete my data"); how many requests."""
    return _delete_where(Request.conversation_id == conversation_id, url, "deleting a visitor's requests")


def delete_older_than(cutoff: datetime, url: Optional[str] = None) -> int:
    """Retention: requests last updated before `cutoff` (naive UTC); how many."""
    return _delete_where(Request.updated_at < cutoff, url, "deleting old requests")


def contact_for(request_id: int, conversation_id: str, url: Optional[str] = None) -> Optional[RequestView]:
    """A stored request of this conversation (its contact details for a later call-back), or None."""
    view = get_request(request_id, url)
    return view if view is not None and view.conversation_id == conversation_id else None


# ------------------------------------------------------------------------------------------------------ outbox
def claim_due_outbox(
    limit: int = 20, lease_seconds: float = 60, url: Optional[str] = None, now: Optional[datetime] = None
) -> List[OutboxView]:
    """Claims pending messages that are due by pushing their next attempt `lease_seconds` ahead.

    The conditional update makes a claim exclusive across workers on both SQLite and PostgreSQL; a worker that
    dies mid-send leaves the message to be retried when the lease runs out (delivery is at least once).
    """
    now = now or utcnow()
    lease = now + timedelta(seconds=lease_seconds)
    try:
        with session_scope(url) as session:
            due = session.execute(
                select(OutboxMessage.id, OutboxMessage.next_attempt_at)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
            ).all()
            claimed = []
            for message_id, due_at in due:
                result = session.execute(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id == message_id,
                        OutboxMessage.status == "pending",
                        OutboxMessage.next_attempt_at == due_at,
                    )
                    .values(next_attempt_at=lease)
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount == 1:
                    claimed.append(message_id)
            if not claimed:
                return []
            rows = session.execute(
                select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)
            ).scalars()
            return [
                OutboxView(
                    id=row.id,
                    request_id=row.request_id,
                    channel=row.channel,
                    payload=dict(row.payload or {}),
                    attempts=row.attempts,
                )
                for row in rows
            ]
    except SQLAlchemyError as exc:
        raise _unavailable("claiming notifications", exc) from exc


def mark_outbox_sent(message_id: int, url: Optional[str] = None, now: Optional[datetime] = None) -> None:
    now = now or utcnow()
    _update_outbox(message_id, url, status="sent", sent_at=now, last_error=None, attempts=OutboxMessage.attempts + 1)


def mark_outbox_retry(message_id: int, error: str, next_attempt_at: datetime, url: Optional[str] = None) -> None:
    _update_outbox(
        message_id, url, last_error=error[:500], next_attempt_at=next_attempt_at, attempts=OutboxMessage.attempts + 1
    )


def mark_outbox_failed(message_id: int, error: str, status: str = "failed", url: Optional[str] = None) -> None:
    """Gives up on a message (`failed`), or drops one whose channel is no longer configured (`skipped`)."""
    _update_outbox(message_id, url, status=status, last_error=error[:500], attempts=OutboxMessage.attempts + 1)


def _update_outbox(message_id: int, url: Optional[str], **values: Any) -> None:
    try:
        with session_scope(url) as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
    except SQLAlchemyError as exc:
        raise _unavailable("updating a notification", exc) from exc


def outbox_counts(url: Optional[str] = None) -> Dict[str, int]:
    """Messages per status, for the front desk's health endpoint."""
    try:
        with session_scope(url) as session:
            rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
            return {status: count for status, count in rows}
    except SQLAlchemyError as exc:
        raise _unavailable("counting notifications", exc) from exc
