"""Deterministic red-flag detector over a spaCy Doc from the project pipeline (build/spacy_heel).

Why rules and not the NLU model: a missed emergency is the worst failure of the assistant, so detection must be
predictable, testable and explainable. It runs on every message (also inside forms).

How it works, in order:
1. tokens -> sentences -> "forms" (lower case, norm, lemma, typo fixes) so "can't"/"cant"/"cannot" all read
   "can not", and "swolen"/"numbess" read "swollen"/"numb";
2. concept patterns (a tiny token-window DSL, see `_Pattern`) find clinical concepts (cold foot, injury, ...);
   concepts, flags and every word list are data in nlp/redflags/rules/ (read by heel/safety/tables.py);
3. each occurrence is checked for NegEx-style negation, history ("years ago", or "in 2015 ... repaired and fine
   since"), things instead of the body ("my shoelace snapped"), transient benign sensations ("cold in the snow,
   warmed up straight away"), who it is about (me, my son, my friend; "my diabetes nurse" is the writer's) and
   whether the sentence is an information question or a hypothetical;
4. flag rules (any-of / all-of concepts, also combining facts from earlier turns via RedFlagContext) fire.

Decisions (SAFETY FIRST: when unsure, fire):
- Information questions with no first-person reference ("what does a pop mean?", "is numbness a red flag?")
  and hypotheticals ("what if my foot goes numb?") do not fire. A question that points at the visitor
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

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

import yaml

from heel.safety import context, tables
from heel.safety.learned import Scorer
from heel.safety.tables import Words
from heel.triage.engine import RED_FLAG_LEVELS, CareLevel

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
        return frozenset(concept for concept, name in _remembered_fields().items() if name in self.names)

    def others(self) -> FrozenSet[str]:
        """Another adult's remembered concepts."""
        return frozenset(c for c, name in _remembered_fields().items() if OTHER_PREFIX + name in self.names)

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
        fields_ = _remembered_fields()
        return cls(
            frozenset(fields_[c] for c in facts if c in fields_)
            | frozenset(OTHER_PREFIX + fields_[c] for c in others if c in fields_)
        )


OTHER_PREFIX = "other:"
FOCUS_FACTS = frozenset({"foot_in_focus", "heel_symptom", "morning_word", "stiff_long"})


@lru_cache(maxsize=None)
def _known_facts() -> FrozenSet[str]:
    """Every name a RedFlagContext may hold: the remembered facts, the focus facts, and another adult's of both."""
    own = frozenset(_remembered_fields().values()) | FOCUS_FACTS
    return own | {OTHER_PREFIX + name for name in own}


# ---------------------------------------------------------------------------------------------------------------
# Tokens and sentences
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Tok:
    i: int
    text: str
    lower: str
    forms: FrozenSet[str]
    sent: int
    is_break: bool
    norm: str = ""
    ws: str = " "


