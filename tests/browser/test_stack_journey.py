"""The visitor's journey in headless Chromium against the real stack (tests/conftest.py `stack`): the demo
page from `python -m web`, Rasa with the trained model over socket.io, the action server and the database.
"""

from __future__ import annotations

import re
from typing import List

import pytest

from tests.browser.conftest import Chat, shoot

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# Answers a calm visitor with typical plantar fasciitis would pick, by quick-reply title.
CALM_ANSWERS = [
    "None of these",
    "Under the heel",
    "First steps in the morning",
    "No",
    "More running or training",
    "18 to 59",
]
TYPED_FALLBACK = "about 6 weeks"  # the example the bot itself gives
OUTCOME = re.compile(r"not a diagnosis", re.I)


def user_events(stack, session_id: str) -> List[str]:
    tracker = stack.tracker(session_id)
    return [e.get("text") for e in tracker["events"] if e.get("event") == "user"]


def test_ask_click_and_reload_keep_the_conversation(stack, page):
    page.goto(stack.web_url)
    chat = Chat(page).open()
    assert "welcome to HelloPhysio" in chat.bot_texts()[0]

    replies = chat.wait_reply_to(lambda: chat.replies().filter(has_text="Causes of heel pain").click())
    assert chat.user_texts() == ["Causes of heel pain"]
    assert "plantar" in " ".join(replies).lower(), replies
    shoot(page, "stack-causes")

    replies = chat.wait_reply_to(lambda: chat.send("what can I do to stop heel pain coming back when I run?"))
    assert replies and all(r for r in replies)
    before_bot, before_user = chat.bot_texts(), chat.user_texts()

    page.reload()
    chat.dialog.wait_for(state="visible")
    assert chat.bot_texts() == before_bot
    assert chat.user_texts() == before_user
    shoot(page, "stack-after-reload")

    # Rasa saw the button's payload and the typed question under the widget's session id.
    said = user_events(stack, chat.session_id())
    assert said[:2] == ["/ask_causes", "what can I do to stop heel pain coming back when I run?"], said

    # The conversation goes on after the reload, in the same Rasa conversation.
    chat.wait_reply_to(lambda: chat.send("thanks"))
    assert user_events(stack, chat.session_id())[-1] == "thanks"
    assert not page.js_errors


def test_complete_a_symptom_assessment(stack, page):
    page.goto(stack.web_url)
    chat = Chat(page).open()
    turn = chat.wait_reply_to(lambda: chat.replies().filter(has_text="Check my symptoms").click())
    answered = 0
    while answered < 14:
        if answered >= 3 and any(OUTCOME.search(t) for t in turn):
            break
        titles = [b.inner_text() for b in chat.replies().all()]
        choice = next((t for t in CALM_ANSWERS if t in titles), None)
        if choice:
            turn = chat.wait_reply_to(lambda choice=choice: chat.replies().filter(has_text=choice).first.click())
        else:
            turn = chat.wait_reply_to(lambda: chat.send(TYPED_FALLBACK))
        answered += 1
    else:
        pytest.fail(f"no assessment outcome after {answered} answers: {chat.bot_texts()[-4:]}")
    outcome = " ".join(turn)
    shoot(page, "stack-assessment-outcome")
    assert "plantar fasciitis" in outcome.lower(), outcome
    assert not re.search(r"\b(999|A&E|emergency department)\b", outcome), outcome
    assert not page.js_errors


def test_html_and_script_from_the_visitor_stay_text(stack, page):
    page.goto(stack.web_url)
    chat = Chat(page).open()
    hostile = [
        '<img src=x onerror="window.__xss=1">',
        "<script>window.__xss=1</script> my heel hurts",
        "[click me](javascript:window.__xss=1)",
    ]
    for text in hostile:
        replies = chat.wait_reply_to(lambda text=text: chat.send(text))
        assert replies
    shoot(page, "stack-html-as-text")
    assert chat.user_texts() == hostile
    count = page.evaluate(
        "() => document.querySelector('[data-heelchat]').shadowRoot"
        ".querySelectorAll('.hc-msg--user img, .hc-msg--user script, .hc-msg--user a, .hc-log script, .hc-log img')"
        ".length"
    )
    assert count == 0
    # Bot links, if any, only use the allowed schemes.
    hrefs = page.evaluate(
        "() => [...document.querySelector('[data-heelchat]').shadowRoot.querySelectorAll('.hc-log a')]"
        ".map(a => a.getAttribute('href'))"
    )
    assert all(re.match(r"^(https?:|tel:|mailto:)", h) for h in hrefs), hrefs
    assert page.evaluate("() => window.__xss") is None
    # What Rasa stored is the raw text: nothing was rewritten on the way.
    assert user_events(stack, chat.session_id()) == hostile
    assert not page.js_errors


def test_phone_layout_with_real_answers(stack, phone_page):
    page = phone_page
    page.goto(stack.web_url)
    chat = Chat(page).open()
    chat.wait_reply_to(lambda: chat.replies().filter(has_text="Causes of heel pain").click())
    box = chat.dialog.bounding_box()
    assert box["x"] == 0 and box["width"] == 360
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert page.evaluate(
        "() => { const l = document.querySelector('[data-heelchat]').shadowRoot.querySelector('.hc-log');"
        " return l.scrollWidth <= l.clientWidth; }"
    )
    shoot(page, "stack-phone-answer")
