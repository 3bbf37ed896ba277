"""Aspect routing (docs/labels.md): the aspect asked about decides the intent, a named condition picks the note.

Pure functions over a cue table read from nlp/aspects.yml; the Rasa component that applies them is
`nlu_components.heel_nlu.AspectRouter`. Nothing here runs at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml

TABLE_PATH = Path(__file__).resolve().parents[2] / "nlp" / "aspects.yml"


Patterns = Tuple["re.Pattern[str]", ...]


@dataclass(frozen=True)
class TopicWords:
    """`unsupported` in nlp/aspects.yml: words one of which a topic needs, close rivals with their words, and
    whether a topic without its words asks instead of answering."""

    needs: Patterns
    rivals: Tuple[Tuple[str, Patterns], ...] = ()
    clarify: bool = False
    entities: FrozenSet[str] = (
        frozenset()
    )  # entity values (nlp/terms.yml ids, every spelling the ruler knows) that count

    def found(self, text: str, entities: Iterable[Mapping] = ()) -> bool:
        return _any(self.needs, text) or any(str(e.get("value")) in self.entities for e in entities)


@dataclass(frozen=True)
class AmbiguousTerm:
    """`ambiguous_terms`: a word with a meaning in each of `topics`, unless one of `unless` settles it."""

    pattern: "re.Pattern[str]"
    topics: FrozenSet[str]
    unless: Patterns = ()


@dataclass(frozen=True)
class AspectTable:
    condition_intents: frozenset
    treatment_intents: Mapping[str, str]
    cues: Tuple[Tuple[str, Tuple["re.Pattern[str]", ...]], ...]
    price_intent: str = "ask_clinic_info"
    price_cues: Tuple["re.Pattern[str]", ...] = ()
    reported_results: Tuple["re.Pattern[str]", ...] = ()
    context_phrases: Tuple["re.Pattern[str]", ...] = ()
    unsupported: Mapping[str, TopicWords] = field(default_factory=dict)
    ambiguous_terms: Tuple[AmbiguousTerm, ...] = ()


@lru_cache(maxsize=4)
def load_table(path: str = str(TABLE_PATH)) -> AspectTable:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    cues = tuple(
        (intent, tuple(re.compile(p, re.IGNORECASE) for p in patterns)) for intent, patterns in raw["cues"].items()
    )
    prices = tuple(re.compile(p, re.IGNORECASE) for p in raw.get("price_cues") or [])
    results = tuple(re.compile(p, re.IGNORECASE) for p in raw.get("reported_results") or [])
    context = tuple(re.compile(p, re.IGNORECASE) for p in raw.get("context_phrases") or [])
    unsupported = {
        topic: TopicWords(
            _compile_all(spec.get("needs")),
            tuple((rival, _compile_all(patterns)) for rival, patterns in (spec.get("rivals") or {}).items()),
            bool(spec.get("clarify")),
            frozenset(spec.get("entities") or ()),
        )
        for topic, spec in (raw.get("unsupported") or {}).items()
    }
    ambiguous = tuple(
        AmbiguousTerm(
            re.compile(item["pattern"], re.IGNORECASE), frozenset(item["topics"]), _compile_all(item.get("unless"))
        )
        for item in raw.get("ambiguous_terms") or []
    )
    return AspectTable(
        frozenset(raw["condition_intents"]),
        dict(raw["treatment_intents"]),
        cues,
        str(raw.get("price_intent", AspectTable.price_intent)),
        prices,
        results,
        context,
        unsupported,
        ambiguous,
    )


def _compile_all(patterns: Optional[Iterable[str]]) -> Patterns:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns or [])


def _any(patterns: Patterns, text: str) -> bool:
    return any(p.search(text or "") for p in patterns)


def price_reroute(top_intent: Optional[str], text: str, table: AspectTable) -> Optional[str]:
    """The clinic-information intent when a topic question asks about prices ("how much is a shockwave session"),
    else None. Any topic intent qualifies; the clinic-information intent itself is left alone."""
    if not top_intent or not top_intent.startswith("ask_") or top_intent == table.price_intent:
        return None
    asked = question_text(text or "")
    return table.price_intent if any(p.search(asked) for p in table.price_cues) else None


def question_text(text: str) -> str:
    """The sentences that ask (end with "?"), or the whole text when none does: "running shops sell you a £150
    shoe. How is a physio's analysis any different?" names a price in a statement, not in the question."""
    sentences = re.findall(r"[^.!?]*\?+", text)
    return " ".join(sentences) if sentences else text


