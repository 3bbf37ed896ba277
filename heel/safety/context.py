"""Context of a danger-sign finding as a table, in the style of medspaCy's ConText.

Each row of nlp/redflags/rules/context.yml `modifiers` says which cues (words, phrases, token patterns, regular
expressions) set a finding aside, under which label (negated, history, transient, reading, hypothetical), how far a
cue reaches (its scope), which findings it applies to, and what else must or must not be there. The first row that
reaches a finding labels it. The engine knows scopes, not words.

Scopes, relative to a finding at tokens start..end of sentence s:
- before: up to `reach` tokens before it, stopped by a break, a terminator or a joiner (", and") that opens a new
  clause (`stops`); after: up to `reach` tokens after it, inside its clause (reach 0: right after it);
- inside: within the finding's own tokens; clause, sentence; clause_before, sentence_before / sentence_after: its clause or sentence before / after its
  start;
- sentences: sentences s+a..s+b (`window: [a, b]`);
- reply: right after it, past up to `reach` `skip` tokens ("fever? - no"), a cue followed by an `ends` token;
- answer: its sentence is a question and the next sentence opens with a cue ("A pop? No, nothing like that.");
- episode: it sits in a past episode, a run of sentences that a cue opens and a sentence speaking of the present
  (`closed_by`) closes; with a `requires` row, only when its cue falls inside the run or its closing sentence.
`requires` is a second cue with its own scope that must also reach the finding (`after_finding`: starting after
it; `exclusive`: in a clause holding no other finding; `declarative`: not in a question); `unless` cues in the
finding's sentence cancel the row; a cue inside a `pseudo` pattern's match is no cue ("not only", "where it used
to be").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Protocol, Sequence, Set, Tuple

NEGATIONS = frozenset({"not", "never"})


@dataclass(frozen=True)
class Cues:
    words: FrozenSet[str] = frozenset()  # a token (its lower-case text; with `forms`, any of its forms) in this set
    forms: bool = False
    outside_findings: bool = False  # a word inside a finding's own match ("can't walk") is no cue for others
    not_after: FrozenSet[str] = frozenset()  # a word right after one of these, or after a number, is no cue
    phrases: Tuple[str, ...] = ()  # a phrase in the text of the scope
    negatable: bool = False  # a phrase after "not" or "never" (within two words) is no cue
    next_word: Tuple[Tuple[str, FrozenSet[str]], ...] = ()  # a phrase ending in w counts only before these
    patterns: Tuple[str, ...] = ()  # token patterns whose match starts in the scope (negated matches dropped)
    regex: Tuple[Any, ...] = ()  # compiled expressions searched in the text of the scope

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases or self.patterns or self.regex)


@dataclass(frozen=True)
class Modifier:
    label: str
    cues: Cues
    scope: str
    reach: int = 0
    window: Tuple[int, int] = (0, 0)
    targets: str = "all"  # all | acute | chronic | transient
    concepts: Tuple[str, ...] = ()  # only findings of these concepts (empty: any)
    owners: Tuple[str, ...] = ()  # only findings about these people (empty: anyone)
    unless: Cues = Cues()
    requires: Optional["Modifier"] = None
    pseudo: Tuple[str, ...] = ()  # word sequences (a word with a "not" among its forms reads "not")
    pseudo_patterns: Tuple[str, ...] = ()
    terminators: FrozenSet[str] = frozenset()  # (before) tokens that end the scope
    joiners: FrozenSet[str] = frozenset()  # (before) ... and these, when a `stops` word follows
    stops: FrozenSet[str] = frozenset()
    skip: FrozenSet[str] = frozenset()  # (reply)
    ends: FrozenSet[str] = frozenset()  # (reply)
    after_finding: bool = False
    exclusive: bool = False
    declarative: bool = False
    closed_by: Cues = Cues()  # (episode)


class Message(Protocol):
    toks: Sequence[Any]
    sents: Mapping[int, Sequence[Any]]
    consumed: Set[int]
    finding_starts: Set[int]
    cache: Dict[Any, Any]

    def clause(self, idx: int) -> Tuple[int, int]: ...

    def is_question(self, sent: int) -> bool: ...

    def spans(self, patterns: Tuple[str, ...], negatable: bool = True) -> List[Tuple[int, int]]: ...


Value = Callable[[Any], Any]  # a YAML value as Python, $NAME references resolved (heel.safety.tables.Words.value)


def _cues(raw: Optional[Mapping[str, Any]], value: Value, expand: Callable[[str], str]) -> Cues:
    raw = raw or {}
    return Cues(
        words=frozenset(value(raw.get("words") or ())),
        forms=bool(raw.get("forms")),
        outside_findings=bool(raw.get("outside_findings")),
        not_after=frozenset(value(raw.get("not_after") or ())),
        phrases=tuple(value(raw.get("phrases") or ())),
        negatable=bool(raw.get("negatable")),
        next_word=tuple((w, frozenset(value(s))) for w, s in (raw.get("next_word") or {}).items()),
        patterns=tuple(expand(p) for p in value(raw.get("patterns") or ())),
        regex=tuple(value(raw.get("regex") or ())),
    )


def modifier(raw: Mapping[str, Any], value: Value, expand: Callable[[str], str] = str) -> Modifier:
    """A row of the table as a Modifier; `expand` fills a pattern's {NAME} macros."""
    sets = {k: frozenset(value(raw.get(k) or ())) for k in ("terminators", "joiners", "stops", "skip", "ends")}
    return Modifier(
        label=raw["label"],
        cues=_cues(raw.get("cues"), value, expand),
        scope=raw["scope"],
        reach=int(raw.get("reach", 0)),
        window=(int(raw.get("window", (0, 0))[0]), int(raw.get("window", (0, 0))[1])),
        targets=raw.get("targets", "all"),
        concepts=tuple(raw.get("concepts") or ()),
        owners=tuple(raw.get("owners") or ()),
        unless=_cues(raw.get("unless"), value, expand),
        requires=modifier({"label": raw["label"], **raw["requires"]}, value, expand) if raw.get("requires") else None,
        pseudo=tuple(value(raw.get("pseudo") or ())),
        pseudo_patterns=tuple(expand(p) for p in value(raw.get("pseudo_patterns") or ())),
        after_finding=bool(raw.get("after_finding")),
        exclusive=bool(raw.get("exclusive")),
        declarative=bool(raw.get("declarative")),
        closed_by=_cues(raw.get("closed_by"), value, expand),
        **sets,
    )


