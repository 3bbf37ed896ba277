"""Rasa's SQL tracker store (SQLite locally, PostgreSQL in production) that forgets what it must not keep.

Rasa appends events and never rewrites them, so contact details typed into the booking form would stay in the
conversation for as long as the store keeps it. The custom actions ask for privacy by setting one slot
(heel.privacy.PRIVACY_SLOT) in the turn that needs it; after storing that turn this store
- on REDACT (a request was committed to the clinic database): rewrites the conversation's stored events with
  heel.privacy.redact: personal slots emptied, the answers that carried them replaced, other copies masked;
- on ERASE ("delete my data", confirmed): deletes every stored event of the conversation.

Select it in the endpoints file with `type: serving.private_store.PrivateSQLTrackerStore` and the same keys as
Rasa's `type: SQL` (dialect, url, port, db, username, password).

It also reads and writes the table with prepared SQLAlchemy Core statements instead of Rasa's ORM queries, which
a profile showed as a fifth of the Rasa process under load (docs/performance.md): the latest session is the events
from the conversation's last `session_started` row on (Rasa compares timestamps; ids give the same rows in the order
they were stored), and new events are inserted in one statement. The table and its rows are Rasa's own, so Rasa's
store reads what this one wrote and the other way round.
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from heel import privacy

logger = logging.getLogger(__name__)


def _this_turn(tracker: DialogueStateTracker) -> List[Dict[str, Any]]:
    """The privacy slot events since the visitor's latest message (what this save adds)."""
    found: List[Dict[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, SlotSet) and event.key == privacy.PRIVACY_SLOT:
            found.append(event.as_dict())
    return found


def _pooled_sqlite(engine: Any) -> Any:
    """A SQLite file database's engine with a pool of open connections, or `engine` unchanged.

    SQLAlchemy 1.4 opens a file database through NullPool: every read and every save of a tracker opened a new
    connection (and, in the Rasa process, set its pragmas), and closing the last connection to a WAL database
    checkpoints the log: a few milliseconds a message (docs/performance.md). A pooled connection is used by one
    thread at a time, so sqlite3's same-thread check is lifted, as SQLAlchemy 2.0 does by default."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return engine
    engine.dispose()
    return sa.create_engine(url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})


class PrivateSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pooled = _pooled_sqlite(self.engine)
        if pooled is not self.engine:
            self.engine = pooled
            self.sessionmaker = sa.orm.session.sessionmaker(bind=pooled)
        table = self.SQLEvent.__table__
        mine = table.c.sender_id == sa.bindparam("sender_id")
        session_start = (
            sa.select(sa.func.max(table.c.id))
            .where(mine, table.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        latest = sa.and_(mine, table.c.id >= sa.func.coalesce(session_start, 0))
        self._all_events = sa.select(table.c.data).where(mine).order_by(table.c.id)
        self._latest_events = sa.select(table.c.data).where(latest).order_by(table.c.id)
        self._latest_count = sa.select(sa.func.count()).select_from(table).where(latest)
        self._insert = table.insert()

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        statement = self._all_events if fetch_events_from_all_sessions else self._latest_events
        with self.session_scope() as session:
            rows = session.execute(statement, {"sender_id": sender_id}).scalars().all()
        if not self.domain or not rows:
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(row) for row in rows], self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.session_scope() as session:
            stored = session.execute(self._latest_count, {"sender_id": tracker.sender_id}).scalar_one()
            rows = []
            for event in itertools.islice(tracker.events, stored, None):
                data = event.as_dict()
                rows.append(
                    {
                        "sender_id": tracker.sender_id,
                        "type_name": event.type_name,
                        "timestamp": data.get("timestamp"),
                        "intent_name": ((data.get("parse_data") or {}).get("intent") or {}).get("name"),
                        "action_name": data.get("name"),
                        "data": json.dumps(data),
                    }
                )
            if rows:
                session.execute(self._insert, rows)
            session.commit()
        wanted = privacy.requested(_this_turn(tracker))
        if wanted == privacy.ERASE:
            removed = self.erase(tracker.sender_id)
            logger.info("conversation erased on the visitor's request (%d events)", removed)
        elif wanted == privacy.REDACT:
            changed = self.redact(tracker.sender_id)
            logger.info("contact details removed from a conversation (%d events rewritten)", changed)

    def _rows(self, session: Any, sender_id: str) -> Any:
        return session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id)

    def erase(self, sender_id: str) -> int:
        with self.session_scope() as session:
            removed = self._rows(session, sender_id).delete(synchronize_session=False)
            session.commit()
        return int(removed or 0)

    def redact(self, sender_id: str) -> int:
        with self.session_scope() as session:
            rows = self._rows(session, sender_id).order_by(self.SQLEvent.id).all()
            before = [json.loads(row.data) for row in rows]
            changed = 0
            for row, old, new in zip(rows, before, privacy.redact(before)):
                if new != old:
                    row.data = json.dumps(new)
                    changed += 1
            session.commit()
        return changed

    def delete_idle_before(self, cutoff: float) -> int:
        """Retention: deletes every conversation whose latest event is older than `cutoff` (a Unix time); how many."""
        event = self.SQLEvent
        with self.session_scope() as session:
            idle = (
                session.query(event.sender_id)
                .group_by(event.sender_id)
                .having(sa.func.max(event.timestamp) < cutoff)
                .subquery()
            )
            senders = [row[0] for row in session.query(idle.c.sender_id).all()]
            for start in range(0, len(senders), 500):
                chunk = senders[start : start + 500]
                session.query(event).filter(event.sender_id.in_(chunk)).delete(synchronize_session=False)
            session.commit()
        return len(senders)
