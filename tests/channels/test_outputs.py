"""The output channels with their real API clients (aiogram, twilio, fbmessenger, slack_sdk) against the local
capture server: what each platform would receive. No Rasa server needed."""

import base64
import json

from channels.facebook import MessengerOutput, messenger_client
from channels.formatting import CHOICE_PROMPT
from channels.slack import SlackOutput
from channels.telegram import TelegramBotOutput
from channels.twilio import TwilioWhatsAppOutput
from tests.channels.settings import CHANNEL_ENV

GREET = "Hi, I'm the **heel-pain assistant**. What would you like to do?"
BUTTONS = [
    {"title": "Check my symptoms", "payload": "/request_assessment"},
    {"title": "Causes of heel pain", "payload": "/ask_causes"},
    {"title": "Book an appointment", "payload": "/book_appointment"},
]
LONG = "\n\n".join(
    f"Paragraph {n}: " + "Heel pain in runners usually settles with the right load. " * 12 for n in range(12)
)  # about 8,500 characters


def twilio(api):
    return TwilioWhatsAppOutput(
        CHANNEL_ENV["TWILIO_ACCOUNT_SID"], CHANNEL_ENV["TWILIO_AUTH_TOKEN"], CHANNEL_ENV["TWILIO_NUMBER"], api.url
    )


async def test_twilio_whatsapp_numbers_the_buttons(api):
    await twilio(api).send_text_with_buttons("whatsapp:+447700900123", GREET, BUTTONS)
    [call] = api.find(lambda c: c.api == "twilio:Messages")
    assert call.method == "POST"
    assert call.path == f"/2010-04-01/Accounts/{CHANNEL_ENV['TWILIO_ACCOUNT_SID']}/Messages.json"
    user, _, password = base64.b64decode(call.headers["Authorization"].split()[1]).decode().partition(":")
    assert (user, password) == (CHANNEL_ENV["TWILIO_ACCOUNT_SID"], CHANNEL_ENV["TWILIO_AUTH_TOKEN"])
    assert call.data["To"] == "whatsapp:+447700900123"
    assert call.data["From"] == "whatsapp:+14155238886"
    assert call.data["Body"] == (
        "Hi, I'm the *heel-pain assistant*. What would you like to do?\n\n"
        "1. Check my symptoms\n2. Causes of heel pain\n3. Book an appointment\n\n" + CHOICE_PROMPT
    )


async def test_twilio_sms_gets_plain_text_from_the_bare_number(api):
    await twilio(api).send_text_message("+447700900123", "**Rest** for now:\n- ice\n- calf stretches")
    [call] = api.find(lambda c: c.api == "twilio:Messages")
    assert call.data["From"] == "+14155238886"
    assert call.data["Body"] == "Rest for now:\n- ice\n- calf stretches"


async def test_twilio_splits_long_answers_under_1600_characters(api):
    await twilio(api).send_text_message("whatsapp:+447700900123", LONG)
    bodies = [c.data["Body"] for c in api.find(lambda c: c.api == "twilio:Messages")]
    assert len(bodies) == len(LONG) // 1600 + 1
    assert all(len(body) <= 1600 for body in bodies)
    assert " ".join(bodies).split() == LONG.split()


async def test_telegram_sends_html_and_an_inline_keyboard(api):
    bot = TelegramBotOutput(CHANNEL_ENV["TELEGRAM_TOKEN"], api.url)
    try:
        await bot.send_text_with_buttons("987654321", GREET + " <3 & more", BUTTONS)
    finally:
        await bot.close_session()
    [call] = api.find(lambda c: c.api == "telegram:sendMessage")
    assert call.path == f"/bot{CHANNEL_ENV['TELEGRAM_TOKEN']}/sendMessage"
    assert call.data["chat_id"] == "987654321"
    assert call.data["parse_mode"] == "HTML"
    assert call.data["text"] == ("Hi, I'm the <b>heel-pain assistant</b>. What would you like to do? &lt;3 &amp; more")
    keyboard = json.loads(call.data["reply_markup"])["inline_keyboard"]
    assert keyboard == [[{"text": b["title"], "callback_data": b["payload"]}] for b in BUTTONS]


async def test_telegram_splits_under_4096_characters(api):
    bot = TelegramBotOutput(CHANNEL_ENV["TELEGRAM_TOKEN"], api.url)
    try:
        await bot.send_text_with_buttons("987654321", LONG, BUTTONS)
    finally:
        await bot.close_session()
    calls = api.find(lambda c: c.api == "telegram:sendMessage")
    assert len(calls) == 3
    assert all(len(c.data["text"]) <= 4096 for c in calls)
    assert ["reply_markup" in c.data for c in calls] == [False, False, True]


async def test_messenger_sends_quick_replies(api):
    out = MessengerOutput(messenger_client(CHANNEL_ENV["FACEBOOK_PAGE_ACCESS_TOKEN"], api.url))
    await out.send_text_with_buttons("2460000000000001", GREET, BUTTONS)
    [call] = api.find(lambda c: c.api == "messenger:messages")
    assert call.query["access_token"] == CHANNEL_ENV["FACEBOOK_PAGE_ACCESS_TOKEN"]
    assert call.data["recipient"] == {"id": "2460000000000001"}
    assert call.data["message"] == {
        "text": "Hi, I'm the heel-pain assistant. What would you like to do?",
        "quick_replies": [{"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in BUTTONS],
    }


async def test_messenger_numbers_options_with_titles_over_20_characters(api):
    out = MessengerOutput(messenger_client(CHANNEL_ENV["FACEBOOK_PAGE_ACCESS_TOKEN"], api.url))
    buttons = BUTTONS + [{"title": "Achilles tendinopathy", "payload": "/ask_achilles"}]
    await out.send_text_with_buttons("2460000000000001", GREET, buttons)
    [call] = api.find(lambda c: c.api == "messenger:messages")
    assert "quick_replies" not in call.data["message"]
    assert "\n4. Achilles tendinopathy\n" in call.data["message"]["text"]


async def test_slack_sends_mrkdwn_and_block_kit_buttons(api):
    out = SlackOutput(CHANNEL_ENV["SLACK_BOT_TOKEN"], api_base_url=api.url)
    await out.send_text_with_buttons("D0123456789", GREET, BUTTONS)
    [call] = api.find(lambda c: c.api == "slack:chat.postMessage")
    assert call.headers["Authorization"] == f"Bearer {CHANNEL_ENV['SLACK_BOT_TOKEN']}"
    assert call.data["channel"] == "D0123456789"
    assert "as_user" not in call.data
    section, actions = call.data["blocks"]
    assert section["text"] == {
        "type": "mrkdwn",
        "text": "Hi, I'm the *heel-pain assistant*. What would you like to do?",
    }
    assert [(e["text"]["text"], e["value"]) for e in actions["elements"]] == [
        (b["title"], b["payload"]) for b in BUTTONS
    ]


async def test_slack_splits_under_its_block_limit(api):
    limit = 3000
    out = SlackOutput(CHANNEL_ENV["SLACK_BOT_TOKEN"], api_base_url=api.url)
    await out.send_text_message("D0123456789", LONG)
    texts = [c.data["text"] for c in api.find(lambda c: c.api == "slack:chat.postMessage")]
    assert len(texts) == len(LONG) // limit + 1
    assert all(len(text) <= limit for text in texts)