def aspect_candidates(text: str, entities: Iterable[Mapping], table: AspectTable) -> List[str]:
    """Aspect intents the message asks about: named treatments first, then cue phrases (each once). A test
    result the visitor reports ("my x-ray showed a spur") is blanked first: it is context, not the question."""
    for pattern in table.reported_results:
        text = pattern.sub(" ", text or "")
    found: List[str] = []
    for entity in entities:
        intent = table.treatment_intents.get(str(entity.get("value"))) if entity.get("entity") == "treatment" else None
        if intent and intent not in found:
            found.append(intent)
    for intent, patterns in table.cues:
        if intent not in found and any(p.search(text or "") for p in patterns):
            found.append(intent)
    return found


def reroute(
    top_intent: Optional[str],
    ranking: Sequence[Mapping],
    candidates: Sequence[str],
    table: AspectTable,
    min_share: float = 0.0,
) -> Optional[str]:
    """The aspect intent to answer with instead of a condition overview, or None to keep the classifier's choice.

    Only a condition intent is rerouted, and only to an aspect the classifier itself ranked with at least `min_share`
    of the condition's confidence (so a cue word in an unrelated sense, one the classifier found unlikely, cannot take
    over: "had an x-ray, is the spur what hurts?"). Among several aspects the classifier's favourite wins.
    """
    if top_intent not in table.condition_intents or not candidates:
        return None
    positions: Dict[str, int] = {str(item.get("name")): i for i, item in enumerate(ranking)}
    confidence = {str(item.get("name")): float(item.get("confidence") or 0.0) for item in ranking}
    floor = min_share * confidence.get(top_intent, 0.0)
    ranked = [c for c in candidates if c in positions and confidence[c] >= floor]
    if not ranked:
        return None
    return min(ranked, key=lambda c: positions[c])


def _best_ranked(candidates: Sequence[str], ranking: Sequence[Mapping]) -> Optional[str]:
    positions: Dict[str, int] = {str(item.get("name")): i for i, item in enumerate(ranking)}
    ranked = [c for c in candidates if c in positions]
    return min(ranked, key=lambda c: positions[c]) if ranked else None


def _in_spans(entity: Mapping, spans: Sequence[Tuple[int, int]]) -> Optional[bool]:
    """Whether the entity starts inside one of the spans; None when it has no offset."""
    start = entity.get("start")
    return any(a <= start < b for a, b in spans) if isinstance(start, int) else None


def _treatments_in(
    entities: Iterable[Mapping], table: AspectTable, spans: Sequence[Tuple[int, int]], inside: bool
) -> List[str]:
    found: List[str] = []
    for entity in entities:
        intent = table.treatment_intents.get(str(entity.get("value"))) if entity.get("entity") == "treatment" else None
        if intent and intent not in found and _in_spans(entity, spans) is inside:
            found.append(intent)
    return found


def treatment_reroute(
    top_intent: Optional[str], ranking: Sequence[Mapping], text: str, entities: Iterable[Mapping], table: AspectTable
) -> Optional[str]:
    """A treatment the visitor already has is context, not the question: "wearing insoles already, would taping the arch
    help as well" asks about taping. When the classifier answered with a treatment named only inside such a
    clause (`context_phrases`) and another treatment is named outside it, the other one answers (if ranked).

    Deliberately narrow: a wider rule (any treatment topic the message does not name gives way to one it names)
    was tried before and misread "heel raises" (an exercise word and an insert) and "not just exercises, do
    you do hands-on work" (docs/evaluation.md)."""
    entities = list(entities)
    spans = context_spans(text, table)
    if top_intent not in set(table.treatment_intents.values()) or not spans:
        return None
    had = _treatments_in(entities, table, spans, inside=True)
    outside = _treatments_in(entities, table, spans, inside=False)
    asked = [t for t in outside if t not in had]
    if top_intent not in had or top_intent in outside:
        return None
    if asked:
        return _best_ranked(asked, ranking)
    # No other treatment named: an aspect asked outside the clause ("I already wear kt tape when I run, but is there
    # anything I can do to stop it coming back" asks about prevention), if the classifier ranks it close.
    return _best_ranked(aspect_candidates(blanked(text, spans), [], table), list(ranking)[:CLOSE_RANKS])


def context_spans(text: str, table: AspectTable) -> List[Tuple[int, int]]:
    """Character spans of the clauses that tell what the visitor already has or tried (`context_phrases`)."""
    return [m.span() for pattern in table.context_phrases for m in pattern.finditer(text or "")]


def blanked(text: str, spans: Sequence[Tuple[int, int]]) -> str:
    """The text with the spans replaced by spaces in place, so overlapping spans and entity offsets still line up."""
    chars = list(text or "")
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def asked_aspects(text: str, entities: Iterable[Mapping], table: AspectTable) -> List[str]:
    """`aspect_candidates` outside the clauses about what the visitor already tried: "been doing calf stretches and
    swapped trainers for months and no change, could a trapped nerve be behind my heel pain" asks about the nerve,
    not about stretching."""
    spans = context_spans(text, table)
    if not spans:
        return aspect_candidates(text, entities, table)
    outside = [e for e in entities if not _in_spans(e, spans)]
    return aspect_candidates(blanked(text, spans), outside, table)


