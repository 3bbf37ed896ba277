"""Slack: Block Kit buttons (at most 25, titles up to 75 characters, else numbered options), mrkdwn, messages
under 3000 characters, signed requests.

credentials: ``channels.slack.SlackInput`` with ``slack_token`` (the bot token, xoxb-...),
``slack_signing_secret`` and optionally Rasa's other Slack keys (``slack_channel``, ``use_threads``,
``conversation_granularity``) and ``api_base_url`` (tests only).
"""

from __future__ import annotations

import logging
from typing import Any, Optional, Text

from rasa.core.channels.slack import SlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic import Blueprint, response
from sanic.request import Request
from slack_sdk.web.async_client import AsyncWebClient

from channels.base import ChoiceInput, FittedOutput, Handler
from channels.formatting import SLACK_PROFILE, Outgoing
from channels.safety import PausedSafetyNet

logger = logging.getLogger(__name__)


class SlackOutput(FittedOutput, SlackBot):
    """Posts with chat.postMessage as the app's bot user (no legacy ``as_user``, which new Slack apps refuse)."""

    profile = SLACK_PROFILE

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_base_url: Optional[Text] = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_base_url:
            self.client = AsyncWebClient(token, proxy=proxy, base_url=f"{api_base_url}/api/")

    async def send_formatted(self, recipient_id: Text, message: Outgoing) -> None:
        recipient = self.slack_channel or recipient_id
        if not message.buttons:
            await self._post_message(channel=recipient, text=message.text)
            return
        blocks = [
            {"type": "section", "text": {"type": "mrkdwn", "text": message.text}},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": button["title"]},
                        "value": button["payload"],
                    }
                    for button in message.buttons
                ],
            },
        ]
        await self._post_message(channel=recipient, text=message.text, blocks=blocks)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self._post_message(
            channel=self.slack_channel or recipient_id,
            text=image,
            blocks=[{"type": "image", "image_url": image, "alt_text": image}],
        )


class SlackInput(PausedSafetyNet, ChoiceInput, RasaSlackInput):
    """/webhooks/slack/webhook: Events API messages (JSON) and button clicks (form-encoded), both signed."""

    profile = SLACK_PROFILE

    def channel_blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = super().channel_blueprint(on_new_message)

        @blueprint.on_request
        async def url_verification(request: Request) -> Optional[response.HTTPResponse]:
            # Slack's handshake when the Request URL is saved expects {"challenge": ...}; Rasa answers a bare
            # JSON string.
            if request.method != "POST" or request.headers.get("content-type") != "application/json":
                return None
            body = request.json
            if not isinstance(body, dict) or body.get("type") != "url_verification":
                return None
            if not self.is_request_from_slack_authentic(request):
                return response.text("invalid signature", status=400)
            return response.json({"challenge": body.get("challenge")})

        return blueprint

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> SlackOutput:
        return SlackOutput(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_base_url)
