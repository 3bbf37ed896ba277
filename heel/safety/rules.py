"""The red-flag rules as Python objects: concepts (nlp/redflags/rules/concepts.yml, and the signs told by their effects
in effects.yml), the context rows (context.yml, read by heel/safety/context.py) and the flags (flags.yml: which
concepts together make which flag, and what to remember across turns). Read on first use, or all at once by
`prepare()` when the model loads."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Tuple

import yaml

from heel.safety import context, tables
from heel.safety.matcher import compile_pattern, dictionary, phrase_re
from heel.safety.tables import W
from heel.triage.engine import RED_FLAG_LEVELS, CareLevel


@dataclass(frozen=True)
class Concept:
    """A clinical concept: token patterns plus filters that say when a match does not count."""

    cid: str
    patterns: Tuple[str, ...]
    anchor: str = "any"  # any | foot (foot part or none) | foot_or_pronoun | foot_strict
    veto_next: FrozenSet[str] = frozenset()  # a word right after the match (within 2 tokens) cancels it
    veto_prev: FrozenSet[str] = frozenset()  # a word right before the match (within 2 tokens) cancels it
    veto_sentence: Tuple[str, ...] = ()  # phrases anywhere in the sentence that cancel it
    unveto_sentence: Tuple[str, ...] = ()  # phrases that restore it despite veto_sentence
    acute: bool = True  # history markers ("years ago") cancel acute concepts only
    parts: FrozenSet[str] = frozenset()  # body parts that count as "the foot" for the anchor check (FOOT_PARTS)
    things: bool = False  # cancelled when its subject or object is a thing (THINGS): "my shoelace snapped"
    transient: bool = False  # cancelled when a benign cause and a recovery go with it ("cold in the snow, warmed up")
    needs_long_duration: bool = False  # counts only with LONG_DURATION_RE in this or the next sentence
    negatable_tail: bool = False  # "aches when walking, never in bed": a negation right before the last word
    veto_next_number: bool = False  # a number right after the match cancels it: "hurts as soon as I hit 20 miles"
    fragment_only: bool = False  # counts only as a short answer in a conversation about the foot ("both")
    deniable_vetoes: bool = False  # a sentence veto a negation denies does not count ("not trying to lose weight")
    anyone: bool = False  # a time, not a sign: told of no one ("every morning"), it is whoever's the rest is


EFFECTS_FILE = "effects.yml"
_OBJECTS_ = ("me", "him", "her", "them", "us")
_OWNERS_ = ("my", "his", "her", "their", "our")
_PERSON_WORDS = {w: "|".join(group) for group in (_OBJECTS_, _OWNERS_) for w in group}
_PERSON_WORDS["her"] = "|".join(dict.fromkeys(_OBJECTS_ + _OWNERS_))
EFFECT_GAP = 3  # words that may follow the first word of an effect phrase of three words or more


def _concept(spec: Mapping[str, Any], macros: Mapping[str, str]) -> Concept:
    values = {key: W.value(value) for key, value in spec.items() if key != "id"}
    values["patterns"] = tuple(tables.expand(p, macros) for p in values["patterns"])
    values.setdefault("parts", W.FOOT_PARTS)
    return Concept(spec["id"], **values)


@lru_cache(maxsize=None)
def concepts() -> Tuple[Concept, ...]:
    """The concepts of nlp/redflags/rules/concepts.yml."""
    raw = tables.read("concepts.yml")
    macros = {k: v for k, v in raw.items() if k.isupper() and isinstance(v, str)}
    return tuple(_concept(spec, macros) for spec in raw["concepts"])


@lru_cache(maxsize=None)
def concept_by_id() -> Dict[str, Concept]:
    return {c.cid: c for c in concepts()}


_CONTRACTIONS = {"can't": "{CANT}", "cant": "{CANT}", "cannot": "{CANT}", "couldn't": "{CANT}", "won't": "wo|will not"}


def effect_pattern(phrase: str) -> str:
    """A plain lay phrase from the effects table as a pattern: its words in order, a negated modal as the CANT
    alternatives; base-form words also match their inflections (a token's forms hold its lemma); a person's pronoun
    stands for anyone's, so a carer's "it keeps him awake" reads like "it keeps me awake". A phrase of three words
    or more lets up to three words follow its first one ("crawled all the way to the toilet")."""
    words = []
    for word in phrase.lower().replace("\u2019", "'").split():
        if word in _CONTRACTIONS:
            words.append(_CONTRACTIONS[word].format(CANT=W.CANT))
        elif word.endswith("n't"):
            words.append(f"{word[:-3]} not")
        elif word in _PERSON_WORDS:
            words.append(_PERSON_WORDS[word])
        else:
            words.append(re.sub(r"[|~?*]", "", word))
    words = [w for w in words if w]
    if len(words) >= 3:
        words.insert(1, f"~{EFFECT_GAP}")
    return " ".join(words)


@lru_cache(maxsize=None)
def all_concepts(path: str = str(tables.RULES_DIR / EFFECTS_FILE)) -> Tuple[Concept, ...]:
    """The concepts, and each sign the effects table (nlp/redflags/rules/effects.yml) lists told by its effects ("crawled to
    the kitchen", "my watch slides round my wrist"): the same concept, with its anchor, context rules and vetoes,
    whose patterns are the table's phrases and whose sentence vetoes gain the table's look-alikes."""
    table = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    told_by_effects = tuple(
        replace(
            concept_by_id()[cid],
            patterns=tuple(effect_pattern(p) for p in spec["effects"]),
            veto_sentence=concept_by_id()[cid].veto_sentence + tuple(spec.get("not") or ()),
        )
        for cid, spec in table.items()
    )
    return concepts() + told_by_effects


@lru_cache(maxsize=None)
def modifiers() -> Tuple[context.Modifier, ...]:
    """The context rows of nlp/redflags/rules/context.yml, in order."""
    return tuple(context.modifier(row, W.value, _expand_sets) for row in tables.read("context.yml")["modifiers"])


def _expand_sets(pattern: str) -> str:
    """A context row's pattern with {NAME} filled in: a word list as its alternatives, a macro as its text."""
    names = re.findall(r"{([A-Z_]+)}", pattern)
    values = {
        n: "|".join(sorted(w.replace(" ", "_") for w in getattr(W, n)))
        for n in names
        if isinstance(getattr(W, n), frozenset)
    }
    return tables.expand(pattern, {**{n: getattr(W, n) for n in names if n not in values}, **values})


def context_patterns() -> Tuple[Tuple[str, ...], ...]:
    """The pattern tables the context rows read (cues, their `requires`, `unless`, episode closers, pseudo)."""
    tables_: List[Tuple[str, ...]] = []
    for row in modifiers():
        for mod in (row, row.requires):
            if mod is not None:
                tables_ += [mod.cues.patterns, mod.unless.patterns, mod.closed_by.patterns, mod.pseudo]
    return tuple(t for t in tables_ if t)


def prepare() -> int:
    """Everything the analysis reads once, read now (at model load) instead of on the first visitor's message: the
    effects table, every concept's compiled patterns and sentence vetoes, the typo matcher's dictionary. The number
    of patterns."""
    patterns = {p for concept in all_concepts() for p in concept.patterns}
    patterns.update(*context_patterns())
    for source in patterns:
        compile_pattern(source)
    for concept in all_concepts():
        for phrases in (concept.veto_sentence, concept.unveto_sentence):
            if phrases:
                phrase_re(tuple(phrases))
    dictionary()
    return len(patterns)


# ---------------------------------------------------------------------------------------------------------------
# Flag rules: alternatives of concept conjunctions
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagRule:
    flag_id: str
    any_of: Tuple[Tuple[str, ...], ...]
    source: str
    set_aside_by: FrozenSet[str] = frozenset()  # concepts that, told after it, stand down a conjunction of...
    set_aside_rows: FrozenSet[Tuple[str, ...]] = frozenset()  # ...these

    @property
    def level(self) -> CareLevel:
        return RED_FLAG_LEVELS[self.flag_id]


@lru_cache(maxsize=None)
def flag_rules() -> Tuple[FlagRule, ...]:
    """The flags of nlp/redflags/rules/flags.yml, in order (the order breaks ties between flags of one level)."""
    return tuple(_flag_rule(spec) for spec in tables.read("flags.yml")["flags"])


def _flag_rule(spec: Mapping[str, Any]) -> FlagRule:
    set_aside = spec.get("set_aside") or {}
    return FlagRule(
        spec["id"],
        tuple(tuple(c) for c in spec["any_of"]),
        spec["source"],
        frozenset(set_aside.get("by") or ()),
        frozenset(tuple(row) for row in set_aside.get("rows") or ()),
    )


@lru_cache(maxsize=None)
def flag_concepts() -> Dict[str, FrozenSet[str]]:
    return {rule.flag_id: frozenset(c for conjunction in rule.any_of for c in conjunction) for rule in flag_rules()}


@lru_cache(maxsize=None)
def flag_order() -> Dict[str, int]:
    return {rule.flag_id: i for i, rule in enumerate(flag_rules())}


def remembered_fields() -> Mapping[str, str]:
    """concept id -> RedFlagContext field (only concepts that are parts of multi-part rules need remembering)."""
    return tables.read("flags.yml")["remember"]