def ambiguous_between(text: str, first: str, second: str, table: AspectTable) -> bool:
    """The message uses a word that means one thing in `first`'s topic and another in `second`'s ("heel raises":
    an exercise, an insert), so the classifier's choice between the two is a guess."""
    return any(
        {first, second} <= term.topics and term.pattern.search(text or "") and not _any(term.unless, text)
        for term in table.ambiguous_terms
    )


CLOSE_RANKS = 3  # a rival further down the ranking than this is a guess, not a close call


def unsupported_reroute(
    top_intent: Optional[str],
    ranking: Sequence[Mapping],
    text: str,
    table: AspectTable,
    entities: Iterable[Mapping] = (),
) -> Optional[str]:
    """A topic none of whose own words the message uses gives way to a close rival whose words it does use:
    "my coach says my cadence is low, does cadence matter" is biomechanics, not gait analysis (nlp/aspects.yml)."""
    words = table.unsupported.get(top_intent or "")
    if not words or words.found(text, entities):
        return None
    rivals = [rival for rival, patterns in words.rivals if _any(patterns, text)]
    return _best_ranked(rivals, list(ranking)[:CLOSE_RANKS])


def missing_own_words(
    top_intent: Optional[str], text: str, table: AspectTable, entities: Iterable[Mapping] = ()
) -> bool:
    """A topic marked `clarify` whose own words the message lacks: TopicMargin asks instead of answering."""
    words = table.unsupported.get(top_intent or "")
    return bool(words and words.clarify and not words.found(text, entities))


# a wh-word that opens a clause: at the start, after punctuation or after a discourse word ("anyway how long...");
# not "it hurts when I stretch"
WH_START_RE = re.compile(
    r"(?:^|[.!?,;:\n]\s*|\b(?:anyway|so|but|and|ok|okay|right|also|just|basically|tbh|honestly|now)\s+)"
    r"(how|what|whats|what's|when|which|why|where)\b",
    re.IGNORECASE,
)


def asked_part(text: str) -> str:
    """The part of a message that asks: from its last wh-word to the end of that sentence ("...and now the underside of
    my heel throbs every morning. so when is it likely to ease off do you think" -> "when is it likely to
    ease off do you think"), or "" when no wh-word asks."""
    matches = list(WH_START_RE.finditer(text or ""))
    if not matches:
        return ""
    tail = text[matches[-1].start(1) :]
    return re.split(r"[.!]", tail, maxsplit=1)[0]


def described_question_reroute(
    top_intent: Optional[str],
    ranking: Sequence[Mapping],
    text: str,
    table: AspectTable,
    describe_intent: str = "describe_symptoms",
    asks: bool = False,
    question_intent: Optional[str] = None,
) -> Optional[str]:
    """A description of the visitor's heel that ends in a question gets a topic (docs/labels.md: a description
    without a clear question is describe_symptoms): "...now my heel is sore most mornings, mate reckons its pf.
    anyway how long does it usually take to get better" asks about recovery. An aspect cue phrase in the asking part
    picks the aspect among the classifier's close ranks. A question without one ("what might be going on with it?",
    `asks`) asks what the description points to: `question_intent` (the causes answer, which opens with the likely
    cause), or nothing when it is None."""
    if top_intent != describe_intent:
        return None
    aspect = _best_ranked(aspect_candidates(asked_part(text), [], table), list(ranking)[:CLOSE_RANKS])
    if aspect is not None or not asks:
        return aspect
    return question_intent


def reported_result_reroute(
    top_intent: Optional[str],
    ranking: Sequence[Mapping],
    text: str,
    table: AspectTable,
    diagnosis_intent: str = "ask_diagnosis",
) -> Optional[str]:
    """ "the x-ray showed a spur, should I worry": the diagnosis answer only fits when something beyond the reported
    result asks about tests. Otherwise the classifier's best other topic answers."""
    if top_intent != diagnosis_intent or not any(p.search(text or "") for p in table.reported_results):
        return None
    if diagnosis_intent in aspect_candidates(text, [], table):
        return None
    # only a close runner-up: far down the ranking the classifier has no idea, and the clarifying question is better
    topics = [
        str(item.get("name"))
        for item in list(ranking)[:3]
        if str(item.get("name", "")).startswith("ask_") and item.get("name") != diagnosis_intent
    ]
    return topics[0] if topics else None
