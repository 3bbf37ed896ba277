"""The front-desk web app: staff page (sign-in with the token, HttpOnly session cookie, CSRF-checked forms) and a
bearer-token JSON API. The outbox worker runs inside the same process."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from datetime import timezone, tzinfo
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple
from urllib.parse import urlsplit

from aiohttp import web

from frontdesk import rasa_client, templates
from frontdesk.notifier import OutboxWorker
from heel.booking import hours as opening_hours
from heel.booking import logic as booking_logic
from heel.settings import Settings, frontdesk_token, get_clinic, get_settings, rasa_api_token
from heel.store import requests_repo
from heel.store.requests import STATUSES
from heel.store.requests_repo import StoreUnavailable

logger = logging.getLogger(__name__)

COOKIE = "frontdesk_session"
SESSION_SECONDS = 12 * 3600
OPEN_STATUSES = ("new", "contacted")

SETTINGS = web.AppKey("settings", Settings)
TOKEN = web.AppKey("token", str)
DB_URL = web.AppKey("db_url", object)
WORKER = web.AppKey("worker", object)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# ------------------------------------------------------------------------------------------------- security
def _sign(token: str, purpose: str, value: str) -> str:
    return hmac.new(token.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def session_value(token: str, issued: Optional[int] = None) -> str:
    issued = int(time.time()) if issued is None else issued
    return f"{issued}.{_sign(token, 'session', str(issued))}"


def valid_session(token: str, value: Optional[str], now: Optional[float] = None) -> bool:
    """A cookie the server signed with the current token, less than SESSION_SECONDS old. Changing the token
    signs everyone out."""
    if not value or "." not in value:
        return False
    issued, signature = value.split(".", 1)
    if not issued.isdigit() or not hmac.compare_digest(signature, _sign(token, "session", issued)):
        return False
    age = (time.time() if now is None else now) - int(issued)
    return 0 <= age < SESSION_SECONDS


def csrf_token(token: str, session: str) -> str:
    return _sign(token, "csrf", session)[:40]


def bearer_ok(request: web.Request) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, supplied = header.partition(" ")
    return (
        scheme.lower() == "bearer"
        and bool(supplied)
        and hmac.compare_digest(supplied.strip().encode(), request.app[TOKEN].encode())
    )


def _same_origin(request: web.Request) -> bool:
    """Browsers send Origin on POST; a form posted from another site is refused even before the CSRF check."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.host


