"""A red flag in a paused conversation still gets the urgent-care message.

After "talk to a person" the conversation is paused (Rasa's ConversationPaused) so the bot does not talk over
staff. Rasa then records the visitor's messages, red-flag intent included, but predicts nothing. Safety comes
before that rule: this input mixin runs the red-flag alert action whenever the message it just handled was
classified `red_flag` in a paused conversation, or completed a red flag with earlier messages. The conversation
stays paused for everything else.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint

from core_components.red_flag_policy import cross_turn_update, spacy_pipeline
from heel.content import messages
from heel.names import ALERT_ACTION, RED_FLAG_INTENT
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
    """Input-channel mixin (put it first in the bases) every channel shares: the message length limit, and the
    paused-conversation red-flag alert."""

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        registered: List[Blueprint] = []

        async def handle(message: UserMessage) -> Any:
            if await refuse_if_too_long(message):
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
