"""Rate limits over real HTTP, on a stack started with low limits: per visitor, and per network address behind a
trusted proxy (the REST channel answers 429 with the explanation once, then 429 alone)."""

import json
import urllib.error
import urllib.request
import uuid

import pytest

from tests.support.servers import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    stack = Stack.create(tmp_path_factory.mktemp("limited"))
    stack.env.update(RATE_LIMIT_SENDER="4/60", RATE_LIMIT_ADDRESS="6/60")
    stack.load_content()
    try:
        stack.start("actions", "rasa")
        yield stack
    finally:
        stack.stop()


def send(stack, sender, text, forwarded_for=None):
    headers = {"Content-Type": "application/json"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(f"{stack.rasa_url}/webhooks/rest/webhook", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"[]")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"[]")


def texts(replies):
    return " ".join(r.get("text") or "" for r in replies)


def test_a_visitor_over_the_limit_is_told_once_and_the_rest_is_not_read(limited):
    sender = f"rate-{uuid.uuid4().hex[:8]}"
    answers = [send(limited, sender, "what causes heel pain?") for _ in range(6)]
    assert all(status == 200 for status, _ in answers)
    assert all("faster than I can read" not in texts(r) and r for _, r in answers[:4])
    assert "faster than I can read" in texts(answers[4][1]) and answers[5][1] == []
    events = limited.tracker(sender)["events"]
    assert len([e for e in events if e["event"] == "user"]) == 4  # refused messages never reached the NLU
    other = send(limited, f"rate-{uuid.uuid4().hex[:8]}", "what causes heel pain?")
    assert other[0] == 200 and other[1]


def test_an_address_over_the_limit_gets_429_and_other_addresses_do_not(limited):
    address = "203.0.113.77"
    results = [send(limited, f"rate-{uuid.uuid4().hex[:8]}", "hi", forwarded_for=address) for _ in range(8)]
    assert [status for status, _ in results] == [200] * 6 + [429, 429]
    assert "faster than I can read" in texts(results[6][1]) and results[7][1] == []
    assert send(limited, f"rate-{uuid.uuid4().hex[:8]}", "hi", forwarded_for="203.0.113.78")[0] == 200
    # the machine itself (no proxy header) is not address-limited
    assert send(limited, f"rate-{uuid.uuid4().hex[:8]}", "hi")[0] == 200
