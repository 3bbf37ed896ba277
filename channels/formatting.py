"""Fits bot replies to a messaging channel. Pure: no Rasa, no network.

Our replies are written in a small Markdown subset (``**bold**``, ``*italic*``, ``- `` lists, ``# `` headings,
``[text](url)`` links, ``code``). Each channel gets the markup it renders (or none), messages split under the
channel's length limit, and buttons either native (within the channel's limits) or as numbered options that
the visitor answers with a digit.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence

Button = Mapping[str, Any]

PLAIN = "plain"  # no markup at all (SMS, Messenger)
WHATSAPP = "whatsapp"  # *bold* _italic_
SLACK = "slack"  # Slack mrkdwn: *bold* _italic_ <url|text>, & < > escaped
TELEGRAM_HTML = "telegram_html"  # Telegram parse_mode=HTML: <b> <i> <a> <code>, & < > escaped

CHOICE_PROMPT = "Reply with the number of your choice."
BUTTONS_ONLY_TEXT = "Please choose:"  # channels refuse buttons without text


@dataclass(frozen=True)
class Profile:
    """What one channel can show. ``max_buttons`` 0 means no native buttons at all."""

    name: str
    max_text: int
    markup: str = PLAIN
    bullet: str = "•"
    max_buttons: int = 0
    max_button_title: Optional[int] = None  # characters
    max_payload_bytes: Optional[int] = None

    def shows_buttons(self, buttons: Sequence[Button]) -> bool:
        """True if these buttons can be sent as the channel's own buttons, False if they become numbered text."""
        if not buttons or len(buttons) > self.max_buttons:
            return False
        for button in buttons:
            title, payload = str(button.get("title", "")), str(button.get("payload", ""))
            if not title or not payload:
                return False
            if self.max_button_title is not None and len(title) > self.max_button_title:
                return False
            if self.max_payload_bytes is not None and len(payload.encode("utf-8")) > self.max_payload_bytes:
                return False
        return True


# Limits from each platform's API reference (see docs/channels.md).
SMS = Profile("sms", max_text=1600, bullet="-")  # "•" is not in the GSM alphabet: it would double the SMS cost
WHATSAPP_TWILIO = Profile("whatsapp", max_text=1600, markup=WHATSAPP)
TELEGRAM = Profile("telegram", max_text=4096, markup=TELEGRAM_HTML, max_buttons=100, max_payload_bytes=64)
MESSENGER = Profile("messenger", max_text=2000, max_buttons=13, max_button_title=20, max_payload_bytes=1000)
SLACK_PROFILE = Profile(
    "slack", max_text=3000, markup=SLACK, max_buttons=25, max_button_title=75, max_payload_bytes=2000
)


@dataclass
class Outgoing:
    """One message to send: text already in the channel's markup, and native buttons if any."""

    text: str
    buttons: Optional[List[Button]] = None


# --- markup -------------------------------------------------------------------------------------------

_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+", re.M)
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:|tel:)[^\s)]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")
# Placeholders that no reply contains, so converted markup is not converted twice.
_B, _I, _LINK_MARK = "\x01", "\x02", "\x03"


def _structure(text: str, bullet: str) -> str:
    """Headings become bold lines, list markers become the channel's bullet."""
    text = _HEADING.sub(lambda m: f"**{m.group(1)}**", text)
    return _BULLET.sub(lambda m: f"{m.group(1)}{bullet} ", text)


def _inline(
    text: str,
    bold: Callable[[str], str],
    italic: Callable[[str], str],
    link: Callable[[str, str], str],
    code: Callable[[str], str],
) -> str:
    links: List[str] = []

    def keep_link(match: "re.Match[str]") -> str:
        links.append(link(match.group(1), match.group(2)))
        return f"{_LINK_MARK}{len(links) - 1}{_LINK_MARK}"

    text = _LINK.sub(keep_link, text)
    text = _CODE.sub(lambda m: code(m.group(1)), text)
    text = _BOLD.sub(lambda m: f"{_B}{m.group(1)}{_B}", text)
    text = _ITALIC.sub(lambda m: f"{_I}{m.group(1)}{_I}", text)
    text = text.replace("**", "")  # an unmatched marker, e.g. a bold span cut by a message split
    text = re.sub(f"{_B}(.*?){_B}", lambda m: bold(m.group(1)), text, flags=re.S)
    text = re.sub(f"{_I}(.*?){_I}", lambda m: italic(m.group(1)), text, flags=re.S)
    return re.sub(f"{_LINK_MARK}(\\d+){_LINK_MARK}", lambda m: links[int(m.group(1))], text)


def _plain_link(label: str, url: str) -> str:
    target = url.split(":", 1)[1] if url.startswith(("mailto:", "tel:")) else url
    return target if label.strip() in (url, target, target.split("://")[-1]) else f"{label} ({target})"


def _escape(text: str) -> str:
    """&, < and > as entities: what both Telegram HTML and Slack mrkdwn require."""
    return html.escape(text, quote=False)


