"""End to end: each platform's real webhook payload, signed as the platform signs it, posted to a running Rasa
with our connectors; the platform API calls Rasa makes are captured on a local server (nothing leaves the
machine).

Messages that start the conversation use an intent payload ("/greet", as a Messenger "Get Started" postback or
Telegram's /start would) so these tests check the channels, not the language model.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Dict, Optional, Tuple

import pytest
import yaml
from twilio.request_validator import RequestValidator

from channels.formatting import numbered_options
from tests.channels.settings import CHANNEL_ENV
from tests.support.servers import ROOT, http_get

pytestmark = pytest.mark.e2e

CAUSES = yaml.safe_load((ROOT / "content" / "topics" / "causes.yml").read_text())
CAUSES_OPENING = " ".join(CAUSES["summary"].split()[:8])
GREET_OPTIONS = "1. Check my symptoms\n2. Causes of heel pain\n3. Book an appointment"
GREET_BUTTONS = [
    ("Check my symptoms", "/request_assessment"),
    ("Causes of heel pain", "/ask_causes"),
    ("Book an appointment", "/book_appointment"),
]


def unique(prefix: str = "") -> str:
    return prefix + uuid.uuid4().hex[:10].upper()


def new_chat_id() -> int:
    return 10**8 + uuid.uuid4().int % 10**9


def post(url: str, body: bytes, headers: Dict[str, str]) -> Tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def last_event(stack, sender: str, kind: str) -> dict:
    """The last "user" or "bot" event of a conversation (events, since a fallback rewinds latest_message)."""
    conversation = urllib.parse.quote(sender, safe=":+")
    status, body = http_get(f"{stack.rasa_url}/conversations/{conversation}/tracker?token={stack.rasa_token}")
    assert status == 200, body
    return [event for event in json.loads(body)["events"] if event["event"] == kind][-1]


# --- Telegram -----------------------------------------------------------------------------------------


def telegram_update(chat_id: int, text: Optional[str] = None, callback_data: Optional[str] = None) -> dict:
    user = {"id": chat_id, "is_bot": False, "first_name": "Alex", "username": "alex_runs", "language_code": "en"}
    chat = {"id": chat_id, "first_name": "Alex", "username": "alex_runs", "type": "private"}
    update_id = int(time.time() * 1000) % 10**9
    if callback_data is not None:
        return {
            "update_id": update_id,
            "callback_query": {
                "id": str(update_id),
                "from": user,
                "chat_instance": "-100200300",
                "data": callback_data,
                "message": {
                    "message_id": 7,
                    "date": int(time.time()),
                    "chat": chat,
                    "text": "What would you like?",
                    "from": {"id": 123456, "is_bot": True, "first_name": "Heel", "username": "heel_test_bot"},
                },
            },
        }
    message = {"message_id": 5, "from": user, "chat": chat, "date": int(time.time()), "text": text}
    if text.startswith("/"):
        message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
    return {"update_id": update_id, "message": message}


def post_telegram(stack, update: dict, secret: Optional[str] = CHANNEL_ENV["TELEGRAM_SECRET_TOKEN"]):
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return post(f"{stack.rasa_url}/webhooks/telegram/webhook", json.dumps(update).encode(), headers)


def to_chat(chat_id: int):
    return lambda c: c.api == "telegram:sendMessage" and c.data.get("chat_id") == str(chat_id)


def test_telegram_webhook_is_registered_with_its_secret_at_start_up(channel_stack, capture):
    [call] = capture.wait_for(lambda c: c.api == "telegram:setWebhook")
    assert call.path == f"/bot{CHANNEL_ENV['TELEGRAM_TOKEN']}/setWebhook"
    assert call.data["url"] == CHANNEL_ENV["TELEGRAM_WEBHOOK_URL"]
    assert call.data["secret_token"] == CHANNEL_ENV["TELEGRAM_SECRET_TOKEN"]


def test_telegram_start_gets_the_greeting_with_an_inline_keyboard(channel_stack, capture):
    chat_id = new_chat_id()
    status, _ = post_telegram(channel_stack, telegram_update(chat_id, "/start"))
    assert status == 200
    [call] = capture.wait_for(to_chat(chat_id))
    assert call.path == f"/bot{CHANNEL_ENV['TELEGRAM_TOKEN']}/sendMessage"
    assert call.data["parse_mode"] == "HTML"
    assert call.data["text"].startswith("Hi, I'm the heel-pain assistant.")
    keyboard = json.loads(call.data["reply_markup"])["inline_keyboard"]
    assert [(row[0]["text"], row[0]["callback_data"]) for row in keyboard] == GREET_BUTTONS


def test_telegram_button_press_answers_the_topic(channel_stack, capture):
    chat_id = new_chat_id()
    status, _ = post_telegram(channel_stack, telegram_update(chat_id, callback_data="/ask_causes"))
    assert status == 200
    calls = capture.wait_for(to_chat(chat_id))
    assert CAUSES_OPENING in calls[0].data["text"]
    assert all(len(c.data["text"]) <= 4096 and "**" not in c.data["text"] for c in calls)
    assert capture.find(lambda c: c.api == "telegram:answerCallbackQuery")


def test_telegram_digit_is_left_alone_where_real_buttons_were_shown(channel_stack, capture):
    chat_id = new_chat_id()
    post_telegram(channel_stack, telegram_update(chat_id, "/start"))
    capture.wait_for(to_chat(chat_id))
    post_telegram(channel_stack, telegram_update(chat_id, "2"))
    assert last_event(channel_stack, str(chat_id), "user")["text"] == "2"


def test_telegram_refuses_updates_without_the_secret_token(channel_stack, capture):
    chat_id = new_chat_id()
    status, _ = post_telegram(channel_stack, telegram_update(chat_id, "/start"), secret="wrong")
    assert status == 403
    time.sleep(1)
    assert not capture.find(to_chat(chat_id))


# --- WhatsApp through Twilio ----------------------------------------------------------------------------


def twilio_form(sender: str, body: str) -> Dict[str, str]:
    sid = "SM" + uuid.uuid4().hex
    return {
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ProfileName": "Alex",
        "SmsSid": sid,
        "WaId": sender.split("+")[-1],
        "SmsStatus": "received",
        "Body": body,
        "To": CHANNEL_ENV["TWILIO_NUMBER"],
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": CHANNEL_ENV["TWILIO_ACCOUNT_SID"],
        "From": sender,
        "ApiVersion": "2010-04-01",
    }


def post_twilio(stack, form: Dict[str, str], signed_for: Optional[str] = None):
    # Twilio signs the public URL it calls (TWILIO_WEBHOOK_URL), not the address behind the proxy.
    signature = RequestValidator(CHANNEL_ENV["TWILIO_AUTH_TOKEN"]).compute_signature(
        signed_for or CHANNEL_ENV["TWILIO_WEBHOOK_URL"], form
    )
    return post(
        f"{stack.rasa_url}/webhooks/twilio/webhook",
        urllib.parse.urlencode(form).encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
            "User-Agent": "TwilioProxy/1.1",
        },
    )


def to_whatsapp(sender: str):
    return lambda c: c.api == "twilio:Messages" and c.data.get("To") == sender


def test_whatsapp_greeting_has_numbered_options(channel_stack, capture):
    sender = "whatsapp:+4477009" + str(uuid.uuid4().int)[:5]
    status, _ = post_twilio(channel_stack, twilio_form(sender, "/greet"))
    assert status == 204
    [call] = capture.wait_for(to_whatsapp(sender))
    assert call.path == f"/2010-04-01/Accounts/{CHANNEL_ENV['TWILIO_ACCOUNT_SID']}/Messages.json"
    assert (
        base64.b64decode(call.headers["Authorization"].split()[1]).decode()
        == f"{CHANNEL_ENV['TWILIO_ACCOUNT_SID']}:{CHANNEL_ENV['TWILIO_AUTH_TOKEN']}"
    )
    assert call.data["From"] == CHANNEL_ENV["TWILIO_NUMBER"]
    assert call.data["Body"].startswith("Hi, I'm the heel-pain assistant.")
    assert GREET_OPTIONS in call.data["Body"]


def test_whatsapp_reply_2_picks_the_second_option(channel_stack, capture):
    sender = "whatsapp:+4477009" + str(uuid.uuid4().int)[:5]
    post_twilio(channel_stack, twilio_form(sender, "/greet"))
    capture.wait_for(to_whatsapp(sender))
    seen = len(capture.find(to_whatsapp(sender)))
    status, _ = post_twilio(channel_stack, twilio_form(sender, "2"))
    assert status == 204
    latest = last_event(channel_stack, sender, "user")
    assert latest["parse_data"]["intent"]["name"] == "ask_causes"
    assert latest["text"] == "/ask_causes"
    assert latest["metadata"]["numbered_choice"] == {"number": 2, "title": "Causes of heel pain", "typed": "2"}
    replies = capture.wait_for(to_whatsapp(sender), count=seen + 1)[seen:]
    bodies = [c.data["Body"] for c in replies]
    assert CAUSES_OPENING in bodies[0]
    assert all(len(body) <= 1600 and "**" not in body for body in bodies)
    buttons = last_event(channel_stack, sender, "bot")["data"]["buttons"]
    assert numbered_options(buttons) in bodies[-1]  # the topic's own options, numbered in turn


def test_whatsapp_refuses_a_forged_signature(channel_stack, capture):
    sender = "whatsapp:+4477009" + str(uuid.uuid4().int)[:5]
    status, _ = post_twilio(channel_stack, twilio_form(sender, "/greet"), signed_for="https://evil.example/x")
    assert status == 403
    time.sleep(1)
    assert not capture.find(to_whatsapp(sender))


def test_sms_with_blank_fields_as_twilio_really_signs_them_is_answered(channel_stack, capture):
    """A real SMS webhook carries empty location fields, and Twilio's signature covers them."""
    sender = "+4477009" + str(uuid.uuid4().int)[:5]
    form = {**twilio_form(sender, "/greet"), "FromCity": "", "FromState": "", "FromZip": "", "FromCountry": "GB"}
    status, _ = post_twilio(channel_stack, form)
    assert status == 204
    [call] = capture.wait_for(lambda c: c.api == "twilio:Messages" and c.data.get("To") == sender)
    assert call.data["Body"].startswith("Hi, I'm the heel-pain assistant.")


