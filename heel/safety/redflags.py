"""Deterministic red-flag detector over a spaCy Doc from the project pipeline (build/spacy_heel).

Why rules and not the NLU model: a missed emergency is the worst failure of the assistant, so detection must be
predictable, testable and explainable. It runs on every message (also inside forms).

How it works, in order (this module is the API; the steps live in matcher.py, rules.py, reading.py and context.py):
1. tokens -> sentences -> "forms" (lower case, norm, lemma, typo fixes) so "can't"/"cant"/"cannot" all read
   "can not", and "swolen"/"numbess" read "swollen"/"numb";
2. concept patterns (a tiny token-window DSL, heel/safety/matcher.py) find clinical concepts (cold foot, injury, ...);
   concepts, flags and every word list are data in nlp/redflags/rules/ (read by heel/safety/tables.py);
3. each occurrence is checked for NegEx-style negation, history ("years ago", or "in 2015 ... repaired and fine
   since"), things instead of the body ("my shoelace snapped"), transient benign sensations ("cold in the snow,
   warmed up straight away"), who it is about (me, my son, my friend; "my diabetes nurse" is the writer's) and
   whether the sentence is an information question or a hypothetical;
4. flag rules (any-of / all-of concepts, also combining facts from earlier turns via RedFlagContext) fire.

Decisions (SAFETY FIRST: when unsure, fire):
- Information questions with no first-person reference ("what does a pop mean?", "is numbness a red flag?")
  and hypotheticals ("what if my toes turn cold?") do not fire. A question that points at the visitor
  ("is it a rupture?", "should I worry that my foot is blue?") fires.
- Children ("my son fell and can't walk") and an unresolved "he"/"she" fire as the visitor's own: a carer may be
  writing for the patient. Another adult's current sign ("my husband fell and can't walk") is reported apart
  (`detect_split`), so the visitor is told where to send that person without their own care level changing;
  another adult's background alone ("my mum is diabetic") fires for no one.
- Plain tingling, burning or pins and needles never fire (nerve entrapment, not a red flag); numbness described
  as long-standing or coming and going with tingling at night does not fire either.
- Old events stay silent only with a time marker ("years ago"; or a year / "back in" / "when I was 30" plus a
  stated repair or recovery); transient sensations only with both a benign cause and a stated recovery.
Sources: shared/PRODUCT.md red-flag table (BRIEF); Ottawa ankle and foot rules (OTT); NICE NG19 diabetic foot
(NG19); Tu & Bytomski, Am Fam Physician 2011;84(8):909-916 (AFP); NICE CKS plantar fasciitis (CKS).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

from heel.safety.learned import Judge, LearnedHit, Scorer
from heel.safety.reading import OTHER_OWNERS, OTHERS_ACROSS_TURNS, PATIENT_OWNERS, Message, Occurrence
from heel.safety.rules import (
    Concept,
    FlagRule,
    all_concepts,
    concept_by_id,
    concepts,
    context_patterns,
    effect_pattern,
    flag_concepts,
    flag_order,
    flag_rules,
    modifiers,
    prepare,
    remembered_fields,
)
from heel.safety.tables import W
from heel.triage.engine import RED_FLAG_LEVELS, CareLevel

# the detector's API: what the adapters, scripts and tests use, wherever it is defined
__all__ = [
    "Concept",
    "FlagRule",
    "MessageAnalysis",
    "Occurrence",
    "OTHER_OWNERS",
    "PATIENT_OWNERS",
    "RedFlagContext",
    "RedFlagHit",
    "all_concepts",
    "analyse",
    "analyse_message",
    "combine_turn",
    "concept_by_id",
    "concepts",
    "context_from_text",
    "context_patterns",
    "detect",
    "detect_and_remember",
    "detect_split",
    "detect_text",
    "effect_pattern",
    "flag_concepts",
    "flag_order",
    "flag_rules",
    "modifiers",
    "most_severe",
    "parse",
    "prepare",
    "sentences",
    "set_aside_only",
]

# ---------------------------------------------------------------------------------------------------------------
# Public types
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RedFlagHit:
    flag_id: str
    level: CareLevel
    evidence: str


@dataclass(frozen=True)
class RedFlagContext:
    """Facts said in earlier turns that combine with later ones (diabetes now, a blister later), by name (the values
    of flags.yml `remember`, e.g. "has_diabetes"); another adult's under OTHER_PREFIX ("other:has_diabetes"), kept
    apart so a carer's "my gran is diabetic" and then "she has a sore on her heel" make her alert, not the visitor's.
    Besides those, what earlier turns establish for fragments that follow: foot_in_focus (the foot was named, so
    "swollen red hot" later is about it), heel_symptom (a background condition told later combines with it), and
    morning_word / stiff_long ("mornings" as one answer, "about 2 hours stiff" as the next)."""

    names: FrozenSet[str] = frozenset()

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_") or name not in _known_facts():
            raise AttributeError(name)
        return name in self.names

    def facts(self) -> FrozenSet[str]:
        """The patient's remembered concepts."""
        return frozenset(concept for concept, name in remembered_fields().items() if name in self.names)

    def others(self) -> FrozenSet[str]:
        """Another adult's remembered concepts."""
        return frozenset(c for c, name in remembered_fields().items() if OTHER_PREFIX + name in self.names)

    def merge(self, other: Optional["RedFlagContext"]) -> "RedFlagContext":
        return self if other is None else RedFlagContext(self.names | other.names)

    def to_dict(self) -> Dict[str, bool]:
        return {name: True for name in sorted(self.names)}

    @classmethod
    def from_dict(cls, data: Optional[Mapping[str, Any]]) -> "RedFlagContext":
        known = _known_facts()
        return cls(frozenset(k for k, v in (data or {}).items() if v and k in known))

    @classmethod
    def from_facts(cls, facts: Iterable[str], others: Iterable[str] = ()) -> "RedFlagContext":
        fields_ = remembered_fields()
        return cls(
            frozenset(fields_[c] for c in facts if c in fields_)
            | frozenset(OTHER_PREFIX + fields_[c] for c in others if c in fields_)
        )


