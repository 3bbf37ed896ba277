"""Pure parsers from a visitor's free-text form answers to the Answers vocabularies of heel/triage/engine.py.

Why: form answers arrive as free text ("worst on the first steps of the day"), buttons or numbers. Each parser returns
a value from the engine's vocabulary, or None when the answer is unclear, so the form can re-ask once with an
example instead of guessing. Keyword tables are data, checked in order (most specific first).
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from heel.triage.engine import AGE_BANDS, CHANGES, LOCATIONS, SEVERITIES, TIMINGS, age_to_band

_NEGATORS = (
    "no",
    "not",
    "never",
    "without",
    "nothing",
    "none",
    "dont",
    "don't",
    "doesnt",
    "doesn't",
    "didnt",
    "didn't",
    "havent",
    "haven't",
    "hasnt",
    "hasn't",
    "isnt",
    "isn't",
    "arent",
    "aren't",
    "wasnt",
    "wasn't",
    "nor",
    "neither",
    "nope",
    "nah",
)


def _norm(text: str) -> str:
    text = (text or "").lower().replace("\u2019", "'")
    text = re.sub(r"[^a-z0-9'/.\- ]+", " ", text)
    return " " + re.sub(r"\s+", " ", text).strip() + " "


def _has(text: str, phrase: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", text) is not None


def _negated(text: str, phrase: str, window: int = 4) -> bool:
    """True when every occurrence of phrase has a negator in the `window` words before it (same clause)."""
    found = False
    for match in re.finditer(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", text):
        found = True
        before = re.split(r"\b(?:but|however|although|though)\b|[,;.]", text[: match.start()])[-1].split()[-window:]
        if not any(word in _NEGATORS for word in before):
            return False
    return found


def _first_match(text: str, table: Sequence[Tuple[str, Sequence[str]]], allow_negated: bool = False) -> Optional[str]:
    for value, phrases in table:
        for phrase in phrases:
            if _has(text, phrase) and (allow_negated or not _negated(text, phrase)):
                return value
    return None


def _exact_value(text: str, vocabulary: Iterable[str]) -> Optional[str]:
    """Buttons send the vocabulary value itself ('under_heel' or '/inform{"location": ...}' payload text)."""
    key = text.strip().strip('"').lower().replace(" ", "_")
    return key if key in vocabulary else None


# ------------------------------------------------------------------------------------------------ location
LOCATION_TABLE: Tuple[Tuple[str, Sequence[str]], ...] = (
    (
        "both_heels",
        (
            "both heels",
            "both feet",
            "both sides",
            "both of them",
            "both",
            "each heel",
            "two heels",
            "left and right",
            "right and left",
            "bilateral",
        ),
    ),
    (
        "back_of_heel",
        (
            "back of",
            "back",
            "behind",
            "achilles",
            "tendon",
            "top of the heel",
            "top of my heel",
            "where the tendon",
            "pump bump",
            "bump at the back",
            "above the heel",
            "rear",
        ),
    ),
    (
        "under_heel",
        (
            "under",
            "underneath",
            "bottom",
            "beneath",
            "sole",
            "base",
            "plantar",
            "arch",
            "inside",
            "inner",
            "middle",
            "centre",
            "center",
            "front of the heel",
            "floor",
        ),
    ),
    ("side_of_heel", ("side", "sides", "outside", "outer", "edge", "ankle bone")),
    (
        "whole_heel",
        (
            "whole",
            "all over",
            "everywhere",
            "entire",
            "all of",
            "all round",
            "all around",
            "deep",
            "the lot",
            "generally",
        ),
    ),
)


def parse_location(text: str) -> Optional[str]:
    """'underneath, near the inside' -> under_heel; 'back of my heel' -> back_of_heel; None when unclear."""
    value = _exact_value(text, LOCATIONS)
    if value:
        return value
    norm = _norm(text)
    option = _option_number(norm, LOCATIONS)
    return option or _first_match(norm, LOCATION_TABLE)


# ------------------------------------------------------------------------------------------------ timing
TIMING_TABLE: Tuple[Tuple[str, Sequence[str]], ...] = (
    (
        "barefoot_hard_floor",
        (
            "barefoot",
            "bare feet",
            "hard floor",
            "hard floors",
            "tiles",
            "tiled",
            "no shoes",
            "without shoes",
            "wooden floor",
            "concrete floor",
            "slippers",
        ),
    ),
    ("night", ("at night", "in the night", "during the night", "wakes me", "woken", "keeps me awake", "overnight")),
    (
        "morning_first_steps",
        (
            "first thing",
            "first steps",
            "first step",
            "out of bed",
            "get up in the morning",
            "getting up in the morning",
            "when i wake",
            "when i get up",
            "mornings",
            "morning",
            "wake up",
            "waking up",
            "first few steps",
            "a.m",
            "get out of bed",
        ),
    ),
    (
        "night",
        (
            "at night",
            "night",
            "nights",
            "in bed",
            "wakes me",
            "keeps me awake",
            "sleeping",
            "asleep",
            "lying down",
            "overnight",
            "evening",
            "evenings",
        ),
    ),
    (
        "after_rest",
        (
            "after sitting",
            "after rest",
            "after resting",
            "sitting down",
            "after driving",
            "stand up",
            "standing up",
            "get up from",
            "getting up from",
            "after a rest",
            "after i sit",
            "been sitting",
            "after a break",
            "sat down",
            "sitting for",
            "after sitting down",
        ),
    ),
    (
        "after_running",
        (
            "after running",
            "after a run",
            "after my run",
            "after runs",
            "after i run",
            "post run",
            "post-run",
            "after exercise",
            "after training",
            "after sport",
            "next day",
            "day after",
            "after football",
            "after the run",
            "once i stop",
            "when i stop",
            "afterwards",
        ),
    ),
    (
        "during_running",
        (
            "during",
            "longer i run",
            "more i run",
            "further i run",
            "hop",
            "hopping",
            "while running",
            "whilst running",
            "when i run",
            "when running",
            "on runs",
            "on my runs",
            "mid run",
            "mid-run",
            "running",
            "jogging",
            "when i jog",
            "sport",
            "playing",
            "when i walk",
            "walking",
            "every step",
            "impact",
            "jumping",
            "activity",
            "exercise",
        ),
    ),
    (
        "all_the_time",
        (
            "all the time",
            "constant",
            "constantly",
            "always",
            "all day",
            "24/7",
            "non stop",
            "nonstop",
            "never stops",
            "whole day",
        ),
    ),
)


def parse_timing(text: str) -> Optional[str]:
    """'the very first steps each morning' -> morning_first_steps; None when unclear."""
    value = _exact_value(text, TIMINGS)
    if value:
        return value
    norm = _norm(text)
    return _option_number(norm, TIMINGS) or _first_match(norm, TIMING_TABLE)


# ------------------------------------------------------------------------------------------------ duration
_NUMBER_WORDS: Dict[str, float] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "eighteen": 18,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "couple": 2,
    "a couple": 2,
    "a couple of": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
    "several": 4,
    "half a": 0.5,
    "a half": 0.5,
    "half": 0.5,
    "one and a half": 1.5,
    "a year and a half": 1.5,
}
_UNIT_WEEKS: Dict[str, float] = {
    "day": 1 / 7,
    "days": 1 / 7,
    "d": 1 / 7,
    "week": 1,
    "weeks": 1,
    "wk": 1,
    "wks": 1,
    "w": 1,
    "fortnight": 2,
    "fortnights": 2,
    "month": 52 / 12,
    "months": 52 / 12,
    "mo": 52 / 12,
    "mos": 52 / 12,
    "mth": 52 / 12,
    "mths": 52 / 12,
    "year": 52,
    "years": 52,
    "yr": 52,
    "yrs": 52,
    "y": 52,
}
_NUM = r"\b(\d+(?:\.\d+)?|" + "|".join(sorted((re.escape(k) for k in _NUMBER_WORDS), key=len, reverse=True)) + r")"
_UNIT = r"(" + "|".join(sorted(_UNIT_WEEKS, key=len, reverse=True)) + r")\b"
_DURATION_RE = re.compile(_NUM + r"(?:\s*(?:-|to|or)\s*(\d+(?:\.\d+)?))?\s*(?:and a half\s*)?" + _UNIT)
_LONG_RELATIVE: Tuple[Tuple[str, float], ...] = (
    ("most of the year", 40.0),
    ("all year", 52.0),
    ("over a year", 60.0),
    ("more than a year", 60.0),
    ("for years", 104.0),
    ("a long time", 26.0),
    ("since last summer", 26.0),
    ("since last year", 40.0),
)
_RELATIVE: Tuple[Tuple[str, float], ...] = (
    ("today", 0.0),
    ("since yesterday", 1 / 7),
    ("yesterday", 1 / 7),
    ("last night", 1 / 7),
    ("this week", 0.5),
    ("since last week", 1.0),
    ("last week", 1.0),
    ("since last month", 4.0),
    ("last month", 4.0),
    ("a fortnight", 2.0),
    ("fortnight", 2.0),
    ("ages", 26.0),
    ("forever", 52.0),
)


def parse_duration_weeks(text: str, default_unit: Optional[str] = None) -> Optional[float]:
    """'about 6 weeks' -> 6.0, 'a fortnight' -> 2.0, '3 months' -> 13.0, 'a couple of days' -> 0.3; else None.

    A bare number ('6') counts only when the question named its unit (default_unit='weeks').
    """
    norm = _norm(text)
    for phrase, weeks in _LONG_RELATIVE:  # checked first: "niggling since last summer" names no number
        if _has(norm, phrase):
            return float(weeks)
    # A number word must stand apart from its unit: "an" + "d" inside "and" is not "a day".
    match = next(
        (m for m in _DURATION_RE.finditer(norm) if m.group(1)[0].isdigit() or norm[m.end(1) : m.end(1) + 1].isspace()),
        None,
    )
    if match:
        number_text, upper, unit = match.group(1), match.group(2), match.group(3)
        number = float(number_text) if re.fullmatch(r"\d+(?:\.\d+)?", number_text) else _NUMBER_WORDS[number_text]
        if upper:
            number = (number + float(upper)) / 2  # "3-4 weeks" -> 3.5
        if "and a half" in norm[match.start() : match.end() + 12]:
            number += 0.5
        return round(float(number) * _UNIT_WEEKS[unit], 1)
    for phrase, weeks in _RELATIVE:
        if _has(norm, phrase):
            return round(float(weeks), 1)
    bare = re.fullmatch(r"\s*(?:about |around |roughly |maybe )?(\d+(?:\.\d+)?)\s*", norm)
    if bare and default_unit in _UNIT_WEEKS:
        return round(float(bare.group(1)) * _UNIT_WEEKS[default_unit], 1)
    return None


# ------------------------------------------------------------------------------------------------ change
CHANGE_TABLE: Tuple[Tuple[str, Sequence[str]], ...] = (
    (
        "none",
        (
            "nothing",
            "no change",
            "haven't changed",
            "havent changed",
            "not changed",
            "hasn't changed",
            "no changes",
            "nothing changed",
            "nothing's changed",
            "not really",
            "nothing different",
            "same as always",
            "same as usual",
            "no idea",
            "none",
            "can't think",
            "cant think",
            "nope",
            "no",
        ),
    ),
    (
        "new_shoes",
        (
            "new shoes",
            "new trainers",
            "new runners",
            "new running shoes",
            "changed shoes",
            "changed my shoes",
            "changed trainers",
            "different shoes",
            "different trainers",
            "shoes",
            "trainers",
            "minimalist",
            "barefoot shoes",
            "carbon",
            "zero drop",
            "footwear",
            "new boots",
            "worn out",
            "old shoes",
            "insoles",
            "sneakers",
            "heels",
        ),
    ),
    (
        "hills",
        (
            "hill",
            "hills",
            "hilly",
            "uphill",
            "downhill",
            "incline",
            "trail",
            "trails",
            "fell running",
            "stairs",
            "steps",
            "mountain",
        ),
    ),
    (
        "hard_surface",
        (
            "road",
            "roads",
            "concrete",
            "pavement",
            "tarmac",
            "asphalt",
            "track",
            "hard surface",
            "hard surfaces",
            "treadmill",
            "hard ground",
            "hard floor",
            "barefoot",
            "standing",
            "on my feet",
            "tiles",
        ),
    ),
    (
        "training_increase",
        (
            "upped",
            "increased",
            "increase",
            "more miles",
            "more mileage",
            "mileage",
            "more running",
            "more km",
            "distance",
            "longer runs",
            "long runs",
            "started running",
            "took up running",
            "taken up running",
            "new training",
            "training plan",
            "marathon",
            "half marathon",
            "speed work",
            "speedwork",
            "intervals",
            "sprints",
            "doubled",
            "ramped",
            "couch to 5k",
            "c25k",
            "more often",
            "every day",
            "training",
            "started",
            "new sport",
            "more exercise",
            "more walking",
            "walking more",
            "running more",
            "ran more",
            "park run",
            "parkrun",
            "went from",
            "gone from",
            "jumped from",
            "ultra",
            "km a week",
            "miles a week",
            "k a week",
            "a week more",
            "weekly mileage",
            "more km",
            "more kilometres",
        ),
    ),
    (
        "other",
        (
            "weight",
            "pregnant",
            "pregnancy",
            "new job",
            "job",
            "work",
            "holiday",
            "football",
            "dancing",
            "netball",
            "tennis",
            "gym",
            "ill",
            "illness",
            "surgery",
            "operation",
            "something else",
            "other",
        ),
    ),
)


def parse_change(text: str) -> Optional[str]:
    """'since I upped my mileage' -> training_increase; 'nothing really' -> none; None when unclear."""
    value = _exact_value(text, CHANGES)
    if value:
        return value
    norm = _norm(text)
    option = _option_number(norm, CHANGES)
    if option:
        return option
    specific = _first_match(norm, CHANGE_TABLE[1:])
    if specific:
        return specific
    return _first_match(norm, CHANGE_TABLE[:1], allow_negated=True)


# ------------------------------------------------------------------------------------------------ yes / no
YES_WORDS = (
    "yes",
    "yeah",
    "yea",
    "yep",
    "yup",
    "ya",
    "yah",
    "y",
    "sure",
    "definitely",
    "absolutely",
    "correct",
    "right",
    "true",
    "affirmative",
    "indeed",
    "certainly",
    "of course",
    "it does",
    "i do",
    "i have",
    "it is",
    "they do",
    "it did",
    "i am",
    "i did",
    "a bit",
    "a little",
    "slightly",
    "kind of",
    "kinda",
    "sort of",
    "somewhat",
    "sometimes",
    "a lot",
    "very much",
    "ok",
    "okay",
    "aye",
    "yh",
    "ye",
    "uh huh",
    "it hurts",
    "hurts",
    "painful",
    "ouch",
    "ow",
    "sore",
    "tender",
)
NO_WORDS = (
    "no",
    "nope",
    "nah",
    "n",
    "not really",
    "not at all",
    "never",
    "negative",
    "none",
    "nothing",
    "it doesn't",
    "it doesnt",
    "i don't",
    "i dont",
    "i haven't",
    "i havent",
    "it isn't",
    "it isnt",
    "doesn't hurt",
    "doesnt hurt",
    "no pain",
    "not painful",
    "not sore",
    "don't think so",
    "dont think so",
    "neither",
    "no it doesn't",
    "not that i know",
    "not that i've noticed",
    "nothing like that",
)
STRONG_NO_WORDS = (
    "it doesn't",
    "it doesnt",
    "it does not",
    "doesn't hurt",
    "doesnt hurt",
    "does not hurt",
    "no pain",
    "not painful",
    "not sore",
    "it isn't",
    "it isnt",
    "it is not",
    "i don't",
    "i dont",
)
UNSURE_WORDS = (
    "not sure",
    "unsure",
    "don't know",
    "dont know",
    "dunno",
    "maybe",
    "perhaps",
    "no idea",
    "can't tell",
    "cant tell",
    "hard to say",
    "possibly",
    "idk",
    "not certain",
)


def parse_yes_no(text: str) -> Optional[bool]:
    """'yeah it does' -> True, 'nope' -> False, 'not sure' or mixed -> None."""
    norm = _norm(text)
    if any(_has(norm, p) for p in UNSURE_WORDS):
        return None
    no = any(_has(norm, p) for p in NO_WORDS) or _starts_with_negator(norm)
    yes = any(_has(norm, p) and not _negated(norm, p) for p in YES_WORDS)
    if no and not yes:
        return False
    if yes and not no:
        return True
    if yes and no:  # "no, it doesn't hurt" vs "yes, it does, no doubt": trust the first word
        # ...unless the answer says the verb is negated: "yeah no it doesn't" (British "yeah no" means no).
        if any(_has(norm, p) for p in STRONG_NO_WORDS) or _has(norm, "yeah no"):
            return False
        first = norm.split()[0] if norm.strip() else ""
        if first in ("no", "nope", "nah", "not", "never"):
            return False
        if first in ("yes", "yeah", "yep", "yup", "y", "sure", "definitely", "absolutely"):
            return True
    return None


def _starts_with_negator(norm: str) -> bool:
    words = norm.split()
    return bool(words) and words[0] in ("no", "nope", "nah", "never", "not", "negative")


NERVE_WORDS = (
    "tingling",
    "tingle",
    "tingles",
    "tingly",
    "burning",
    "burn",
    "burns",
    "numb",
    "numbness",
    "numbess",
    "pins and needles",
    "pins & needles",
    "electric",
    "shooting",
    "zapping",
    "buzzing",
    "prickling",
    "nerve",
)


def parse_nerve_symptoms(text: str) -> Optional[bool]:
    """Burning, tingling or numbness? Mentions count unless negated ('no tingling' -> False); else yes/no."""
    norm = _norm(text)
    mentioned = [w for w in NERVE_WORDS if _has(norm, w)]
    if mentioned:
        if all(_negated(norm, w) for w in mentioned):
            return False
        return True
    return parse_yes_no(text)


def parse_squeeze_pain(text: str) -> Optional[bool]:
    """Does squeezing the heel from both sides hurt? ('yes, ouch' -> True, 'doesn't hurt' -> False)."""
    return parse_yes_no(text)


IMPROVING_TABLE: Tuple[Tuple[bool, Sequence[str]], ...] = (
    (
        False,
        (
            "not improving",
            "not getting better",
            "no better",
            "not better",
            "worse",
            "worsening",
            "same",
            "no change",
            "not changing",
            "hasn't changed",
            "not really",
            "staying the same",
            "stuck",
            "no",
        ),
    ),
    (
        True,
        (
            "improving",
            "getting better",
            "better",
            "easing",
            "settling",
            "improved",
            "less painful",
            "less sore",
            "going away",
            "slowly",
            "a bit",
            "yes",
            "yeah",
            "yep",
        ),
    ),
)


def parse_improving(text: str) -> Optional[bool]:
    """'getting better slowly' -> True; 'worse if anything' / 'about the same' -> False.

    Falls back to yes/no only for a plain yes or no: "it's painful where the sandal digs in" says nothing about
    whether the pain is improving, although "painful" counts as a yes elsewhere.
    """
    norm = _norm(text)
    for value, phrases in IMPROVING_TABLE:
        for phrase in phrases:
            if _has(norm, phrase) and (not value or not _negated(norm, phrase)):
                return value
    first = norm.split()[0] if norm.split() else ""
    if first in ("yes", "yeah", "yep", "yup", "y", "no", "nope", "nah", "n"):
        return parse_yes_no(text)
    return None


# ------------------------------------------------------------------------------------------------ age
_AGE_RE = (
    re.compile(
        r"\b(?:i'?m|i am|im|aged?|age is|he'?s|she'?s|he is|she is|they'?re|is|turned|turning)\s+"
        r"(?:only\s+|just\s+|nearly\s+|almost\s+|about\s+|around\s+)?(\d{1,3})\b"
    ),
    re.compile(r"\b(\d{1,3})\s*(?:years?|yrs?|y/?o|yo)\b"),
    re.compile(r"\b(\d{1,3})\s*-?\s*year\s*-?\s*old\b"),
    re.compile(r"^\s*(?:about\s+|around\s+)?(\d{1,3})\s*$"),
)
_TENS = {
    "twenties": 25,
    "thirties": 35,
    "forties": 45,
    "fifties": 55,
    "sixties": 65,
    "seventies": 75,
    "eighties": 85,
    "nineties": 95,
    "teens": 15,
}
_DECADE_RE = re.compile(r"\b(?:in (?:my|his|her|their) )?(?:early |mid |late |mid-)?(\d)0'?s\b")
AGE_BAND_TABLE: Tuple[Tuple[str, Sequence[str]], ...] = (
    ("child", ("child", "kid", "my son", "my daughter", "boy", "girl", "primary school", "year 5", "year 6", "junior")),
    (
        "teen",
        (
            "teen",
            "teens",
            "teenager",
            "teenage",
            "adolescent",
            "secondary school",
            "high school",
            "year 9",
            "year 10",
            "year 11",
            "sixth form",
        ),
    ),
    (
        "older",
        (
            "retired",
            "pensioner",
            "elderly",
            "older",
            "senior",
            "oap",
            "sixties",
            "seventies",
            "eighties",
            "nineties",
            "over 60",
            "over sixty",
        ),
    ),
    (
        "adult",
        (
            "adult",
            "grown up",
            "middle aged",
            "middle-aged",
            "twenties",
            "thirties",
            "forties",
            "fifties",
            "uni",
            "university",
            "student",
            "working",
        ),
    ),
)


def parse_age(text: str) -> Optional[int]:
    """'I'm 11' -> 11, '45 years old' -> 45, '45' -> 45; None for bands ('in my forties') or implausible numbers."""
    norm = _norm(text)
    for pattern in _AGE_RE:
        match = pattern.search(norm)
        if match:
            age = int(match.group(1))
            if 1 <= age <= 110:
                return age
    return None


def parse_age_band(text: str) -> Optional[str]:
    """child | teen | adult | older, from an age or words ('in my forties' -> adult, 'retired' -> older)."""
    value = _exact_value(text, AGE_BANDS)
    if value:
        return value
    age = parse_age(text)
    if age is not None:
        return age_to_band(age)
    norm = _norm(text)
    decade = _DECADE_RE.search(norm)
    if decade:
        return age_to_band(int(decade.group(1)) * 10 + 5)
    for word, age in _TENS.items():
        if _has(norm, word):
            return age_to_band(age)
    return _first_match(norm, AGE_BAND_TABLE)


# ------------------------------------------------------------------------------------------------ severity
SEVERITY_TABLE: Tuple[Tuple[str, Sequence[str]], ...] = (
    (
        "mild",
        (
            "not too bad",
            "not that bad",
            "not so bad",
            "not bad",
            "not severe",
            "not very bad",
            "mild",
            "mildly",
            "slight",
            "slightly",
            "a bit",
            "a little",
            "niggle",
            "niggly",
            "minor",
            "manageable",
            "annoying",
            "bearable",
            "low",
            "light",
            "ok",
            "okay",
        ),
    ),
    (
        "severe",
        (
            "severe",
            "very bad",
            "really bad",
            "terrible",
            "awful",
            "agony",
            "agonising",
            "agonizing",
            "unbearable",
            "excruciating",
            "extreme",
            "horrendous",
            "worst",
            "can't walk",
            "cannot walk",
            "killing me",
            "intense",
            "crippling",
            "very painful",
            "really painful",
            "so painful",
            "high",
            "pretty bad",
            "bad",
        ),
    ),
    (
        "moderate",
        (
            "moderate",
            "moderately",
            "medium",
            "middling",
            "quite",
            "fairly",
            "in between",
            "average",
            "noticeable",
            "sore",
            "painful",
            "hurts",
        ),
    ),
)


def parse_severity(text: str) -> Optional[str]:
    """mild | moderate | severe from words or a 0-10 score ('6/10' -> moderate, 'not too bad' -> mild)."""
    value = _exact_value(text, SEVERITIES)
    if value:
        return value
    norm = _norm(text)
    score = re.search(r"\b(10|\d)(?:\.\d)?\s*(?:/|out of|outta)\s*10\b", norm) or re.fullmatch(r"\s*(10|\d)\s*", norm)
    if score:
        number = int(score.group(1))
        return "mild" if number <= 3 else "moderate" if number <= 6 else "severe"
    return _first_match(norm, SEVERITY_TABLE, allow_negated=True)


# ------------------------------------------------------------------------------------------------ helpers
def _option_number(norm: str, vocabulary: Sequence[str]) -> Optional[str]:
    """Channels without buttons show numbered options; '2' or 'option 2' picks vocabulary[1]."""
    match = re.fullmatch(r"\s*(?:option\s*)?(\d)\s*[.)]?\s*", norm)
    if match:
        index = int(match.group(1)) - 1
        if 0 <= index < len(vocabulary):
            return vocabulary[index]
    return None


PARSERS = {
    "location": parse_location,
    "timing": parse_timing,
    "duration_weeks": parse_duration_weeks,
    "change": parse_change,
    "squeeze_pain": parse_squeeze_pain,
    "nerve_symptoms": parse_nerve_symptoms,
    "age": parse_age,
    "age_band": parse_age_band,
    "improving": parse_improving,
    "severity": parse_severity,
}


def parse_slot(slot: str, text: str) -> Any:
    """Parses the answer to the form question for slot; None when unclear (unknown slots too)."""
    parser = PARSERS.get(slot)
    return parser(text) if parser else None


def extract_answers(text: str) -> Dict[str, Any]:
    """Slots that a free description states clearly ('sharp pain under my heel every morning for 6 weeks').

    Only keyword-based parsers run here; yes/no style parsers would misread a description.
    """
    norm = _norm(text)
    found: Dict[str, Any] = {}
    heelish = any(_has(norm, w) for w in ("heel", "heels", "foot", "feet", "achilles", "sole", "arch"))
    location = _first_match(norm, LOCATION_TABLE[:3]) if heelish else None
    if location:
        found["location"] = location
    timing = _first_match(norm, TIMING_TABLE[:3])
    if timing:
        found["timing"] = timing
    duration = parse_duration_weeks(text)
    if duration is not None and re.search(r"\b(for|since|past|last|about|around|over)\b", norm):
        found["duration_weeks"] = duration
    change = _first_match(norm, CHANGE_TABLE[4:5])
    if change:
        found["change"] = change
    mentioned = [w for w in NERVE_WORDS if _has(norm, w)]
    if mentioned:
        found["nerve_symptoms"] = not all(_negated(norm, w) for w in mentioned)
    age = parse_age(text)
    if age is not None and re.search(r"\b(years?|yrs?|y/?o|i'?m|aged?)\b", norm):
        found["age"] = age
    return found


def describe_options(values: Iterable[str]) -> List[str]:
    """Human labels for numbered options on channels without buttons ('under_heel' -> 'under heel')."""
    return [value.replace("_", " ") for value in values]


COURSE_TABLE: Tuple[Tuple[bool, Sequence[str]], ...] = (
    (False, ("getting worse", "worse and worse", "not getting better", "not improving", "no better", "worsening")),
    (
        True,
        (
            "getting better",
            "improving",
            "easing off",
            "settling down",
            "less each day",
            "getting less",
            "already better",
            "on the mend",
            "better every day",
            "better each day",
        ),
    ),
)


def describes_course(text: str) -> Optional[bool]:
    """Whether a free description says the pain is improving (True) or not (False); None when it does not say.

    Stricter than parse_improving: a description's stray "yes" or "a bit" must not answer the course question.
    """
    norm = _norm(text)
    for value, phrases in COURSE_TABLE:
        if any(_has(norm, phrase) and (not value or not _negated(norm, phrase)) for phrase in phrases):
            return value
    return None


_QUESTION_START = (
    "what",
    "whats",
    "what's",
    "how",
    "why",
    "which",
    "who",
    "when",
    "where",
    "is",
    "are",
    "do",
    "does",
    "did",
    "can",
    "could",
    "should",
    "would",
    "will",
    "tell",
    "explain",
    # typed on a phone: "y does my heel hurt", "shud i see someone", "r flip flops bad"
    "y",
    "wat",
    "wot",
    "wats",
    "wots",
    "wht",
    "hw",
    "shud",
    "shld",
    "cud",
    "wud",
    "r",
    "wen",
    "any",
    "anything",
    "info",
)


def looks_like_question(text: str) -> bool:
    """A question mark, or a sentence or clause opening like a question ('what is shockwave', 'tell me about
    taping', 'sore for 3 weeks, shud i see someone')."""
    if "?" in text:
        return True
    return any(
        clause.split()[:1] and clause.split()[0] in _QUESTION_START
        for clause in (_norm(part) for part in re.split(r"[.!;,\n]+", text or ""))
    )