def _damerau1(a: str, b: str) -> bool:
    """True when a and b differ by at most one edit (insert, delete, substitute, swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1 :] == b[i + 1 :] or (
            a[i + 1 : i + 2] == b[i : i + 1] and a[i : i + 1] == b[i + 1 : i + 2] and a[i + 2 :] == b[i + 2 :]
        )
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


@lru_cache(maxsize=1)
def _dictionary() -> FrozenSet[str]:
    """Real English words (heel.language.encoder.vocabulary_words): a word listed there is a word, not a typo of a
    danger word ("injection" is not "infection"). Empty when the encoder package is missing, which leaves
    FUZZY_GUARD alone."""
    try:
        from heel.language.encoder import vocabulary_words

        return vocabulary_words()
    except (ImportError, OSError):
        return frozenset()


@lru_cache(maxsize=4096)
def _fuzzy(word: str) -> Optional[str]:
    if len(word) < 6 or word in W.FUZZY_GUARD or not word.isalpha() or word in _dictionary():
        return None
    for target in W.FUZZY_TARGETS:
        if word != target and _damerau1(word, target):
            return target
    return None


_BREAK_RE = re.compile(r"[.!?]+|\.{2,}")


def _tokens(doc: Any) -> List[_Tok]:
    toks: List[_Tok] = []
    sent = 0
    dialect, split_negations, typos, hard_breaks = W.DIALECT, W.SPLIT_NEGATIONS, W.TYPOS, W.HARD_BREAKS
    for token in doc:
        text = token.text
        lower = text.lower().replace("\u2019", "'")
        if lower in dialect and not (toks and toks[-1].lower in ("my", "me", "our", "his", "her", "your", "the", "a")):
            lower = dialect[lower]
        if token.is_space:
            if "\n" in text and toks and not toks[-1].is_break:
                toks.append(_Tok(len(toks), "\n", "\n", frozenset({"\n"}), sent, True, "\n", " "))
                sent += 1
            continue
        if lower in split_negations:
            modal = split_negations[lower]
            toks.append(_Tok(len(toks), text, lower, frozenset({lower, modal}), sent, False, modal, ""))
            toks.append(_Tok(len(toks), "", "not", frozenset({"not"}), sent, False, "not", token.whitespace_ or ""))
            continue
        forms = {lower, token.norm_.lower().replace("\u2019", "'"), (token.lemma_ or lower).lower()}
        if lower in typos:
            forms.add(typos[lower])
        if lower in ("nt", "n't"):
            forms.add("not")
        if len(lower) > 4 and lower.endswith("in") and lower.isalpha():
            forms.add(lower + "g")  # dropped g: "wakin up sweatin buckets"
        if lower == "fit" and toks and toks[-1].lower in ("my", "his", "her", "left", "right"):
            forms.add("foot")  # Scots "ma fit"
        lemma_known = (token.lemma_ or lower).lower() != lower
        if not lemma_known and lower not in typos:
            fixed = _fuzzy(lower)
            if fixed:
                forms.add(fixed)
        is_break = lower in hard_breaks or bool(_BREAK_RE.fullmatch(lower))
        norm = "not" if "not" in forms and lower in ("n't", "nt", "not") else token.norm_.lower()
        toks.append(_Tok(len(toks), text, lower, frozenset(forms), sent, is_break, norm, token.whitespace_ or ""))
        if is_break and lower not in (":", ";", "—", "–", "(", ")"):
            sent += 1
    return toks


# ---------------------------------------------------------------------------------------------------------------
# Pattern DSL: "can|could not ~2 walk|stand"  (alternatives with |, prefix with *, optional with ?, gap ~N)
# ---------------------------------------------------------------------------------------------------------------


class _Pattern:
    def __init__(self, source: str) -> None:
        self.source = source
        self.elems: List[Tuple[str, Any, bool]] = []
        for part in source.split():
            if part.startswith("~"):
                self.elems.append(("gap", int(part[1:]), False))
                continue
            optional = part.endswith("?") and len(part) > 1
            part = part[:-1] if optional else part
            alts = part.split("|")
            exact = frozenset(a.replace("_", " ") for a in alts if not a.endswith("*"))
            prefixes = tuple(a[:-1] for a in alts if a.endswith("*"))
            self.elems.append(("tok", (exact, prefixes), optional))
        # words one of which each non-optional, prefix-free element needs: a message without them cannot match
        self.required: Tuple[FrozenSet[str], ...] = tuple(
            spec[0] for kind, spec, optional in self.elems if kind == "tok" and not optional and not spec[1]
        )
        # the elements a match can start with: up to and including the first one that is not optional (None: a gap
        # comes first, so any token can start one)
        self.lead: Optional[Tuple[Tuple[FrozenSet[str], Tuple[str, ...]], ...]] = None
        lead = []
        for kind, spec, optional in self.elems:
            if kind != "tok":
                break
            lead.append(spec)
            if not optional:
                self.lead = tuple(lead)
                break

    @staticmethod
    def _tok_ok(tok: _Tok, spec: Tuple[FrozenSet[str], Tuple[str, ...]]) -> bool:
        exact, prefixes = spec
        if tok.forms & exact:
            return True
        if not prefixes:
            return False
        return any(form.startswith(prefixes) for form in tok.forms)

    def match_at(self, toks: Sequence[_Tok], start: int) -> Optional[int]:
        """End index (exclusive) of a match starting at start, or None. Never crosses a sentence boundary."""
        return self._rec(toks, toks[start].sent, 0, start)

    def _rec(self, toks: Sequence[_Tok], sent: int, ei: int, ti: int) -> Optional[int]:
        if ei == len(self.elems):
            return ti
        kind, spec, optional = self.elems[ei]
        if kind == "gap":  # skip up to `spec` tokens, none of them a break
            j = ti
            while True:
                end = self._rec(toks, sent, ei + 1, j)
                if end is not None:
                    return end
                if j - ti >= spec or j >= len(toks) or toks[j].is_break:
                    return None
                j += 1
        if ti < len(toks) and toks[ti].sent == sent and not toks[ti].is_break and self._tok_ok(toks[ti], spec):
            end = self._rec(toks, sent, ei + 1, ti + 1)
            if end is not None:
                return end
        return self._rec(toks, sent, ei + 1, ti) if optional else None


@lru_cache(maxsize=None)
def _compile(source: str) -> _Pattern:
    return _Pattern(source)


@lru_cache(maxsize=None)
def _phrase_re(phrases: Tuple[str, ...]) -> "re.Pattern[str]":
    """One compiled regex per phrase table: any phrase as whole words."""
    alternatives = "|".join(re.escape(p.lower().strip()) for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(r"(?<![a-z0-9])(?:" + (alternatives or r"(?!x)x") + r")(?![a-z0-9])")


def _form_index(toks: Sequence[_Tok]) -> Dict[str, List[int]]:
    """form -> token indices, so a pattern is tried only where its first word occurs (keeps long messages fast)."""
    index: Dict[str, List[int]] = {}
    for tok in toks:
        if not tok.is_break:
            for form in tok.forms:
                index.setdefault(form, []).append(tok.i)
    return index


def _find(
    toks: Sequence[_Tok], sources: Iterable[str], index: Optional[Mapping[str, List[int]]] = None
) -> List[Tuple[int, int]]:
    index = _form_index(toks) if index is None else index
    spans = []
    for source in sources:
        pattern = _compile(source)
        if any(map(index.keys().isdisjoint, pattern.required)):
            continue
        if pattern.lead is None:
            starts: Iterable[int] = range(len(toks))
        else:
            found: Set[int] = set()
            for exact, prefixes in pattern.lead:
                for word in exact:
                    found.update(index.get(word, ()))
                if prefixes:
                    for form, where in index.items():
                        if form.startswith(prefixes):
                            found.update(where)
            starts = sorted(found)
        for start in starts:
            if toks[start].is_break:
                continue
            end = pattern.match_at(toks, start)
            if end is not None and end > start:
                spans.append((start, end))
    return spans


@lru_cache(maxsize=None)
def _negating_patterns(sources: Tuple[str, ...]) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """(the patterns with an element that matches a negation, the others)."""
    cues = W.NEG_CUES | {"not"}

    def negates(source: str) -> bool:
        return any(kind == "tok" and spec[0] & cues for kind, spec, _ in _compile(source).elems)

    return tuple(p for p in sources if negates(p)), tuple(p for p in sources if not negates(p))


# ---------------------------------------------------------------------------------------------------------------
# Concepts
# ---------------------------------------------------------------------------------------------------------------


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
    negatable_tail: bool = False  # "hurts after running, never at night": a negation right before the last word
    veto_next_number: bool = False  # a number right after the match cancels it: "trying to hit 15,000 steps"
    fragment_only: bool = False  # counts only as a short answer in a conversation about the foot ("both")
    deniable_vetoes: bool = False  # a sentence veto a negation denies does not count ("not trying to lose weight")


W = Words()  # the word tables (nlp/redflags/rules/), read on first use
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
        _compile(source)
    for concept in all_concepts():
        for phrases in (concept.veto_sentence, concept.unveto_sentence):
            if phrases:
                _phrase_re(tuple(phrases))
    _dictionary()
    return len(patterns)


# ---------------------------------------------------------------------------------------------------------------
# Flag rules: alternatives of concept conjunctions
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagRule:
    flag_id: str
    any_of: Tuple[Tuple[str, ...], ...]
    source: str

    @property
    def level(self) -> CareLevel:
        return RED_FLAG_LEVELS[self.flag_id]


@lru_cache(maxsize=None)
def flag_rules() -> Tuple[FlagRule, ...]:
    """The flags of nlp/redflags/rules/flags.yml, in order (the order breaks ties between flags of one level)."""
    return tuple(
        FlagRule(spec["id"], tuple(tuple(c) for c in spec["any_of"]), spec["source"])
        for spec in tables.read("flags.yml")["flags"]
    )


@lru_cache(maxsize=None)
def flag_concepts() -> Dict[str, FrozenSet[str]]:
    return {rule.flag_id: frozenset(c for conjunction in rule.any_of for c in conjunction) for rule in flag_rules()}


@lru_cache(maxsize=None)
def flag_order() -> Dict[str, int]:
    return {rule.flag_id: i for i, rule in enumerate(flag_rules())}


def _remembered_fields() -> Mapping[str, str]:
    """concept id -> RedFlagContext field (only concepts that are parts of multi-part rules need remembering)."""
    return tables.read("flags.yml")["remember"]


# ---------------------------------------------------------------------------------------------------------------
# Analysis of one message
# ---------------------------------------------------------------------------------------------------------------


PATIENT_OWNERS = ("self", "dependent", "third")
OTHER_OWNERS = ("other",)  # another adult the visitor writes about (detect_split)
# after another adult's facts in earlier turns, an unresolved "she" or "he" may be that adult ("my gran is diabetic"
# ... "she's got a blister on her heel")
OTHERS_ACROSS_TURNS = ("other", "third")


@dataclass(frozen=True)
class Occurrence:
    concept: str
    start: int
    end: int
    sent: int
    owner: str  # self | dependent | third | other | generic
    affirmed: bool
    why_not: str  # "" when affirmed, else negated | history | transient | question | hypothetical | veto | anchor


class _Message:
    """Token-level facts about one message: sentences, owners, negation scopes, question/hypothetical status."""

    def __init__(self, doc: Any, foot_in_focus: bool = False) -> None:
        self.toks = _tokens(doc)
        self.foot_in_focus = foot_in_focus  # earlier turns named the foot or heel
        self.fragment = sum(1 for t in self.toks if not t.is_break and t.lower not in (",", "?")) <= 4
        self.sents: Dict[int, List[_Tok]] = {}
        for tok in self.toks:
            self.sents.setdefault(tok.sent, []).append(tok)
        self._strings: Dict[int, Tuple[str, str]] = {}
        self.owners = self._owners()
        self.consumed: Set[int] = set()
        self.cache: Dict[Any, Any] = {}  # per-message results of the context rows (heel/safety/context.py)
        self.finding_starts: Set[int] = set()  # where any concept matched (occurrences fills it)
        self.index = _form_index(self.toks)

    # sentences ---------------------------------------------------------------------------------------------
    def words(self, sent: int) -> List[str]:
        return [t.lower for t in self.sents.get(sent, [])]

    def sent_text(self, sent: int) -> str:
        return " ".join(t.text for t in self.sents.get(sent, []) if t.text != "\n").strip()

    def _sent_strings(self, sent: int) -> Tuple[str, str]:
        """(original lower-case text, token norms joined by spaces) of a sentence, for phrase look-ups."""
        cached = self._strings.get(sent)
        if cached is None:
            toks = self.sents.get(sent, [])
            original = "".join(t.lower + (t.ws or "") for t in toks)
            normed = " ".join(W.TYPOS.get(t.lower, t.norm or t.lower) for t in toks)
            cached = (" " + original.replace("\u2019", "'") + " ", " " + normed + " ")
            self._strings[sent] = cached
        return cached

    def has_phrase(
        self, sent: int, phrases: Iterable[str], outside: Iterable[str] = (), affirmed_only: bool = False
    ) -> bool:
        """A phrase of the table in the sentence; with `outside`, not counting text inside those phrases
        ("at night" restores a night-pain match, but not inside "fine at night", which cancelled it); with
        `affirmed_only`, not counting one that a negation just before denies ("hasn't been trying to lose weight")."""
        original, normed = self._sent_strings(sent)
        pattern = _phrase_re(tuple(phrases))
        outside = tuple(o for o in outside if pattern.search(" " + o.lower() + " "))  # only phrases holding one
        if outside:
            blank = _phrase_re(outside)
            original, normed = blank.sub(" | ", original), blank.sub(" | ", normed)
        if not affirmed_only:
            return bool(pattern.search(original) or pattern.search(normed))
        return any(
            not W.NEGATION_WORDS & set(text[: m.start()].split()[-3:])
            for text in (original, normed)
            for m in pattern.finditer(text)
        )

    def is_question(self, sent: int) -> bool:
        """Ends with '?', starts with a wh-word, or starts with an auxiliary followed by a subject."""
        words = [w for w in self.words(sent) if w != "\n"]
        if not words:
            return False
        if " ".join(w for w in words if w not in ("?", ".", "!")) in W.ECHO_QUESTIONS:
            return False  # "anything else? yeah, ..." repeats the bot's question before answering it
        if "?" in words[-1]:
            return True
        if "," in words:  # a trailing tag question typed without "?": "reactive arthritis, is that a thing"
            tail = words[len(words) - words[::-1].index(",") :]
            if len(tail) > 1 and tail[0] in W.AUX_WORDS and tail[1] in W.AUX_SUBJECTS:
                return True
        if words[0] in W.WH_WORDS:
            return True
        return words[0] in W.AUX_WORDS and len(words) > 1 and words[1] in W.AUX_SUBJECTS

    # owners ------------------------------------------------------------------------------------------------
    def _owners(self) -> List[str]:
        """Who each token is about: self, dependent (child), third (unresolved he/she), other, generic (you)."""
        owners: List[str] = []
        current, last_person = "self", None
        toks = self.toks
        for idx, tok in enumerate(toks):
            word = tok.lower
            if word in ("my", "our"):
                person = self._person_after(idx)
                current = person or "self"
                if person:
                    last_person = person
            elif (
                word in ("me", "us")
                and idx
                and toks[idx - 1].lower in W.OBJECT_PREPS
                and current in ("other", "dependent")
            ):
                pass  # "my partner (sitting next to me) is on insulin" is still about the partner
            elif (
                word in ("me", "us")
                and idx
                and toks[idx - 1].lower in W.ADDRESSED_VERBS
                and current in ("other", "dependent")
            ):
                pass  # "a dressing on her heel that nobody had told me about": still hers
            elif word in W.SELF_WORDS or tok.forms & {"i"}:
                current = "self"
            elif word in ("bro", "sis") and [t.lower for t in toks[idx + 1 : idx + 3]] == ["in", "law"]:
                current = last_person = "other"  # "bro in law, both heels sore ..."
            elif word in W.CLINICIANS or word.rstrip("s'") in W.CLINICIANS:
                pass  # "my GP says", "the physio thinks": a clinician reports on whoever is being discussed
            elif self._self_description(idx):
                pass  # "since I was a kid", "long time runner, ...": the writer describing themself
            elif (word in W.DEPENDENTS or word in W.PERSONS) and self._owns_a_place(idx):
                pass  # "at her friend's birthday", "the kids' sports day": whoever was talked about still is
            elif word in W.DEPENDENTS and idx and toks[idx - 1].lower in W.GENERIC_DETERMINERS:
                pass  # "at the park with the kids", "the kids at the pool": whoever was talked about still is
            elif word in W.DEPENDENTS:
                current = last_person = "dependent"
            elif (word in W.PERSONS or word.rstrip("s'") in W.PERSONS) and not (
                idx and toks[idx - 1].lower in ("like", "than", "as", "of", "with", "from", "for", "to", "if")
            ):
                if word in W.NOBODY_IN_PARTICULAR:
                    current = "generic"  # "people talk about a pop", "someone dropped weights"
                else:
                    current = last_person = "other"
            elif word in W.THIRD_PRONOUNS:
                current = last_person or "third"
            elif word in W.GENERIC_WORDS and not (idx + 1 < len(toks) and toks[idx + 1].lower in W.ADDRESSED_VERBS):
                current = "generic"  # but "like you asked, 38.5" speaks to the bot about the writer
            elif (
                word in ("heard", "read", "told", "learned", "learnt", "saw", "says", "said")
                and idx + 1 < len(toks)
                and toks[idx + 1].lower in ("that", "about", "online", "somewhere")
            ):
                current = "generic"
            elif (
                word in W.HEARSAY_VERBS
                and current == "other"
                and idx + 1 < len(toks)
                and toks[idx + 1].lower not in W.POINTERS
                and toks[idx + 1].lower not in W.PERSONS
                and not toks[idx + 1].lower[:1].isdigit()  # "her thermometer says 38.4" is a reading
            ):
                current = "generic"  # "my neighbour reckons numbness in the foot means ..."
            owners.append(current)
        return owners

    def _year_old(self, idx: int) -> bool:
        """'my 12 year old', 'our 8yo': a child named by age."""
        word = self.toks[idx].lower
        prev = self.toks[idx - 1].lower if idx else ""
        return (word == "old" and prev in ("year", "yr", "years", "yrs", "month", "months", "-")) or word in (
            "yo",
            "y/o",
        )

    def _self_description(self, idx: int) -> bool:
        """A person word that describes the writer, not someone else: "since I was a kid", "as kids",
        or a bare descriptor opening the message ("long time runner, diabetes for 10 years", "runner here")."""
        toks = self.toks
        word = toks[idx].lower
        if word not in W.DEPENDENTS and word not in W.PERSONS and word.rstrip("s'") not in W.PERSONS:
            return False
        before = [t.lower for t in toks[max(0, idx - 2) : idx]]
        if {"am", "i'm", "im"} & {t.lower for t in toks[max(0, idx - 3) : idx]} and word not in W.DEPENDENTS:
            return True  # "I am sugar patient", "I'm a runner": the writer
        if before[-2:] in (["was", "a"], ["as", "a"], ["since", "a"], ["were", "a"]) or before[-1:] in (
            ["as"],
            ["were"],
        ):
            return word in W.DEPENDENTS
        if before[-2:] in (["not", "a"], ["not", "an"]):
            return True  # "I'm a teacher, not a runner": still the writer
        opening = idx < 4 and not any(
            t.lower in ("my", "our", "his", "her", "their", "the", "a", "an", "this", "that") or t.lower in W.SELF_WORDS
            for t in toks[:idx]
        )
        after = toks[idx + 1].lower if idx + 1 < len(toks) else ""
        if opening and after == "of" and idx + 3 < len(toks) and toks[idx + 3].lower in ("here", ",", "-", ":", "."):
            return True  # "Hi, mother of two here.", "mum of a toddler, ..."
        return opening and after in (",", "here", "-", ":", "(")

    def _person_after(self, idx: int) -> Optional[str]:
        for tok in self.toks[idx + 1 : idx + 5]:
            if tok.is_break or tok.lower in W.FOOT_PARTS or tok.lower in W.OTHER_PARTS:
                return None
            if tok.lower in W.CLINICIANS or tok.lower.rstrip("s'") in W.CLINICIANS:
                return None  # "my diabetes nurse", "my GP": the writer's own clinician
            if (tok.lower in W.DEPENDENTS or tok.lower in W.PERSONS) and self._owns_a_place(tok.i):
                return None  # "my kids' sports day", "my mate's house": an occasion, not the person told about
            if tok.lower in W.DEPENDENTS or self._year_old(tok.i):
                return "dependent"
            if tok.lower in W.PERSONS or tok.lower.rstrip("s'") in W.PERSONS:
                return "other"
        return None

    def _owns_a_place(self, i: int) -> bool:
        """A person word that only names whose occasion or place it is: "her friend's birthday", "at my mates house"
        (OCCASIONS)."""
        toks = self.toks
        j = i + 1
        if j < len(toks) and toks[j].lower in ("'s", "'", "s"):
            j += 1
        return j < len(toks) and toks[j].lower in W.OCCASIONS

    # negation ----------------------------------------------------------------------------------------------
    def _own_diagnosis_after(self, sent: int) -> bool:
        """A later statement in the message says the writer has the condition the question named."""
        for later in sorted(s for s in self.sents if s > sent):
            if self.is_question(later):
                continue
            original, _ = self._sent_strings(later)
            if any(f" {p} " in original for p in W.OWN_DIAGNOSIS):
                return True
        return False

    # question / hypothetical -------------------------------------------------------------------------------
    def suppressed_as_question(self, sent: int, start: int) -> Optional[str]:
        """'question' for information questions, 'hypothetical' for what-ifs; None when it may be about them."""
        words = self.words(sent)
        rel = max(0, start - self.sents[sent][0].i)
        original = W.RELEVANCE_HEDGE_RE.sub(" ", self._sent_strings(sent)[0])
        before = set(words[:rel])
        if self.is_question(sent):
            if any(f" {h} " in original for h in W.HYPOTHETICAL):
                return "hypothetical"
            if "if" in before:
                after_if = words[words.index("if") + 1 :]
                if set(after_if[:6]) & W.HYPO_IF_VERBS:
                    return "hypothetical"
                # a counterfactual: "if I had an achilles rupture would I still be able to walk?"
                if (
                    after_if[1:2] == ["had"]
                    and after_if[0] in ("i", "you", "someone", "one")
                    and {"would", "could", "might"} & set(after_if)
                ):
                    return "hypothetical"
            owners = {self.owners[t.i] for t in self.sents[sent]}
            if any(w in W.SELF_WORDS for w in words) or "dependent" in owners or self.telegraphic:
                return None
            if any(w in W.GENERIC_WORDS for w in words) or any(f" {g} " in original for g in W.INFO_GENERIC):
                return "question"
            if any(
                w in ("it", "this", "that", "these") and i and words[i - 1] in W.AUX_WORDS | {"might", "was"}
                for i, w in enumerate(words)
            ):
                return None  # "is it a rupture?", "could this be ...?" point at the visitor's own problem: fire
            return "question"
        return None  # statements: the hypothetical rows of the context table

    # anchors -----------------------------------------------------------------------------------------------
    def anchored(self, concept: Concept, start: int, end: int) -> bool:
        if concept.anchor == "any":
            return True
        sent = self.toks[start].sent
        best_foot, best_other = 99, 99
        for tok in self.sents[sent]:
            if tok.i in range(start, end):
                dist = 0
            else:
                dist = min(abs(tok.i - start), abs(tok.i - (end - 1)))
            if tok.forms & concept.parts and not self._tendon_elsewhere(tok.i):
                best_foot = min(best_foot, dist)
            elif tok.lower in W.OTHER_PARTS or tok.forms & W.FOOT_PARTS:
                if not self._names_part(tok.i):
                    continue  # "go back for a lob", "round the back of the heel": not the back
                if tok.lower in ("hand", "hands") and [t.lower for t in self.toks[tok.i + 1 : tok.i + 3]] in (
                    ["on", "it"],
                    ["on", "them"],
                    ["on", "her"],
                    ["on", "his"],
                ):
                    continue  # "hot when I put my hand on it": the hand feels, it is not the site
                best_other = min(best_other, dist)
        if best_other < best_foot:
            return False
        if best_foot < 99:
            return concept.anchor != "foot_strict" or best_foot <= 5
        if concept.anchor == "foot":
            return True
        if concept.anchor == "foot_or_pronoun" and self.foot_in_focus and best_other == 99:
            return True  # "swollen red hot" after "my heel ..." in an earlier message
        if concept.anchor == "foot_or_pronoun":
            lo = max(self.sents[sent][0].i, start - 5)
            return any(
                t.lower
                in (
                    "it",
                    "it's",
                    "its",
                    "they",
                    "they're",
                    "them",
                    "this",
                    "everything",
                    "area",
                    "spot",
                    "patch",
                    "skin",
                    "side",
                )  # "the area is swollen, red"
                for t in self.toks[lo:start]
            )
        return False

    def _names_part(self, i: int) -> bool:
        """A word that is also a direction names the body part only next to an owner or a symptom (AMBIGUOUS_PARTS):
        "my back", "back pain", not "went back" or "the back of my heel"."""
        words = W.AMBIGUOUS_PARTS.get(self.toks[i].lower)
        if words is None:
            return True
        before = self.toks[i - 1].lower if i else ""
        after = self.toks[i + 1].lower if i + 1 < len(self.toks) else ""
        return before in words["after"] or after in words["before"]

    def _tendon_elsewhere(self, i: int) -> bool:
        """'a tendon in my finger': a tendon named with another body part right after it is not the foot's."""
        if self.toks[i].lower not in ("tendon", "tendons"):
            return False
        return any(t.lower in W.OTHER_PARTS for t in self.toks[i + 1 : i + 5] if t.sent == self.toks[i].sent)

    def vetoed(self, concept: Concept, start: int, end: int) -> bool:
        toks = self.toks
        sent = toks[start].sent
        nxt = [t for t in toks[end : end + 2] if t.sent == sent]
        prv = [t for t in toks[max(0, start - 2) : start] if t.sent == sent]
        if nxt and concept.veto_next_number and nxt[0].lower.replace(",", "").replace(".", "").rstrip("k").isdigit():
            return True  # "trying to hit 15,000 steps", "hit 10k"
        if nxt and (
            nxt[0].lower in concept.veto_next
            or (len(nxt) > 1 and f"{nxt[0].lower}_{nxt[1].lower}" in concept.veto_next)
        ):
            return True
        if len(nxt) > 1 and nxt[0].lower in ("-", "'s") and nxt[1].lower in concept.veto_next:
            return True
        if prv and (
            prv[-1].lower in concept.veto_prev
            or (len(prv) > 1 and f"{prv[0].lower}_{prv[1].lower}" in concept.veto_prev)
        ):
            return True
        if concept.things and self.about_thing(start, end):
            return True
        if concept.needs_long_duration and not self.long_duration(sent):
            return True
        if concept.negatable_tail and any(
            t.lower in ("never", "not", "no", "n't", "without", "nt") for t in toks[max(start, end - 3) : end - 1]
        ):
            return True
        if concept.veto_sentence and self.has_phrase(
            sent, concept.veto_sentence, affirmed_only=concept.deniable_vetoes
        ):
            return not (
                concept.unveto_sentence
                and self.has_phrase(sent, concept.unveto_sentence, outside=concept.veto_sentence)
            )
        return False

    def about_thing(self, start: int, end: int) -> bool:
        """'my shoelace snapped', 'a balloon popped', 'snapped a photo', 'a bang from the car': a thing, not a tendon.

        Subject: the nearest word before the match in its clause (stopping at the visitor, a body part, a verb of
        perception or a conjunction); object: the first word after it past articles and 'from'. A simile
        ('like a rubber band snapped') describes the visitor's own sensation and keeps the finding.
        """
        toks = self.toks
        lo, hi = self.clause(start)
        if any(t.lower in W.SIMILE_CUES for t in toks[lo:start]):
            return False
        for j in range(start - 1, max(lo, start - 6) - 1, -1):
            tok = toks[j]
            if tok.lower in W.THINGS:
                return True
            if tok.lower in W.THING_STOP or tok.forms & W.FOOT_PARTS or tok.lower in W.OTHER_PARTS:
                break
        for k in range(end, min(hi, end + 4)):
            tok = toks[k]
            if tok.lower in W.THINGS:
                return True
            if tok.lower not in W.THING_SKIP:
                break
        # "I snapped at my husband": a sharp word, not a tendon
        return (
            end < hi
            and toks[end].lower == "at"
            and any(t.lower in W.PERSONS or t.lower in W.DEPENDENTS for t in toks[end + 1 : min(hi, end + 3)])
        )

    def long_duration(self, sent: int) -> bool:
        """A long duration ('for like an hour+', '2 hrs', 'for ages') in this sentence or the next one."""
        return any(W.LONG_DURATION_RE.search(self._sent_strings(s)[0]) for s in (sent, sent + 1) if s in self.sents)

    # recovery / transient ----------------------------------------------------------------------------------
    def spans(self, patterns: Tuple[str, ...], negatable: bool = True) -> List[Tuple[int, int]]:
        """Matches of a pattern table (cached per message); `negatable`: without those a not/never just before or
        inside cancels ('healed', not 'never healed'; the first word may be "no" itself)."""
        key = (patterns, negatable)
        cached = self.cache.get(key)
        if cached is None:
            cached = []
            for start, end in _find(self.toks, patterns, self.index):
                near = self.toks[max(0, start - 3) : start] + self.toks[start + 1 : end]
                sent = self.toks[start].sent
                if not negatable or not any(t.forms & W.NEG_CUES or "not" in t.forms for t in near if t.sent == sent):
                    cached.append((start, end))
            self.cache[key] = cached
        return cached

    def context_label(self, concept: Concept, owner: str, start: int, end: int) -> str:
        """The label of the first context row (nlp/redflags/rules/context.yml) that reaches the finding, or ""."""
        rows = self.cache.get("rows")
        if rows is None:  # the rows whose cues occur in this message at all
            rows = self.cache["rows"] = [row for row in modifiers() if context.possible(self, row)]
        for row in rows:
            if (row.owners and owner not in row.owners) or (row.concepts and concept.cid not in row.concepts):
                continue
            if row.targets != "all" and not (
                concept.acute
                if row.targets == "acute"
                else concept.transient
                if row.targets == "transient"
                else not concept.acute
            ):
                continue
            if context.reaches(self, row, start, end):
                return row.label
        return ""

    def clause(self, idx: int) -> Tuple[int, int]:
        """Token range of the clause around idx: breaks, terminators, and ', I ...' / 'and my ...' starts."""
        toks = self.toks

        def boundary(j: int) -> bool:
            tok = toks[j]
            if tok.is_break or tok.lower in W.TERMINATORS:
                return True
            # "keeps me up at night, plus I had lymphoma years back": 'plus' starts a clause too
            return (
                tok.lower in (",", "and", "&", "plus") and j + 1 < len(toks) and toks[j + 1].lower in W.SUBJECT_STARTS
            )

        lo = idx
        while lo > 0 and toks[lo - 1].sent == toks[idx].sent and not boundary(lo - 1):
            lo -= 1
        hi = idx
        while hi + 1 < len(toks) and toks[hi + 1].sent == toks[idx].sent and not boundary(hi + 1):
            hi += 1
        return lo, hi + 1

    # occurrences -------------------------------------------------------------------------------------------
    @property
    def personal(self) -> bool:
        """The message speaks about the writer or someone they care for."""
        return (
            any(t.lower in W.SELF_WORDS or t.lower in ("my", "our") or "i" in t.forms for t in self.toks)
            or any(owner == "dependent" for owner in self.owners)
            or self.telegraphic
        )

    @cached_property
    def others_set_aside(self) -> bool:
        """Another adult's sign is already under care, has a known cause, or is a story (OTHERS_UNDER_CARE,
        OTHERS_CAUTIONARY)."""
        for sent in self.sents:
            # "the district nurse isn't in until monday" is nobody on it yet
            text = " " + " ".join("not" if "not" in t.forms else t.lower for t in self.sents[sent]) + " "
            for phrase in W.OTHERS_UNDER_CARE:
                at = text.find(f" {phrase} ")
                if at >= 0 and not {"not", "no", "never"} & set(text[at + len(phrase) + 2 :].split()[:3]):
                    return True
        return any(self.has_phrase(sent, W.OTHERS_CAUTIONARY) for sent in self.sents)

    @cached_property
    def reports_heel_symptom(self) -> bool:
        """A symptom the visitor reports rather than asks about: a pain word in a clause that does not open as a
        question ("colitis patient here, heels have started hurting, what should I do?" reports; "I have Crohn's,
        could that have anything to do with heel pain?" asks)."""
        clause: List[str] = []
        asking = False  # "is there a link between psoriasis and heel pain": the clause after "and" still asks
        words = [tok.lower for tok in self.toks] + ["."]
        breaks = [tok.is_break for tok in self.toks] + [True]
        for i, word in enumerate(words):
            # a question run on without punctuation opens its own clause: "i have psoriasis on my elbows could that be
            # linked to heel pain" asks about the heel pain
            run_on = bool(clause) and word in W.RUN_ON_AUX and i + 1 < len(words) and words[i + 1] in W.RUN_ON_SUBJECTS
            if run_on or word in (",", ".", ";", "?", "!", "and", "or", "but", "so", "-") or breaks[i]:
                if clause:
                    asking = (
                        asking
                        or clause[0] in W.WH_WORDS
                        or clause[0] in W.AUX_WORDS
                        or bool(W.INFO_REQUEST & set(clause))
                    )
                    if not asking and W.SYMPTOM_WORDS & set(clause):
                        return True
                asking = run_on or (asking and word in ("and", "or"))  # the run-on clause asks
                clause = [word] if run_on else []
            else:
                clause.append(word)
        return False

    @cached_property
    def relation_named(self) -> bool:
        """A particular person is named ("bf has ...", "wife's been ..."), not people in general."""
        return "other" in self.owners  # person words that name nobody in particular read "generic"

    def _possessed_part(self, end: int, owner: str) -> str:
        """The owner of "his"/"her" when the finding is placed on their foot: "I found an ulcer under her heel" is
        hers."""
        toks = self.toks
        for k in range(end, min(end + 3, len(toks) - 1)):
            if toks[k].is_break:
                break
            if toks[k].lower in ("his", "her", "their") and toks[k + 1].lower in W.FOOT_PARTS:
                return self.owners[k]
            if k == end and toks[k].lower in ("him", "her", "them"):
                return self.owners[k]  # "someone booted him in the heel"
        return owner

    @cached_property
    def telegraphic(self) -> bool:
        """A message that opens with a bare self-description: "diabetic, heel fissure bleeding, is that ok",
        "T2 here - ...", "long time runner, ..." (the writer, without I or my)."""
        words = [t.lower for t in self.toks[:5]]
        for i, word in enumerate(words[:4]):
            if word in (",", "here", "-", ":", "(", ".", "diagnosed", "since"):
                return i > 0 and bool(
                    W.TELEGRAPHIC_SELF & set(words[:i]) or any(self._self_description(j) for j in range(i))
                )
        return False

    @property
    def asks(self) -> bool:
        """Some sentence asks something ('can psoriasis affect heels', 'arthritis and heels, whats the link')."""
        words = [t.lower for t in self.toks]
        wh = any(
            (w in W.WH_WORDS or w in ("whats", "what's")) and not (i and words[i - 1] in W.NOT_ASKING)
            for i, w in enumerate(words)
        )
        # "i have psoriasis can that affect ur heels": a question run on without punctuation
        run_on = any(words[i] in W.RUN_ON_AUX and words[i + 1] in W.RUN_ON_SUBJECTS for i in range(1, len(words) - 1))
        return bool(words) and (
            words[0] in W.AUX_WORDS
            or wh
            or run_on
            or bool(W.INFO_REQUEST & set(words))
            or any(self.is_question(s) for s in range(len(self.sents)))
        )

    def occurrences(self) -> List[Occurrence]:
        found: List[Tuple[Concept, int, int]] = []
        negating: List[Tuple[Concept, int, int]] = []
        for concept in all_concepts():
            with_negation, plain = _negating_patterns(concept.patterns)
            for start, end in _find(self.toks, with_negation, self.index):
                negating.append((concept, start, end))
            for start, end in _find(self.toks, plain, self.index):
                found.append((concept, start, end))
        found += negating
        self.finding_starts = {start for _, start, _ in found}
        # a negation a pattern asks for ("can't walk", "no feeling") is part of the finding, not a cue for others; one
        # a pattern only skips over ("haven't got a temperature") still denies it
        for concept, start, end in negating:
            if self.vetoed(concept, start, end):
                continue  # a vetoed match ("is not weak" read as feeling weak) must not swallow a negation
            for i in range(start, end):
                if self.toks[i].forms & W.NEG_CUES or "not" in self.toks[i].forms:
                    self.consumed.add(i)
        also_me = {s for s in self.sents if self.has_phrase(s, W.ALSO_ME)}
        # "My gran is diabetic. So am I, ...": a sentence that opens with "so am I" shares the previous one
        also_me |= {s - 1 for s in also_me if any(" ".join(self.words(s)).startswith(p) for p in W.ALSO_ME)}
        result: List[Occurrence] = []
        for concept, start, end in found:
            if concept.fragment_only and not (self.foot_in_focus and self.fragment):
                continue
            sent = self.toks[start].sent
            owner = self.owners[start]
            if any(t.lower in ("me", "myself") for t in self.toks[start:end]):
                owner = "self"  # "my colleagues had to carry me to the car"
            objects = [t.i for t in self.toks[start:end] if t.lower in W.THIRD_PRONOUNS]
            if objects and owner == "self":
                owner = self.owners[objects[0]]  # "we can't get him to stand on it" is his
            if sent in also_me and owner not in PATIENT_OWNERS:
                owner = "self"
            owner = self._possessed_part(end, owner)
            why = ""
            if self.vetoed(concept, start, end):
                why = "veto"
            elif not self.anchored(concept, start, end):
                why = "anchor"
            else:
                why = self.context_label(concept, owner, start, end)
            if why:
                pass
            elif (
                not concept.acute and not self.personal and self.asks and not (owner == "other" and self.relation_named)
            ):
                # A background condition named with no I/my/child in the message is a topic, not a report:
                # "can ankylosing spondylitis affect the heels" asks for information.
                why = "impersonal"
            else:
                why = self.suppressed_as_question(sent, start) or ""
                if why == "question" and not concept.acute and self._own_diagnosis_after(sent):
                    why = ""  # "Can diabetes cause heel pain? I was diagnosed last year."
            result.append(Occurrence(concept.cid, start, end, sent, owner, why == "", why))
        return result