OTHER_PREFIX = "other:"
FOCUS_FACTS = frozenset({"foot_in_focus", "heel_symptom", "morning_word", "stiff_long"})


@lru_cache(maxsize=None)
def _known_facts() -> FrozenSet[str]:
    """Every name a RedFlagContext may hold: the remembered facts, the focus facts, and another adult's of both."""
    own = frozenset(remembered_fields().values()) | FOCUS_FACTS
    return own | {OTHER_PREFIX + name for name in own}


def sentences(doc: Any) -> List[str]:
    """The message's sentences as the detector splits them (the learned scorer reads the same ones)."""
    message = Message(doc)
    return [message.sent_text(s) for s in sorted(message.sents)]


def analyse(doc: Any) -> List[Occurrence]:
    """All concept occurrences in a message with their status (for debugging and the eval script)."""
    return Message(doc).occurrences()


def _patient_facts(
    occurrences: Iterable[Occurrence], owners: Tuple[str, ...] = PATIENT_OWNERS
) -> Dict[str, List[Occurrence]]:
    occurrences = list(occurrences)
    # "the psoriasis question is for my brother, I don't have psoriasis": a background condition the writer denies
    # having is not theirs, wherever else it is named in the message. It stays the brother's.
    denied = (
        {
            occ.concept
            for occ in occurrences
            if occ.owner == "self" and occ.why_not == "negated" and not concept_by_id()[occ.concept].acute
        }
        if owners == PATIENT_OWNERS
        else set()
    )
    facts: Dict[str, List[Occurrence]] = {}
    for occ in occurrences:
        ownerless = occ.owner == "generic" and concept_by_id()[occ.concept].anyone
        if occ.affirmed and (occ.owner in owners or ownerless) and occ.concept not in denied:
            facts.setdefault(occ.concept, []).append(occ)
    return facts


def _in_context(doc: Any, context: Optional[RedFlagContext]) -> Message:
    return Message(doc, bool(context and context.foot_in_focus))


