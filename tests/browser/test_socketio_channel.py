"""Rasa's socket.io channel as the widget uses it (session persistence), against the real stack.

Guards the fix in channels/socketio.py: with python-socketio >= 5.10 Rasa 3.6's own channel never joins
the session room, so no `bot_uttered` ever arrives; and a socket must not speak for another session.
Uses python-socketio's threaded client over long-polling: synchronous on purpose, because the browser
tests' Playwright (sync API) keeps an event loop running in the main thread for the whole session.
"""

from __future__ import annotations

import queue
import time
import uuid

import pytest
import socketio

pytestmark = [pytest.mark.e2e]


def connect(url: str, session_id: str):
    client = socketio.Client(reconnection=False)
    inbox: queue.Queue = queue.Queue()
    confirmed: queue.Queue = queue.Queue()
    client.on("bot_uttered", inbox.put)
    client.on("session_confirm", confirmed.put)
    client.connect(url, transports=["polling"], wait_timeout=15)
    client.emit("session_request", {"session_id": session_id})
    return client, inbox, confirmed.get(timeout=15)


def close(client: socketio.Client) -> None:
    # A polite disconnect() waits out the pending long-poll (about 30 s); the server copes with a drop.
    client.eio.disconnect(abort=True)


def test_replies_reach_the_session_room_and_other_sessions_are_refused(stack):
    alice_id, mallory_id = uuid.uuid4().hex, uuid.uuid4().hex
    alice, alice_inbox, confirmed = connect(stack.rasa_url, alice_id)
    assert confirmed == alice_id
    mallory, mallory_inbox, _ = connect(stack.rasa_url, mallory_id)
    try:
        alice.emit("user_uttered", {"message": "/ask_causes", "session_id": alice_id})
        first = alice_inbox.get(timeout=90)  # the first prediction of a fresh Rasa is slow
        assert first.get("text")

        # Mallory writes into Alice's conversation: ignored, nothing reaches either of them.
        mallory.emit("user_uttered", {"message": "/ask_shockwave", "session_id": alice_id})
        time.sleep(5)
        assert mallory_inbox.empty()
        texts = [e.get("text") for e in stack.tracker(alice_id)["events"] if e.get("event") == "user"]
        assert texts == ["/ask_causes"]
    finally:
        close(alice)
        close(mallory)


def test_session_ids_that_are_not_opaque_tokens_are_replaced(stack):
    client, _, given = connect(stack.rasa_url, "../../etc/passwd <script>")
    try:
        assert given != "../../etc/passwd <script>" and len(given) == 32
    finally:
        close(client)
