"""A scripted stand-in for Rasa's socket.io and REST channels, for widget behaviours that need a server
the test controls (stopping it mid-conversation, slow replies, hostile bot text).

    python tests/browser/fake_rasa.py --port 5199

Protocol as Rasa 3.6 with session_persistence: `session_request` {session_id} -> `session_confirm` id
(the socket joins the room named after the id); `user_uttered` {message, session_id} -> `bot_uttered`
{text, quick_replies?} emitted to that room. REST: POST /webhooks/rest/webhook {sender, message}.
GET /received lists every user message received (session id and text), for assertions.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any, Dict, List

import socketio
from aiohttp import web

NASTY_BOT_TEXT = (
    'Careful: <img src=x onerror="window.__xss=1"> and <script>window.__xss=1</script> '
    'and [a bad link](javascript:window.__xss=1) and <a href="https://evil.example">raw html link</a>'
)
MARKDOWN_TEXT = (
    "The **commonest** causes are:\n- plantar fasciitis\n- Achilles tendinopathy\n"
    "Read [NICE CKS](https://cks.nice.org.uk/topics/plantar-fasciitis/) or [call us](tel:+442079460000)."
)


def replies_for(message: str) -> List[Dict[str, Any]]:
    """The scripted conversation."""
    text = message.strip()
    if text in ("/greet", "hello", "hi"):
        return [
            {
                "text": "Hi! What would you like to do?",
                "quick_replies": [
                    {"content_type": "text", "title": "Causes of heel pain", "payload": "/ask_causes"},
                    {"content_type": "text", "title": "Book an appointment", "payload": "/book_appointment"},
                ],
            }
        ]
    if text in ("/ask_causes", "markdown please"):
        return [{"text": MARKDOWN_TEXT}]
    if text == "/request_assessment":
        return [
            {
                "text": "Where does it hurt?",
                "quick_replies": [
                    {"content_type": "text", "title": "Under the heel", "payload": "under the heel"},
                    {"content_type": "text", "title": "Back of the heel", "payload": "back of the heel"},
                ],
            }
        ]
    if text == "html please":
        return [{"text": NASTY_BOT_TEXT}]
    if text.startswith("echo "):
        return [{"text": "You said: " + text[5:]}]
    if text == "two parts":
        return [{"text": "First part."}, {"text": "Second part."}]
    return [{"text": f"Got it: {text}"}]


def create_app() -> web.Application:
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
    app = web.Application()
    sio.attach(app)
    received: List[Dict[str, str]] = []

    @sio.on("session_request")
    async def session_request(sid, data):
        session_id = (data or {}).get("session_id") or "generated-by-fake"
        await sio.enter_room(sid, session_id)
        received.append({"event": "session_request", "session_id": session_id})
        await sio.emit("session_confirm", session_id, room=sid)

    @sio.on("user_uttered")
    async def user_uttered(sid, data):
        session_id = data.get("session_id")
        message = data.get("message", "")
        received.append({"event": "user_uttered", "session_id": session_id, "message": message})
        if message.startswith("slow"):
            await asyncio.sleep(2.5)
        for reply in replies_for(message):
            await sio.emit("bot_uttered", reply, room=session_id)
            await asyncio.sleep(0.05)

    async def rest_webhook(request: web.Request) -> web.Response:
        body = await request.json()
        message = body.get("message", "")
        received.append({"event": "rest", "session_id": body.get("sender"), "message": message})
        if message.startswith("slow"):
            await asyncio.sleep(2.5)
        out = []
        for reply in replies_for(message):
            item = {"recipient_id": body.get("sender"), "text": reply["text"]}
            if reply.get("quick_replies"):
                item["buttons"] = [{"title": b["title"], "payload": b["payload"]} for b in reply["quick_replies"]]
            out.append(item)
        return web.json_response(out, headers=CORS)

    async def rest_options(_: web.Request) -> web.Response:
        return web.Response(headers=CORS)

    async def root(_: web.Request) -> web.Response:
        return web.Response(text="Hello from the fake Rasa", headers=CORS)

    async def list_received(_: web.Request) -> web.Response:
        return web.json_response(received)

    app.router.add_get("/", root)
    app.router.add_get("/received", list_received)
    app.router.add_post("/webhooks/rest/webhook", rest_webhook)
    app.router.add_route("OPTIONS", "/webhooks/rest/webhook", rest_options)
    return app


CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    web.run_app(create_app(), host="127.0.0.1", port=args.port, print=None, access_log=None, shutdown_timeout=0.5)


if __name__ == "__main__":
    main()