def detect(doc: Any, context: Optional[RedFlagContext] = None) -> List[RedFlagHit]:
    """The visitor's own red flags (or a child's they write for), most severe first, one hit per flag.
    context = facts from earlier turns."""
    message = _in_context(doc, context)
    return _hits(message, message.occurrences(), context)


def detect_and_remember(doc: Any, previous: Optional[RedFlagContext] = None) -> Tuple[List[RedFlagHit], RedFlagContext]:
    """One analysis of a turn: the visitor's flags with the earlier facts, and the facts to keep for later turns."""
    message = _in_context(doc, previous)
    occurrences = message.occurrences()
    return _hits(message, occurrences, previous), _remembered(message, occurrences, previous)


def detect_split(doc: Any, context: Optional[RedFlagContext] = None) -> Tuple[List[RedFlagHit], List[RedFlagHit]]:
    """(the visitor's own red flags, another adult's), one analysis. Another adult's ("my husband fell off the
    ladder and can't stand on it") are only looked for when the visitor reports none of their own: the visitor's
    own alert comes first, and the person they write about still needs care, so they are told where to send them.
    Earlier turns are combined for another adult in `combine_turn`."""
    message = _in_context(doc, context)
    occurrences = message.occurrences()
    own = _hits(message, occurrences, context)
    return own, ([] if own or message.others_set_aside else _hits(message, occurrences, None, OTHER_OWNERS))


@dataclass(frozen=True)
class MessageAnalysis:
    """Everything the assistant needs from one message, from one analysis: the visitor's own flags, another adult's,
    whether a danger sign was only set aside (denied, past, passing, asked about in general), and the facts to keep
    for later turns."""

    own: List[RedFlagHit]
    others: List[RedFlagHit]
    set_aside_only: bool
    remembered: RedFlagContext


def analyse_message(
    doc: Any, scorer: Optional[Scorer] = None, judge: Optional[Judge] = None, text: Optional[str] = None
) -> MessageAnalysis:
    """The single-message analysis, run once per message in the NLU pipeline (no earlier turns). With a `scorer`
    (heel/safety/learned.py) a flag its windows reach joins the rules' flags, unless the rules read that flag's sign
    in the same sentences as denied, past, passing or asked about in general. With a `judge`, a message in which the
    rules find no flag is read whole; its flag is accepted on the same terms (whom it is about, not set aside).
    `text`: the message as written, which the judge reads (the doc may hold it lower-cased); the doc's text when None."""
    message = Message(doc)
    occurrences = message.occurrences()
    own = _hits(message, occurrences, None)
    others = [] if own or message.others_set_aside else _hits(message, occurrences, None, OTHER_OWNERS)
    if scorer is not None:
        learned_own, learned_others = _learned(
            message, occurrences, scorer.hits(_sentence_texts(message)), own + others
        )
        own = _ordered(own + learned_own)
        others = [] if own or message.others_set_aside else _ordered(others + learned_others)
    if judge is not None and not own and not others:
        hit = judge.assess(doc.text if text is None else text, tuple(range(len(message.sents))))
        if hit is not None and judge.accepts(hit, _corroborated(occurrences, hit.flag_id)):
            own, others = _learned(message, occurrences, [hit], [])
    set_aside = not own and not others and any(not o.affirmed or o.owner not in PATIENT_OWNERS for o in occurrences)
    return MessageAnalysis(own, others, set_aside, _remembered(message, occurrences, None))


def _corroborated(occurrences: List[Occurrence], flag_id: str) -> bool:
    """Whether the rules read part of the flag's sign in the message as current (one of its concepts affirmed)."""
    concepts = flag_concepts().get(flag_id, ())
    return any(o.affirmed and o.concept in concepts for o in occurrences)


def _ordered(hits: List[RedFlagHit]) -> List[RedFlagHit]:
    """Most severe first; within a level, in the flags table's order."""
    return sorted(hits, key=lambda h: (h.level.rank, flag_order()[h.flag_id]))