def _blanked(message: Message, mod: Modifier) -> FrozenSet[int]:
    """Tokens inside a pseudo-cue of the row (cached per message)."""
    if not (mod.pseudo or mod.pseudo_patterns):
        return frozenset()
    key = ("blank", id(mod))  # rows live as long as the process (redflags.modifiers is cached)
    if key not in message.cache:
        blank = {i for a, b in message.spans(mod.pseudo_patterns, negatable=False) for i in range(a, b)}
        if "words_at" not in message.cache:
            words = ["not" if "not" in t.forms else t.lower for t in message.toks]
            at: Dict[str, List[int]] = {}
            for i, word in enumerate(words):
                at.setdefault(word, []).append(i)
            message.cache["words_at"] = (words, at)
        words, at = message.cache["words_at"]
        for phrase in mod.pseudo:
            seq = phrase.split()
            for i in at.get(seq[0], ()):
                if words[i : i + len(seq)] == seq:
                    blank.update(range(i, i + len(seq)))
        message.cache[key] = frozenset(blank)
    return message.cache[key]


def _texts(toks: Sequence[Any], blank: FrozenSet[int]) -> Tuple[str, str]:
    """(tokens joined by spaces, the original text), lower case, "n't" read "not", blanked tokens as '|'."""
    joined = " ".join("|" if t.i in blank else ("not" if t.lower in ("n't", "nt") else t.lower) for t in toks)
    original = "".join(("|" if t.i in blank else t.lower) + (t.ws or "") for t in toks).replace("\u2019", "'")
    return f" {joined} ", f" {original} "


