"""End to end over REST with the real servers (tests/conftest.py `stack`): book, find the request through the front
desk API, hand off to a person and resume; and, on PostgreSQL behind a proxy, a database outage during submit."""

import json
import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.support.servers import http_get, post_json

pytestmark = pytest.mark.e2e


def sender(prefix="booking"):
    return f"e2e-{prefix}-{uuid.uuid4().hex[:8]}"


def texts(replies):
    return " ".join(r.get("text") or "" for r in replies)


def api(stack, path="/api/requests", token=None):
    headers = {"Authorization": f"Bearer {token or stack.frontdesk_token}"}
    status, body = http_get(f"{stack.frontdesk_url}{path}", headers=headers)
    return status, json.loads(body) if body else None


def requests_of(stack, conversation_id):
    status, data = api(stack, f"/api/requests?conversation_id={conversation_id}")
    assert status == 200
    return data


def book_until_summary(stack, user):
    steps = [
        ("/book_appointment", "explicit consent"),
        ("/affirm", "What name should the front desk use"),
        ("Sam Runner", "phone number or email address"),
        ("07911 123456", "When would suit you"),
        ("next Tuesday morning", "what would you like help with"),
        ("pain under my heel when I run", "Have you been to the clinic before"),
        ("I'm a new patient", "Here's what I'll send"),
    ]
    for message, expected in steps:
        replies = stack.talk(user, message)
        assert expected in texts(replies), (message, replies)
    return replies


def test_booking_over_rest_is_found_through_the_api(stack):
    user = sender()
    summary = book_until_summary(stack, user)
    assert "07911 123456" in texts(summary) and "morning (08:00-12:00)" in texts(summary)
    assert requests_of(stack, user) == []  # nothing stored before the visitor confirms
    replies = stack.talk(user, "/affirm")
    assert "reference #" in texts(replies), replies
    [request] = requests_of(stack, user)
    assert f"#{request['id']}" in texts(replies)
    assert request["kind"] == "booking" and request["status"] == "new" and request["name"] == "Sam Runner"
    assert request["phone"] == "+447911123456"
    assert request["preferred_time"].endswith("morning (08:00-12:00)")
    assert request["preferred_time_text"] == "next Tuesday morning"
    assert request["reason"] == "pain under my heel when I run"
    # A second "yes" (double click) books nothing more.
    stack.talk(user, "/affirm")
    assert len(requests_of(stack, user)) == 1


def test_the_api_refuses_without_the_token(stack):
    status, body = http_get(f"{stack.frontdesk_url}/api/requests")
    assert status == 401 and b"conversation_id" not in body
    assert api(stack, token="wrong")[0] == 401


def test_no_consent_stores_nothing(stack):
    user = sender("no-consent")
    stack.talk(user, "/book_appointment")
    replies = stack.talk(user, "/deny")
    assert "haven't stored anything" in texts(replies) and "call the clinic on" in texts(replies)
    assert requests_of(stack, user) == []


def test_cancel_stores_nothing(stack):
    user = sender("cancel")
    stack.talk(user, "/book_appointment")
    stack.talk(user, "/affirm")
    stack.talk(user, "Sam Runner")
    replies = stack.talk(user, "/stop")
    assert "cancelled" in texts(replies)
    assert requests_of(stack, user) == []


def test_a_question_mid_booking_is_answered_and_the_form_resumes(stack):
    user = sender("digression")
    stack.talk(user, "/book_appointment")
    stack.talk(user, "/affirm")
    replies = stack.talk(user, "/ask_shockwave")
    assert "What name should the front desk use" in texts(replies)
    assert len(replies) >= 2  # the answer, then the question again
    replies = stack.talk(user, "Alex")
    assert "phone number or email address" in texts(replies)


def test_correction_at_the_summary(stack):
    user = sender("correction")
    book_until_summary(stack, user)
    replies = stack.talk(user, "change my phone to 07400 654321")
    assert "07400 654321" in texts(replies) and "Here's what I'll send" in texts(replies)
    stack.talk(user, "/affirm")
    [request] = requests_of(stack, user)
    assert request["phone"] == "+447400654321"


def test_asking_for_a_person_pauses_the_bot_until_staff_resume(stack):
    user = sender("human")
    replies = stack.talk(user, "/request_human")
    assert "front desk" in texts(replies)
    stack.talk(user, "/affirm")
    replies = stack.talk(user, "sam@example.com")
    assert "reference #" in texts(replies) and "stay quiet" in texts(replies)
    [request] = requests_of(stack, user)
    assert request["kind"] == "handoff" and request["email"] == "sam@example.com" and request["bot_paused"]
    assert stack.talk(user, "/greet") == []  # paused: no automated reply
    result = post_json(
        f"{stack.frontdesk_url}/api/requests/{request['id']}/resume",
        {},
        headers={"Authorization": f"Bearer {stack.frontdesk_token}"},
    )
    assert result["bot_paused"] is False
    assert stack.talk(user, "/greet") != []


# ------------------------------------------------------------------------- database outage during submit
@pytest.fixture(scope="module")
def pg_stack(tmp_path_factory):
    """Action server and Rasa with the clinic database on PostgreSQL, reached through a proxy we control."""
    from tests.booking.conftest import PG_ADMIN_URL, PG_UP, schema_url
    from tests.booking.tcp_proxy import TcpProxy
    from tests.support.servers import Stack

    if not PG_UP:
        pytest.skip("PostgreSQL not reachable")
    schema = f"booking_e2e_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    proxy = TcpProxy().start()
    base = PG_ADMIN_URL.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    stack = Stack.create(
        tmp_path_factory.mktemp("pgstack"), database_url=schema_url(base, schema) + "&connect_timeout=3"
    )
    try:
        stack.load_content()
        stack.start("actions", "rasa")
        stack.proxy = proxy
        stack.direct_url = schema_url(PG_ADMIN_URL, schema)
        yield stack
    finally:
        stack.stop()
        proxy.stop()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def stored_for(url, conversation_id):
    engine = create_engine(url)
    with engine.connect() as connection:
        ids = (
            connection.execute(text("SELECT id FROM requests WHERE conversation_id = :c"), {"c": conversation_id})
            .scalars()
            .all()
        )
    engine.dispose()
    return ids


@pytest.mark.postgres
def test_database_stops_during_submit_no_false_confirmation_then_retry_once(pg_stack):
    user = sender("fault")
    book_until_summary(pg_stack, user)
    pg_stack.proxy.cut_on(b"INSERT INTO requests")  # the database connection dies in the middle of the submit
    replies = pg_stack.talk(user, "/affirm")
    assert pg_stack.proxy.cuts >= 1
    assert "could NOT save" in texts(replies) and "reference #" not in texts(replies)
    assert stored_for(pg_stack.direct_url, user) == []

    pg_stack.proxy.heal()  # the database is back
    replies = pg_stack.talk(user, "/affirm")
    assert "reference #" in texts(replies), replies
    ids = stored_for(pg_stack.direct_url, user)
    assert len(ids) == 1 and f"#{ids[0]}" in texts(replies)
    pg_stack.talk(user, "/affirm")
    assert stored_for(pg_stack.direct_url, user) == ids