def _sentence_texts(message: Message) -> List[str]:
    return [message.sent_text(s) for s in sorted(message.sents)]


def _learned(
    message: Message, occurrences: List[Occurrence], hits: Iterable[LearnedHit], rules: List[RedFlagHit]
) -> Tuple[List[RedFlagHit], List[RedFlagHit]]:
    """The learned flags the rules did not give, split into the visitor's (or a child's) and another adult's.
    A hit's window names sentences by their place in the message. Who a window is about is the owner most of its
    words have (heel/safety/reading.py `_owners`); a window about people in general ("you") is not anyone's report."""
    fired = {h.flag_id for h in rules}
    sent_ids = sorted(message.sents)
    own: List[RedFlagHit] = []
    others: List[RedFlagHit] = []
    for hit in hits:
        if hit.flag_id in fired or hit.flag_id not in flag_concepts():
            continue
        sents = {sent_ids[i] for i in hit.window.sentences}
        here = [o for o in occurrences if o.sent in sents and o.concept in flag_concepts()[hit.flag_id]]
        if here and not any(o.affirmed for o in here):
            continue  # the rules read this sign here as denied, past, passing or a general question
        owners = Counter(message.owners[t.i] for s in sents for t in message.sents[s] if not t.is_break)
        owner = owners.most_common(1)[0][0] if owners else "self"
        if owner == "generic":
            continue
        found = RedFlagHit(hit.flag_id, RED_FLAG_LEVELS[hit.flag_id], hit.window.text[:240])
        (others if owner == "other" else own).append(found)
    return own, others


def combine_turn(
    previous: RedFlagContext, alone: Iterable[str], facts: Iterable[str], doc: Callable[[], Any]
) -> Tuple[List[str], RedFlagContext, bool]:
    """One user turn across messages: the flags that the earlier facts (`previous`) and this message make together and
    the message `alone` did not, the facts to keep, and whether those flags are another adult's (their facts in
    earlier turns and this message's "she" or "he"). `facts` are the message's own remembered facts (from
    analyse_message); `doc` parses the message, called only when there are earlier facts to read it with."""
    if not previous.names:
        return [], RedFlagContext.from_dict({name: True for name in facts}), False
    message = _in_context(doc(), previous)
    occurrences = message.occurrences()
    updated = _remembered(message, occurrences, previous)
    alone = set(alone)
    own = [hit.flag_id for hit in _hits(message, occurrences, previous) if hit.flag_id not in alone]
    if own or message.others_set_aside or not previous.others():
        return own, updated, False
    others = _hits(message, occurrences, previous, OTHERS_ACROSS_TURNS)
    return [hit.flag_id for hit in others if hit.flag_id not in alone], updated, True


def set_aside_only(doc: Any) -> bool:
    """No red flag fires for anyone, and some danger sign in the message was set aside (denied, past, passing,
    asked about in general): "I'm not diabetic, it's a blister from new trainers". One analysis."""
    message = Message(doc)
    occurrences = message.occurrences()
    others = [] if message.others_set_aside else _hits(message, occurrences, None, OTHER_OWNERS)
    return (
        not _hits(message, occurrences, None)
        and not others
        and any(not o.affirmed or o.owner not in PATIENT_OWNERS for o in occurrences)
    )


def _hits(
    message: Message,
    occurrences: List[Occurrence],
    context: Optional[RedFlagContext],
    owners: Tuple[str, ...] = PATIENT_OWNERS,
) -> List[RedFlagHit]:
    facts = _patient_facts(occurrences, owners)
    remembered = (context.facts() if owners == PATIENT_OWNERS else context.others()) if context else frozenset()
    hits: List[RedFlagHit] = []
    for rule in flag_rules():
        evidence = _rule_evidence(rule, facts, remembered, message, owners)
        if evidence is not None:
            hits.append(RedFlagHit(rule.flag_id, rule.level, evidence))
    return _ordered(hits)


