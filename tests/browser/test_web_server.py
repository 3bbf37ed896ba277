"""The demo page server (web/server.py) without a browser: page content, escaping, headers, missing build."""

from __future__ import annotations

import shutil

import pytest
from aiohttp.test_utils import TestClient, TestServer

from heel.settings import Clinic
from web import server


@pytest.fixture
def clinic(monkeypatch):
    data = {
        "name": "HelloPhysio",
        "phone": "020 7946 0000",
        "email": "hello@example.com",
        "address": "1 Example Street",
        "hours": "Mon-Fri 8-7",
        "emergency_number": "999",
    }
    monkeypatch.setattr(server, "get_clinic", lambda: Clinic(data))
    return data


async def client_for(static_dir, rasa_url="http://localhost:5005") -> TestClient:
    client = TestClient(TestServer(server.create_app(rasa_url, static_dir)))
    await client.start_server()
    return client


@pytest.fixture
def static_dir(tmp_path):
    shutil.copy(server.STATIC_DIR / "site.css", tmp_path / "site.css")
    (tmp_path / "widget.js").write_text("/* built */")
    return tmp_path


async def test_page_shows_clinic_details_and_embeds_the_widget(clinic, static_dir):
    client = await client_for(static_dir, "http://rasa.example:5005")
    try:
        response = await client.get("/")
        page = await response.text()
        assert response.status == 200
        assert "<title>HelloPhysio:" in page
        assert 'href="tel:02079460000"' in page and "020 7946 0000" in page
        assert "In an emergency call 999" in page
        assert '<script src="/widget.js" data-server="http://rasa.example:5005" data-clinic="HelloPhysio"' in page
        assert "data-greeting-buttons=" in page and "/request_assessment" in page
        assert "has not been built" not in page
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "connect-src 'self' http://rasa.example:5005 ws://rasa.example:5005" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        widget = await client.get("/widget.js")
        assert widget.status == 200 and widget.headers["Content-Type"].startswith("application/javascript")
        health = await (await client.get("/healthz")).json()
        assert health == {"status": "ok", "widget_built": True}
    finally:
        await client.close()


async def test_clinic_values_are_escaped(monkeypatch, static_dir):
    nasty = '"><script>alert(1)</script>'
    monkeypatch.setattr(server, "get_clinic", lambda: Clinic({"name": nasty, "phone": nasty, "address": nasty}))
    client = await client_for(static_dir)
    try:
        page = await (await client.get("/")).text()
        assert "<script>alert(1)" not in page
        assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    finally:
        await client.close()


async def test_missing_widget_build_is_said_clearly(clinic, tmp_path):
    shutil.copy(server.STATIC_DIR / "site.css", tmp_path / "site.css")
    client = await client_for(tmp_path)
    try:
        page = await (await client.get("/")).text()
        assert "The chat widget has not been built yet" in page and "npm run build" in page
        widget = await client.get("/widget.js")
        assert widget.status == 503
        assert "widget.js has not been built" in await widget.text()
        assert (await (await client.get("/healthz")).json())["widget_built"] is False
    finally:
        await client.close()


async def test_page_renders_without_clinic_file(monkeypatch, static_dir):
    def missing():
        raise FileNotFoundError("clinic.yml")

    monkeypatch.setattr(server, "get_clinic", missing)
    client = await client_for(static_dir)
    try:
        response = await client.get("/")
        assert response.status == 200 and "HelloPhysio" in await response.text()
    finally:
        await client.close()