def sentences(doc: Any) -> List[str]:
    """The message's sentences as the detector splits them (the learned scorer reads the same ones)."""
    message = _Message(doc)
    return [message.sent_text(s) for s in sorted(message.sents)]


def analyse(doc: Any) -> List[Occurrence]:
    """All concept occurrences in a message with their status (for debugging and the eval script)."""
    return _Message(doc).occurrences()


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
        if occ.affirmed and occ.owner in owners and occ.concept not in denied:
            facts.setdefault(occ.concept, []).append(occ)
    return facts


def _in_context(doc: Any, context: Optional[RedFlagContext]) -> _Message:
    return _Message(doc, bool(context and context.foot_in_focus))


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


def analyse_message(doc: Any, scorer: Optional[Scorer] = None) -> MessageAnalysis:
    """The single-message analysis, run once per message in the NLU pipeline (no earlier turns). With a `scorer`
    (heel/safety/learned.py) a flag its windows reach joins the rules' flags, unless the rules read that flag's sign
    in the same sentences as denied, past, passing or asked about in general."""
    message = _Message(doc)
    occurrences = message.occurrences()
    own = _hits(message, occurrences, None)
    others = [] if own or message.others_set_aside else _hits(message, occurrences, None, OTHER_OWNERS)
    if scorer is not None:
        learned_own, learned_others = _learned(message, occurrences, scorer, {h.flag_id for h in own + others})
        own = _ordered(own + learned_own)
        others = [] if own or message.others_set_aside else _ordered(others + learned_others)
    set_aside = not own and not others and any(not o.affirmed or o.owner not in PATIENT_OWNERS for o in occurrences)
    return MessageAnalysis(own, others, set_aside, _remembered(message, occurrences, None))