def _rule_evidence(
    rule: FlagRule,
    facts: Mapping[str, List[Occurrence]],
    remembered: FrozenSet[str],
    message: Message,
    owners: Tuple[str, ...] = PATIENT_OWNERS,
) -> Optional[str]:
    """Evidence sentence when some alternative of the rule holds for one patient, else None."""
    for conjunction in rule.any_of:
        current = [c for c in conjunction if c in facts]
        if (
            not current
            and len(conjunction) == 1
            and conjunction[0] in remembered
            and owners == PATIENT_OWNERS
            and not concept_by_id()[conjunction[0]].acute
            and message.reports_heel_symptom
        ):
            # "I have psoriasis, can it affect my heels?" then "both heels ache first thing daily": the
            # background condition said before, the heel symptom reported now
            return message.sent_text(min(message.sents))[:240]
        if not current:
            continue  # at least one part must be in this message, or old facts would re-fire every turn
        if (
            len(conjunction) == 1
            and not concept_by_id()[conjunction[0]].acute
            and (
                owners != PATIENT_OWNERS
                or message.asks
                and not message.reports_heel_symptom
                and "heel_symptom" not in remembered
            )
        ):
            # "my sister has psoriasis": nothing to send her anywhere for. "I have Crohn's, can it affect my
            # heels?": an education question; the inflammatory topic says when to see a GP.
            continue
        if any(c not in facts and c not in remembered for c in conjunction):
            continue
        if _stood_down(rule, conjunction, facts):
            continue
        owner_sets = [{o.owner for o in facts[c]} for c in current]
        # one patient for all parts: "I'm diabetic and my son has a cut" is two people; "third" (he/she) fits any,
        # and so does a time told of no one ("generic" only reaches here for a concept marked `anyone`)
        if not any(all(owner in pool or pool & {"third", "generic"} for pool in owner_sets) for owner in owners):
            continue
        first = facts[current[0]][0]
        return message.sent_text(first.sent)[:240]
    return None


def _stood_down(rule: FlagRule, conjunction: Tuple[str, ...], facts: Mapping[str, List[Occurrence]]) -> bool:
    """A conjunction the flag's `set_aside` lists, told before one of its `by` concepts for the same patient: "heard
    a crack ..., then did ten single-leg calf raises to check" (flags.yml)."""
    if conjunction not in rule.set_aside_rows:
        return False
    last_sign = max((o.start for c in conjunction for o in facts.get(c, [])), default=-1)
    return any(o.start > last_sign for c in rule.set_aside_by for o in facts.get(c, []))


def parse(text: str, nlp: Any) -> Any:
    """The spaCy doc the detector reads: lower case, as Rasa's SpacyNLP (case_sensitive: false) hands it to
    RedFlagOverride, so scripts, actions and the live pipeline see the same tokens ("I CANT WALK" is split like
    "i cant walk")."""
    return nlp((text or "").lower())


def detect_text(text: str, nlp: Any, context: Optional[RedFlagContext] = None) -> List[RedFlagHit]:
    return detect(parse(text, nlp), context)


def most_severe(hits: Sequence[RedFlagHit]) -> Optional[RedFlagHit]:
    return min(hits, key=lambda h: h.level.rank) if hits else None


def context_from_text(doc: Any, previous: Optional[RedFlagContext] = None) -> RedFlagContext:
    """Facts about the patient in this message (affirmed, not hypothetical), merged with the previous context."""
    message = _in_context(doc, previous)
    return _remembered(message, message.occurrences(), previous)


def _remembered(message: Message, occurrences: List[Occurrence], previous: Optional[RedFlagContext]) -> RedFlagContext:
    facts = set(_patient_facts(occurrences))
    if message.reports_heel_symptom and "other" not in message.owners:
        facts.add("heel_symptom")  # "bilat heel pain" ... later "my GP diagnosed ankylosing spondylitis"
    others = set() if message.others_set_aside else set(_patient_facts(occurrences, OTHER_OWNERS))
    context = RedFlagContext.from_facts(facts, others)
    if any(t.forms & W.FOOT_PARTS for t in message.toks):
        context = RedFlagContext(context.names | {"foot_in_focus"})
    return context.merge(previous)
