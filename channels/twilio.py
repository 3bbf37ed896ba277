"""WhatsApp (and SMS) through Twilio: numbered options, messages under 1600 characters, signed webhooks.

credentials: ``channels.twilio.TwilioWhatsAppInput`` with ``account_sid``, ``auth_token``, ``twilio_number``,
``webhook_url`` (the exact public URL set in Twilio, used to check X-Twilio-Signature) and optionally
``api_base_url`` (tests only).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from sanic import Blueprint, response
from sanic.request import Request
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from channels.base import ChoiceInput, FittedOutput, Handler
from channels.formatting import SMS, WHATSAPP_TWILIO, Outgoing, Profile
from channels.safety import PausedSafetyNet

logger = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
WHATSAPP_PREFIX = "whatsapp:"


class _Fields(dict):
    """Form fields as Twilio's validator reads a multi-dict: every value of a name, blank ones included."""

    def getall(self, name: str) -> List[str]:
        return self[name]


def signed_fields(body: bytes) -> _Fields:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return _Fields()
    return _Fields(parse_qs(text, keep_blank_values=True))


def profile_for_address(address: Text) -> Profile:
    return WHATSAPP_TWILIO if str(address).startswith(WHATSAPP_PREFIX) else SMS


class _TwilioHttp(AsyncTwilioHttpClient):
    """Twilio's asyncio client (so sending never blocks Rasa's event loop), optionally at another base URL."""

    def __init__(self, api_base_url: Optional[Text]) -> None:
        # pool_connections=False: one short-lived aiohttp session per request, nothing left open.
        super().__init__(pool_connections=False, timeout=20)
        self.api_base_url = api_base_url

    async def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if self.api_base_url and url.startswith(TWILIO_API):
            url = self.api_base_url + url[len(TWILIO_API) :]
        return await super().request(method, url, *args, **kwargs)


class TwilioWhatsAppOutput(FittedOutput, TwilioOutput):
    """Sends through Twilio's Messages API; WhatsApp gets *bold*, SMS plain text; buttons become numbers."""

    def __init__(
        self,
        account_sid: Optional[Text],
        auth_token: Optional[Text],
        twilio_number: Optional[Text],
        api_base_url: Optional[Text] = None,
    ) -> None:
        Client.__init__(self, account_sid, auth_token, http_client=_TwilioHttp(api_base_url))
        self.twilio_number = twilio_number
        self.send_retry = 0
        self.max_retry = 5

    def profile_for(self, recipient_id: Text) -> Profile:
        return profile_for_address(recipient_id)

    def _sender_for(self, recipient_id: Text) -> Optional[Text]:
        """One Twilio number can serve SMS and WhatsApp: add or drop the whatsapp: prefix to match the visitor."""
        number = self.twilio_number or ""
        bare = number[len(WHATSAPP_PREFIX) :] if number.startswith(WHATSAPP_PREFIX) else number
        return WHATSAPP_PREFIX + bare if str(recipient_id).startswith(WHATSAPP_PREFIX) else bare

    async def _send_message(self, message_data: Dict[Text, Any]) -> Any:
        try:
            return await self.messages.create_async(**message_data)
        except TwilioRestException as error:
            logger.error("Twilio refused a message to %s: %s", message_data.get("to"), error.msg)
        return None

    async def send_formatted(self, recipient_id: Text, message: Outgoing) -> None:
        await self._send_message({"to": recipient_id, "from_": self._sender_for(recipient_id), "body": message.text})

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self._send_message({"to": recipient_id, "from_": self._sender_for(recipient_id), "media_url": [image]})


class TwilioWhatsAppInput(PausedSafetyNet, ChoiceInput, TwilioInput):
    """Twilio's webhook (/webhooks/twilio/webhook) with X-Twilio-Signature checked on every request."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.webhook_url = (credentials or {}).get("webhook_url") or None
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Errors in a conversation are logged, not raised into Twilio's webhook (which would retry it).
        self.debug_mode = False
        self.webhook_url: Optional[Text] = None

    def profile_for(self, sender_id: Text) -> Profile:
        return profile_for_address(sender_id)

    def is_signed_by_twilio(self, request: Request) -> bool:
        """Twilio signs every posted field, blank ones too (an SMS carries `FromCity=`, a media-only WhatsApp
        message `Body=`); Sanic's parsed form drops blank values, so the signature is checked on the raw body."""
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not self.auth_token:
            return False
        url = self.webhook_url or request.url
        return RequestValidator(self.auth_token).validate(url, signed_fields(request.body), signature)

    def channel_blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = super().channel_blueprint(on_new_message)

        @blueprint.on_request
        async def check_signature(request: Request) -> Optional[response.HTTPResponse]:
            if request.method == "POST" and not self.is_signed_by_twilio(request):
                logger.warning("Twilio webhook call without a valid X-Twilio-Signature rejected")
                return response.text("invalid signature", status=403)
            return None

        return blueprint

    def get_output_channel(self) -> TwilioWhatsAppOutput:
        return TwilioWhatsAppOutput(self.account_sid, self.auth_token, self.twilio_number, self.api_base_url)
