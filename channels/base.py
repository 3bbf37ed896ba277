"""What the four messaging connectors share: channel-fitted replies and numbered choices.

Inputs and outputs here are mixins placed before Rasa's own connector classes, so Rasa's webhook parsing
and API clients keep running and only the behaviour below changes.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import UserUttered
from sanic import Blueprint

from channels.formatting import Button, Outgoing, Profile, choice_number, format_reply, pending_buttons, resolve_choice

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


class FittedOutput:
    """Output mixin: every reply is rendered, split and given buttons the way its channel shows them."""

    profile: Profile

    def profile_for(self, recipient_id: Text) -> Profile:
        return self.profile

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_reply(recipient_id, text, [])

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self.send_reply(recipient_id, text, buttons)

    async def send_quick_replies(
        self, recipient_id: Text, text: Text, quick_replies: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self.send_reply(recipient_id, text, quick_replies)

    async def send_reply(self, recipient_id: Text, text: Optional[Text], buttons: List[Button]) -> None:
        for message in format_reply(text, buttons, self.profile_for(recipient_id)):
            await self.send_formatted(recipient_id, message)

    async def send_formatted(self, recipient_id: Text, message: Outgoing) -> None:
        """Sends one message that already fits the channel (its text and, if any, native buttons)."""
        raise NotImplementedError


class ChoiceInput:
    """Input mixin: a reply such as "2" to numbered options becomes the payload of the second button.

    The options are read from the conversation's tracker in the tracker store, not from process memory, so
    this works with any tracker store and behind a load balancer with several Rasa instances. Only options the
    channel showed as numbered text are resolved: where the visitor saw real buttons, "2" stays an answer.
    """

    profile: Profile
    api_base_url: Optional[Text] = None

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> Any:
        channel = super().from_credentials(credentials)  # type: ignore[misc]
        # Where the platform's API lives; tests point it at a local capture server.
        channel.api_base_url = ((credentials or {}).get("api_base_url") or "").rstrip("/") or None
        return channel

    def profile_for(self, sender_id: Text) -> Profile:
        return self.profile

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        registered: List[Blueprint] = []

        async def handle(message: UserMessage) -> Any:
            if registered:
                await self.resolve_numbered_choice(message, registered[0])
            return await on_new_message(message)

        blueprint = self.channel_blueprint(handle)
        registered.append(blueprint)
        return blueprint

    def channel_blueprint(self, on_new_message: Handler) -> Blueprint:
        """Rasa's own webhook routes for this channel."""
        return super().blueprint(on_new_message)  # type: ignore[misc]

    async def resolve_numbered_choice(self, message: UserMessage, blueprint: Blueprint) -> None:
        number = choice_number(message.text)
        if number is None:
            return
        agent = next((getattr(app.ctx, "agent", None) for app in blueprint.apps), None)
        tracker_store = getattr(agent, "tracker_store", None)
        if tracker_store is None:
            return
        try:
            tracker = await tracker_store.retrieve(message.sender_id)
        except Exception:  # the message still goes through, just unresolved
            logger.exception("Could not read the tracker to resolve a numbered choice")
            return
        if tracker is None:
            return
        recent: List[Dict[Text, Any]] = []
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered):
                break
            recent.append(event.as_dict())
        buttons = pending_buttons(reversed(recent))
        if not buttons or self.profile_for(message.sender_id).shows_buttons(buttons):
            return
        choice = resolve_choice(message.text, buttons)
        if choice is None:
            return
        logger.debug("Numbered choice %s from %s -> %s", number, message.sender_id, choice["payload"])
        message.metadata = {
            **(message.metadata or {}),
            "numbered_choice": {"number": number, "title": choice.get("title"), "typed": message.text},
        }
        message.text = str(choice["payload"]).strip()
