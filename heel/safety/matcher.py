"""Tokens and the pattern language of the red-flag rules (heel/safety/redflags.py reads messages with them).

A message's tokens carry "forms" (lower case, norm, lemma, typo and dialect fixes from nlp/redflags/rules/spelling.yml)
so "can't"/"cant"/"cannot" all read "can not" and "swolen" reads "swollen". A pattern is a line of token elements:
alternatives with |, a prefix with *, an optional element with ?, a gap of up to N tokens with ~N
("can|could not ~2 walk|stand"). A match never crosses a sentence break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from heel.safety.tables import W


@dataclass
class Tok:
    i: int
    text: str
    lower: str
    forms: FrozenSet[str]
    sent: int
    is_break: bool
    norm: str = ""
    ws: str = " "


def damerau1(a: str, b: str) -> bool:
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
def dictionary() -> FrozenSet[str]:
    """Real English words (heel.language.encoder.vocabulary_words): a word listed there is a word, not a typo of a
    danger word ("injection" is not "infection"). Empty when the encoder package is missing, which leaves
    FUZZY_GUARD alone."""
    try:
        from heel.language.encoder import vocabulary_words

        return vocabulary_words()
    except (ImportError, OSError):
        return frozenset()


@lru_cache(maxsize=4096)
def fuzzy(word: str) -> Optional[str]:
    if len(word) < 6 or word in W.FUZZY_GUARD or not word.isalpha() or word in dictionary():
        return None
    for target in W.FUZZY_TARGETS:
        if word != target and damerau1(word, target):
            return target
    return None


BREAK_RE = re.compile(r"[.!?]+|\.{2,}")


def tokens(doc: Any) -> List[Tok]:
    toks: List[Tok] = []
    sent = 0
    dialect, split_negations, typos, hard_breaks = W.DIALECT, W.SPLIT_NEGATIONS, W.TYPOS, W.HARD_BREAKS
    for token in doc:
        text = token.text
        lower = text.lower().replace("\u2019", "'")
        if lower in dialect and not (toks and toks[-1].lower in ("my", "me", "our", "his", "her", "your", "the", "a")):
            lower = dialect[lower]
        if token.is_space:
            if "\n" in text and toks and not toks[-1].is_break:
                toks.append(Tok(len(toks), "\n", "\n", frozenset({"\n"}), sent, True, "\n", " "))
                sent += 1
            continue
        if lower in split_negations:
            modal = split_negations[lower]
            toks.append(Tok(len(toks), text, lower, frozenset({lower, modal}), sent, False, modal, ""))
            toks.append(Tok(len(toks), "", "not", frozenset({"not"}), sent, False, "not", token.whitespace_ or ""))
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
            fixed = fuzzy(lower)
            if fixed:
                forms.add(fixed)
        is_break = lower in hard_breaks or bool(BREAK_RE.fullmatch(lower))
        norm = "not" if "not" in forms and lower in ("n't", "nt", "not") else token.norm_.lower()
        toks.append(Tok(len(toks), text, lower, frozenset(forms), sent, is_break, norm, token.whitespace_ or ""))
        if is_break and lower not in (":", ";", "—", "–", "(", ")"):
            sent += 1
    return toks


class Pattern:
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
    def _tok_ok(tok: Tok, spec: Tuple[FrozenSet[str], Tuple[str, ...]]) -> bool:
        exact, prefixes = spec
        if tok.forms & exact:
            return True
        if not prefixes:
            return False
        return any(form.startswith(prefixes) for form in tok.forms)

    def match_at(self, toks: Sequence[Tok], start: int) -> Optional[int]:
        """End index (exclusive) of a match starting at start, or None. Never crosses a sentence boundary."""
        return self._rec(toks, toks[start].sent, 0, start)

    def _rec(self, toks: Sequence[Tok], sent: int, ei: int, ti: int) -> Optional[int]:
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
def compile_pattern(source: str) -> Pattern:
    return Pattern(source)


@lru_cache(maxsize=None)
def phrase_re(phrases: Tuple[str, ...]) -> "re.Pattern[str]":
    """One compiled regex per phrase table: any phrase as whole words."""
    alternatives = "|".join(re.escape(p.lower().strip()) for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(r"(?<![a-z0-9])(?:" + (alternatives or r"(?!x)x") + r")(?![a-z0-9])")


def form_index(toks: Sequence[Tok]) -> Dict[str, List[int]]:
    """form -> token indices, so a pattern is tried only where its first word occurs (keeps long messages fast)."""
    index: Dict[str, List[int]] = {}
    for tok in toks:
        if not tok.is_break:
            for form in tok.forms:
                index.setdefault(form, []).append(tok.i)
    return index


def find(
    toks: Sequence[Tok], sources: Iterable[str], index: Optional[Mapping[str, List[int]]] = None
) -> List[Tuple[int, int]]:
    index = form_index(toks) if index is None else index
    spans = []
    for source in sources:
        pattern = compile_pattern(source)
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
def negating_patterns(sources: Tuple[str, ...]) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """(the patterns with an element that matches a negation, the others)."""
    cues = W.NEG_CUES | {"not"}

    def negates(source: str) -> bool:
        return any(kind == "tok" and spec[0] & cues for kind, spec, _ in compile_pattern(source).elems)

    return tuple(p for p in sources if negates(p)), tuple(p for p in sources if not negates(p))
