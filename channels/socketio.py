"""Rasa's socket.io input channel with session persistence that works on python-socketio >= 5.10.

Rasa 3.6.21 calls ``sio.enter_room(sid, session_id)`` without ``await``. Since python-socketio 5.10 that
method is a coroutine, so the socket never joins the room named after the session id and, with
``session_persistence: true``, every ``bot_uttered`` (emitted to that room) is lost: the widget would
connect, get ``session_confirm`` and then never hear back. (Rasa issue #13027, open upstream.)

This subclass replaces only the ``session_request`` handler. Enable it in credentials.yml with the same
keys as the built-in channel::

    channels.socketio.SocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true

The channel keeps the name ``socketio``, so trackers and the ``/webhooks/socketio/`` health route are
unchanged. The socket accepts browsers from the site's own origins only (ALLOWED_ORIGINS). Two hardening changes,
because the session id is the Rasa conversation id (sender id):
- session ids must be short opaque tokens (the widget makes 128-bit random ones), not free-form strings;
- a socket may only speak for the session it joined with ``session_request``: the built-in channel takes
  whatever ``session_id`` each ``user_uttered`` carries, so one socket could write into (and have replies
  broadcast to) any other conversation whose id it knows.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput
from sanic import Blueprint

from channels.safety import PausedSafetyNet, address_refusal
from heel.settings import get_settings

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def valid_session_id(value: Any) -> Optional[str]:
    """The session id if it is an opaque token the widget could have made, else None."""
    return value if isinstance(value, str) and SESSION_ID.match(value) else None


def _peer(environ: Dict[str, Any]) -> Tuple[str, Optional[str]]:
    """The socket's peer address and X-Forwarded-For (engine.io's Sanic driver keeps the request in the environ; its
    REMOTE_ADDR is a fixed placeholder)."""
    request = environ.get("sanic.request")
    peer = getattr(request, "ip", None) or environ.get("REMOTE_ADDR", "")
    return str(peer), environ.get("HTTP_X_FORWARDED_FOR")


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):
        await result


class _AwaitedRoomSocketIOInput(RasaSocketIOInput):
    """The built-in socket.io channel, with the room join awaited."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the parent's blueprint()
        # Rasa accepts a socket from any page; only the clinic's own site may open one from a browser (clients that
        # send no Origin, such as servers and tests, are not browsers and are let through by engine.io).
        sio.eio.cors_allowed_origins = list(get_settings().allowed_origins)

        async def session_request(sid: Text, data: Optional[Dict] = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = valid_session_id(requested) or uuid.uuid4().hex
            if self.session_persistence:
                previous = (await sio.get_session(sid, namespace=self.namespace)).get("session_id")
                if previous and previous != session_id:  # one socket, one conversation
                    await _maybe_await(sio.leave_room(sid, previous, namespace=self.namespace))
                # A coroutine since python-socketio 5.10, a plain call before.
                await _maybe_await(sio.enter_room(sid, session_id, namespace=self.namespace))
                await sio.save_session(sid, {"session_id": session_id}, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug("Socket %s joined session %s.", sid, session_id)

        async def handle_message(sid: Text, data: Any = None) -> None:
            if not isinstance(data, dict):
                return
            refused = address_refusal(*_peer(sio.get_environ(sid, namespace=self.namespace) or {}))
            if refused is not None:
                tell, text = refused
                if tell:
                    await sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=self.namespace)
                return
            if self.session_persistence:
                joined = (await sio.get_session(sid, namespace=self.namespace)).get("session_id")
                if not joined or data.get("session_id") != joined:
                    logger.warning("Socket %s sent a message for a session it has not joined; ignored.", sid)
                    return
                sender_id = joined
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            text = data.get("message")
            message = UserMessage(
                text if isinstance(text, str) else "",
                SocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else {},
            )
            await on_new_message(message)

        # Registering again replaces the parent's handlers for these events.
        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return socketio_webhook


class SocketIOInput(PausedSafetyNet, _AwaitedRoomSocketIOInput):
    """What credentials.yml names: the fixed channel plus the paused-conversation red-flag safety net."""
