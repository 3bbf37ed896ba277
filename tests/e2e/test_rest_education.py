"""End to end: real action server and Rasa server, talking over REST."""

import uuid

import pytest
import yaml

from heel.settings import PROJECT_ROOT
from heel.store.loader import read_content_dir

pytestmark = pytest.mark.e2e

TOPICS = read_content_dir(PROJECT_ROOT / "content" / "topics")
EDUCATION_INTENTS = [
    i for i in yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["intents"] if i.startswith("ask_")
]
BY_INTENT = {t["intent"]: t for t in TOPICS}


def sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("intent", EDUCATION_INTENTS)
def test_every_topic_is_served_over_rest(stack, intent):
    replies = stack.talk(sender(), f"/{intent}")
    assert replies, "no reply"
    topic = BY_INTENT[intent]
    opening = topic["summary"].split("{")[0].strip()[:40]
    assert opening in replies[0]["text"]
    assert replies[0].get("buttons")


@pytest.mark.parametrize(
    "question, intent",
    [
        ("what is plantar fasciitis", "ask_plantar_fasciitis"),
        ("what exercises should I do for my heel", "ask_exercises"),
        ("what are your opening hours", "ask_clinic_info"),
    ],
)
def test_plain_questions_get_their_topic(stack, question, intent):
    replies = stack.talk(sender(), question)
    assert BY_INTENT[intent]["summary"].split("{")[0].strip()[:40] in replies[0]["text"]


def test_follow_up_keeps_context_across_a_rasa_restart(stack):
    user = sender()
    stack.talk(user, "/ask_plantar_fasciitis")
    stack.restart("rasa")
    replies = stack.talk(user, "/ask_recovery_time")
    note = BY_INTENT["ask_recovery_time"]["condition_notes"]["plantar_fasciitis"].strip()[:50]
    assert note in replies[0]["text"]


def test_out_of_scope_gets_the_scope_message(stack):
    replies = stack.talk(sender(), "/out_of_scope")
    assert "heel" in replies[0]["text"].lower()
