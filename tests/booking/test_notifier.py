"""The outbox worker against a real local SMTP server (aiosmtpd) and a local HTTP webhook receiver."""

import asyncio
import dataclasses
import hashlib
import hmac
import json
import random
import socket

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aiosmtpd.controller import Controller
from sqlalchemy import select

from frontdesk.app import create_app
from frontdesk.notifier import OutboxWorker, backoff_seconds
from heel.store import requests_repo as repo
from heel.store.db import session_scope
from heel.store.requests import OutboxMessage


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


class Smtp:
    """A real SMTP server on a fixed port that can be stopped and started again (an outage)."""

    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


class Webhook:
    """Answers 500 while `failing`, records every delivery."""

    def __init__(self):
        self.failing = False
        self.received = []
        self.app = web.Application()
        self.app.router.add_post("/hook", self.hook)

    async def hook(self, request):
        body = await request.read()
        if self.failing:
            return web.Response(status=500)
        self.received.append((json.loads(body), dict(request.headers), body))
        return web.Response(status=204)


@pytest.fixture
def smtp():
    server = Smtp()
    yield server
    server.stop()


@pytest.fixture
async def webhook():
    receiver = Webhook()
    server = TestServer(receiver.app)
    await server.start_server()
    receiver.url = str(server.make_url("/hook"))
    yield receiver
    await server.close()


@pytest.fixture
def notify_settings(booking_env_any, smtp, webhook):
    return dataclasses.replace(
        booking_env_any,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_from="assistant@clinic.example",
        frontdesk_email="desk@clinic.example",
        notify_webhook_url=webhook.url,
        notify_webhook_secret="s3cret",
        frontdesk_url="http://frontdesk.example:8081",
    )


def new_request(key="k1", kind="booking"):
    return repo.NewRequest(
        kind=kind,
        conversation_id="conv-1",
        idempotency_key=key,
        consent_version="booking-2025-1",
        name="Sam Runner",
        phone="+447911123456",
        email="sam@example.com",
        reason="pain under my heel",
        assessment_summary="Likely plantar fasciitis.",
    )


def worker(settings, **overrides):
    options = dict(poll_seconds=0.05, base_delay=0.2, max_delay=1.0, rng=random.Random(1), timeout=3)
    options.update(overrides)
    return OutboxWorker(settings, **options)


def outbox_rows():
    with session_scope() as session:
        return {
            row.channel: (row.status, row.attempts, row.last_error)
            for row in session.execute(select(OutboxMessage)).scalars()
        }


async def test_new_request_is_emailed_and_webhooked_without_personal_data(notify_settings, smtp, webhook):
    smtp.start()
    view, _ = repo.create_request(new_request(), channels=["email", "webhook"])
    handled = await worker(notify_settings).run_once()
    assert handled == 2
    [mail] = smtp.inbox.messages
    content = mail.content.decode()
    assert mail.rcpt_tos == ["desk@clinic.example"] and mail.mail_from == "assistant@clinic.example"
    assert f"New booking request #{view.id}" in content and "http://frontdesk.example:8081/" in content
    [(payload, headers, body)] = webhook.received
    assert payload["request_id"] == view.id and payload["kind"] == "booking" and payload["event"] == "request.created"
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Heel-Signature"] == f"sha256={expected}"
    assert headers["X-Heel-Delivery"]
    for secret in ("Sam", "7911", "sam@example.com", "heel", "plantar"):
        assert secret not in content and secret not in body.decode()
    assert outbox_rows() == {"email": ("sent", 1, None), "webhook": ("sent", 1, None)}


async def test_an_outage_loses_nothing_and_delivers_once_when_it_ends(notify_settings, smtp, webhook):
    webhook.failing = True  # SMTP not started yet: connection refused
    view, _ = repo.create_request(new_request(), channels=["email", "webhook"])
    w = worker(notify_settings)
    await w.run_once()
    rows = outbox_rows()
    assert rows["email"][:2] == ("pending", 1) and rows["email"][2] == "ConnectionRefusedError"
    assert rows["webhook"][:2] == ("pending", 1) and "HTTP 500" in rows["webhook"][2]
    assert await w.run_once() == 0  # backing off: not retried straight away
    await asyncio.sleep(0.3)
    await w.run_once()  # second failure, longer wait
    assert outbox_rows()["email"][:2] == ("pending", 2)

    smtp.start()
    webhook.failing = False
    for _ in range(40):
        await asyncio.sleep(0.1)
        await w.run_once()
        if all(status == "sent" for status, _, _ in outbox_rows().values()):
            break
    assert outbox_rows()["email"][0] == "sent" and outbox_rows()["webhook"][0] == "sent"
    assert len(smtp.inbox.messages) == 1 and len(webhook.received) == 1
    await w.close()


async def test_gives_up_after_max_attempts_and_says_so(notify_settings, webhook):
    webhook.failing = True
    repo.create_request(new_request(), channels=["webhook"])
    w = worker(notify_settings, max_attempts=2, base_delay=0.01, max_delay=0.01)
    await w.run_once()
    await asyncio.sleep(0.05)
    await w.run_once()
    assert outbox_rows()["webhook"][:2] == ("failed", 2)
    assert repo.list_requests()[0].notifications == (("webhook", "failed", 2),)
    await w.close()


async def test_a_channel_no_longer_configured_is_skipped(notify_settings):
    repo.create_request(new_request(), channels=["webhook"])
    settings = dataclasses.replace(notify_settings, notify_webhook_url=None)
    await worker(settings).run_once()
    assert outbox_rows()["webhook"][0] == "skipped"


async def test_database_down_does_not_stop_the_worker(notify_settings, tmp_path):
    w = OutboxWorker(notify_settings, url=f"sqlite:///{tmp_path / 'no-tables.db'}", poll_seconds=0.05)
    assert await w.run_once() == 0


def test_backoff_grows_and_is_capped():
    delays = [backoff_seconds(n, base=10, cap=3600, jitter=0) for n in range(1, 12)]
    assert delays[:4] == [10, 20, 40, 80] and delays[-1] == 3600
    spread = {round(backoff_seconds(3, 10, 3600, rng=random.Random(seed)), 3) for seed in range(20)}
    assert len(spread) > 1 and all(36 <= d <= 44 for d in spread)


async def test_the_front_desk_service_notifies_at_once(notify_settings, smtp, webhook):
    """The worker runs inside the front-desk app: a new request is delivered within a few polls."""
    smtp.start()
    settings = dataclasses.replace(notify_settings, outbox_poll_seconds=0.1)
    app = create_app(settings, token="t")
    async with TestClient(TestServer(app)):
        view, _ = await asyncio.to_thread(repo.create_request, new_request("live"), ["email", "webhook"])
        for _ in range(50):
            if smtp.inbox.messages and webhook.received:
                break
            await asyncio.sleep(0.1)
    assert len(smtp.inbox.messages) == 1 and webhook.received[0][0]["request_id"] == view.id


async def test_delivery_is_at_least_once_after_a_worker_crash(notify_settings, webhook):
    """A worker that claimed a message and died: after the lease another worker delivers it."""
    repo.create_request(new_request(), channels=["webhook"])
    claimed = repo.claim_due_outbox(lease_seconds=0.2)  # the "crashed" worker's claim
    assert len(claimed) == 1
    w = worker(notify_settings)
    assert await w.run_once() == 0
    await asyncio.sleep(0.3)
    assert await w.run_once() == 1 and len(webhook.received) == 1
    await w.close()
