"""A digit reply becomes the payload of the numbered option, read from the tracker store (no server needed)."""

from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.facebook import MessengerInput
from channels.twilio import TwilioWhatsAppInput
from tests.channels.settings import CHANNEL_ENV

BUTTONS = [
    {"title": "Check my symptoms", "payload": "/request_assessment"},
    {"title": "Causes of heel pain", "payload": "/ask_causes"},
    {"title": "Book an appointment", "payload": "/book_appointment"},
]
WHATSAPP_USER = "whatsapp:+447700900123"


def twilio_input():
    return TwilioWhatsAppInput.from_credentials(
        {
            "account_sid": CHANNEL_ENV["TWILIO_ACCOUNT_SID"],
            "auth_token": CHANNEL_ENV["TWILIO_AUTH_TOKEN"],
            "twilio_number": CHANNEL_ENV["TWILIO_NUMBER"],
        }
    )


def blueprint_with(tracker_store):
    """What resolve_numbered_choice needs from the registered blueprint: its app's agent."""
    return SimpleNamespace(
        apps=[SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=tracker_store)))]
    )


async def store_with(sender, *events):
    store = InMemoryTrackerStore(Domain.empty())
    await store.save(DialogueStateTracker.from_events(sender, list(events)))
    return store


def greeted():
    return (
        UserUttered("/greet"),
        ActionExecuted("utter_greet"),
        BotUttered("What would you like to do?", data={"buttons": BUTTONS}),
        ActionExecuted("action_listen"),
    )


async def resolve(channel, store, text, sender=WHATSAPP_USER):
    message = UserMessage(text, sender_id=sender, metadata={"from": "test"})
    await channel.resolve_numbered_choice(message, blueprint_with(store))
    return message


async def test_a_digit_picks_the_numbered_option():
    message = await resolve(twilio_input(), await store_with(WHATSAPP_USER, *greeted()), " 2 ")
    assert message.text == "/ask_causes"
    assert message.metadata == {
        "from": "test",
        "numbered_choice": {"number": 2, "title": "Causes of heel pain", "typed": "2"},
    }


@pytest.mark.parametrize("text", ["4", "0", "2 weeks", "causes please"])
async def test_other_replies_are_left_alone(text):
    message = await resolve(twilio_input(), await store_with(WHATSAPP_USER, *greeted()), text)
    assert message.text == text


async def test_only_the_last_bot_message_counts():
    store = await store_with(
        WHATSAPP_USER, *greeted(), UserUttered("/ask_causes"), BotUttered("Heel pain usually means ...")
    )
    assert (await resolve(twilio_input(), store, "2")).text == "2"


async def test_an_unknown_conversation_or_a_failing_store_leaves_the_text():
    assert (await resolve(twilio_input(), InMemoryTrackerStore(Domain.empty()), "2")).text == "2"

    class Broken(InMemoryTrackerStore):
        async def retrieve(self, sender_id):
            raise ConnectionError("database down")

    assert (await resolve(twilio_input(), Broken(Domain.empty()), "2")).text == "2"


async def test_where_real_buttons_were_shown_a_digit_stays_an_answer():
    messenger = MessengerInput.from_credentials({"verify": "v", "secret": "s", "page-access-token": "t"})
    store = await store_with("2460000000000001", *greeted())
    assert (await resolve(messenger, store, "2", sender="2460000000000001")).text == "2"
