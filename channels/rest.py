"""Rasa's REST channel with the paused-conversation red-flag safety net (channels/safety.py)."""

from __future__ import annotations

from rasa.core.channels.rest import RestInput as RasaRestInput

from channels.safety import PausedSafetyNet


class RestInput(PausedSafetyNet, RasaRestInput):
    """Same name ("rest") and URL (/webhooks/rest/webhook) as Rasa's own."""