def _has_phrase(text: str, cues: Cues) -> bool:
    for phrase in cues.phrases:
        needle = f" {phrase} "
        at = text.find(needle)
        while at >= 0:
            guard = next((allowed for word, allowed in cues.next_word if phrase.endswith(" " + word)), None)
            after = text[at + len(needle) - 1 :].split()[:1]
            if not (cues.negatable and NEGATIONS & set(text[:at].split()[-2:])) and (
                guard is None or not after or after[0] in guard
            ):
                return True
            at = text.find(needle, at + 1)
    return False


def found(message: Message, cues: Cues, lo: int, hi: int, mod: Optional[Modifier] = None, after: int = -1) -> bool:
    """A cue among tokens lo..hi (a pattern: a match starting there); with `after`, only cues after that token."""
    lo = max(lo, after + 1)
    if lo >= hi:
        return False
    toks = message.toks
    blank = _blanked(message, mod) if mod is not None else frozenset()
    if cues.words:
        for j in range(lo, hi):
            tok = toks[j]
            if j in blank or (cues.outside_findings and j in message.consumed):
                continue
            if not ((tok.forms if cues.forms else {tok.lower}) & cues.words):
                continue
            before = toks[j - 1].lower if j else ""
            if cues.not_after and (before in cues.not_after or before[:1].isdigit()):
                continue
            return True
    if cues.patterns and any(lo <= a < hi for a, _ in message.spans(cues.patterns)):
        return True
    if cues.phrases or cues.regex:
        joined, original = _texts(toks[lo:hi], blank)
        if cues.phrases and (_has_phrase(joined, cues) or _has_phrase(original, cues)):
            return True
        return any(regex.search(joined) for regex in cues.regex)
    return False


def _occurs(message: Message, cues: Cues) -> bool:
    """A cue of the set occurs anywhere in the message."""
    if "texts" not in message.cache:
        toks = message.toks
        message.cache["texts"] = _texts(toks, frozenset())
        message.cache["lowers"] = {t.lower for t in toks}
        message.cache["forms"] = {f for t in toks for f in t.forms}
    texts = message.cache["texts"]
    words = message.cache["forms" if cues.forms else "lowers"]
    return bool(
        (cues.words and not words.isdisjoint(cues.words))
        or (cues.patterns and message.spans(cues.patterns))
        or any(f" {p} " in text for p in cues.phrases for text in texts)
        or any(regex.search(texts[0]) for regex in cues.regex)
    )


def possible(message: Message, mod: Modifier) -> bool:
    """The row's cues (and those of its `requires`) occur somewhere in the message: only such rows are tried."""
    return _occurs(message, mod.cues) and (mod.requires is None or _occurs(message, mod.requires.cues))


