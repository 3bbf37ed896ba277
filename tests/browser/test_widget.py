"""The chat widget in headless Chromium against a scripted socket.io server (tests/browser/fake_rasa.py).

These cover the behaviours that need a server the test controls: reconnection, server down, slow
replies, hostile bot text. The journey against the real Rasa is in test_stack_journey.py.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.conftest import Chat, shoot

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def shadow_count(page, selector: str) -> int:
    return page.evaluate(
        "s => document.querySelector('[data-heelchat]').shadowRoot.querySelectorAll(s).length", selector
    )


def active_element(page) -> dict:
    """The focused element, looking inside the widget's shadow root."""
    return page.evaluate("""() => {
        let el = document.activeElement;
        while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
        return {tag: el.tagName.toLowerCase(), cls: el.className || '', label: el.getAttribute('aria-label') || '',
                text: (el.textContent || '').trim()};
    }""")


def test_open_shows_greeting_focuses_input_and_escape_closes(chat: Chat):
    page = chat.page
    assert chat.launcher.get_attribute("aria-expanded") == "false"
    assert not chat.dialog.is_visible()
    chat.open()
    assert chat.launcher_node.get_attribute("aria-expanded") == "true"
    assert "welcome to HelloPhysio" in chat.bot_texts()[0]
    assert [b.inner_text() for b in chat.replies().all()] == [
        "Check my symptoms",
        "Causes of heel pain",
        "Book an appointment",
    ]
    assert active_element(page)["cls"] == "hc-input"
    log = page.locator("[role=log]")
    assert log.get_attribute("aria-live") == "polite"
    shoot(page, "widget-open-greeting")

    page.keyboard.press("Escape")
    chat.dialog.wait_for(state="hidden")
    focused = active_element(page)
    assert focused["cls"] == "hc-launcher" and focused["label"] == "Chat with HelloPhysio"
    assert chat.launcher.get_attribute("aria-expanded") == "false"

    chat.open()  # the greeting is not repeated
    assert len(chat.bot_texts()) == 1
    chat.page.get_by_role("button", name="Close chat").click()
    chat.dialog.wait_for(state="hidden")
    assert active_element(page)["cls"] == "hc-launcher"
    assert not page.js_errors


def test_quick_reply_sends_payload_and_shows_title(chat: Chat, fake_rasa):
    chat.page.wait_for_timeout(500)
    assert fake_rasa.received() == []  # no connection to Rasa until the visitor opens the chat
    chat.open()
    replies = chat.wait_reply_to(lambda: chat.replies().filter(has_text="Causes of heel pain").click())
    assert chat.user_texts() == ["Causes of heel pain"]
    assert "/ask_causes" in fake_rasa.messages()
    assert any("commonest" in r for r in replies)
    # Quick replies belong to the message they came with: after answering they are gone.
    assert chat.replies().count() == 0
    assert active_element(chat.page)["cls"] == "hc-input"


def test_markdown_subset_is_rendered_safely(chat: Chat):
    chat.open()
    chat.wait_reply_to(lambda: chat.send("markdown please"))
    message = chat.page.locator(".hc-msg--bot").last
    assert message.locator("strong").inner_text() == "commonest"
    assert message.locator("ul li").all_inner_texts() == ["plantar fasciitis", "Achilles tendinopathy"]
    nice = message.get_by_role("link", name="NICE CKS")
    assert nice.get_attribute("href") == "https://cks.nice.org.uk/topics/plantar-fasciitis/"
    assert nice.get_attribute("target") == "_blank"
    assert nice.get_attribute("rel") == "noopener noreferrer"
    call = message.get_by_role("link", name="call us")
    assert call.get_attribute("href") == "tel:+442079460000"
    assert call.get_attribute("target") is None
    shoot(chat.page, "widget-markdown")