def test_whatsapp_media_only_message_with_an_empty_body_is_accepted_without_an_error(channel_stack, capture):
    sender = "whatsapp:+4477009" + str(uuid.uuid4().int)[:5]
    form = {**twilio_form(sender, ""), "NumMedia": "1", "MediaContentType0": "image/jpeg"}
    form["MediaUrl0"] = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME0"
    status, _ = post_twilio(channel_stack, form)
    assert status < 500 and status != 403
    # and a blank field that was not signed is still refused
    tampered = {**twilio_form(sender, "/greet")}
    signature = RequestValidator(CHANNEL_ENV["TWILIO_AUTH_TOKEN"]).compute_signature(
        CHANNEL_ENV["TWILIO_WEBHOOK_URL"], tampered
    )
    status, _ = post(
        f"{channel_stack.rasa_url}/webhooks/twilio/webhook",
        urllib.parse.urlencode({**tampered, "FromCity": ""}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
    )
    assert status == 403


# --- Facebook Messenger ---------------------------------------------------------------------------------

PAGE_ID = "104000000000001"


def messenger_event(psid: str, message: Optional[dict] = None, postback: Optional[dict] = None) -> dict:
    now = int(time.time() * 1000)
    event = {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": now}
    if message is not None:
        event["message"] = {"mid": "m_" + uuid.uuid4().hex, **message}
    if postback is not None:
        event["postback"] = {"mid": "m_" + uuid.uuid4().hex, **postback}
    return {"object": "page", "entry": [{"id": PAGE_ID, "time": now, "messaging": [event]}]}


def post_messenger(stack, payload: dict, secret: str = CHANNEL_ENV["FACEBOOK_APP_SECRET"]):
    body = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    sha1 = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    return post(
        f"{stack.rasa_url}/webhooks/facebook/webhook",
        body,
        {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": f"sha256={signature}",
            "X-Hub-Signature": f"sha1={sha1}",
        },
    )


def to_psid(psid: str, kind: Optional[str] = "message"):
    return lambda c: (
        c.api == "messenger:messages" and c.data["recipient"]["id"] == psid and (kind is None or kind in c.data)
    )


def test_messenger_answers_meta_webhook_verification(channel_stack):
    query = urllib.parse.urlencode(
        {
            "hub.mode": "subscribe",
            "hub.challenge": "1158201444",
            "hub.verify_token": CHANNEL_ENV["FACEBOOK_VERIFY_TOKEN"],
        }
    )
    assert http_get(f"{channel_stack.rasa_url}/webhooks/facebook/webhook?{query}") == (200, b"1158201444")
    wrong = query.replace(CHANNEL_ENV["FACEBOOK_VERIFY_TOKEN"], "guess")
    assert http_get(f"{channel_stack.rasa_url}/webhooks/facebook/webhook?{wrong}")[0] == 403


def test_messenger_get_started_gets_quick_replies(channel_stack, capture):
    psid = str(uuid.uuid4().int)[:16]
    status, _ = post_messenger(
        channel_stack, messenger_event(psid, postback={"title": "Get Started", "payload": "/greet"})
    )
    assert status == 200
    [call] = capture.wait_for(to_psid(psid))
    assert call.query["access_token"] == CHANNEL_ENV["FACEBOOK_PAGE_ACCESS_TOKEN"]
    assert call.data["message"]["text"].startswith("Hi, I'm the heel-pain assistant.")
    assert [(q["title"], q["payload"]) for q in call.data["message"]["quick_replies"]] == GREET_BUTTONS
    actions = [c.data["sender_action"] for c in capture.find(to_psid(psid, "sender_action"))]
    assert actions == ["mark_seen", "typing_on", "typing_off"]


def test_messenger_quick_reply_answers_the_topic(channel_stack, capture):
    psid = str(uuid.uuid4().int)[:16]
    status, _ = post_messenger(
        channel_stack,
        messenger_event(psid, message={"text": "Causes of heel pain", "quick_reply": {"payload": "/ask_causes"}}),
    )
    assert status == 200
    calls = capture.wait_for(to_psid(psid))
    texts = [c.data["message"]["text"] for c in calls]
    assert CAUSES_OPENING in texts[0]
    assert all(len(text) <= 2000 and "**" not in text for text in texts)


def test_messenger_refuses_a_wrong_signature(channel_stack, capture):
    psid = str(uuid.uuid4().int)[:16]
    status, _ = post_messenger(channel_stack, messenger_event(psid, message={"text": "hi"}), secret="guess")
    assert status == 403
    time.sleep(1)
    assert not capture.find(to_psid(psid, None))


# --- Slack ----------------------------------------------------------------------------------------------


def post_slack(stack, body: bytes, content_type: str, secret: str = CHANNEL_ENV["SLACK_SIGNING_SECRET"]):
    timestamp = str(int(time.time()))
    signature = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return post(
        f"{stack.rasa_url}/webhooks/slack/webhook",
        body,
        {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={signature}"},
    )


def slack_dm(user: str, channel: str, text: str) -> bytes:
    ts = f"{time.time():.6f}"
    return json.dumps(
        {
            "token": "verification-token-unused",
            "team_id": "T0CLINIC",
            "api_app_id": "A0HEEL",
            "event": {
                "client_msg_id": str(uuid.uuid4()),
                "type": "message",
                "text": text,
                "user": user,
                "ts": ts,
                "team": "T0CLINIC",
                "channel": channel,
                "event_ts": ts,
                "channel_type": "im",
                "blocks": [
                    {
                        "type": "rich_text",
                        "block_id": "x",
                        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
                    }
                ],
            },
            "type": "event_callback",
            "event_id": "Ev" + uuid.uuid4().hex[:10].upper(),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": "T0CLINIC",
                    "user_id": "U0HEELBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
    ).encode()


def slack_button_click(user: str, channel: str, title: str, value: str) -> bytes:
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": "alex", "name": "alex", "team_id": "T0CLINIC"},
        "api_app_id": "A0HEEL",
        "token": "verification-token-unused",
        "container": {
            "type": "message",
            "message_ts": "1700000000.000200",
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": "1.2.abc",
        "team": {"id": "T0CLINIC", "domain": "clinic"},
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "user": "U0HEELBOT", "ts": "1700000000.000200", "text": "What now?"},
        "response_url": "https://hooks.slack.com/actions/T0CLINIC/1/abc",
        "actions": [
            {
                "action_id": "a1",
                "block_id": "b1",
                "text": {"type": "plain_text", "text": title},
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def to_slack_channel(channel: str):
    return lambda c: c.api == "slack:chat.postMessage" and c.data.get("channel") == channel


def test_slack_url_verification_handshake(channel_stack):
    body = json.dumps(
        {"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}
    ).encode()
    status, text = post_slack(channel_stack, body, "application/json")
    assert status == 200
    assert json.loads(text) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_slack_direct_message_gets_a_reply_in_the_dm(channel_stack, capture):
    user, channel = unique("U"), unique("D")
    status, _ = post_slack(channel_stack, slack_dm(user, channel, "hello"), "application/json")
    assert status == 200
    calls = capture.wait_for(to_slack_channel(channel))
    assert calls[0].headers["Authorization"] == f"Bearer {CHANNEL_ENV['SLACK_BOT_TOKEN']}"
    assert all(c.data["text"] and "**" not in c.data["text"] for c in calls)
    assert last_event(channel_stack, user, "user")["text"] == "hello"


def test_slack_button_click_answers_with_mrkdwn_and_buttons(channel_stack, capture):
    user, channel = unique("U"), unique("D")
    status, _ = post_slack(
        channel_stack,
        slack_button_click(user, channel, "Causes of heel pain", "/ask_causes"),
        "application/x-www-form-urlencoded",
    )
    assert status == 200
    calls = capture.wait_for(to_slack_channel(channel))
    assert CAUSES_OPENING in calls[0].data["text"]
    section, actions = calls[-1].data["blocks"]
    assert section["text"]["type"] == "mrkdwn"
    buttons = last_event(channel_stack, user, "bot")["data"]["buttons"]
    assert [(e["text"]["text"], e["value"]) for e in actions["elements"]] == [
        (b["title"], b["payload"]) for b in buttons
    ]


def test_slack_refuses_a_wrong_signature(channel_stack, capture):
    user, channel = unique("U"), unique("D")
    status, _ = post_slack(channel_stack, slack_dm(user, channel, "hello"), "application/json", secret="guess")
    assert status == 400
    time.sleep(1)
    assert not capture.find(to_slack_channel(channel))