def reaches(message: Message, mod: Modifier, start: int, end: int) -> bool:
    """The row's cues reach the finding at tokens start..end (and its `unless` and `requires` agree); callers try
    only rows that are `possible` in the message."""
    toks, sent = message.toks, message.toks[start].sent
    first, last = message.sents[sent][0].i, message.sents[sent][-1].i + 1
    after = end - 1 if mod.after_finding else -1
    scope = mod.scope
    if mod.declarative and scope != "sentences" and message.is_question(sent):
        return False
    if scope == "episode":  # its `requires` is read inside the episode, not at the finding
        return sent in past_episodes(message, mod) and not (mod.unless and found(message, mod.unless, first, last))
    if scope == "before":
        lo = start
        while lo > 0 and toks[lo - 1].sent == sent and start - lo < mod.reach and not _ends_scope(message, mod, lo - 1):
            lo -= 1
        hit = found(message, mod.cues, lo, start, mod)
    elif scope == "after":
        hi = min(message.clause(end - 1)[1], end + mod.reach) if mod.reach else end + 1
        hit = found(message, mod.cues, end, hi, mod)
    elif scope == "inside":
        hit = found(message, mod.cues, start, end, mod)
    elif scope == "clause":
        hit = found(message, mod.cues, *message.clause(start), mod)
    elif scope == "sentence":
        hit = found(message, mod.cues, first, last, mod, after)
    elif scope == "sentence_before":
        hit = found(message, mod.cues, first, start, mod)
    elif scope == "clause_before":
        hit = found(message, mod.cues, message.clause(start)[0], start, mod)
    elif scope == "sentence_after":
        hit = found(message, mod.cues, first, last, mod, after=start)
    elif scope == "sentences":
        hit = any(
            found(message, mod.cues, message.sents[s][0].i, message.sents[s][-1].i + 1, mod, after)
            for s in range(sent + mod.window[0], sent + mod.window[1] + 1)
            if s in message.sents and not (mod.declarative and message.is_question(s))
        )
    elif scope == "reply":
        hit = _reply(message, mod, end)
    elif scope == "answer":
        nxt = message.sents.get(sent + 1)
        hit = bool(nxt) and message.is_question(sent) and _opens(nxt, mod.cues)
    else:
        raise ValueError(f"unknown scope {scope!r}")
    if not hit or (mod.unless and found(message, mod.unless, first, last)):
        return False
    if mod.exclusive and not _alone_in_clause(message, mod, start):
        return False
    return mod.requires is None or reaches(message, mod.requires, start, end)


def _ends_scope(message: Message, mod: Modifier, j: int) -> bool:
    toks = message.toks
    tok = toks[j]
    if tok.is_break or tok.lower in mod.terminators:
        return True
    return tok.lower in mod.joiners and j + 1 < len(toks) and toks[j + 1].lower in mod.stops


def _reply(message: Message, mod: Modifier, end: int) -> bool:
    toks, k = message.toks, end
    while k < len(toks) and k - end < mod.reach and toks[k].lower in mod.skip:
        k += 1
    if k >= len(toks) or toks[k].lower not in mod.cues.words:
        return False
    return k + 1 >= len(toks) or toks[k + 1].lower in mod.ends


def _opens(toks: Sequence[Any], cues: Cues) -> bool:
    words = [t.lower for t in toks[:3]]
    return bool(words) and (words[0] in cues.words or any(" ".join(words).startswith(p) for p in cues.phrases))


def _alone_in_clause(message: Message, mod: Modifier, start: int) -> bool:
    """A cue after the finding in a clause that holds no other finding ("it wakes me at night, and I had cancer
    surgery last year": the surgery is the cancer's, not the night pain's recovery)."""
    sent = message.toks[start].sent
    for a, _ in message.spans(mod.cues.patterns):
        if a > start and message.toks[a].sent == sent:
            lo, hi = message.clause(a)
            if not any(lo <= s < hi and s != start for s in message.finding_starts):
                return True
    return False


def past_episodes(message: Message, mod: Modifier) -> FrozenSet[int]:
    """The sentences inside a past episode that ended well (module docstring, `episode`)."""
    key = ("episodes", id(mod))
    if key in message.cache:
        return message.cache[key]
    recovered = {message.toks[a].sent for a, _ in message.spans(mod.requires.cues.patterns)} if mod.requires else set()
    inside: Set[int] = set()
    current: List[int] = []
    for sent in sorted(message.sents) + [None]:
        if sent is None:
            opens = present = True
        else:
            lo, hi = message.sents[sent][0].i, message.sents[sent][-1].i + 1
            opens = found(message, mod.cues, lo, hi)
            present = found(message, mod.closed_by, lo, hi, mod)
        if current and present:  # the episode closes; it counts when it ended well
            if mod.requires is None or recovered & set(current) or sent in recovered:
                inside.update(current)
            current = []
        if sent is not None and (opens and not present or current):
            current.append(sent)
    message.cache[key] = frozenset(inside)
    return message.cache[key]
