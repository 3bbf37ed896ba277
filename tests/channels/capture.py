"""A local stand-in for the Telegram, Twilio, Graph (Messenger) and Slack APIs that records every call.

It runs in its own thread with its own event loop, so both async unit tests and a separate Rasa process can
call it. Answers are shaped like the real APIs' so the real client libraries accept them.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from aiohttp import web

BOT_USERNAME = "heel_test_bot"


@dataclass
class Call:
    method: str
    path: str
    query: Dict[str, str]
    headers: Dict[str, str]
    data: Any  # parsed JSON, or a dict of form fields
    raw: bytes = field(repr=False, default=b"")

    @property
    def api(self) -> str:
        """Which API and method: 'telegram:sendMessage', 'twilio:Messages', 'messenger:messages', 'slack:chat.postMessage'."""
        if match := re.match(r"^/bot[^/]+/(\w+)$", self.path):
            return f"telegram:{match.group(1)}"
        if re.match(r"^/2010-04-01/Accounts/[^/]+/Messages\.json$", self.path):
            return "twilio:Messages"
        if re.match(r"^/v[\d.]+/me/messages$", self.path):
            return "messenger:messages"
        if match := re.match(r"^/api/([\w.]+)$", self.path):
            return f"slack:{match.group(1)}"
        return f"unknown:{self.path}"


class CaptureServer:
    def __init__(self) -> None:
        self.calls: List[Call] = []
        self._lock = threading.Lock()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None
        self._counter = 0
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    # --- lifecycle ---
    def start(self) -> "CaptureServer":
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", self._handle)
            self._runner = web.AppRunner(app)
            self._loop.run_until_complete(self._runner.setup())
            self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="api-capture", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("capture server did not start")
        return self

    def stop(self) -> None:
        if self._loop and self._thread:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    # --- queries ---
    def since_now(self) -> "CaptureView":
        """A view that sees only the calls made from now on."""
        with self._lock:
            return CaptureView(self, len(self.calls))

    def find(self, predicate: Callable[[Call], bool], first: int = 0) -> List[Call]:
        with self._lock:
            return [call for call in self.calls[first:] if predicate(call)]

    def wait_for(
        self,
        predicate: Callable[[Call], bool],
        count: int = 1,
        timeout: float = 60.0,
        settle: float = 0.5,
        first: int = 0,
    ) -> List[Call]:
        """Calls matching ``predicate`` once at least ``count`` arrived and no new one came for ``settle`` s."""
        deadline = time.time() + timeout
        found: List[Call] = []
        while time.time() < deadline:
            found = self.find(predicate, first)
            if len(found) >= count:
                time.sleep(settle)
                again = self.find(predicate, first)
                if len(again) == len(found):
                    return found
                continue
            time.sleep(0.1)
        raise AssertionError(
            f"expected {count} matching call(s) within {timeout}s, got {len(found)}: "
            f"{[c.api for c in self.find(lambda c: True, first)]}"
        )

    # --- the fake APIs ---
    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if request.content_type == "application/json":
            data: Any = json.loads(raw or b"null")
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            data = {key: (form.getall(key) if len(form.getall(key)) > 1 else form[key]) for key in form.keys()}
        else:
            data = raw.decode(errors="replace")
        call = Call(request.method, request.path, dict(request.query), dict(request.headers), data, raw)
        with self._lock:
            self.calls.append(call)
            self._counter += 1
            number = self._counter
        return self._answer(call, number)

    @staticmethod
    def _answer(call: Call, number: int) -> web.Response:
        api = call.api
        data = call.data if isinstance(call.data, dict) else {}
        if api == "telegram:getMe":
            return web.json_response(
                {"ok": True, "result": {"id": 123456, "is_bot": True, "first_name": "Heel", "username": BOT_USERNAME}}
            )
        if api == "telegram:sendMessage":
            chat_id = data.get("chat_id", "0")
            return web.json_response(
                {
                    "ok": True,
                    "result": {
                        "message_id": number,
                        "date": int(time.time()),
                        "text": data.get("text", ""),
                        "chat": {"id": int(chat_id) if str(chat_id).lstrip("-").isdigit() else 0, "type": "private"},
                    },
                }
            )
        if api.startswith("telegram:"):
            return web.json_response({"ok": True, "result": True})
        if api == "twilio:Messages":
            sid = call.path.split("/")[3]
            return web.json_response(
                status=201,
                data={
                    "sid": f"SM{number:032d}",
                    "account_sid": sid,
                    "to": data.get("To"),
                    "from": data.get("From"),
                    "body": data.get("Body", ""),
                    "status": "queued",
                    "num_segments": "1",
                    "direction": "outbound-api",
                    "uri": f"/2010-04-01/Accounts/{sid}/Messages/SM{number:032d}.json",
                },
            )
        if api == "messenger:messages":
            recipient = (data.get("recipient") or {}).get("id")
            return web.json_response({"recipient_id": recipient, "message_id": f"m_{number}"})
        if api.startswith("slack:"):
            return web.json_response(
                {
                    "ok": True,
                    "channel": data.get("channel"),
                    "ts": f"1700000000.{number:06d}",
                    "message": {"text": data.get("text", "")},
                }
            )
        return web.json_response({"error": "unknown endpoint"}, status=404)


@dataclass
class CaptureView:
    """The calls a capture server received after a given point."""

    server: CaptureServer
    first: int

    @property
    def url(self) -> str:
        return self.server.url

    def find(self, predicate: Callable[[Call], bool]) -> List[Call]:
        return self.server.find(predicate, self.first)

    def wait_for(self, predicate: Callable[[Call], bool], **kwargs: Any) -> List[Call]:
        return self.server.wait_for(predicate, first=self.first, **kwargs)