def _secure(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    # Personal and health data: never cached by browsers or proxies.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _unauthorized() -> web.Response:
    return web.json_response({"error": "unauthorized"}, status=401, headers={"WWW-Authenticate": "Bearer"})


def _session(request: web.Request) -> Optional[str]:
    value = request.cookies.get(COOKIE)
    return value if valid_session(request.app[TOKEN], value) else None


async def _staff_form(request: web.Request) -> Tuple[Optional[str], Dict[str, Any]]:
    """The session of a CSRF-checked staff POST, or None (the caller answers 403)."""
    session = _session(request)
    form = dict(await request.post())
    if session is None or not _same_origin(request):
        return None, form
    if not hmac.compare_digest(str(form.get("csrf", "")), csrf_token(request.app[TOKEN], session)):
        return None, form
    return session, form


def _clinic_tz_and_region() -> Tuple[tzinfo, str]:
    try:
        clinic = dict(get_clinic().data)
    except (OSError, ValueError):
        return timezone.utc, booking_logic.DEFAULT_REGION
    try:
        tz = opening_hours.load_timezone(str(clinic.get("timezone") or "Europe/London"))
    except opening_hours.OpeningHoursError:
        tz = timezone.utc
    return tz, booking_logic.region_from(clinic)


async def _db(request: web.Request, function, *args, **kwargs):
    return await asyncio.to_thread(function, *args, url=request.app[DB_URL], **kwargs)


def _request_id(request: web.Request) -> Optional[int]:
    raw = request.match_info.get("request_id", "")
    return int(raw) if raw.isdigit() else None


# ------------------------------------------------------------------------------------------------------- API
async def api_list(request: web.Request) -> web.Response:
    if not bearer_ok(request):
        return _unauthorized()
    query = request.query
    statuses = [s for s in query.get("status", "").split(",") if s in STATUSES] or None
    kind = query.get("kind") if query.get("kind") in ("booking", "handoff") else None
    try:
        limit = int(query.get("limit", requests_repo.DEFAULT_LIST_LIMIT))
    except ValueError:
        limit = requests_repo.DEFAULT_LIST_LIMIT
    try:
        rows = await _db(
            request,
            requests_repo.list_requests,
            statuses=statuses,
            kind=kind,
            conversation_id=query.get("conversation_id") or None,
            limit=limit,
        )
    except StoreUnavailable:
        return web.json_response({"error": "database unavailable"}, status=503)
    return web.json_response([row.as_api() for row in rows])


async def api_get(request: web.Request) -> web.Response:
    if not bearer_ok(request):
        return _unauthorized()
    request_id = _request_id(request)
    try:
        row = await _db(request, requests_repo.get_request, request_id) if request_id else None
    except StoreUnavailable:
        return web.json_response({"error": "database unavailable"}, status=503)
    if row is None:
        return web.json_response({"error": "not found"}, status=404)
    return web.json_response(row.as_api())


async def api_status(request: web.Request) -> web.Response:
    if not bearer_ok(request):
        return _unauthorized()
    try:
        body = await request.json()
    except ValueError:
        body = None
    status = body.get("status") if isinstance(body, dict) else None
    if status not in STATUSES:
        return web.json_response({"error": f"status must be one of {list(STATUSES)}"}, status=400)
    request_id = _request_id(request)
    try:
        row = await _db(request, requests_repo.set_status, request_id, status) if request_id else None
    except StoreUnavailable:
        return web.json_response({"error": "database unavailable"}, status=503)
    if row is None:
        return web.json_response({"error": "not found"}, status=404)
    return web.json_response(row.as_api())


async def _resume(request: web.Request, request_id: Optional[int]) -> Tuple[str, Optional[requests_repo.RequestView]]:
    """Resumes the bot for a hand-off: Rasa first, then the record, so the page never claims what did not happen."""
    row = await _db(request, requests_repo.get_request, request_id) if request_id else None
    if row is None:
        return "not_found", None
    settings = request.app[SETTINGS]
    try:
        await rasa_client.resume_conversation(settings.rasa_url, row.conversation_id, rasa_api_token(settings))
    except rasa_client.RasaUnavailable as exc:
        logger.warning("could not resume conversation for request %s: %s", row.id, exc)
        return "rasa_unavailable", row
    row = await _db(request, requests_repo.mark_bot_resumed, row.id)
    logger.info("bot resumed for request %s", request_id)
    return "resumed", row


async def api_resume(request: web.Request) -> web.Response:
    if not bearer_ok(request):
        return _unauthorized()
    try:
        outcome, row = await _resume(request, _request_id(request))
    except StoreUnavailable:
        return web.json_response({"error": "database unavailable"}, status=503)
    if outcome == "not_found":
        return web.json_response({"error": "not found"}, status=404)
    if outcome == "rasa_unavailable":
        return web.json_response({"error": "could not reach Rasa"}, status=502)
    return web.json_response(row.as_api())


# ------------------------------------------------------------------------------------------------ staff page
async def login_form(request: web.Request) -> web.Response:
    if _session(request):
        raise web.HTTPSeeOther("/")
    return web.Response(text=templates.login_page(), content_type="text/html")


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    supplied = str(form.get("token", "")).strip()
    if not _same_origin(request) or not hmac.compare_digest(supplied.encode(), request.app[TOKEN].encode()):
        await asyncio.sleep(0.5)  # slows down guessing
        return web.Response(text=templates.login_page(error=True), content_type="text/html", status=401)
    response = web.HTTPSeeOther("/")
    response.set_cookie(
        COOKIE,
        session_value(request.app[TOKEN]),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="Strict",
        secure=_secure(request),
        path="/",
    )
    raise response


async def logout(request: web.Request) -> web.Response:
    session, _ = await _staff_form(request)
    if session is None:
        raise web.HTTPForbidden(text="Forbidden")
    response = web.HTTPSeeOther("/login")
    response.del_cookie(COOKIE, path="/")
    raise response


async def staff_page(request: web.Request) -> web.Response:
    session = _session(request)
    if session is None:
        raise web.HTTPSeeOther("/login")
    show_all = request.query.get("show") == "all"
    tz, region = _clinic_tz_and_region()
    error = None
    try:
        rows = await _db(request, requests_repo.list_requests, statuses=None if show_all else OPEN_STATUSES)
    except StoreUnavailable:
        rows, error = [], "The clinic database is unavailable. Requests are safe and will show again when it is back."
    html = templates.requests_page(
        rows, csrf_token(request.app[TOKEN], session), tz, region, show_all, flash=request.query.get("msg"), error=error
    )
    return web.Response(text=html, content_type="text/html")


async def staff_status(request: web.Request) -> web.Response:
    session, form = await _staff_form(request)
    if session is None:
        raise web.HTTPForbidden(text="Forbidden")
    status = form.get("status")
    if status not in STATUSES:
        raise web.HTTPBadRequest(text="Unknown status")
    request_id = _request_id(request)
    try:
        row = await _db(request, requests_repo.set_status, request_id, status) if request_id else None
    except StoreUnavailable:
        raise web.HTTPSeeOther("/?msg=db_unavailable")
    raise web.HTTPSeeOther("/?msg=updated" if row else "/?msg=not_found")


async def staff_resume(request: web.Request) -> web.Response:
    session, _ = await _staff_form(request)
    if session is None:
        raise web.HTTPForbidden(text="Forbidden")
    try:
        outcome, _row = await _resume(request, _request_id(request))
    except StoreUnavailable:
        outcome = "db_unavailable"
    raise web.HTTPSeeOther(f"/?msg={outcome}")


async def api_delete(request: web.Request) -> web.Response:
    if not bearer_ok(request):
        return _unauthorized()
    request_id = _request_id(request)
    try:
        deleted = await _db(request, requests_repo.delete_request, request_id) if request_id else False
    except StoreUnavailable:
        return web.json_response({"error": "database unavailable"}, status=503)
    if not deleted:
        return web.json_response({"error": "not found"}, status=404)
    logger.info("request %s deleted by staff (API)", request_id)
    return web.json_response({"deleted": request_id})


async def staff_delete(request: web.Request) -> web.Response:
    session, _ = await _staff_form(request)
    if session is None:
        raise web.HTTPForbidden(text="Forbidden")
    request_id = _request_id(request)
    try:
        deleted = await _db(request, requests_repo.delete_request, request_id) if request_id else False
    except StoreUnavailable:
        raise web.HTTPSeeOther("/?msg=db_unavailable")
    if deleted:
        logger.info("request %s deleted by staff", request_id)
    raise web.HTTPSeeOther("/?msg=deleted" if deleted else "/?msg=not_found")


async def health(request: web.Request) -> web.Response:
    """Liveness for run_all and the test stack; the database state is reported, never a reason to fail."""
    try:
        outbox = await _db(request, requests_repo.outbox_counts)
        database = "ok"
    except StoreUnavailable:
        outbox, database = {}, "unavailable"
    return web.json_response({"status": "ok", "database": database, "outbox": outbox})


# ----------------------------------------------------------------------------------------------- assembly
async def _worker_context(app: web.Application):
    worker: OutboxWorker = app[WORKER]
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    yield
    stop.set()
    await asyncio.wait_for(task, timeout=15)


def create_app(
    settings: Optional[Settings] = None,
    url: Optional[str] = None,
    token: Optional[str] = None,
    worker: Optional[OutboxWorker] = None,
    start_worker: bool = True,
) -> web.Application:
    settings = settings or get_settings()
    app = web.Application(middlewares=[security_headers], client_max_size=64 * 1024)
    app[SETTINGS] = settings
    app[TOKEN] = token or frontdesk_token(settings)
    app[DB_URL] = url
    app[WORKER] = worker or OutboxWorker(settings, url)
    app.add_routes(
        [
            web.get("/health", health),
            web.get("/api/requests", api_list),
            web.get("/api/requests/{request_id}", api_get),
            web.post("/api/requests/{request_id}/status", api_status),
            web.post("/api/requests/{request_id}/resume", api_resume),
            web.delete("/api/requests/{request_id}", api_delete),
            web.get("/login", login_form),
            web.post("/login", login),
            web.post("/logout", logout),
            web.get("/", staff_page),
            web.post("/requests/{request_id}/status", staff_status),
            web.post("/requests/{request_id}/resume", staff_resume),
            web.post("/requests/{request_id}/delete", staff_delete),
        ]
    )
    if start_worker:
        app.cleanup_ctx.append(_worker_context)
    return app
