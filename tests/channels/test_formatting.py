"""channels.formatting: markup per channel, splitting under limits, numbered options and digit replies."""

from pathlib import Path

import pytest
import yaml

from channels.formatting import (
    CHOICE_PROMPT,
    MESSENGER,
    SLACK_PROFILE,
    SMS,
    TELEGRAM,
    WHATSAPP_TWILIO,
    Profile,
    choice_number,
    format_reply,
    html_to_plain,
    numbered_options,
    pending_buttons,
    render,
    resolve_choice,
    split_text,
)

ROOT = Path(__file__).resolve().parents[2]
ALL_PROFILES = [SMS, WHATSAPP_TWILIO, TELEGRAM, MESSENGER, SLACK_PROFILE]
GREET_BUTTONS = [
    {"title": "Check my symptoms", "payload": "/request_assessment"},
    {"title": "Causes of heel pain", "payload": "/ask_causes"},
    {"title": "Book an appointment", "payload": "/book_appointment"},
]
MARKDOWN = (
    "## Plantar fasciitis\n\n"
    "**Plantar fasciitis** is the *commonest* cause. Read [the NHS page](https://www.nhs.uk/a?b=1&c=2) & more.\n\n"
    "What you can do now:\n- Rest a little\n- Stretch your calves"
)


# --- markup ---------------------------------------------------------------------------------------------


def test_sms_is_plain_text_with_ascii_bullets():
    text = render(MARKDOWN, SMS)
    assert "*" not in text and "#" not in text and "[" not in text
    assert "Plantar fasciitis is the commonest cause." in text
    assert "the NHS page (https://www.nhs.uk/a?b=1&c=2)" in text
    assert "\n- Rest a little" in text


def test_whatsapp_keeps_bold_in_its_own_syntax():
    text = render(MARKDOWN, WHATSAPP_TWILIO)
    assert "*Plantar fasciitis* is the _commonest_ cause" in text
    assert text.startswith("*Plantar fasciitis*\n")
    assert "**" not in text and "\n• Rest a little" in text


def test_messenger_is_plain_text():
    text = render(MARKDOWN, MESSENGER)
    assert "*" not in text and "_commonest_" not in text
    assert "\n• Stretch your calves" in text


def test_slack_mrkdwn_escapes_and_links():
    text = render(MARKDOWN, SLACK_PROFILE)
    assert "*Plantar fasciitis* is the _commonest_ cause" in text
    assert "<https://www.nhs.uk/a?b=1&amp;c=2|the NHS page> &amp; more" in text


def test_telegram_html_is_escaped_and_balanced():
    text = render('**a < b** & [x](https://e.org/?q="1") <script>', TELEGRAM)
    assert text == '<b>a &lt; b</b> &amp; <a href="https://e.org/?q=%221%22">x</a> &lt;script&gt;'


def test_unmatched_markers_disappear_instead_of_showing():
    for profile in ALL_PROFILES:
        assert "**" not in render("the start of **a bold span cut by a split", profile)


def test_arithmetic_and_snake_case_are_not_taken_for_markup():
    assert render("3 * 4 * 5 and some_name_here", SMS) == "3 * 4 * 5 and some_name_here"


def test_plain_links_do_not_repeat_an_address():
    assert render("[https://a.org](https://a.org)", SMS) == "https://a.org"
    assert render("[call us](tel:+441234)", SMS) == "call us (+441234)"


def test_html_to_plain_keeps_link_addresses():
    assert html_to_plain(render(MARKDOWN, TELEGRAM)) == render(MARKDOWN, MESSENGER)


# --- splitting ------------------------------------------------------------------------------------------


def test_short_text_is_one_message():
    assert split_text("Hello there.", 50) == ["Hello there."]
    assert split_text("   ", 50) == []


def test_paragraphs_are_packed_and_never_cut_when_they_fit():
    paragraphs = [f"Paragraph {i} " + "word " * 20 for i in range(10)]
    chunks = split_text("\n\n".join(paragraphs), 300)
    assert all(len(chunk) <= 300 for chunk in chunks)
    assert len(chunks) < len(paragraphs)  # packed, not one message per paragraph
    for paragraph in paragraphs:
        assert any(paragraph.strip() in chunk for chunk in chunks)


def test_a_long_paragraph_splits_between_sentences():
    sentence = "The plantar fascia is a thick band of tissue under the foot. "
    chunks = split_text(sentence * 40, 200)
    assert all(len(chunk) <= 200 for chunk in chunks)
    assert all(chunk.endswith("foot.") for chunk in chunks)


def test_a_word_longer_than_the_limit_is_cut():
    chunks = split_text("x" * 250, 100)
    assert [len(c) for c in chunks] == [100, 100, 50]


def test_limit_applies_after_formatting():
    # "&" grows to "&amp;" in Telegram HTML: the limit is on what is sent.
    text = "\n\n".join(["fish & chips " * 30] * 20)
    chunks = split_text(text, 400, lambda s: render(s, TELEGRAM))
    assert all(len(chunk) <= 400 for chunk in chunks)
    assert sum(chunk.count("&amp;") for chunk in chunks) == text.count("&")


def _topic_texts():
    for path in sorted((ROOT / "content" / "topics").glob("*.yml")):
        topic = yaml.safe_load(path.read_text())
        tips = "\n".join(f"- {tip}" for tip in topic.get("self_care") or [])
        yield (
            path.stem,
            "\n\n".join(filter(None, [topic.get("summary"), topic.get("detail"), tips, topic.get("see_physio")])),
        )