def test_html_and_script_are_text_in_both_directions(chat: Chat, fake_rasa):
    page = chat.page
    chat.open()
    hostile = [
        '<img src=x onerror="window.__xss=1">',
        "<script>window.__xss=1</script>",
        '<a href="javascript:window.__xss=1">click</a> **<b>bold?</b>**',
    ]
    for text in hostile:
        chat.wait_reply_to(lambda text=text: chat.send("echo " + text))
    chat.wait_reply_to(lambda: chat.send("html please"))
    shoot(page, "widget-html-as-text")

    # Visitor -> bot: each message shown exactly as typed.
    assert chat.user_texts() == ["echo " + t for t in hostile] + ["html please"]
    # Bot -> visitor: the echo and the hostile bot text shown as text.
    bot = chat.bot_texts()
    assert 'You said: <img src=x onerror="window.__xss=1">' in bot
    assert "You said: <script>window.__xss=1</script>" in bot
    assert any("[a bad link](javascript:window.__xss=1)" in b for b in bot)
    assert any('<a href="https://evil.example">raw html link</a>' in b for b in bot)
    # Nothing became an element: no img, script or iframe, and the only links are none at all here.
    assert shadow_count(page, ".hc-log img, .hc-log script, .hc-log iframe, .hc-log b") == 0
    assert shadow_count(page, ".hc-log a") == 0
    assert page.evaluate("() => document.querySelectorAll('img[src=x], script:not([src])').length") == 0
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__xss") is None
    # The stored transcript keeps the raw text; reloading must not turn it into markup either.
    page.reload()
    chat.dialog.wait_for(state="visible")
    assert shadow_count(page, ".hc-log img, .hc-log script, .hc-log a, .hc-log b") == 0
    assert page.evaluate("() => window.__xss") is None
    assert not page.js_errors


def test_typing_indicator_while_waiting(chat: Chat):
    chat.open()
    typing = chat.page.locator(".hc-typing")
    assert not typing.is_visible()
    chat.send("slow please")
    typing.wait_for(state="visible", timeout=2000)
    assert "is typing" in typing.inner_text() or typing.locator(".sr-only").count() == 1
    shoot(chat.page, "widget-typing")
    chat.wait_bot_count(2, timeout=10_000)
    typing.wait_for(state="hidden", timeout=2000)


def test_history_survives_reload_and_shows_in_a_new_tab(chat: Chat, context):
    page = chat.page
    chat.open()
    chat.wait_reply_to(lambda: chat.send("my heel hurts"))
    chat.wait_reply_to(lambda: chat.send("two parts"))
    before_bot, before_user = chat.bot_texts(), chat.user_texts()
    assert before_user == ["my heel hurts", "two parts"]
    session = chat.session_id()
    chat.input.fill("half-typed draft")

    page.reload()
    chat.dialog.wait_for(state="visible")  # it was open: it stays open after a reload
    assert chat.bot_texts() == before_bot
    assert chat.user_texts() == before_user
    assert chat.session_id() == session
    assert chat.input.input_value() == "half-typed draft"
    shoot(page, "widget-after-reload")

    other = context.new_page()
    other.goto(page.url)
    second = Chat(other)
    second.open()
    assert second.bot_texts() == before_bot and second.user_texts() == before_user
    assert second.session_id() == session

    # Live sync: a message sent in the new tab appears in the first one without a reload.
    second.wait_reply_to(lambda: second.send("from the second tab"))
    page.wait_for_function(
        "() => document.querySelector('[data-heelchat]').shadowRoot.querySelector('.hc-log')"
        ".innerText.includes('Got it: from the second tab')"
    )
    assert chat.user_texts()[-1] == "from the second tab"
    # Each bot reply recorded once, although both tabs' sockets are in the session's room.
    assert chat.bot_texts().count("Got it: from the second tab") == 1
    assert second.bot_texts().count("Got it: from the second tab") == 1


def test_a_duplicated_tab_takes_its_own_transcript_key(chat: Chat, context):
    page = chat.page
    chat.open()
    chat.wait_reply_to(lambda: chat.send("from the original"))
    tab_id = page.evaluate("() => sessionStorage.getItem('heelchat:tab')")
    copy = context.new_page()
    # What the browser's "Duplicate tab" does: the new tab starts with a copy of the original's sessionStorage.
    copy.add_init_script("sessionStorage.setItem('heelchat:tab', %s)" % json.dumps(tab_id))
    copy.goto(page.url)
    second = Chat(copy)
    second.open()
    copy.wait_for_function("(old) => sessionStorage.getItem('heelchat:tab') !== old", arg=tab_id)
    second.wait_reply_to(lambda: second.send("from the copy"))
    assert len(chat.stored_keys(f"heelchat:transcript:{chat.session_id()}:")) == 2  # one key per tab
    assert second.user_texts() == ["from the original", "from the copy"]


