"""Test settings for the messaging channels: environment values for credentials.channels.yml and the
credentials with every platform API pointed at a local capture server."""

from __future__ import annotations

from typing import Dict

import yaml

from tests.channels.capture import BOT_USERNAME
from tests.support.servers import ROOT

# Test values for the environment variables credentials.channels.yml reads. Shaped like real ones (aiogram
# checks the Telegram token's form); none of them is a real secret.
CHANNEL_ENV: Dict[str, str] = {
    "TELEGRAM_TOKEN": "123456:TEST-telegram-token-not-real",
    "TELEGRAM_BOT_USERNAME": BOT_USERNAME,
    "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhooks/telegram/webhook",
    "TELEGRAM_SECRET_TOKEN": "telegram-secret-for-tests",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "twilio-auth-token-for-tests",
    "TWILIO_NUMBER": "whatsapp:+14155238886",
    "TWILIO_WEBHOOK_URL": "https://bot.example.org/webhooks/twilio/webhook",
    "FACEBOOK_VERIFY_TOKEN": "facebook-verify-token-for-tests",
    "FACEBOOK_APP_SECRET": "facebook-app-secret-for-tests",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "facebook-page-token-for-tests",
    "SLACK_BOT_TOKEN": "xoxb-slack-token-for-tests",
    "SLACK_SIGNING_SECRET": "slack-signing-secret-for-tests",
}


def channel_credentials(api_base_url: str) -> dict:
    """credentials.channels.yml as shipped, with every messaging API pointed at ``api_base_url``."""
    credentials = yaml.safe_load((ROOT / "credentials.channels.yml").read_text())
    for key, settings in credentials.items():
        # our messaging connectors, e.g. channels.telegram.TelegramInput (not the website's REST / socket.io)
        if "." in key and key not in ("channels.rest.RestInput", "channels.socketio.SocketIOInput"):
            settings["api_base_url"] = api_base_url
    return credentials
