"""Facebook Messenger: quick replies (at most 13, titles up to 20 characters, else numbered options), plain
text under 2000 characters, signed webhooks.

credentials: ``channels.facebook.MessengerInput`` with ``verify`` (the verify token you type into Meta's
webhook settings), ``secret`` (the app secret, checks X-Hub-Signature-256), ``page-access-token`` and
optionally ``api_base_url`` (tests only).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from typing import Any, Dict, Optional, Text

from fbmessenger import MessengerClient
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.facebook import FacebookInput, Messenger, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.base import ChoiceInput, FittedOutput, Handler
from channels.formatting import MESSENGER, Outgoing
from channels.safety import PausedSafetyNet

logger = logging.getLogger(__name__)


def messenger_client(page_access_token: Text, api_base_url: Optional[Text] = None) -> MessengerClient:
    client = MessengerClient(page_access_token)
    if api_base_url:  # on this client only; fbmessenger has no global setting to touch
        client.graph_url = f"{api_base_url}/v{client.api_version}"
    return client


class MessengerOutput(FittedOutput, MessengerBot):
    """Send API calls run in a thread: fbmessenger uses blocking ``requests``, Rasa's loop must not wait on it."""

    profile = MESSENGER

    async def _call(self, method: Any, *args: Any) -> None:
        result = await asyncio.to_thread(method, *args)
        if isinstance(result, dict) and result.get("error"):
            logger.error("Messenger Send API error: %s", result["error"])

    async def send_formatted(self, recipient_id: Text, message: Outgoing) -> None:
        payload: Dict[Text, Any] = {"text": message.text}
        if message.buttons:
            payload["quick_replies"] = [
                {"content_type": "text", "title": button["title"], "payload": button["payload"]}
                for button in message.buttons
            ]
        await self._call(self.messenger_client.send, payload, recipient_id, "RESPONSE")

    async def send_action(self, recipient_id: Text, sender_action: Text) -> None:
        await self._call(self.messenger_client.send_action, sender_action, recipient_id)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        payload = {"attachment": {"type": "image", "payload": {"url": image, "is_reusable": True}}}
        await self._call(self.messenger_client.send, payload, recipient_id, "RESPONSE")

    async def send_custom_json(self, recipient_id: Text, json_message: Any, **kwargs: Any) -> None:
        await self._call(self.messenger_client.send, json_message, recipient_id, "RESPONSE")


class _MessengerEvents(Messenger):
    """Rasa's webhook parsing, with our output channel and every event of a batch (Rasa's stops at the first)."""

    def __init__(self, page_access_token: Text, on_new_message: Handler, api_base_url: Optional[Text]) -> None:
        super().__init__(page_access_token, on_new_message)
        self.client = messenger_client(page_access_token, api_base_url)

    async def handle(self, payload: Dict, metadata: Optional[Dict[Text, Any]]) -> None:
        for entry in payload.get("entry", []):
            for event in entry.get("messaging", []):
                self.last_message = event
                if event.get("message"):
                    await self.message(event, metadata)
                elif event.get("postback"):
                    await self.postback(event, metadata)

    async def _handle_user_message(self, text: Text, sender_id: Text, metadata: Optional[Dict[Text, Any]]) -> None:
        out_channel = MessengerOutput(self.client)
        await out_channel.send_action(sender_id, "mark_seen")
        await out_channel.send_action(sender_id, "typing_on")
        try:
            await self.on_new_message(
                UserMessage(text, out_channel, sender_id, input_channel=self.name(), metadata=metadata)
            )
        except Exception:
            logger.exception("Messenger message could not be handled")
        finally:
            await out_channel.send_action(sender_id, "typing_off")


class MessengerInput(PausedSafetyNet, ChoiceInput, FacebookInput):
    """/webhooks/facebook/webhook: GET answers Meta's verification, POST takes signed message events."""

    profile = MESSENGER

    def is_signed_by_meta(self, request: Request) -> bool:
        for header, digest in (("X-Hub-Signature-256", hashlib.sha256), ("X-Hub-Signature", hashlib.sha1)):
            value = request.headers.get(header)
            if value:
                algorithm, _, signature = value.partition("=")
                expected = hmac.new((self.fb_secret or "").encode(), request.body, digest).hexdigest()
                return bool(self.fb_secret) and algorithm == digest().name and hmac.compare_digest(signature, expected)
        return False

    def channel_blueprint(self, on_new_message: Handler) -> Blueprint:
        fb_webhook = Blueprint("fb_webhook", __name__)

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            if self.fb_verify and hmac.compare_digest(token, self.fb_verify):
                return response.text(request.args.get("hub.challenge") or "")
            logger.warning("Messenger webhook verification with a wrong verify token")
            return response.text("failure, invalid token", status=403)

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_signed_by_meta(request):
                logger.warning("Messenger webhook call without a valid X-Hub-Signature rejected")
                return response.text("not validated", status=403)
            events = _MessengerEvents(self.fb_access_token, on_new_message, self.api_base_url)
            await events.handle(request.json or {}, self.get_metadata(request))
            return response.text("success")

        return fb_webhook

    def get_output_channel(self) -> MessengerOutput:
        return MessengerOutput(messenger_client(self.fb_access_token, self.api_base_url))
