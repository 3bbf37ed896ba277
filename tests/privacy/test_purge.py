"""make purge: conversations and requests older than the retention period go, recent ones stay (SQLite here; the
same SQL runs on PostgreSQL through SQLAlchemy, and the store tests cover both)."""

import asyncio
import time
from datetime import datetime, timedelta

from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from heel.store import requests_repo
from heel.store.db import session_scope
from heel.store.requests import Request
from serving import purge
from serving.private_store import PrivateSQLTrackerStore


def test_purge_deletes_only_what_is_older_than_the_retention_period(tmp_path, booking_env):
    tracker_db = tmp_path / "tracker.db"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f'tracker_store:\n  type: serving.private_store.PrivateSQLTrackerStore\n  dialect: sqlite\n  db: "{tracker_db}"\n'
    )
    store = PrivateSQLTrackerStore(dialect="sqlite", db=str(tracker_db))
    now = time.time()
    for sender, age_days in (("old-visitor", 400), ("recent-visitor", 3)):
        tracker = DialogueStateTracker(sender, [])
        tracker.update(UserUttered("hello", timestamp=now - age_days * 86400))
        tracker.update(BotUttered("Hi!", timestamp=now - age_days * 86400 + 1))
        asyncio.run(store.save(tracker))
    new = dict(kind="booking", consent_version="v1", name="Sam", phone="+447911123456")
    old, _ = requests_repo.create_request(
        requests_repo.NewRequest(conversation_id="old-visitor", idempotency_key="a", **new), channels=[]
    )
    requests_repo.create_request(
        requests_repo.NewRequest(conversation_id="recent-visitor", idempotency_key="b", **new), channels=[]
    )
    with session_scope() as session:
        session.get(Request, old.id).updated_at = datetime.utcnow() - timedelta(days=400)

    assert purge.purge(365, endpoints) == (1, 1)
    assert asyncio.run(store.retrieve("old-visitor")) is None
    assert asyncio.run(store.retrieve("recent-visitor")) is not None
    assert [r.conversation_id for r in requests_repo.list_requests()] == ["recent-visitor"]
    assert purge.purge(365, endpoints) == (0, 0)  # idempotent


def test_purge_refuses_a_retention_under_one_day(capsys):
    import pytest

    with pytest.raises(SystemExit):
        purge.main(["--days", "0"])
