"""The front-desk service: token-protected API and staff page, CSRF-safe actions, resuming the bot in Rasa."""

import dataclasses
import re
import time

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from frontdesk.app import COOKIE, create_app, session_value, valid_session
from heel.settings import rasa_api_token
from heel.store import requests_repo as repo

TOKEN = "test-token"
API_FIELDS = {
    "id",
    "kind",
    "name",
    "phone",
    "email",
    "preferred_time",
    "preferred_time_text",
    "reason",
    "assessment_summary",
    "status",
    "created_at",
    "conversation_id",
}


def add_request(key="k1", **overrides):
    values = dict(
        kind="booking",
        conversation_id="conv-1",
        idempotency_key=key,
        consent_version="booking-2025-1",
        name="Sam Runner",
        phone="+447911123456",
        email="sam@example.com",
        preferred_time="Tue 2 Dec 2025, morning (08:00-12:00)",
        preferred_time_text="next Tuesday morning",
        reason="pain under my heel",
        assessment_summary="Likely plantar fasciitis.",
        patient_type="new",
    )
    values.update(overrides)
    view, _ = repo.create_request(repo.NewRequest(**values), channels=[])
    return view


class FakeRasa:
    """Stands in for Rasa's HTTP API: records the events the front desk appends."""

    def __init__(self, status=200):
        self.calls = []
        self.status = status
        self.app = web.Application()
        self.app.router.add_post("/conversations/{cid}/tracker/events", self.events)

    async def events(self, request):
        self.calls.append((request.match_info["cid"], await request.json(), dict(request.query)))
        return web.json_response({"ok": True}, status=self.status)


@pytest.fixture
async def rasa():
    fake = FakeRasa()
    server = TestServer(fake.app)
    await server.start_server()
    fake.url = str(server.make_url("")).rstrip("/")
    yield fake
    await server.close()


@pytest.fixture
async def client(booking_env_any, rasa):
    settings = dataclasses.replace(booking_env_any, rasa_url=rasa.url)
    app = create_app(settings, token=TOKEN, start_worker=False)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def login(client):
    response = await client.post("/login", data={"token": TOKEN}, allow_redirects=False)
    assert response.status == 303
    return response


async def csrf_from_page(client):
    page = await (await client.get("/")).text()
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Bearer "},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
    ],
)
async def test_api_refuses_missing_or_wrong_tokens(client, headers):
    add_request()
    response = await client.get("/api/requests", headers=headers)
    assert response.status == 401
    body = await response.text()
    assert "Sam" not in body and "7911" not in body
    for path in ("/api/requests/1",):
        assert (await client.get(path, headers=headers)).status == 401
    assert (await client.post("/api/requests/1/status", json={"status": "done"}, headers=headers)).status == 401
    assert (await client.post("/api/requests/1/resume", headers=headers)).status == 401
    assert (await client.delete("/api/requests/1", headers=headers)).status == 401
    assert repo.get_request(1) is not None


