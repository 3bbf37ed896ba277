"""What a description told before a question suggests, for the first line of the answer.

"Pain under my heel with the first steps every morning since I upped my mileage. What can I do?" is answered with
what was asked, opened by the likely cause the description points to, named with care. The description is read by
the assessment's own parsers and cause table (heel/triage), so the chat and the assessment never disagree. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Collection, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from heel.content.messages import message
from heel.triage.answers import extract_answers, looks_like_question
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


@dataclass(frozen=True)
class Lead:
    text: str
    names_cause: bool  # the line names a likely cause (then the symptom check is offered)


def lead_line(text: str, person: Optional[str], condition_named: bool) -> Optional[Lead]:
    """The line before the answer: the likely cause (not when the visitor already named a condition: they know what
    they have), else who the answer is for; None for a plain question about the visitor's own heel."""
    cause = None if condition_named else likely_cause(text)
    if cause is not None:
        values = {"reasons": " and ".join(cause.reasons), "cause": cause.cause_name, "person": person or ""}
        return Lead(message("story_lead_other" if person else "story_lead", values)["text"], True)
    if person:
        return Lead(message("someone_else_lead", {"person": person})["text"], False)
    return None


_QUESTION_WORDS = "what|whats|what's|how|why|which|who|when|where"
_AUXILIARIES = "is|are|am|was|were|do|does|did|can|could|should|shall|would|will|has|have|may|might"
# A second question joined to the first inside one sentence: "why did it come back, and what can I do?", "what is
# it and how do they test for it?". After a comma any question opener counts; without one only a question word does
# ("it hurts and is swollen" describes, it does not ask again).
_JOINED_QUESTION = re.compile(
    rf",\s*(?:and|also|plus)\s+(?:also\s+)?(?:{_QUESTION_WORDS}|{_AUXILIARIES})\b"
    rf"|\s(?:and|also|plus)\s+(?:also\s+)?(?:{_QUESTION_WORDS})\b",
    re.IGNORECASE,
)


def _sentences(text: str) -> List[str]:
    return [sentence for sentence in re.split(r"(?<=[.!?])\s+|\n+", text or "") if sentence.strip()]


# A sentence that goes on from the one before ("... come back? and what stops it") asks if what follows the link word
# asks.
_LINK_WORD = re.compile(r"^\W*(?:and|also|plus|but|so|or)\s+(?:also\s+)?", re.IGNORECASE)


def _asks(sentence: str) -> bool:
    return looks_like_question(_LINK_WORD.sub("", sentence))


def question_count(text: str) -> int:
    """How many questions a message asks: its sentences that read as a question (the assessment's own test), each
    with the questions joined to it by "and"."""
    return sum(1 + len(_JOINED_QUESTION.findall(sentence)) for sentence in _sentences(text) if _asks(sentence))


def _parts(text: str) -> List[Tuple[str, bool]]:
    """The message in order as (part, asks): each telling sentence whole, each asking sentence cut before every
    question joined to it ("why did it come back, and what stops it?" is two parts). A sentence asks when it opens
    like a question (the assessment's test), or, in a message whose writer uses question marks, when it has one or
    its first clause opens like a question: a clause inside ("heel sore for weeks, which is new. Would taping
    help?") then tells."""
    marked = "?" in (text or "")
    parts: List[Tuple[str, bool]] = []
    for sentence in _sentences(text):
        first_clause = re.split(r"[,;:(]", sentence, maxsplit=1)[0]
        if not (("?" in sentence or _asks(first_clause)) if marked else _asks(sentence)):
            parts.append((sentence, False))
            continue
        cuts = [match.start() for match in _JOINED_QUESTION.finditer(sentence)]
        for start, end in zip([0] + cuts, cuts + [len(sentence)]):
            piece = sentence[start:end].strip(" ,")
            if piece:
                parts.append((piece, True))
    return parts


class Question(NamedTuple):
    reading: str  # everything the message tells, with this one question in its place
    asked: str  # the question itself


def each_question(text: str, most: int = 2) -> List[Question]:
    """For a message that asks two or more things, its first `most` questions in the order asked, each with the
    message as read for it: everything the message tells, with that one question in its place and the other
    questions left out. "Sore under the heel for months. Is it plantar fasciitis? And would insoles help?" gives
    ("Sore under the heel for months. Is it plantar fasciitis?", "Is it plantar fasciitis?") and ("Sore under the
    heel for months. And would insoles help?", "And would insoles help?"). Empty for fewer than two questions."""
    parts = _parts(text)
    asking = [index for index, (_, asks) in enumerate(parts) if asks]
    if len(asking) < 2:
        return []
    return [
        Question(
            " ".join(part for index, (part, asks) in enumerate(parts) if not asks or index == question),
            parts[question][0],
        )
        for question in asking[:most]
    ]


def question_part(text: str) -> Optional[str]:
    """The sentences that ask, in a message that also tells something ("Sore under the heel since March, worst first
    thing. What can I do?" -> "What can I do?"); None when every sentence asks or none does."""
    sentences = _sentences(text)
    asking = [sentence for sentence in sentences if _asks(sentence)]
    return " ".join(asking) if asking and len(asking) < len(sentences) else None


SECOND_QUESTION_MIN_CONFIDENCE = 0.1  # a second topic this likely, in a message with two questions, gets a button


def second_question(
    text: str,
    ranking: Sequence[Mapping[str, Any]],
    answered: str,
    topics: Collection[str],
    asked: Sequence[str] = (),
) -> Optional[str]:
    """The topic intent of a message's other question, offered as a button beside the answer. `asked`: the topic
    each of its questions was read as, in order (the intent classifier's reading of each question with the story,
    `each_question`): the first that is not the answer. Without it, the next topic in the classifier's ranking,
    when the message asks two questions and that topic is reasonably likely."""
    if asked:
        return next((intent for intent in asked if intent in topics and intent != answered), None)
    if question_count(text) < 2:
        return None
    for candidate in ranking:
        intent = str(candidate.get("name") or "")
        if intent in topics and intent != answered:
            return intent if float(candidate.get("confidence") or 0.0) >= SECOND_QUESTION_MIN_CONFIDENCE else None
    return None
