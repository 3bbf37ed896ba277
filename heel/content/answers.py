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


def topic_buttons(
    topic: TopicView, titles: Mapping[str, str], intents: Mapping[str, str], more: bool = True
) -> List[Dict[str, str]]:
    buttons: List[Dict[str, str]] = []
    if more:
        buttons.append({"title": "Tell me more", "payload": "/more_info"})
    for related in topic.related:
        if related in titles and related in intents and len(buttons) < MAX_BUTTONS - 1:
            buttons.append({"title": titles[related], "payload": f"/{intents[related]}"})
    if topic.id in CONDITION_TOPICS:
        buttons.append({"title": "Check my symptoms", "payload": "/request_assessment"})
    else:
        buttons.append({"title": "Book an appointment", "payload": "/book_appointment"})
    return buttons


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