def test_start_over_clears_the_conversation(chat: Chat, fake_rasa):
    page = chat.page
    chat.open()
    chat.wait_reply_to(lambda: chat.send("something private"))
    old_session = chat.session_id()
    page.get_by_role("button", name="Start over").click()
    confirm = page.get_by_role("button", name="Clear conversation")
    confirm.wait_for(state="visible")
    page.get_by_role("button", name="Cancel").click()
    assert chat.user_texts() == ["something private"]

    page.get_by_role("button", name="Start over").click()
    page.get_by_role("button", name="Clear conversation").click()
    assert chat.user_texts() == []
    assert len(chat.bot_texts()) == 1 and "welcome" in chat.bot_texts()[0]
    new_session = chat.session_id()
    assert new_session != old_session and re.fullmatch(r"[0-9a-f]{32}", new_session)
    assert chat.stored_keys(f"heelchat:transcript:{old_session}") == []  # every tab's key of it
    # The new conversation reaches the server under the new id, and the page still answers.
    chat.wait_reply_to(lambda: chat.send("fresh start"))
    sessions = [r["session_id"] for r in fake_rasa.received() if r["event"] == "user_uttered"]
    assert sessions[-1] == new_session
    page.reload()
    chat.dialog.wait_for(state="visible")
    assert chat.user_texts() == ["fresh start"]


def test_reconnects_after_a_drop_without_losing_the_message(chat: Chat, fake_rasa):
    page = chat.page
    chat.open()
    chat.wait_reply_to(lambda: chat.send("before the drop"))

    fake_rasa.stop()
    chat.status.filter(has_text=re.compile("Reconnecting|can't be reached")).wait_for(timeout=15_000)
    chat.send("sent while offline")
    pending = page.locator(".hc-msg--user").last.locator(".hc-pending")
    assert "Not sent yet" in pending.inner_text()
    assert chat.transcript()[-1]["pending"] is True
    chat.input.fill("still typing this")
    shoot(page, "widget-offline-pending")

    fake_rasa.start()
    chat.wait_bot_count(3, timeout=30_000)  # greeting, first reply, reply to the queued message
    assert chat.bot_texts()[-1] == "Got it: sent while offline"
    assert fake_rasa.messages() == ["sent while offline"]  # a fresh fake: it got the queued message once
    assert pending.count() == 0
    assert chat.input.input_value() == "still typing this"
    chat.status.filter(has_text=re.compile(".+")).wait_for(state="hidden", timeout=5000)
    shoot(page, "widget-reconnected")


def test_clear_state_when_the_server_is_down(page, fake_site, fake_port):
    # No fake Rasa running on fake_port: the page loads, the assistant cannot be reached.
    page.goto(fake_site)
    chat = Chat(page).open()
    assert "welcome" in chat.bot_texts()[0]  # the greeting is local and still shown
    banner = chat.status.filter(has_text="can't be reached")
    banner.wait_for(timeout=20_000)
    assert banner.get_attribute("role") == "status"
    phone = banner.get_by_role("link", name="020 7946 0000")
    assert phone.get_attribute("href") == "tel:02079460000"
    assert banner.get_by_role("button", name="Try again").is_visible()
    chat.send("anyone there?")
    assert "Not sent yet" in page.locator(".hc-msg--user .hc-pending").inner_text()
    shoot(page, "widget-server-down")


