"""One message read for the red-flag rules: its tokens and sentences, who each finding is about (the visitor, a child
they write for, another adult, people in general), and every concept occurrence with its status (affirmed, or
negated, past, passing, a thing, a general question, a hypothetical: the context rows of heel/safety/context.py
and the concepts' own vetoes)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from heel.safety import context
from heel.safety.matcher import Tok, find, form_index, negating_patterns, phrase_re, tokens
from heel.safety.rules import Concept, all_concepts, modifiers
from heel.safety.tables import W

PATIENT_OWNERS = ("self", "dependent", "third")
OTHER_OWNERS = ("other",)  # another adult the visitor writes about (detect_split)
# after another adult's facts in earlier turns, an unresolved "she" or "he" may be that adult ("my gran is diabetic"
# ... "she has a cut on her sole that won't heal")
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


class Message:
    """Token-level facts about one message: sentences, owners, negation scopes, question/hypothetical status."""

    def __init__(self, doc: Any, foot_in_focus: bool = False) -> None:
        self.toks = tokens(doc)
        self.foot_in_focus = foot_in_focus  # earlier turns named the foot or heel
        self.fragment = sum(1 for t in self.toks if not t.is_break and t.lower not in (",", "?")) <= 4
        self.sents: Dict[int, List[Tok]] = {}
        for tok in self.toks:
            self.sents.setdefault(tok.sent, []).append(tok)
        self._strings: Dict[int, Tuple[str, str]] = {}
        self.owners = self._owners()
        self.consumed: Set[int] = set()
        self.cache: Dict[Any, Any] = {}  # per-message results of the context rows (heel/safety/context.py)
        self.finding_starts: Set[int] = set()  # where any concept matched (occurrences fills it)
        self.index = form_index(self.toks)

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
        `affirmed_only`, not counting one that a negation just before denies ("wasn't counting calories")."""
        original, normed = self._sent_strings(sent)
        pattern = phrase_re(tuple(phrases))
        outside = tuple(o for o in outside if pattern.search(" " + o.lower() + " "))  # only phrases holding one
        if outside:
            blank = phrase_re(outside)
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
        named: Set[str] = set()  # the kinds of person named so far
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
                pass  # "my husband (reading this beside me) takes metformin" is still about the husband
            elif (
                word in ("me", "us")
                and idx
                and toks[idx - 1].lower in W.ADDRESSED_VERBS
                and current in ("other", "dependent")
            ):
                pass  # "a cut on his toe the carers never told me about": still his
            elif word in W.SELF_WORDS or tok.forms & {"i"}:
                current = "self"
            elif word in ("bro", "sis") and [t.lower for t in toks[idx + 1 : idx + 3]] == ["in", "law"]:
                current = last_person = "other"  # "sis in law, ankle swollen since friday ..."
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
                    current = "generic"  # "folk online mention a snap", "someone dropped weights"
                else:
                    current = last_person = "other"
            elif word in W.THIRD_PRONOUNS:
                # a child and another adult both named: "she" may be either ("the teacher drove her home")
                current = "third" if {"dependent", "other"} <= named else last_person or "third"
            elif word in W.GENERIC_WORDS and idx and toks[idx - 1].lower in W.ADDRESSEE_CUES:
                pass  # "I was going to see you about it": the clinic, addressed
            elif word in W.GENERIC_WORDS and not (idx + 1 < len(toks) and toks[idx + 1].lower in W.ADDRESSED_VERBS):
                current = "generic"  # but "as you wanted, 38.9" speaks to the bot about the writer
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
                and not toks[idx + 1].lower[:1].isdigit()  # "his forehead scanner says 39.1" is a reading
            ):
                current = "generic"  # "my neighbour reckons numbness in the foot means ..."
            if current in ("dependent", "other"):
                named.add(current)
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
        or a bare descriptor opening the message ("keen cricketer, type 2 for 6 years", "runner here")."""
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
            return True  # "Hey, dad of three here.", "mum of a toddler, ..."
        if opening and after == "." and any(t.lower.rstrip("mfy").isdigit() for t in toks[:idx]):
            return True  # "40 yr old man. Sore heels ...": an age and a person word as the opening sentence
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
                # a counterfactual: "if you had a torn tendon could you still stand on tiptoe?"
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
                    continue  # "go back for a lob", "along the back of the ankle": not the back
                if tok.lower in ("hand", "hands") and [t.lower for t in self.toks[tok.i + 1 : tok.i + 3]] in (
                    ["on", "it"],
                    ["on", "them"],
                    ["on", "her"],
                    ["on", "his"],
                ):
                    continue  # "warm if I rest a hand on it": the hand feels, it is not the site
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
                )  # "the skin is puffy, hot"
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
            return True  # "hurts as soon as I hit 20 miles", "hit 10k"
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
        j, floor = start - 1, max(lo, start - 6)
        while j >= floor:
            tok = toks[j]
            if tok.lower in W.THINGS:
                return True
            before = self._before_place(j, floor) if tok.forms & W.FOOT_PARTS else None
            if before is not None:  # "the band around my ankle snapped": the band may be the subject
                j, floor = before, max(lo, floor - 4)
                continue
            if tok.lower in W.THING_STOP or tok.forms & W.FOOT_PARTS or tok.lower in W.OTHER_PARTS:
                break
            j -= 1
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

    def _before_place(self, part: int, floor: int) -> Optional[int]:
        """The word before a place phrase that ends in the body part at `part` ("round the heel", "on my foot"):
        a body part after a place word names where a thing is. None when no place word opens the phrase."""
        k = part - 1
        while k > floor and self.toks[k].lower in W.THING_SKIP:
            k -= 1
        return k - 1 if k > floor and self.toks[k].lower in W.PLACE_WORDS else None

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
            for start, end in find(self.toks, patterns, self.index):
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
            # "the practice nurse can't see her till friday" is nobody on it yet
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
        asking = False  # "is there any connection between colitis and sore heels": the clause after "and" still asks
        words = [tok.lower for tok in self.toks] + ["."]
        breaks = [tok.is_break for tok in self.toks] + [True]
        for i, word in enumerate(words):
            # a question run on without punctuation opens its own clause: "my knuckles flare with psoriasis might that be
            # behind my sore heels" asks about the heel pain
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
                return self.owners[k]  # "somebody whacked her across the ankle"
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
        # "ive got crohns does it cause sore heels": a question run on without punctuation
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
            with_negation, plain = negating_patterns(concept.patterns)
            for start, end in find(self.toks, with_negation, self.index):
                negating.append((concept, start, end))
            for start, end in find(self.toks, plain, self.index):
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
                owner = self.owners[objects[0]]  # "we couldn't get her to walk on it" is hers
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
                # "does ulcerative colitis ever spread to the heels" asks for information.
                why = "impersonal"
            else:
                why = self.suppressed_as_question(sent, start) or ""
                if why == "question" and not concept.acute and self._own_diagnosis_after(sent):
                    why = ""  # "Is heel trouble common with diabetes? I was diagnosed in May."
            result.append(Occurrence(concept.cid, start, end, sent, owner, why == "", why))
        return result
