"""Turns content-store topics into chat-sized replies. Pure: no Rasa, no database."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional

from heel.store.content_repo import TopicView

CONDITION_TOPICS = (
    "plantar_fasciitis",
    "achilles_tendinopathy",
    "stress_fracture",
    "nerve_entrapment",
    "fat_pad",
    "severs_disease",
    "inflammatory_heel_pain",
)
MAX_BUTTONS = 4


@dataclass
class Reply:
    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)


class _Blank(dict):
    """Leaves unknown {placeholders} visible instead of crashing on a clinic.yml typo."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(text: str, values: Mapping[str, str]) -> str:
    return string.Formatter().vformat(text, (), _Blank(values))


def source_line(topic: TopicView, limit: int = 2) -> str:
    titles = [source["title"] for source in topic.sources[:limit]]
    return "Sources: " + "; ".join(titles) if titles else ""


MORE = {"title": "Tell me more", "payload": "/more_info"}
CHECK = {"title": "Check my symptoms", "payload": "/request_assessment"}
BOOK = {"title": "Book an appointment", "payload": "/book_appointment"}


def topic_buttons(
    topic: TopicView,
    titles: Mapping[str, str],
    intents: Mapping[str, str],
    more: bool = True,
    second: Optional[Dict[str, str]] = None,
    offer_check: bool = False,
) -> List[Dict[str, str]]:
    """ "Tell me more", related topics, then the next step (the symptom check after a condition, or when the answer
    named a likely cause; booking otherwise). `second`: the other topic of a message that asked two things, offered
    right after "Tell me more", one button over the usual MAX_BUTTONS; related topics give way to the rest."""
    head = ([dict(MORE)] if more else []) + ([second] if second else [])
    condition = topic.id in CONDITION_TOPICS
    tail = ([dict(CHECK)] if condition or offer_check else []) + ([] if condition else [dict(BOOK)])
    room = MAX_BUTTONS + (1 if second else 0) - len(head) - len(tail)
    related = [
        {"title": titles[r], "payload": f"/{intents[r]}"}
        for r in topic.related
        if r in titles and r in intents and not (second and second["payload"] == f"/{intents[r]}")
    ]
    return head + related[: max(room, 0)] + tail


def summary_reply(
    topic: TopicView, values: Mapping[str, str], condition: Optional[str] = None, condition_title: Optional[str] = None
) -> str:
    """The short answer; when the visitor was talking about a condition and the topic has a note for it, that note."""
    if condition and condition in topic.condition_notes:
        label = condition_title or condition.replace("_", " ").capitalize()
        body = f"{label}: {topic.condition_notes[condition]}"
    else:
        body = topic.summary
    parts = [fill(body.strip(), values)]
    line = source_line(topic)
    if line:
        parts.append(line)
    return "\n\n".join(parts)


def detail_reply(topic: TopicView, values: Mapping[str, str]) -> str:
    parts = [fill(topic.detail.strip(), values)]
    if topic.self_care:
        parts.append("What you can do now:\n" + "\n".join(f"- {tip}" for tip in topic.self_care))
    parts.append(fill(topic.see_physio.strip(), values))
    line = source_line(topic, limit=4)
    if line:
        parts.append(line)
    return "\n\n".join(parts)
