"""What every channel does before and after Rasa handles a message: the length limit, the rate limits, and the
red-flag alert in a paused conversation.

Limits: a message over MAX_MESSAGE_CHARS, or beyond RATE_LIMIT_SENDER for its visitor, or (website channels: REST
and socket.io, see `address_refusal`) beyond RATE_LIMIT_ADDRESS for its network address, gets a polite reply and
never reaches the NLU. A flooding client is told once per window, not once per message.

A red flag in a paused conversation still gets the urgent-care message.

After "talk to a person" the conversation is paused (Rasa's ConversationPaused) so the bot does not talk over
staff. Rasa then records the visitor's messages, red-flag intent included, but predicts nothing. Safety comes
before that rule: this input mixin runs the red-flag alert action whenever the message it just handled was
classified `red_flag` in a paused conversation, or completed a red flag with earlier messages. The conversation
stays paused for everything else.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint

from core_components.red_flag_policy import cross_turn_update, spacy_pipeline
from heel.content import messages
from heel.names import ALERT_ACTION, RED_FLAG_INTENT
from heel.ratelimit import Limit, SlidingWindow, client_address
from heel.settings import get_clinic, get_settings

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


def _agent(blueprint: Blueprint) -> Optional[Any]:
    return next((getattr(app.ctx, "agent", None) for app in blueprint.apps), None)


async def alert_if_paused(message: UserMessage, agent: Any) -> bool:
    """Runs the red-flag alert for a red flag in a paused conversation; True when it did."""
    tracker = await agent.tracker_store.retrieve(message.sender_id)
    if tracker is None or not tracker.is_paused():
        return False
    latest = tracker.latest_message
    single = latest is not None and (latest.intent or {}).get("name") == RED_FLAG_INTENT
    # Rasa predicts nothing while paused, so CrossTurnRedFlagPolicy does not run: the facts are kept, and a flag that
    # earlier messages complete is found, here.
    fresh, events = cross_turn_update(tracker, lambda: spacy_pipeline(str(get_settings().spacy_model)))
    if events:
        tracker.update_with_events(events, None)
        await agent.tracker_store.save(tracker)
    if not single and not fresh:
        return False
    logger.debug("red flag in paused conversation %s: alerting", message.sender_id)
    await agent.execute_action(message.sender_id, ALERT_ACTION, message.output_channel, None, None)
    return True


async def refuse_if_too_long(message: UserMessage) -> bool:
    """A message over the length limit gets a polite refusal and never reaches the NLU; True when refused."""
    limit = get_settings().max_message_chars
    if len(message.text or "") <= limit:
        return False
    logger.info("message of %d characters refused (limit %d)", len(message.text or ""), limit)
    reply = messages.message("message_too_long", {**get_clinic().placeholders(), "limit": str(limit)})
    await message.output_channel.send_text_message(message.sender_id, reply["text"])
    return True


class _Limiter:
    """A sliding window per key kind, and when each key was last told it is over the limit."""

    def __init__(self, limit: Limit) -> None:
        self.window = SlidingWindow(limit)
        self.told = SlidingWindow(Limit(1, limit.seconds or 1))

    def check(self, key: str, now: float) -> Tuple[bool, bool]:
        """(allowed, tell): tell is True for the first refusal of a window."""
        if self.window.allow(key, now):
            return True, False
        return False, self.told.allow(key, now)


_limiters: Dict[str, _Limiter] = {}


def limiter(kind: str) -> _Limiter:
    """The process's limiter for "sender" or "address", built from the settings on first use."""
    if kind not in _limiters:
        settings = get_settings()
        text = settings.rate_limit_sender if kind == "sender" else settings.rate_limit_address
        _limiters[kind] = _Limiter(Limit.parse(text))
    return _limiters[kind]


def rate_limited_text(kind: str) -> str:
    limit = limiter(kind).window.limit
    values = {**get_clinic().placeholders(), "limit": str(limit.count), "seconds": str(int(limit.seconds))}
    return messages.message("message_rate_limited", values)["text"]


async def refuse_if_flooding(message: UserMessage) -> bool:
    """Beyond the visitor's rate limit: not read; told once per window. True when refused."""
    allowed, tell = limiter("sender").check(str(message.sender_id), time.monotonic())
    if allowed:
        return False
    if tell:
        logger.info("rate limit reached for a visitor; further messages in this window are not read")
        await message.output_channel.send_text_message(message.sender_id, rate_limited_text("sender"))
    return True


def address_refusal(peer: str, forwarded_for: Optional[str]) -> Optional[Tuple[bool, str]]:
    """For the website channels: None when the address may send; else (tell, text). The machine itself (a loopback
    peer without a proxy header) is not limited."""
    address, local = client_address(peer, forwarded_for, get_settings().trusted_proxies)
    if local:
        return None
    allowed, tell = limiter("address").check(address, time.monotonic())
    if allowed:
        return None
    if tell:
        logger.info("rate limit reached for a network address")
    return tell, rate_limited_text("address")


class _ReplyCounter(OutputChannel):
    """One request's view of its channel's output: passes every reply on and counts them. A new one per message, so
    a channel object shared by several requests (Telegram's) never mixes their counts."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.replies = 0

    def name(self) -> str:  # type: ignore[override]  # the wrapped channel's name, for Rasa's per-channel responses
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.replies += 1
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


class PausedSafetyNet:
    """Input-channel mixin (put it first in the bases) every channel shares: the message length and rate limits,
    and the paused-conversation red-flag alert."""

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        registered: List[Blueprint] = []

        async def handle(message: UserMessage) -> Any:
            if await refuse_if_flooding(message) or await refuse_if_too_long(message):
                return None
            channel, counter = message.output_channel, _ReplyCounter(message.output_channel)
            message.output_channel = counter
            try:
                result = await on_new_message(message)
            finally:
                message.output_channel = channel
            agent = _agent(registered[0]) if registered else None
            # Only a conversation that was paused when the message came gets no reply at all; any reply means Rasa
            # predicted this turn, red flags included, so the stored conversation need not be read again.
            if agent is not None and not counter.replies:
                try:
                    await alert_if_paused(message, agent)
                except Exception:  # never lose the visitor's message because of the safety net itself
                    logger.exception("paused-conversation red-flag check failed")
            return result

        blueprint = super().blueprint(handle)  # type: ignore[misc]
        registered.append(blueprint)
        return blueprint