def test_keyboard_only_use_with_visible_focus(chat: Chat, fake_rasa):
    page = chat.page
    # Tab from the top of the page until the launcher has focus.
    for _ in range(30):
        page.keyboard.press("Tab")
        if active_element(page)["label"] == "Chat with HelloPhysio":
            break
    else:
        pytest.fail("the chat launcher is not reachable with Tab")
    outline = page.evaluate("""() => {
        const b = document.querySelector('[data-heelchat]').shadowRoot.querySelector('.hc-launcher');
        const s = getComputedStyle(b); return [s.outlineStyle, parseFloat(s.outlineWidth)];
    }""")
    assert outline[0] != "none" and outline[1] >= 2, outline
    page.keyboard.press("Enter")
    chat.dialog.wait_for(state="visible")
    assert active_element(page)["cls"] == "hc-input"
    page.keyboard.type("typed with the keyboard")
    before = chat.bot_messages().count()
    page.keyboard.press("Enter")
    chat.wait_bot_count(before + 1)
    # Shift+Tab from the input walks back through the quick replies... there are none now; Tab order is
    # input -> Send -> (note) and back up: the log itself is focusable so it can be scrolled by keyboard.
    page.keyboard.press("Shift+Tab")
    assert active_element(page)["cls"] == "hc-log"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = active_element(page)
    assert focused["cls"] == "hc-send"
    ring = page.evaluate("""() => {
        const b = document.querySelector('[data-heelchat]').shadowRoot.querySelector('.hc-send');
        const s = getComputedStyle(b); return [s.outlineStyle, parseFloat(s.outlineWidth)];
    }""")
    assert ring[0] != "none" and ring[1] >= 2, ring
    shoot(page, "widget-keyboard-focus")
    page.keyboard.press("Escape")
    chat.dialog.wait_for(state="hidden")


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(fg, bg):
    hi, lo = sorted([_luminance(fg), _luminance(bg)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_text_contrast_is_at_least_4_5(chat: Chat):
    chat.open()
    chat.wait_reply_to(lambda: chat.send("markdown please"))
    pairs = chat.page.evaluate("""() => {
        const root = document.querySelector('[data-heelchat]').shadowRoot;
        const rgb = v => (v.match(/\\d+(\\.\\d+)?/g) || []).slice(0, 3).map(Number);
        const bgOf = el => { for (let e = el; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
            if (c && !c.endsWith(', 0)') && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
        const out = {};
        for (const sel of ['.hc-title', '.hc-subtitle', '.hc-restart', '.hc-msg--bot .hc-text',
                           '.hc-msg--user .hc-text', '.hc-text a', '.hc-send', '.hc-note', '.hc-input']) {
            const el = root.querySelector(sel);
            if (el) out[sel] = [rgb(getComputedStyle(el).color), rgb(bgOf(el))];
        }
        return out;
    }""")
    assert len(pairs) >= 8, pairs
    for selector, (fg, bg) in pairs.items():
        assert _contrast(fg, bg) >= 4.5, f"{selector}: {fg} on {bg} is {_contrast(fg, bg):.2f}:1"


def test_rest_transport_via_the_javascript_api(chat: Chat, fake_rasa):
    page = chat.page
    page.evaluate(
        """url => { HeelChat.destroy(); localStorage.clear();
        HeelChat.init({server: url, transport: 'rest', clinic: 'HelloPhysio', greeting: 'Hi from REST'}); }""",
        fake_rasa.url,
    )
    chat.open()
    assert chat.bot_texts() == ["Hi from REST"]
    chat.wait_reply_to(lambda: chat.send("hello"))
    assert chat.bot_texts()[-1] == "Hi! What would you like to do?"
    chat.wait_reply_to(lambda: chat.replies().filter(has_text="Causes of heel pain").click())
    rest = [r for r in fake_rasa.received() if r["event"] == "rest"]
    assert [r["message"] for r in rest] == ["hello", "/ask_causes"]
    assert {r["session_id"] for r in rest} == {chat.session_id()}


def test_phone_layout_at_360_pixels(phone_page, fake_site, fake_rasa):
    page = phone_page
    page.goto(fake_site)
    chat = Chat(page)
    launcher = chat.launcher.bounding_box()
    assert launcher["x"] + launcher["width"] <= 360 and launcher["height"] >= 44
    shoot(page, "phone-closed")
    chat.open()
    chat.wait_reply_to(lambda: chat.replies().filter(has_text="Causes of heel pain").click())
    chat.wait_reply_to(lambda: chat.send("echo " + "averyveryverylongwordwithoutanyspaces" * 4))
    box = chat.dialog.bounding_box()
    assert box["x"] == 0 and box["width"] == 360
    assert box["height"] >= 700
    no_overflow = page.evaluate("""() => {
        const root = document.querySelector('[data-heelchat]').shadowRoot;
        const log = root.querySelector('.hc-log');
        return document.documentElement.scrollWidth <= 360 && log.scrollWidth <= log.clientWidth;
    }""")
    assert no_overflow
    for name in ("Send", "Close chat", "Start over"):
        target = page.get_by_role("button", name=name).bounding_box()
        assert target["x"] >= 0 and target["x"] + target["width"] <= 360
        assert target["height"] >= 40, f"{name} is too small to tap: {target}"
    assert chat.input.bounding_box()["width"] >= 200
    shoot(page, "phone-open")
