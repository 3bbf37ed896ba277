"""Rasa's REST channel with the shared message limits and paused-conversation safety net (channels/safety.py), a
rate limit per network address, and a clear 400 for a body that is not a message."""

from __future__ import annotations

from typing import Any, Optional

from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from channels.safety import Handler, PausedSafetyNet, address_refusal

BAD_BODY = {
    "error": 'expected a JSON object {"sender": "<id of at most 128 characters>", "message": "<text>"}'
    ' with an optional "metadata" object'
}


MAX_SENDER_CHARS = 128  # a conversation id, not a document (the tracker stores it in a 255-character column)


def _bad_body(request: Request) -> bool:
    """Whether the body is not {"sender": <id>, "message": <text>, "metadata": <object>?}. Sanic parses the body
    once and keeps it (`request.json`), so Rasa's handler reads the same parse."""
    try:
        body = request.json
    except InvalidUsage:
        return True
    if not isinstance(body, dict):
        return True
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        return True
    return not isinstance(message, str) or not isinstance(metadata, (dict, type(None)))


class RestInput(PausedSafetyNet, RasaRestInput):
    """Same name ("rest") and URL (/webhooks/rest/webhook) as Rasa's own."""

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.on_request
        async def limits(request: Request) -> Optional[Any]:
            if request.method != "POST":
                return None
            refused = address_refusal(request.ip, request.headers.get("X-Forwarded-For"))
            if refused is not None:
                tell, text = refused
                return response.json([{"text": text}] if tell else [], status=429)
            if _bad_body(request):
                return response.json(BAD_BODY, status=400)
            return None

        return blueprint