def _ordered(hits: List[RedFlagHit]) -> List[RedFlagHit]:
    """Most severe first; within a level, in the flags table's order."""
    return sorted(hits, key=lambda h: (h.level.rank, flag_order()[h.flag_id]))


def _learned(
    message: _Message, occurrences: List[Occurrence], scorer: Scorer, fired: Set[str]
) -> Tuple[List[RedFlagHit], List[RedFlagHit]]:
    """The scorer's flags the rules did not give, split into the visitor's (or a child's) and another adult's.
    Who a window is about is the owner most of its words have (heel/safety/redflags.py `_owners`); a window about
    people in general ("you") is not anyone's report."""
    sent_ids = sorted(message.sents)
    own: List[RedFlagHit] = []
    others: List[RedFlagHit] = []
    for hit in scorer.hits([message.sent_text(s) for s in sent_ids]):
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
    message = _Message(doc)
    occurrences = message.occurrences()
    others = [] if message.others_set_aside else _hits(message, occurrences, None, OTHER_OWNERS)
    return (
        not _hits(message, occurrences, None)
        and not others
        and any(not o.affirmed or o.owner not in PATIENT_OWNERS for o in occurrences)
    )


def _hits(
    message: _Message,
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
    message: _Message,
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
            # "I have psoriasis, can it affect my heels?" then "my heels are sore every morning": the
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
        owner_sets = [{o.owner for o in facts[c]} for c in current]
        # one patient for all parts: "I'm diabetic and my son has a cut" is two people; "third" (he/she) fits any
        if not any(all(owner in pool or "third" in pool for pool in owner_sets) for owner in owners):
            continue
        first = facts[current[0]][0]
        return message.sent_text(first.sent)[:240]
    return None


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


def _remembered(message: _Message, occurrences: List[Occurrence], previous: Optional[RedFlagContext]) -> RedFlagContext:
    facts = set(_patient_facts(occurrences))
    if message.reports_heel_symptom and "other" not in message.owners:
        facts.add("heel_symptom")  # "bilat heel pain" ... later "my GP diagnosed ankylosing spondylitis"
    others = set() if message.others_set_aside else set(_patient_facts(occurrences, OTHER_OWNERS))
    context = RedFlagContext.from_facts(facts, others)
    if any(t.forms & W.FOOT_PARTS for t in message.toks):
        context = RedFlagContext(context.names | {"foot_in_focus"})
    return context.merge(previous)
