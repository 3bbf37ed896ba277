"""Over real HTTP: a huge message is refused quickly and the conversation carries on."""

import time

import pytest

pytestmark = pytest.mark.e2e


def test_a_100kb_message_is_refused_within_two_seconds_and_the_next_message_is_answered(stack):
    started = time.perf_counter()
    replies = stack.talk("limits-1", "my heel hurts " * 7500)
    assert time.perf_counter() - started < 2.0
    assert "too long" in replies[0]["text"]
    replies = stack.talk("limits-1", "what is plantar fasciitis?")
    assert any("plantar" in (reply.get("text") or "").lower() for reply in replies)