@pytest.mark.parametrize("profile", ALL_PROFILES, ids=lambda p: p.name)
def test_real_content_fits_every_channel_without_losing_words(profile):
    small = Profile(profile.name, max_text=500, markup=profile.markup, bullet=profile.bullet)
    for topic, text in _topic_texts():
        for limit_profile in (profile, small):
            chunks = [m.text for m in format_reply(text, [], limit_profile)]
            assert all(len(chunk) <= limit_profile.max_text for chunk in chunks), topic
            if profile.markup == "plain":
                assert " ".join(chunks).split() == render(text, profile).split(), topic


# --- buttons --------------------------------------------------------------------------------------------


def test_whatsapp_gets_numbered_options():
    [message] = format_reply("What would you like to do?", GREET_BUTTONS, WHATSAPP_TWILIO)
    assert message.buttons is None
    assert message.text == (
        "What would you like to do?\n\n1. Check my symptoms\n2. Causes of heel pain\n"
        "3. Book an appointment\n\n" + CHOICE_PROMPT
    )


@pytest.mark.parametrize("profile", [TELEGRAM, MESSENGER, SLACK_PROFILE], ids=lambda p: p.name)
def test_channels_with_buttons_show_them_natively(profile):
    [message] = format_reply("What would you like to do?", GREET_BUTTONS, profile)
    assert message.buttons == GREET_BUTTONS
    assert "1." not in message.text


@pytest.mark.parametrize(
    "profile, buttons",
    [
        (MESSENGER, [{"title": f"Option {i}", "payload": f"/o{i}"} for i in range(14)]),  # 13 quick replies max
        (MESSENGER, [{"title": "Achilles tendinopathy", "payload": "/ask_achilles"}]),  # title over 20 chars
        (
            TELEGRAM,
            [{"title": "Yes", "payload": '/inform{"pain_location": "under the heel, on the inner side of the foot"}'}],
        ),  # > 64 B
        (SLACK_PROFILE, [{"title": f"Option {i}", "payload": f"/o{i}"} for i in range(26)]),
    ],
    ids=["messenger-count", "messenger-title", "telegram-payload", "slack-count"],
)
def test_over_a_channel_limit_buttons_become_numbered(profile, buttons):
    messages = format_reply("Pick one", buttons, profile)
    assert all(m.buttons is None for m in messages)
    assert f"\n1. {buttons[0]['title']}" in messages[-1].text or messages[-1].text.startswith("1. ")
    assert not profile.shows_buttons(buttons)


def test_a_long_reply_keeps_its_buttons_on_the_last_message():
    text = "\n\n".join(["A sentence about heel pain that goes on. " * 10] * 30)
    messages = format_reply(text, GREET_BUTTONS, MESSENGER)
    assert len(messages) > 1
    assert all(len(m.text) <= MESSENGER.max_text for m in messages)
    assert [m.buttons for m in messages[:-1]] == [None] * (len(messages) - 1)
    assert messages[-1].buttons == GREET_BUTTONS


def test_a_long_reply_keeps_numbered_options_together():
    text = "\n\n".join(["A sentence about heel pain that goes on. " * 10] * 30)
    messages = format_reply(text, GREET_BUTTONS, SMS)
    assert all(len(m.text) <= SMS.max_text for m in messages)
    assert numbered_options(GREET_BUTTONS) in messages[-1].text


def test_buttons_without_text_still_send_text():
    [message] = format_reply("", GREET_BUTTONS, TELEGRAM)
    assert message.text and message.buttons == GREET_BUTTONS
    [message] = format_reply(None, GREET_BUTTONS, SMS)
    assert message.text.startswith("1. Check my symptoms")


# --- digit replies --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, number",
    [
        ("2", 2),
        (" 2 ", 2),
        ("2.", 2),
        ("2)", 2),
        ("(2)", 2),
        ("#2", 2),
        ("option 2", 2),
        ("Option 3", 3),
        ("no. 1", 1),
        ("two", 2),
        ("Two!", 2),
        ("second", 2),
        ("2nd", 2),
        ("the", None),
        ("2️⃣", 2),
        ("10", 10),
        ("2 weeks", None),
        ("I have 2 kids", None),
        ("", None),
        (None, None),
        ("123", None),
        ("1/2", None),
    ],
)
def test_choice_number(text, number):
    assert choice_number(text) == number


def bot(text, buttons=None):
    return {"event": "bot", "text": text, "data": {"buttons": buttons} if buttons else {}}


def test_pending_buttons_are_those_of_the_last_bot_message():
    events = [
        {"event": "user", "text": "hi"},
        {"event": "action", "name": "utter_greet"},
        bot("Hi", GREET_BUTTONS),
        {"event": "action", "name": "action_listen"},
    ]
    assert pending_buttons(events) == GREET_BUTTONS


def test_no_pending_buttons_once_the_visitor_answered_or_the_bot_moved_on():
    assert pending_buttons([bot("Hi", GREET_BUTTONS), {"event": "user", "text": "hello"}]) == []
    assert pending_buttons([bot("Hi", GREET_BUTTONS), bot("Anything else?")]) == []
    assert pending_buttons([]) == []


def test_quick_replies_count_as_buttons():
    events = [{"event": "bot", "text": "Pick", "data": {"quick_replies": GREET_BUTTONS}}]
    assert pending_buttons(events) == GREET_BUTTONS


def test_resolve_choice():
    assert resolve_choice("2", GREET_BUTTONS)["payload"] == "/ask_causes"
    assert resolve_choice("three", GREET_BUTTONS)["payload"] == "/book_appointment"
    assert resolve_choice("4", GREET_BUTTONS) is None
    assert resolve_choice("0", GREET_BUTTONS) is None
    assert resolve_choice("causes", GREET_BUTTONS) is None
