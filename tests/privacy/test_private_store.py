"""serving.private_store on the real databases: SQLite (the embedded default) and PostgreSQL (production)."""

import asyncio
import json
import uuid

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from heel import privacy
from serving.private_store import PrivateSQLTrackerStore
from tests.support.postgres import temporary_database


@pytest.fixture(scope="module")
def pg_database():
    from tests.booking.conftest import PG_UP

    if not PG_UP:
        pytest.skip("PostgreSQL not reachable")
    with temporary_database("heel_privacy") as name:
        yield name


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    domain = Domain.from_yaml(
        "version: '3.1'\nslots:\n"
        + "".join(
            f"  {name}:\n    type: any\n    mappings:\n    - type: custom\n"
            for name in sorted(privacy.PERSONAL_SLOTS | {privacy.PRIVACY_SLOT, "booking_consent"})
        )
    )
    if request.param == "sqlite":
        return PrivateSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    name = request.getfixturevalue("pg_database")
    return PrivateSQLTrackerStore(
        domain=domain, dialect="postgresql", host="127.0.0.1", port=5432, db=name, username="postgres", password=""
    )


def stored_json(store, sender):
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender).all()
        return [row.data for row in rows]


def save_turn(store, tracker, *events):
    for event in events:
        tracker.update(event)
    asyncio.run(store.save(tracker))


def test_a_committed_request_leaves_no_contact_details_in_the_stored_conversation(store):
    sender = f"priv-{uuid.uuid4().hex[:8]}"
    tracker = DialogueStateTracker(sender, store.domain.slots)
    save_turn(
        store, tracker, ActionExecuted("action_listen"), UserUttered("Jo Bloggs"), SlotSet("booking_name", "Jo Bloggs")
    )
    save_turn(
        store,
        tracker,
        UserUttered("jo@example.net"),
        SlotSet("booking_email", "jo@example.net"),
        BotUttered("Thanks Jo Bloggs, I'll use jo@example.net"),
    )
    assert "jo@example.net" in " ".join(stored_json(store, sender))  # before the request is committed it is kept
    save_turn(
        store,
        tracker,
        UserUttered("/affirm"),
        BotUttered("Your request is with the front desk."),
        SlotSet("booking_name", None),
        SlotSet("booking_email", None),
        SlotSet(privacy.PRIVACY_SLOT, privacy.REDACT),
    )
    stored = " ".join(stored_json(store, sender))
    assert "Jo" not in stored and "Bloggs" not in stored and "jo@example.net" not in stored
    assert "Your request is with the front desk." in stored
    # and Rasa reads the conversation back as before, minus the details
    again = asyncio.run(store.retrieve(sender))
    assert again is not None and again.get_slot("booking_name") is None
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == [privacy.PLACEHOLDER] * 2 + ["/affirm"]


def test_erase_deletes_the_conversation_and_only_that_one(store):
    sender, other = f"priv-{uuid.uuid4().hex[:8]}", f"priv-{uuid.uuid4().hex[:8]}"
    for who in (sender, other):
        save_turn(store, DialogueStateTracker(who, store.domain.slots), UserUttered("hello"), BotUttered("Hi!"))
    tracker = asyncio.run(store.retrieve(sender))
    save_turn(store, tracker, UserUttered("/affirm"), BotUttered("Done."), SlotSet(privacy.PRIVACY_SLOT, privacy.ERASE))
    assert stored_json(store, sender) == []
    assert asyncio.run(store.retrieve(sender)) is None
    assert len(stored_json(store, other)) == 2


def test_a_turn_without_a_privacy_request_is_stored_unchanged(store):
    sender = f"priv-{uuid.uuid4().hex[:8]}"
    tracker = DialogueStateTracker(sender, store.domain.slots)
    save_turn(store, tracker, UserUttered("Jo Bloggs"), SlotSet("booking_name", "Jo Bloggs"))
    save_turn(store, tracker, UserUttered("what helps heel pain"), BotUttered("Calf stretches."))
    assert any(json.loads(row).get("value") == "Jo Bloggs" for row in stored_json(store, sender))


def conversation_with_two_sessions(sender):
    from rasa.shared.core.events import SessionStarted

    tracker = DialogueStateTracker(sender, [])
    for event in (
        ActionExecuted("action_session_start", timestamp=100.0),
        SessionStarted(timestamp=100.1),
        ActionExecuted("action_listen", timestamp=100.2),
        UserUttered("first session", timestamp=101.0),
        BotUttered("one", timestamp=101.1),
        ActionExecuted("action_session_start", timestamp=5000.0),
        SessionStarted(timestamp=5000.1),
        ActionExecuted("action_listen", timestamp=5000.2),
        UserUttered("second session", {"name": "greet", "confidence": 1.0}, timestamp=5001.0),
        BotUttered("two", timestamp=5001.1),
    ):
        tracker.update(event)
    return tracker


def test_rasa_store_and_ours_read_each_others_rows_the_same_way(store):
    from rasa.core.tracker_store import SQLTrackerStore

    url = store.engine.url
    if url.get_backend_name() == "sqlite":
        rasa_store = SQLTrackerStore(domain=store.domain, dialect="sqlite", db=url.database)
    else:
        rasa_store = SQLTrackerStore(
            domain=store.domain,
            dialect="postgresql",
            host=url.host,
            port=url.port,
            db=url.database,
            username=url.username,
        )
    for writer, reader in ((store, rasa_store), (rasa_store, store)):
        sender = f"both-{uuid.uuid4().hex[:8]}"
        asyncio.run(writer.save(conversation_with_two_sessions(sender)))
        latest = asyncio.run(reader.retrieve(sender))
        full = asyncio.run(reader.retrieve_full_tracker(sender))
        assert [e.as_dict() for e in latest.events] == [
            e.as_dict() for e in asyncio.run(writer.retrieve(sender)).events
        ]
        assert [getattr(e, "text", None) for e in latest.events if isinstance(e, UserUttered)] == ["second session"]
        assert len(full.events) == 10
        # a new turn appended by the other store lands after the stored events, once
        latest.update(UserUttered("third", timestamp=5002.0))
        asyncio.run(reader.save(latest))
        again = asyncio.run(writer.retrieve_full_tracker(sender))
        assert [e.text for e in again.events if isinstance(e, UserUttered)] == [
            "first session",
            "second session",
            "third",
        ]


def test_a_sqlite_file_store_keeps_its_connections_open_between_messages(tmp_path):
    from sqlalchemy import event

    store = PrivateSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))

    opened = []
    event.listen(store.engine, "connect", lambda *_: opened.append(1))
    sender = f"pool-{uuid.uuid4().hex}"
    tracker = DialogueStateTracker.from_events(sender, [UserUttered("hi")], store.domain.slots)
    for _ in range(3):
        asyncio.run(store.save(tracker))
        assert asyncio.run(store.retrieve(sender)) is not None
    assert len(opened) == 1  # one connection for six reads and writes, not one each
