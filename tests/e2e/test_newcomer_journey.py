"""The foundation-to-front-desk journey a newcomer makes: assessment, booking, request in the API with the
assessment summary and normalised time, and an e-mail on a real local SMTP server (aiosmtpd)."""

import json
import time
import uuid

import pytest
from aiosmtpd.controller import Controller

from tests.support.servers import Stack, free_port, http_get

pytestmark = pytest.mark.e2e


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture(scope="module")
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture(scope="module")
def mail_stack(tmp_path_factory, smtp):
    controller, _ = smtp
    stack = Stack.create(tmp_path_factory.mktemp("newcomer"))
    stack.env.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(controller.port),
        FRONTDESK_EMAIL="desk@clinic.example",
        SMTP_FROM="assistant@clinic.example",
    )
    stack.load_content()
    try:
        stack.start()
    except Exception:
        stack.stop()
        raise
    yield stack
    stack.stop()


def texts(replies):
    return " ".join(r.get("text") or "" for r in replies)


def test_newcomer_assessment_then_booking_reaches_the_front_desk_by_api_and_email(mail_stack, smtp):
    _, inbox = smtp
    user = f"newcomer-{uuid.uuid4().hex[:8]}"
    talk = lambda text: mail_stack.talk(user, text)  # noqa: E731
    for message in [
        "the bottom of my heel kills first thing in the morning",
        "none of those",
        "about 2 months",
        "I upped my mileage",
        "no",
        "no tingling",
        "I'm 41",
    ]:
        replies = talk(message)
    assert "plantar fasciitis" in texts(replies).lower()
    for message in [
        "/book_appointment",
        "/affirm",
        "Alex Walker",
        "alex.walker@example.com",
        "weekday evenings",
        "/affirm",
        "I'm a new patient",
    ]:
        replies = talk(message)
    assert "Here's what I'll send" in texts(replies), replies
    confirmation = talk("/affirm")
    assert "reference #" in texts(confirmation), confirmation

    status, body = http_get(
        f"{mail_stack.frontdesk_url}/api/requests?conversation_id={user}",
        headers={"Authorization": f"Bearer {mail_stack.frontdesk_token}"},
    )
    assert status == 200
    [request] = json.loads(body)
    assert request["email"] == "alex.walker@example.com"
    assert request["preferred_time_text"] == "weekday evenings" and request["preferred_time"]
    assert "plantar fasciitis" in (request["assessment_summary"] or "").lower()

    deadline = time.time() + 30
    while not inbox.messages and time.time() < deadline:
        time.sleep(0.5)
    assert inbox.messages, "no e-mail reached the SMTP server"
    assert "desk@clinic.example" in inbox.messages[0].rcpt_tos
    assert "alex.walker@example.com" not in inbox.messages[0].content.decode(errors="replace")  # no personal data
