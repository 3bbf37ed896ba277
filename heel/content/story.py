"""What a description told before a question suggests, for the first line of the answer.

"Pain under my heel with the first steps every morning since I upped my mileage. What can I do?" is answered with
what was asked, opened by the likely cause the description points to, named with care. The description is read by
the assessment's own parsers and cause table (heel/triage), so the chat and the assessment never disagree. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from heel.triage.answers import extract_answers
from heel.triage.engine import Answers, rank_causes


@dataclass(frozen=True)
class StoryLead:
    cause_id: str
    cause_name: str
    reasons: List[str]


def likely_cause(text: str) -> Optional[StoryLead]:
    """The cause a description points to, when it says where it hurts and when or since what, and one cause leads
    clearly (a tie says nothing); None otherwise."""
    found = extract_answers(text or "")
    if "location" not in found or not ({"timing", "change"} & set(found)):
        return None
    causes = rank_causes(Answers.from_mapping(found))
    if not causes or (len(causes) > 1 and causes[1].score >= causes[0].score):
        return None
    top = causes[0]
    return StoryLead(top.cause_id, top.name, top.reasons[:2])


def lead_line(text: str, person: Optional[str], condition_named: bool) -> Optional[str]:
    """The line before the answer: the likely cause (not when the visitor already named a condition: they know what
    they have), else who the answer is for; None for a plain question about the visitor's own heel."""
    from heel.content.messages import message

    lead = None if condition_named else likely_cause(text)
    if lead is not None:
        values = {"reasons": " and ".join(lead.reasons), "cause": lead.cause_name, "person": person or ""}
        return message("story_lead_other" if person else "story_lead", values)["text"]
    if person:
        return message("someone_else_lead", {"person": person})["text"]
    return None


QUESTION_OPENERS = (
    "what",
    "how",
    "why",
    "when",
    "where",
    "which",
    "who",
    "is",
    "are",
    "can",
    "could",
    "should",
    "would",
    "will",
    "do",
    "does",
    "did",
    "has",
    "have",
    "any",
)


def question_count(text: str) -> int:
    """How many questions a message asks: question marks, and sentences opening as a question without one."""
    import re

    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text or "") if s.strip()]
    return sum(1 for s in sentences if s.endswith("?") or s.split()[0].lower().strip(",") in QUESTION_OPENERS)
