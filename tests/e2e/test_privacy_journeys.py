"""Contact details leave the conversation once a request is stored, and "delete my data" deletes: checked in the
databases themselves (tracker store and clinic database), on SQLite (the shared `stack`) and on PostgreSQL."""

import json
import uuid

import pytest
import sqlalchemy

from tests.booking.test_e2e_booking import book_until_summary, requests_of, sender, texts
from tests.support.postgres import temporary_database
from tests.support.servers import Stack

pytestmark = pytest.mark.e2e

CONTACT = ("Sam Runner", "07911 123456", "+447911123456", "pain under my heel when I run")


def tracker_rows(url, conversation_id):
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            return (
                connection.execute(
                    sqlalchemy.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": conversation_id}
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()


def request_rows(url, conversation_id):
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            return (
                connection.execute(
                    sqlalchemy.text("SELECT consent_version, consent_at FROM requests WHERE conversation_id = :c"),
                    {"c": conversation_id},
                )
                .mappings()
                .all()
            )
    finally:
        engine.dispose()


def book(stack, user):
    book_until_summary(stack, user)
    replies = stack.talk(user, "/affirm")
    assert "reference #" in texts(replies), replies


def check_booking_then_deletion(stack, tracker_url, clinic_url):
    user = sender("privacy")
    book(stack, user)
    stored = " ".join(tracker_rows(tracker_url, user))
    assert stored, "the conversation itself is kept"
    for detail in CONTACT:
        assert detail not in stored, detail
    assert "reference #" in stored  # what is not personal stays
    [request] = request_rows(clinic_url, user)
    assert request["consent_version"] and request["consent_at"]  # consent recorded with its time and wording

    replies = stack.talk(user, "please delete my data")
    assert "Shall I delete it now?" in texts(replies), replies
    replies = stack.talk(user, "/affirm")
    assert "I deleted this conversation" in texts(replies) and "1 request(s)" in texts(replies), replies
    assert tracker_rows(tracker_url, user) == []
    assert request_rows(clinic_url, user) == []


def test_sqlite_booking_keeps_no_contact_details_and_deletion_deletes(stack):
    check_booking_then_deletion(stack, f"sqlite:///{stack.var_dir / 'tracker.db'}", stack.database_url)


def test_the_api_tracker_holds_no_contact_details_after_a_booking(stack):
    user = sender("privacy-api")
    book(stack, user)
    dumped = json.dumps(stack.tracker(user))
    for detail in CONTACT:
        assert detail not in dumped, detail


def test_a_call_back_after_a_booking_reuses_the_stored_contact_without_keeping_it(stack):
    user = sender("privacy-handoff")
    book(stack, user)
    replies = stack.talk(user, "/request_human")
    assert "reference #" in texts(replies) and "07911 123456" in texts(replies), replies
    kinds = sorted((r["kind"], r["phone"]) for r in requests_of(stack, user))
    assert kinds == [("booking", "+447911123456"), ("handoff", "+447911123456")]
    stored = " ".join(tracker_rows(f"sqlite:///{stack.var_dir / 'tracker.db'}", user))
    assert "07911 123456" not in stored and "+447911123456" not in stored


def test_delete_my_data_inside_the_booking_form_stops_it_and_is_not_taken_as_an_answer(stack):
    user = sender("privacy-midform")
    stack.talk(user, "/book_appointment")
    stack.talk(user, "/affirm")
    stack.talk(user, "Sam Runner")
    replies = stack.talk(user, "Please delete my data")
    assert "stopped there" in texts(replies) and "Shall I delete it now?" in texts(replies), replies
    tracker = stack.tracker(user)
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")
    assert tracker["slots"]["booking_preferred_time"] is None and tracker["slots"]["booking_name"] is None
    replies = stack.talk(user, "/affirm")
    assert "there was no request from this conversation" in texts(replies), replies
    assert tracker_rows(f"sqlite:///{stack.var_dir / 'tracker.db'}", user) == []


def test_a_no_to_the_deletion_question_deletes_nothing(stack):
    user = sender("privacy-keep")
    book(stack, user)
    stack.talk(user, "delete my data")
    replies = stack.talk(user, "/deny")
    assert "haven't deleted anything" in texts(replies), replies
    assert len(requests_of(stack, user)) == 1
    assert tracker_rows(f"sqlite:///{stack.var_dir / 'tracker.db'}", user)


# ------------------------------------------------------------------------------------------------ PostgreSQL
@pytest.fixture(scope="module")
def pg_privacy_stack(tmp_path_factory):
    """Tracker store and clinic database both on the PostgreSQL server, as in production."""
    from tests.booking.conftest import PG_ADMIN_URL, PG_UP, schema_url

    if not PG_UP:
        pytest.skip("PostgreSQL not reachable")
    schema = f"privacy_{uuid.uuid4().hex[:10]}"
    clinic_admin = sqlalchemy.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with temporary_database("heel_privacy") as name:
        with clinic_admin.connect() as connection:
            connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
        tracker_store = (
            "tracker_store:\n  type: serving.private_store.PrivateSQLTrackerStore\n  dialect: postgresql\n"
            f"  url: 127.0.0.1\n  port: 5432\n  db: {name}\n  username: postgres\n"
        )
        stack = Stack.create(
            tmp_path_factory.mktemp("pgprivacy"),
            database_url=schema_url(PG_ADMIN_URL, schema),
            tracker_store=tracker_store,
        )
        stack.tracker_url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        try:
            stack.load_content()
            stack.start("actions", "rasa")
            yield stack
        finally:
            stack.stop()
            with clinic_admin.connect() as connection:
                connection.execute(sqlalchemy.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            clinic_admin.dispose()


@pytest.mark.postgres
def test_postgresql_booking_keeps_no_contact_details_and_deletion_deletes(pg_privacy_stack):
    check_booking_then_deletion(pg_privacy_stack, pg_privacy_stack.tracker_url, pg_privacy_stack.database_url)
