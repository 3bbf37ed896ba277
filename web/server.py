"""The clinic's demo website (port settings.web_port) with the chat widget embedded.

Serves:
  /            the HelloPhysio page, filled in from clinic.yml (re-read on every request, so edits show at once)
  /widget.js   the built widget (web/static/widget.js, built by `npm ci && npm run build` in web/)
  /site.css    the page's own styles
  /healthz     JSON health: {"status": "ok", "widget_built": true|false}

The browser talks to Rasa directly (socket.io); this server only hands the page the Rasa URL.
"""

from __future__ import annotations

import html
import json
import logging
from pathlib import Path
from string import Template
from typing import Any, Dict, Optional
from urllib.parse import urlsplit

from aiohttp import web

from heel.settings import get_clinic

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATE = HERE / "templates" / "index.html"
BUILD_HINT = "cd web && npm ci && npm run build   (or: make widget)"

DEFAULT_CLINIC: Dict[str, Any] = {"name": "HelloPhysio"}

# Quick replies under the greeting: intents from the shared contract in docs/architecture.md.
GREETING_BUTTONS = [
    {"title": "Check my symptoms", "payload": "/request_assessment"},
    {"title": "Causes of heel pain", "payload": "/ask_causes"},
    {"title": "Book an appointment", "payload": "/book_appointment"},
]


def clinic_details() -> Dict[str, Any]:
    """clinic.yml as a dict; the page still renders (with the clinic name only) if the file is unreadable."""
    try:
        return dict(get_clinic().data)
    except (OSError, ValueError) as exc:  # missing file, YAML error
        logger.warning("clinic settings unavailable (%s); showing defaults", exc)
        return dict(DEFAULT_CLINIC)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _e(value: Any) -> str:
    return html.escape(_text(value), quote=True)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(rasa_url: str) -> str:
    """Only our own scripts; connections only to this site and the Rasa server (http and websocket)."""
    connect = ["'self'"]
    origin = _origin(rasa_url)
    if origin:
        connect.append(origin)
        connect.append(origin.replace("https://", "wss://", 1).replace("http://", "ws://", 1))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src " + " ".join(connect),
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


def widget_path(static_dir: Path = STATIC_DIR) -> Path:
    return static_dir / "widget.js"


def render_index(rasa_url: str, static_dir: Path = STATIC_DIR) -> str:
    clinic = clinic_details()
    name = _text(clinic.get("name")) or DEFAULT_CLINIC["name"]
    phone = _text(clinic.get("phone"))
    emergency = _text(clinic.get("emergency_number"))
    greeting = (
        f"Hello and welcome to {name}. I can explain what may be causing your heel pain, check your "
        "symptoms with a few questions, or help you book an appointment. What would you like to do?"
    )
    tel = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    email = _text(clinic.get("email"))
    contact_rows = []
    if phone:
        contact_rows.append(f'<dt>Phone</dt><dd><a href="tel:{_e(tel)}">{_e(phone)}</a></dd>')
    if email:
        contact_rows.append(f'<dt>Email</dt><dd><a href="mailto:{_e(email)}">{_e(email)}</a></dd>')
    if clinic.get("address"):
        contact_rows.append(f"<dt>Address</dt><dd>{_e(clinic['address'])}</dd>")
    if clinic.get("hours"):
        contact_rows.append(f"<dt>Opening hours</dt><dd>{_e(clinic['hours'])}</dd>")
    emergency_note = (
        f'<p class="emergency"><strong>In an emergency call {_e(emergency)}.</strong> '
        "The chat assistant gives general information, not a diagnosis.</p>"
        if emergency
        else ""
    )
    widget_missing = not widget_path(static_dir).exists()
    notice = (
        '<p class="build-notice" role="alert">The chat widget has not been built yet, so it cannot appear on '
        f"this page. Build it with: <code>{_e(BUILD_HINT)}</code></p>"
        if widget_missing
        else ""
    )
    embed = {
        "data-server": rasa_url,
        "data-clinic": name,
        "data-greeting": greeting,
        "data-greeting-buttons": json.dumps(GREETING_BUTTONS),
        "data-phone": phone,
        "data-emergency": emergency,
    }
    embed_attrs = " ".join(f'{key}="{_e(value)}"' for key, value in embed.items() if value)
    template = Template(TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute(
        name=_e(name),
        phone=_e(phone),
        tel=_e(tel),
        contact_rows="\n        ".join(contact_rows),
        emergency_note=emergency_note,
        build_notice=notice,
        embed_attrs=embed_attrs,
    )


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def create_app(rasa_url: str, static_dir: Path = STATIC_DIR) -> web.Application:
    app = web.Application()
    csp = content_security_policy(rasa_url)

    @web.middleware
    async def headers(request: web.Request, handler):
        response = await handler(request)
        response.headers.update(SECURITY_HEADERS)
        if response.content_type == "text/html":
            response.headers["Content-Security-Policy"] = csp
        return response

    app.middlewares.append(headers)

    async def index(_: web.Request) -> web.Response:
        return web.Response(
            text=render_index(rasa_url, static_dir), content_type="text/html", headers={"Cache-Control": "no-cache"}
        )

    async def widget(_: web.Request) -> web.StreamResponse:
        path = widget_path(static_dir)
        if not path.exists():
            message = f"widget.js has not been built. Build it with: {BUILD_HINT}"
            return web.Response(
                status=503, content_type="application/javascript", text=f"console.error({json.dumps(message)});\n"
            )
        return web.FileResponse(
            path, headers={"Cache-Control": "no-cache", "Content-Type": "application/javascript; charset=utf-8"}
        )

    async def site_css(_: web.Request) -> web.StreamResponse:
        return web.FileResponse(static_dir / "site.css", headers={"Cache-Control": "no-cache"})

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "widget_built": widget_path(static_dir).exists()})

    app.router.add_get("/", index)
    app.router.add_get("/index.html", index)
    app.router.add_get("/widget.js", widget)
    app.router.add_get("/site.css", site_css)
    app.router.add_get("/healthz", health)
    return app


def run(host: str, port: int, rasa_url: str, static_dir: Optional[Path] = None) -> None:
    static_dir = static_dir or STATIC_DIR
    if not widget_path(static_dir).exists():
        logger.warning(
            "web/static/widget.js is missing: the page will load without the chat. Build it with: %s", BUILD_HINT
        )
    logger.info("clinic website on http://%s:%s (widget talks to Rasa at %s)", host, port, rasa_url)
    web.run_app(create_app(rasa_url, static_dir), host=host, port=port, access_log=None, print=None)