async def test_api_lists_requests_with_all_fields(client):
    booking = add_request()
    handoff = add_request(
        "k2",
        kind="handoff",
        name=None,
        preferred_time=None,
        preferred_time_text=None,
        patient_type=None,
        bot_paused=True,
        conversation_id="conv-2",
        reason="Visitor asked to talk to a person.",
    )
    response = await client.get("/api/requests", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 200
    data = await response.json()
    assert [item["id"] for item in data] == [handoff.id, booking.id]
    assert API_FIELDS <= set(data[0])
    item = data[1]
    assert item["name"] == "Sam Runner" and item["phone"] == "+447911123456"
    assert item["preferred_time"] == "Tue 2 Dec 2025, morning (08:00-12:00)"
    assert item["preferred_time_text"] == "next Tuesday morning"
    assert item["assessment_summary"] == "Likely plantar fasciitis."
    assert item["status"] == "new" and item["conversation_id"] == "conv-1" and item["kind"] == "booking"
    filtered = await (
        await client.get("/api/requests?kind=handoff", headers={"Authorization": f"Bearer {TOKEN}"})
    ).json()
    assert [item["id"] for item in filtered] == [handoff.id]
    assert response.headers["Cache-Control"] == "no-store"


async def test_api_status_change(client):
    view = add_request()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = await client.post(f"/api/requests/{view.id}/status", json={"status": "contacted"}, headers=auth)
    assert response.status == 200 and (await response.json())["status"] == "contacted"
    assert (await client.post(f"/api/requests/{view.id}/status", json={"status": "x"}, headers=auth)).status == 400
    assert (await client.post("/api/requests/999/status", json={"status": "done"}, headers=auth)).status == 404
    one = await (await client.get(f"/api/requests/{view.id}", headers=auth)).json()
    assert one["status"] == "contacted" and one["contacted_at"]


async def test_staff_page_needs_a_login(client):
    add_request()
    response = await client.get("/", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"
    page = await (await client.get("/login")).text()
    assert 'type="password"' in page and "Sam" not in page
    wrong = await client.post("/login", data={"token": "nope"}, allow_redirects=False)
    assert wrong.status == 401 and COOKIE not in wrong.cookies


async def test_login_sets_an_http_only_strict_cookie_and_shows_requests(client):
    add_request(assessment_summary="Likely <b>plantar</b> fasciitis.")
    response = await login(client)
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert TOKEN not in cookie.value  # the cookie is a signed session, not the token itself
    page = await (await client.get("/")).text()
    for shown in (
        "Sam Runner",
        "07911 123456",
        "sam@example.com",
        "Tue 2 Dec 2025, morning (08:00-12:00)",
        "next Tuesday morning",
        "pain under my heel",
        "New patient",
        "Mark contacted",
        "Mark done",
    ):
        assert shown in page
    assert "Likely &lt;b&gt;plantar&lt;/b&gt; fasciitis." in page  # escaped, never markup


async def test_forged_or_expired_sessions_are_refused(client):
    client.session.cookie_jar.update_cookies({COOKIE: "1700000000.deadbeef"})
    assert (await client.get("/", allow_redirects=False)).status == 303
    old = session_value(TOKEN, issued=int(time.time()) - 13 * 3600)
    assert not valid_session(TOKEN, old)
    assert valid_session(TOKEN, session_value(TOKEN))
    assert not valid_session("another-token", session_value(TOKEN))


async def test_status_buttons_need_the_csrf_token(client):
    view = add_request()
    await login(client)
    no_csrf = await client.post(f"/requests/{view.id}/status", data={"status": "contacted"}, allow_redirects=False)
    assert no_csrf.status == 403
    csrf = await csrf_from_page(client)
    foreign = await client.post(
        f"/requests/{view.id}/status",
        data={"status": "contacted", "csrf": csrf},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert foreign.status == 403
    assert repo.get_request(view.id).status == "new"
    ok = await client.post(
        f"/requests/{view.id}/status", data={"status": "contacted", "csrf": csrf}, allow_redirects=False
    )
    assert ok.status == 303 and repo.get_request(view.id).status == "contacted"
    done = await client.post(
        f"/requests/{view.id}/status", data={"status": "done", "csrf": csrf}, allow_redirects=False
    )
    assert done.status == 303 and repo.get_request(view.id).status == "done"
    assert "Sam Runner" not in await (await client.get("/")).text()  # done requests leave the open list
    assert "Sam Runner" in await (await client.get("/?show=all")).text()


async def test_staff_delete_a_request_with_csrf_and_the_api_with_the_token(client):
    first, second = add_request(), add_request("k2", conversation_id="conv-2")
    await login(client)
    refused = await client.post(f"/requests/{first.id}/delete", data={}, allow_redirects=False)
    assert refused.status == 403 and repo.get_request(first.id) is not None
    page = await (await client.get("/")).text()
    assert f'action="/requests/{first.id}/delete"' in page
    csrf = await csrf_from_page(client)
    deleted = await client.post(f"/requests/{first.id}/delete", data={"csrf": csrf}, allow_redirects=False)
    assert deleted.status == 303 and deleted.headers["Location"].endswith("msg=deleted")
    assert repo.get_request(first.id) is None and "Sam Runner" in await (await client.get("/")).text()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert (await client.delete(f"/api/requests/{second.id}", headers=auth)).status == 200
    assert repo.get_request(second.id) is None
    assert (await client.delete(f"/api/requests/{second.id}", headers=auth)).status == 404


async def test_resume_bot_appends_a_resume_event_in_rasa(client, rasa):
    view = add_request(kind="handoff", bot_paused=True, conversation_id="conv/with space")
    await login(client)
    page = await (await client.get("/")).text()
    assert "Resume bot" in page and "bot paused" in page
    csrf = await csrf_from_page(client)
    response = await client.post(f"/requests/{view.id}/resume", data={"csrf": csrf}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/?msg=resumed"
    # with no RASA_TOKEN set, the token generated once in var/ (the one `make run` gives Rasa)
    assert rasa.calls == [("conv/with space", {"event": "resume"}, {"token": rasa_api_token()})]
    after = repo.get_request(view.id)
    assert not after.bot_paused and after.bot_resumed_at


async def test_resume_when_rasa_is_down_changes_nothing(client, rasa):
    rasa.status = 500
    view = add_request(kind="handoff", bot_paused=True)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = await client.post(f"/api/requests/{view.id}/resume", headers=auth)
    assert response.status == 502
    assert repo.get_request(view.id).bot_paused
    rasa.status = 200
    response = await client.post(f"/api/requests/{view.id}/resume", headers=auth)
    assert response.status == 200 and (await response.json())["bot_paused"] is False


async def test_resume_passes_the_rasa_auth_token(booking_env, rasa):
    settings = dataclasses.replace(booking_env, rasa_url=rasa.url, rasa_token="rasa-secret")
    view = add_request(kind="handoff", bot_paused=True)
    async with TestClient(TestServer(create_app(settings, token=TOKEN, start_worker=False))) as test_client:
        response = await test_client.post(
            f"/api/requests/{view.id}/resume", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert response.status == 200
    assert rasa.calls[0][2] == {"token": "rasa-secret"}


async def test_logout_needs_csrf_and_clears_the_session(client):
    await login(client)
    assert (await client.post("/logout", data={}, allow_redirects=False)).status == 403
    csrf = await csrf_from_page(client)
    response = await client.post("/logout", data={"csrf": csrf}, allow_redirects=False)
    assert response.status == 303
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_health_and_security_headers(client):
    response = await client.get("/health")
    assert response.status == 200 and (await response.json())["database"] == "ok"
    page = await client.get("/login")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


async def test_database_down_is_reported_not_crashed(booking_env, rasa, tmp_path):
    settings = dataclasses.replace(booking_env, rasa_url=rasa.url)
    broken = f"sqlite:///{tmp_path / 'empty.db'}"  # no tables: every query fails
    app = create_app(settings, url=broken, token=TOKEN, start_worker=False)
    async with TestClient(TestServer(app)) as test_client:
        assert (await (await test_client.get("/health")).json())["database"] == "unavailable"
        response = await test_client.get("/api/requests", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status == 503
        await login(test_client)
        assert "database is unavailable" in await (await test_client.get("/")).text()
