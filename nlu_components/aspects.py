"""Aspect routing (docs/labels.md): the aspect asked about decides the intent, a named condition picks the note.

Pure functions over a cue table read from nlp/aspects.yml; the Rasa component that applies them is
`nlu_components.heel_nlu.AspectRouter`. Nothing here runs at import.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml

TABLE_PATH = Path(__file__).resolve().parent.parent / "nlp" / "aspects.yml"


@dataclass(frozen=True)
class AspectTable:
    condition_intents: frozenset
    treatment_intents: Mapping[str, str]
    cues: Tuple[Tuple[str, Tuple["re.Pattern[str]", ...]], ...]
    price_intent: str = "ask_clinic_info"
    price_cues: Tuple["re.Pattern[str]", ...] = ()
    reported_results: Tuple["re.Pattern[str]", ...] = ()
    context_phrases: Tuple["re.Pattern[str]", ...] = ()


@lru_cache(maxsize=4)
def load_table(path: str = str(TABLE_PATH)) -> AspectTable:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    cues = tuple((intent, tuple(re.compile(p, re.IGNORECASE) for p in patterns))
                 for intent, patterns in raw["cues"].items())
    prices = tuple(re.compile(p, re.IGNORECASE) for p in raw.get("price_cues") or [])
    results = tuple(re.compile(p, re.IGNORECASE) for p in raw.get("reported_results") or [])
    context = tuple(re.compile(p, re.IGNORECASE) for p in raw.get("context_phrases") or [])
    return AspectTable(frozenset(raw["condition_intents"]), dict(raw["treatment_intents"]), cues,
                       str(raw.get("price_intent", AspectTable.price_intent)), prices, results, context)


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


def reroute(top_intent: Optional[str], ranking: Sequence[Mapping], candidates: Sequence[str],
            table: AspectTable) -> Optional[str]:
    """The aspect intent to answer with instead of a condition overview, or None to keep the classifier's choice.

    Only a condition intent is rerouted, and only to an aspect the classifier itself ranked (so a cue word in an
    unrelated sense, far down the ranking, cannot take over). Among several aspects the classifier's favourite wins.
    """
    if top_intent not in table.condition_intents or not candidates:
        return None
    positions: Dict[str, int] = {str(item.get("name")): i for i, item in enumerate(ranking)}
    ranked = [c for c in candidates if c in positions]
    if not ranked:
        return None
    return min(ranked, key=lambda c: positions[c])


def _best_ranked(candidates: Sequence[str], ranking: Sequence[Mapping]) -> Optional[str]:
    positions: Dict[str, int] = {str(item.get("name")): i for i, item in enumerate(ranking)}
    ranked = [c for c in candidates if c in positions]
    return min(ranked, key=lambda c: positions[c]) if ranked else None


def _treatments_in(entities: Iterable[Mapping], table: AspectTable, spans: Sequence[Tuple[int, int]],
                   inside: bool) -> List[str]:
    found: List[str] = []
    for entity in entities:
        intent = table.treatment_intents.get(str(entity.get("value"))) if entity.get("entity") == "treatment" else None
        start = entity.get("start")
        if not intent or intent in found or not isinstance(start, int):
            continue
        if any(a <= start < b for a, b in spans) == inside:
            found.append(intent)
    return found


def treatment_reroute(top_intent: Optional[str], ranking: Sequence[Mapping], text: str,
                      entities: Iterable[Mapping], table: AspectTable) -> Optional[str]:
    """A treatment the visitor already has is context, not the question: "already got arch supports, would strapping
    my foot add anything" asks about taping. When the classifier answered with a treatment named only inside such a
    clause (`context_phrases`) and another treatment is named outside it, the other one answers (if ranked).

    Deliberately narrow: a wider rule (any treatment topic the message does not name gives way to one it names)
    was tried in session 6 and misread "heel raises" (an exercise word and an insert) and "not just exercises, do
    you do hands-on work" (docs/evaluation.md)."""
    entities = list(entities)
    spans = [m.span() for pattern in table.context_phrases for m in pattern.finditer(text or "")]
    if top_intent not in set(table.treatment_intents.values()) or not spans:
        return None
    had = _treatments_in(entities, table, spans, inside=True)
    outside = _treatments_in(entities, table, spans, inside=False)
    asked = [t for t in outside if t not in had]
    if top_intent not in had or top_intent in outside or not asked:
        return None
    return _best_ranked(asked, ranking)


def reported_result_reroute(top_intent: Optional[str], ranking: Sequence[Mapping], text: str,
                            table: AspectTable, diagnosis_intent: str = "ask_diagnosis") -> Optional[str]:
    """"the x-ray showed a spur, should I worry": the diagnosis answer only fits when something beyond the reported
    result asks about tests. Otherwise the classifier's best other topic answers."""
    if top_intent != diagnosis_intent or not any(p.search(text or "") for p in table.reported_results):
        return None
    if diagnosis_intent in aspect_candidates(text, [], table):
        return None
    # only a close runner-up: far down the ranking the classifier has no idea, and the clarifying question is better
    topics = [str(item.get("name")) for item in list(ranking)[:3]
              if str(item.get("name", "")).startswith("ask_") and item.get("name") != diagnosis_intent]
    return topics[0] if topics else None
