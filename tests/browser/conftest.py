"""Fixtures for the browser tests: Debian's chromium driven by Playwright, the widget helper, a fake Rasa.

Never `playwright install`: the browser is the system's /usr/bin/chromium (apt-get install chromium).
Screenshots go to reports/screenshots/ (kept by CI as artefacts); a failing test also saves one.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator, List, Optional

import pytest

from tests.support.servers import ROOT, free_port, http_get

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "reports" / "screenshots"
WIDGET_JS = ROOT / "web" / "static" / "widget.js"
FAKE_RASA = Path(__file__).with_name("fake_rasa.py")
REPLY_TIMEOUT_MS = 90_000  # the real Rasa on a busy 2-core CI machine (the first reply warms up the model)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module. Not session-wide: Playwright's sync API keeps an event loop marked as
    running in the main thread while it is open, and asyncio tests elsewhere in the run would then fail
    with "Runner.run() cannot be called from a running event loop"."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    if not WIDGET_JS.exists():
        pytest.fail(f"{WIDGET_JS} is missing: build the widget (cd web && npm ci && npm run build)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def context(browser):
    """A fresh browser profile per test (empty localStorage), desktop-sized."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def phone_page(browser, request):
    """A 360-pixel-wide touch phone."""
    ctx = browser.new_context(**PHONE)
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    yield page
    if getattr(request.node, "failed_call", False):
        shoot(page, f"FAILED-{request.node.name}")
    ctx.close()


@pytest.fixture
def page(context, request):
    page = context.new_page()
    errors: List[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    yield page
    if getattr(request.node, "failed_call", False):
        shoot(page, f"FAILED-{request.node.name}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        item.failed_call = True


def shoot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".png")
    try:
        page.screenshot(path=str(path), full_page=False)
    except Exception:  # a screenshot must never hide the real failure
        pass
    return path


class Chat:
    """The widget as a visitor meets it, through roles and labels (Playwright pierces the shadow root)."""

    def __init__(self, page, clinic: str = "HelloPhysio"):
        self.page = page
        self.clinic = clinic
        self.launcher = page.get_by_role("button", name=f"Chat with {clinic}")
        self.launcher_node = page.locator(".hc-launcher")  # also while hidden (the panel covers it)
        self.dialog = page.get_by_role("dialog", name=f"Chat with {clinic}")
        self.log = page.locator(".hc-log")
        self.input = page.get_by_role("textbox", name=f"Message to {clinic}")
        self.status = page.locator(".hc-status")

    def open(self) -> "Chat":
        self.launcher.click()
        self.dialog.wait_for(state="visible")
        return self

    def bot_messages(self):
        return self.page.locator(".hc-msg--bot .hc-text")

    def user_messages(self):
        return self.page.locator(".hc-msg--user .hc-text")

    def bot_texts(self) -> List[str]:
        return [t.strip() for t in self.bot_messages().all_inner_texts()]

    def user_texts(self) -> List[str]:
        return [t.strip() for t in self.user_messages().all_inner_texts()]

    def replies(self):
        return self.page.get_by_role("group", name="Suggested replies").get_by_role("button")

    def send(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def wait_bot_count(self, count: int, timeout: int = REPLY_TIMEOUT_MS) -> None:
        self.page.wait_for_function(
            "n => document.querySelector('[data-heelchat]').shadowRoot.querySelectorAll('.hc-msg--bot').length >= n",
            arg=count,
            timeout=timeout,
        )

    def wait_reply_to(self, action, timeout: int = REPLY_TIMEOUT_MS) -> List[str]:
        """Runs action (send or click) and waits until the bot has answered and gone quiet."""
        before = self.bot_messages().count()
        action()
        self.wait_bot_count(before + 1, timeout)
        self.settle()
        return self.bot_texts()[before:]

    def settle(self, quiet_ms: int = 700) -> None:
        """Waits until no new bot message arrived for quiet_ms (a turn can have several messages)."""
        last, since = -1, time.time()
        while True:
            count = self.bot_messages().count()
            if count != last:
                last, since = count, time.time()
            elif (time.time() - since) * 1000 >= quiet_ms:
                return
            self.page.wait_for_timeout(100)

    def transcript(self) -> list:
        """Every tab's stored entries of the current conversation (one key per tab), in time order."""
        return self.page.evaluate(
            "() => { const p = 'heelchat:transcript:' + localStorage.getItem('heelchat:session');"
            " const all = [];"
            " for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i);"
            "   if (k === p || k.startsWith(p + ':')) all.push(...JSON.parse(localStorage.getItem(k) || '[]')); }"
            " return all.sort((a, b) => (a.ts || 0) - (b.ts || 0)); }"
        )

    def stored_keys(self, prefix: str) -> list:
        return self.page.evaluate("(p) => Object.keys(localStorage).filter((k) => k.startsWith(p))", prefix)

    def session_id(self) -> Optional[str]:
        return self.page.evaluate("() => localStorage.getItem('heelchat:session')")

    def shadow_html(self) -> str:
        return self.page.evaluate("() => document.querySelector('[data-heelchat]').shadowRoot.innerHTML")


# --------------------------------------------------------------------------------------- fake Rasa


class FakeRasa:
    """tests/browser/fake_rasa.py in a subprocess, on a fixed port so it can be stopped and started again."""

    def __init__(self, port: int, log: Path):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> None:
        handle = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, str(FAKE_RASA), "--port", str(self.port)],
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_http(f"{self.url}/", self.proc)

    def stop(self) -> None:
        """Kills the server outright: to the browser this is a dropped connection, not a polite goodbye."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def received(self) -> list:
        with urllib.request.urlopen(f"{self.url}/received", timeout=5) as response:
            return json.loads(response.read())

    def messages(self) -> List[str]:
        return [r["message"] for r in self.received() if r["event"] in ("user_uttered", "rest")]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}")
        try:
            status, _ = http_get(url, timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in {timeout}s")


@pytest.fixture(scope="session")
def fake_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def fake_site(tmp_path_factory, fake_port) -> Iterator[str]:
    """The real demo page (`python -m web`), with the widget pointed at the fake Rasa's port."""
    port = free_port()
    log = tmp_path_factory.mktemp("fake_site") / "web.log"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "web",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--rasa-url",
            f"http://127.0.0.1:{fake_port}",
        ],
        cwd=ROOT,
        stdout=open(log, "ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/healthz", proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def fake_rasa(fake_port, tmp_path) -> Iterator[FakeRasa]:
    server = FakeRasa(fake_port, tmp_path / "fake_rasa.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def chat(page, fake_site, fake_rasa) -> Chat:
    """The demo page against the fake Rasa, loaded and ready."""
    page.goto(fake_site)
    return Chat(page)
