"""The one call the front desk makes to Rasa: resume a paused conversation (Rasa runs with --enable-api)."""

from __future__ import annotations

from typing import Optional
from urllib.parse import quote

import aiohttp


class RasaUnavailable(RuntimeError):
    """Rasa could not be reached or refused the event."""


async def resume_conversation(
    rasa_url: str, conversation_id: str, token: Optional[str] = None, timeout: float = 10.0
) -> None:
    """Appends {"event": "resume"} to the conversation, so the assistant answers the visitor again."""
    url = f"{rasa_url.rstrip('/')}/conversations/{quote(conversation_id, safe='')}/tracker/events"
    params = {"token": token} if token else None
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
            async with session.post(url, json={"event": "resume"}, params=params) as response:
                if response.status >= 300:
                    raise RasaUnavailable(f"Rasa answered HTTP {response.status}")
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise RasaUnavailable(type(exc).__name__) from exc