def render(text: str, profile: Profile) -> str:
    """The reply in the channel's markup; nothing that would show as stray symbols."""
    text = _structure(text, profile.bullet)
    same = lambda s: s  # noqa: E731
    if profile.markup == WHATSAPP:
        return _inline(text, lambda s: f"*{s}*", lambda s: f"_{s}_", _plain_link, same)
    if profile.markup == SLACK:
        return _inline(
            _escape(text),
            lambda s: f"*{s}*",
            lambda s: f"_{s}_",
            lambda label, url: f"<{url}|{label}>",
            lambda s: f"`{s}`",
        )
    if profile.markup == TELEGRAM_HTML:
        return _inline(
            _escape(text),
            lambda s: f"<b>{s}</b>",
            lambda s: f"<i>{s}</i>",
            lambda label, url: f'<a href="{url.replace(chr(34), "%22")}">{label}</a>',
            lambda s: f"<code>{s}</code>",
        )
    return _inline(text, same, same, _plain_link, same)


_HTML_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)


def html_to_plain(text: str) -> str:
    """Telegram HTML back to plain text (links keep their address), for when Telegram refuses the markup."""
    text = _HTML_LINK.sub(lambda m: _plain_link(m.group(2), m.group(1)), text)
    return html.unescape(re.sub(r"</?(?:b|i|code)>", "", text))


# --- splitting ----------------------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?:;])\s+")


def _parts(text: str, level: int) -> tuple[str, List[str]]:
    if level == 0:
        return "\n\n", [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if level == 1:
        return "\n", [p for p in text.split("\n") if p.strip()]
    if level == 2:
        return " ", [p for p in _SENTENCE.split(text) if p]
    return " ", [p for p in text.split(" ") if p]


def _hard_cut(word: str, limit: int, fmt: Callable[[str], str]) -> List[str]:
    pieces = []
    while word:
        size = min(len(word), limit)
        while size > 1 and len(fmt(word[:size])) > limit:
            size = max(1, size * 9 // 10)
        pieces.append(fmt(word[:size]))
        word = word[size:]
    return pieces


def _split(text: str, limit: int, fmt: Callable[[str], str], level: int) -> List[str]:
    if len(fmt(text)) <= limit:
        return [fmt(text)]
    if level > 3:
        return _hard_cut(text, limit, fmt)
    separator, parts = _parts(text, level)
    chunks: List[str] = []
    current: Optional[str] = None
    for part in parts:
        candidate = part if current is None else current + separator + part
        if len(fmt(candidate)) <= limit:
            current = candidate
            continue
        if current is not None:
            chunks.append(fmt(current))
            current = None
        if len(fmt(part)) <= limit:
            current = part
        else:
            chunks.extend(_split(part, limit, fmt, level + 1))
    if current is not None:
        chunks.append(fmt(current))
    return chunks


def split_text(text: str, limit: int, fmt: Callable[[str], str] = lambda s: s) -> List[str]:
    """Formatted chunks, each at most ``limit`` characters after ``fmt``.

    Splits between paragraphs first, then lines, sentences and words, and packs as much as fits into each
    chunk, so a long answer becomes as few messages as the channel allows.
    """
    text = (text or "").strip()
    return _split(text, limit, fmt, 0) if text else []


# --- buttons ------------------------------------------------------------------------------------------


def numbered_options(buttons: Sequence[Button]) -> str:
    lines = [f"{number}. {button.get('title', '')}" for number, button in enumerate(buttons, start=1)]
    return "\n".join(lines + ["", CHOICE_PROMPT])


def format_reply(text: Optional[str], buttons: Sequence[Button], profile: Profile) -> List[Outgoing]:
    """The messages for one bot reply: split under the limit, buttons native or numbered."""
    buttons = list(buttons or [])
    native = profile.shows_buttons(buttons)
    body = (text or "").strip()
    if buttons and not native:
        body = f"{body}\n\n{numbered_options(buttons)}" if body else numbered_options(buttons)
    chunks = split_text(body, profile.max_text, lambda s: render(s, profile))
    if native and not chunks:
        chunks = [BUTTONS_ONLY_TEXT]
    messages = [Outgoing(chunk) for chunk in chunks]
    if native:
        messages[-1].buttons = buttons
    return messages


_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_CHOICE = re.compile(
    r"^(?:(?:option|number|choice|no\.?|nr\.?|#)\s*)?\(?\s*(\d{1,2}|" + "|".join(_WORDS) + r")(?:st|nd|rd|th)?"
    r"\s*\)?\s*(?:one|option)?\s*[.)!]?$",
    re.I,
)


def choice_number(text: Optional[str]) -> Optional[int]:
    """The option number a reply names ("2", "2.", "#2", "option 2", "two", "2️⃣"), or None."""
    if not text:
        return None
    cleaned = text.strip().replace("\ufe0f", "").replace("\u20e3", "")
    match = _CHOICE.match(cleaned)
    if not match:
        return None
    token = match.group(1).lower()
    return int(token) if token.isdigit() else _WORDS[token]


def pending_buttons(events: Iterable[Mapping[str, Any]]) -> List[Button]:
    """Buttons of the bot's last message, if the visitor has not spoken since (tracker events, oldest first)."""
    for event in reversed(list(events)):
        kind = event.get("event")
        if kind == "user":
            return []
        if kind == "bot":
            data = event.get("data") or {}
            return list(data.get("buttons") or data.get("quick_replies") or [])
    return []


def resolve_choice(text: Optional[str], buttons: Sequence[Button]) -> Optional[Dict[str, Any]]:
    """The button a numbered reply picks, or None when the reply is not an option number in range."""
    number = choice_number(text)
    if number is None or not 1 <= number <= len(buttons):
        return None
    button = buttons[number - 1]
    return dict(button) if button.get("payload") else None
