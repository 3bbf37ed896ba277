"""HTML for the staff page, as string templates. Every value is escaped here, in one place."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from html import escape
from string import Template
from typing import Iterable, Optional

from heel.booking.logic import PATIENT_TYPE_LABELS, format_phone
from heel.store.requests_repo import RequestView

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1d2733}
header{background:#0b5d78;color:#fff;padding:.8rem 1.2rem;display:flex;justify-content:space-between;align-items:center}
header h1{font-size:1.2rem;margin:0} header form{margin:0}
main{padding:1rem 1.2rem;max-width:70rem}
.card{background:#fff;border-radius:8px;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.card h2{font-size:1.05rem;margin:0 0 .5rem}
.badge{display:inline-block;border-radius:4px;padding:.05rem .45rem;font-size:.8rem;margin-left:.4rem;background:#e3e8ee}
.new{background:#ffe7b3}.contacted{background:#cfe8ff}.done{background:#d6f5d6}.paused{background:#ffd0d0}
dl{display:grid;grid-template-columns:11rem 1fr;gap:.25rem .8rem;margin:.5rem 0}
dt{color:#5a6875} dd{margin:0;white-space:pre-wrap}
.actions form{display:inline} button{margin:.3rem .3rem 0 0;padding:.35rem .8rem;border-radius:4px;border:1px solid #0b5d78;background:#fff;color:#0b5d78;cursor:pointer}
button.primary{background:#0b5d78;color:#fff} .flash{padding:.6rem 1rem;border-radius:6px;margin-bottom:1rem;background:#d6f5d6}
.flash.error{background:#ffd0d0} nav a{margin-right:1rem;color:#0b5d78}
"""

PAGE = Template("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
$refresh<title>$title</title><style>$style</style></head>
<body><header><h1>$title</h1>$logout</header><main>$body</main></body></html>""")

LOGIN = Template("""<div class="card"><h2>Staff sign-in</h2>$error
<form method="post" action="/login">
<label for="token">Front-desk access token</label><br>
<input id="token" name="token" type="password" autocomplete="current-password" required style="width:24rem;max-width:100%">
<button class="primary" type="submit">Sign in</button></form></div>""")

LOGOUT = Template("""<form method="post" action="/logout"><input type="hidden" name="csrf" value="$csrf">
<button type="submit">Sign out</button></form>""")

REQUEST = Template("""<div class="card" id="request-$id"><h2>#$id $kind<span class="badge $status">$status</span>$paused</h2>
<dl>$rows</dl><div class="actions">$buttons</div></div>""")

BUTTON = Template("""<form method="post" action="/requests/$id/$action"><input type="hidden" name="csrf" value="$csrf">
$field<button type="submit" class="$css">$label</button></form>""")

KIND_LABELS = {"booking": "Booking request", "handoff": "Asked for a person"}


def _time(value: Optional[datetime], tz: tzinfo) -> str:
    if not value:
        return ""
    return value.replace(tzinfo=timezone.utc).astimezone(tz).strftime("%a %d %b %Y, %H:%M")


def _button(
    request_id: int, action: str, label: str, csrf: str, status: Optional[str] = None, primary: bool = False
) -> str:
    field = f'<input type="hidden" name="status" value="{escape(status)}">' if status else ""
    return BUTTON.substitute(
        id=request_id,
        action=action,
        csrf=escape(csrf),
        field=field,
        css="primary" if primary else "",
        label=escape(label),
    )


def render_request(request: RequestView, csrf: str, tz: tzinfo, region: str) -> str:
    rows = [
        ("Received", _time(request.created_at, tz)),
        ("Name", request.name or ""),
        ("Phone", format_phone(request.phone, region) if request.phone else ""),
        ("Email", request.email or ""),
        ("Preferred time", request.preferred_time or ""),
        ("Their words", request.preferred_time_text or ""),
        ("Patient", PATIENT_TYPE_LABELS.get(request.patient_type or "", "")),
        ("Reason" if request.kind == "booking" else "Conversation", request.reason or ""),
        ("Symptom check", request.assessment_summary or ""),
        ("Contacted", _time(request.contacted_at, tz)),
        ("Done", _time(request.done_at, tz)),
        ("Bot resumed", _time(request.bot_resumed_at, tz)),
        (
            "Notifications",
            ", ".join(
                f"{c}: {s}" + (f" ({a} tries)" if s != "sent" and a else "") for c, s, a in request.notifications
            ),
        ),
        ("Conversation id", request.conversation_id),
    ]
    html_rows = "".join(f"<dt>{escape(label)}</dt><dd>{escape(str(value))}</dd>" for label, value in rows if value)
    buttons = []
    if request.status == "new":
        buttons.append(_button(request.id, "status", "Mark contacted", csrf, "contacted", primary=True))
    if request.status != "done":
        buttons.append(_button(request.id, "status", "Mark done", csrf, "done"))
    else:
        buttons.append(_button(request.id, "status", "Reopen", csrf, "new"))
    if request.kind == "handoff" and request.bot_paused:
        buttons.append(_button(request.id, "resume", "Resume bot", csrf))
    # Deleting cannot be undone: the button sits behind a second click, without JavaScript (the CSP allows none).
    buttons.append(
        "<details><summary>Delete&hellip;</summary>"
        + _button(request.id, "delete", "Delete this request permanently", csrf)
        + "</details>"
    )
    paused = '<span class="badge paused">bot paused</span>' if request.bot_paused else ""
    return REQUEST.substitute(
        id=request.id,
        kind=escape(KIND_LABELS.get(request.kind, request.kind)),
        status=escape(request.status),
        paused=paused,
        rows=html_rows,
        buttons="".join(buttons),
    )


def page(title: str, body: str, csrf: Optional[str] = None, refresh: bool = False) -> str:
    return PAGE.substitute(
        title=escape(title),
        style=STYLE,
        body=body,
        logout=LOGOUT.substitute(csrf=escape(csrf)) if csrf else "",
        # New requests appear without staff reloading by hand.
        refresh='<meta http-equiv="refresh" content="30">' if refresh else "",
    )


def login_page(error: bool = False) -> str:
    message = '<p class="flash error">That token is not right.</p>' if error else ""
    return page("Front desk", LOGIN.substitute(error=message))


FLASHES = {
    "resumed": ("The assistant answers this visitor again.", False),
    "updated": ("Request updated.", False),
    "deleted": ("Request deleted, with its notifications.", False),
    "rasa_unavailable": ("Could not reach the assistant to resume it; try again in a moment.", True),
    "not_found": ("That request no longer exists.", True),
    "db_unavailable": ("The clinic database is unavailable; nothing was changed.", True),
}


def requests_page(
    requests: Iterable[RequestView],
    csrf: str,
    tz: tzinfo,
    region: str,
    show_all: bool,
    flash: Optional[str] = None,
    error: Optional[str] = None,
) -> str:
    parts = ['<nav><a href="/">Open requests</a><a href="/?show=all">All requests</a></nav>']
    if flash in FLASHES:
        text, is_error = FLASHES[flash]
        parts.append(f'<p class="flash{" error" if is_error else ""}">{escape(text)}</p>')
    if error:
        parts.append(f'<p class="flash error">{escape(error)}</p>')
    cards = [render_request(request, csrf, tz, region) for request in requests]
    if not cards and not error:
        parts.append(
            '<div class="card">No open requests.</div>' if not show_all else '<div class="card">No requests yet.</div>'
        )
    parts.extend(cards)
    return page("Front desk: requests", "".join(parts), csrf=csrf, refresh=True)
