"""Pure, table-driven heel-pain triage: answers -> level of care + ranked causes with plain-English reasons.

Why a table: every clinical rule is one reviewable row with its source, so the clinic can check and change
rules without reading control flow. No Rasa imports; callers (actions/triage.py) translate slots <-> Answers.

Sources (cited per row below):
  AFP   = Tu & Bytomski, "Diagnosing heel pain in adults", Am Fam Physician 2011;84(8):909-916
  CKS   = NICE Clinical Knowledge Summaries, "Plantar fasciitis"
  BRIEF = shared/PRODUCT.md, clinical content and "Red flags and levels of care" table
  NG19  = NICE NG19, Diabetic foot problems: prevention and management
  OTT   = Ottawa ankle and foot rules (unable to bear weight for four steps)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple


class CareLevel(str, Enum):
    """Levels of care from PRODUCT.md, declared from most to least severe."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    DOCTOR_SOON = "doctor_soon"
    PHYSIOTHERAPY = "physiotherapy"
    SELF_CARE = "self_care"

    @property
    def rank(self) -> int:
        """0 is the most severe level; smaller rank = more severe."""
        return _LEVEL_ORDER.index(self)

    def more_severe_than(self, other: "CareLevel") -> bool:
        return self.rank < CareLevel(other).rank

    @classmethod
    def most_severe(cls, levels: Iterable["CareLevel | str"]) -> Optional["CareLevel"]:
        """The most severe of levels, or None for an empty iterable."""
        ranked = sorted((cls(level) for level in levels), key=lambda level: level.rank)
        return ranked[0] if ranked else None


_LEVEL_ORDER: Tuple[CareLevel, ...] = tuple(CareLevel)

# Red flag id -> level of care (PRODUCT.md "Red flags and levels of care"; detection lives in heel/safety/redflags.py).
RED_FLAG_LEVELS: Dict[str, CareLevel] = {
    "cold_pale_foot": CareLevel.EMERGENCY,
    "hot_swollen_foot_fever": CareLevel.EMERGENCY,
    "cannot_bear_weight_after_injury": CareLevel.EMERGENCY,
    "achilles_rupture": CareLevel.URGENT,
    "diabetic_foot_wound": CareLevel.URGENT,
    "new_neuro_deficit": CareLevel.URGENT,
    "night_pain_systemic": CareLevel.DOCTOR_SOON,
    "inflammatory_pattern": CareLevel.DOCTOR_SOON,
}

RED_FLAG_REASONS: Dict[str, str] = {
    "cold_pale_foot": "the foot is cold, pale or blue (possible loss of blood supply)",
    "hot_swollen_foot_fever": "a hot, red or swollen foot with fever or feeling unwell (possible infection)",
    "cannot_bear_weight_after_injury": "unable to take weight on the foot after an injury (possible fracture)",
    "achilles_rupture": "a sudden pop or kicked feeling at the back of the heel (possible Achilles rupture)",
    "diabetic_foot_wound": "diabetes with a wound, ulcer, redness or warmth on the foot",
    "new_neuro_deficit": "new numbness, weakness or foot drop",
    "night_pain_systemic": "night or rest pain with weight loss, night sweats or a history of cancer",
    "inflammatory_pattern": "a pattern that suggests inflammatory arthritis (both heels, long morning stiffness, "
    "other joints, psoriasis or bowel disease)",
}

CAUSES: Tuple[str, ...] = (  # also the tie-break order: commoner causes first (AFP)
    "plantar_fasciitis",
    "achilles_tendinopathy",
    "fat_pad",
    "stress_fracture",
    "nerve_entrapment",
    "severs_disease",
    "inflammatory_heel_pain",
)
CAUSE_TOPIC: Dict[str, str] = {cause: cause for cause in CAUSES}  # content topic ids are the cause ids
CAUSE_NAMES: Dict[str, str] = {
    "plantar_fasciitis": "plantar fasciitis",
    "achilles_tendinopathy": "insertional Achilles tendinopathy or bursitis",
    "fat_pad": "fat pad bruise or thinning",
    "stress_fracture": "calcaneal stress fracture",
    "nerve_entrapment": "nerve entrapment (tarsal tunnel or Baxter's nerve)",
    "severs_disease": "Sever's disease",
    "inflammatory_heel_pain": "inflammatory heel pain (enthesitis)",
}

LOCATIONS = ("under_heel", "back_of_heel", "whole_heel", "both_heels", "side_of_heel")
TIMINGS = (
    "morning_first_steps",
    "after_rest",
    "during_running",
    "after_running",
    "night",
    "barefoot_hard_floor",
    "all_the_time",
)
CHANGES = ("training_increase", "new_shoes", "hard_surface", "hills", "none", "other")
AGE_BANDS = ("child", "teen", "adult", "older")
SEVERITIES = ("mild", "moderate", "severe")
SEVERS_AGE = (8, 14)  # Sever's disease: children about 8 to 14 (BRIEF, AFP)
SELF_CARE_MAX_WEEKS = 3.0  # "mild, recent, improving"; book if no better in 2 to 3 weeks (BRIEF)


@dataclass
class Answers:
    """What the interview knows so far; None = not asked/unknown. red_flags None = warning signs not yet checked."""

    location: Optional[str] = None
    timing: Optional[str] = None
    duration_weeks: Optional[float] = None
    change: Optional[str] = None
    squeeze_pain: Optional[bool] = None
    nerve_symptoms: Optional[bool] = None
    age: Optional[int] = None
    age_band: Optional[str] = None
    improving: Optional[bool] = None
    severity: Optional[str] = None
    red_flags: Optional[List[str]] = None
    notes: str = ""

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "Answers":
        """Builds Answers from a slot dict, ignoring unknown keys and values outside each vocabulary."""
        known = {f.name for f in fields(cls)}
        data = {key: value for key, value in values.items() if key in known and value is not None}
        answers = cls(**data)
        for name, vocab in (
            ("location", LOCATIONS),
            ("timing", TIMINGS),
            ("change", CHANGES),
            ("age_band", AGE_BANDS),
            ("severity", SEVERITIES),
        ):
            if getattr(answers, name) not in (None, *vocab):
                setattr(answers, name, None)
        return answers

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)

    def growing_child(self) -> Optional[bool]:
        """True for ages 8-14 (Sever's range), None when age is unknown."""
        if self.age is not None:
            return SEVERS_AGE[0] <= self.age <= SEVERS_AGE[1]
        if self.age_band in ("child", "teen"):
            return True
        if self.age_band in ("adult", "older"):
            return False
        return None

    def band(self) -> Optional[str]:
        if self.age is not None:
            return age_to_band(self.age)
        return self.age_band


def age_to_band(age: int) -> str:
    if age < 13:
        return "child"
    if age < 18:
        return "teen"
    if age < 60:
        return "adult"
    return "older"


Predicate = Callable[[Answers], bool]


@dataclass(frozen=True)
class CauseRule:
    """One row: when `when` holds, add `weight` to `cause`; positive rows explain themselves with `reason`."""

    rule_id: str
    when: Predicate
    cause: str
    weight: int
    reason: str
    source: str


def _eq(name: str, value: Any) -> Predicate:
    return lambda a: getattr(a, name) == value


def _in(name: str, *values: Any) -> Predicate:
    return lambda a: getattr(a, name) in values


# fmt: off
CAUSE_RULES: Tuple[CauseRule, ...] = (
    # where it hurts
    CauseRule("pf_under", _eq("location", "under_heel"), "plantar_fasciitis", 3, "pain under the heel", "AFP; CKS"),
    CauseRule("fat_under", _eq("location", "under_heel"), "fat_pad", 1, "pain under the heel", "AFP"),
    CauseRule("at_back", _eq("location", "back_of_heel"), "achilles_tendinopathy", 4,
              "pain at the back of the heel where the tendon attaches", "AFP"),
    CauseRule("sev_back", _eq("location", "back_of_heel"), "severs_disease", 1, "pain at the back of the heel", "AFP"),
    # Where it hurts separates the two commonest causes best (AFP, table 1): weak priors must not outvote it.
    CauseRule("pf_not_back", _eq("location", "back_of_heel"), "plantar_fasciitis", -3, "", "AFP"),
    CauseRule("at_not_under", _eq("location", "under_heel"), "achilles_tendinopathy", -2, "", "AFP"),
    CauseRule("fat_whole", _eq("location", "whole_heel"), "fat_pad", 2, "deep pain across the heel pad", "AFP"),
    CauseRule("sf_whole", _eq("location", "whole_heel"), "stress_fracture", 1, "pain through the whole heel", "AFP"),
    CauseRule("sf_side", _eq("location", "side_of_heel"), "stress_fracture", 2, "pain on the sides of the heel", "AFP"),
    CauseRule("ne_side", _eq("location", "side_of_heel"), "nerve_entrapment", 1,
              "pain on the inner side of the heel, along the nerve", "AFP"),
    CauseRule("sev_side", _eq("location", "side_of_heel"), "severs_disease", 1, "pain on the sides of the heel", "AFP"),
    CauseRule("inf_both", _eq("location", "both_heels"), "inflammatory_heel_pain", 2, "pain in both heels", "AFP; BRIEF"),
    CauseRule("pf_both", _eq("location", "both_heels"), "plantar_fasciitis", 1, "pain in both heels", "AFP"),
    CauseRule("sev_both", _eq("location", "both_heels"), "severs_disease", 1, "pain in both heels", "AFP"),
    # when it hurts
    CauseRule("pf_morning", _eq("timing", "morning_first_steps"), "plantar_fasciitis", 3,
              "worst with the first steps in the morning", "AFP; CKS"),
    CauseRule("at_morning", _eq("timing", "morning_first_steps"), "achilles_tendinopathy", 1,
              "stiff in the morning", "AFP"),
    CauseRule("inf_morning", _eq("timing", "morning_first_steps"), "inflammatory_heel_pain", 1,
              "morning stiffness", "AFP; BRIEF"),
    CauseRule("pf_rest", _eq("timing", "after_rest"), "plantar_fasciitis", 3, "worst when you get up after resting",
              "AFP; CKS"),
    CauseRule("at_rest", _eq("timing", "after_rest"), "achilles_tendinopathy", 1, "stiff after resting", "AFP"),
    CauseRule("sf_running", _eq("timing", "during_running"), "stress_fracture", 2,
              "gets worse the more you run (impact)", "AFP; BRIEF"),
    CauseRule("at_running", _eq("timing", "during_running"), "achilles_tendinopathy", 1, "hurts when running", "AFP"),
    CauseRule("at_after", _eq("timing", "after_running"), "achilles_tendinopathy", 2, "sore after running", "AFP"),
    CauseRule("pf_after", _eq("timing", "after_running"), "plantar_fasciitis", 1, "sore after running", "CKS"),
    CauseRule("sev_activity", lambda a: a.timing in ("during_running", "after_running") and a.growing_child() is True,
              "severs_disease", 2, "pain with sport or activity in a growing child", "AFP; BRIEF"),
    CauseRule("ne_night", _eq("timing", "night"), "nerve_entrapment", 2, "symptoms at night", "AFP; BRIEF"),
    CauseRule("inf_night", _eq("timing", "night"), "inflammatory_heel_pain", 1, "pain at night", "AFP"),
    CauseRule("sf_night", _eq("timing", "night"), "stress_fracture", 1, "pain at night", "AFP"),
    CauseRule("fat_barefoot", _eq("timing", "barefoot_hard_floor"), "fat_pad", 4,
              "worse barefoot on hard floors", "AFP; BRIEF"),
    CauseRule("sf_constant", _eq("timing", "all_the_time"), "stress_fracture", 1, "pain most of the time", "AFP"),
    CauseRule("inf_constant", _eq("timing", "all_the_time"), "inflammatory_heel_pain", 1,
              "pain most of the time", "AFP"),
    # what changed
    CauseRule("sf_load", _eq("change", "training_increase"), "stress_fracture", 2,
              "started after a jump in training", "AFP; BRIEF"),
    CauseRule("pf_load", _eq("change", "training_increase"), "plantar_fasciitis", 1,
              "started after a training increase", "CKS"),
    CauseRule("at_load", _eq("change", "training_increase"), "achilles_tendinopathy", 1,
              "started after a training increase", "AFP"),
    CauseRule("pf_shoes", _eq("change", "new_shoes"), "plantar_fasciitis", 1, "started after a change of shoes", "CKS"),
    CauseRule("at_shoes", _eq("change", "new_shoes"), "achilles_tendinopathy", 1,
              "started after a change of shoes (heel counter pressure)", "AFP"),
    CauseRule("fat_hard", _eq("change", "hard_surface"), "fat_pad", 2, "more time on hard surfaces", "AFP"),
    CauseRule("sf_hard", _eq("change", "hard_surface"), "stress_fracture", 1, "more impact on hard surfaces", "AFP"),
    CauseRule("at_hills", _eq("change", "hills"), "achilles_tendinopathy", 2, "worse with hills (pushing off uphill)",
              "AFP; BRIEF"),
    CauseRule("inf_nochange", _eq("change", "none"), "inflammatory_heel_pain", 1,
              "no change in activity to explain it", "AFP"),
    # examination-style questions
    CauseRule("sf_squeeze", _eq("squeeze_pain", True), "stress_fracture", 3,
              "painful when the heel is squeezed from both sides", "AFP; BRIEF"),
    CauseRule("sev_squeeze", lambda a: a.squeeze_pain is True and a.growing_child() is not False, "severs_disease", 2,
              "painful squeeze test", "AFP; BRIEF"),
    CauseRule("sf_no_squeeze", _eq("squeeze_pain", False), "stress_fracture", -2, "", "AFP"),
    CauseRule("sev_no_squeeze", _eq("squeeze_pain", False), "severs_disease", -1, "", "AFP"),
    CauseRule("ne_symptoms", _eq("nerve_symptoms", True), "nerve_entrapment", 4,
              "burning, tingling or numbness", "AFP; BRIEF"),
    CauseRule("ne_none", _eq("nerve_symptoms", False), "nerve_entrapment", -2, "", "AFP"),
    # who
    CauseRule("sev_age", lambda a: a.growing_child() is True, "severs_disease", 3, "age 8 to 14 (growing heel bone)",
              "AFP; BRIEF"),
    CauseRule("sev_not_child", lambda a: a.growing_child() is False, "severs_disease", -100, "", "AFP"),
    CauseRule("fat_older", lambda a: a.band() == "older", "fat_pad", 1, "heel pad thins with age", "AFP"),
    CauseRule("pf_adult", lambda a: a.band() in ("adult", "older"), "plantar_fasciitis", 1,
              "most common heel pain in adults", "AFP"),
    # how long
    CauseRule("pf_long", lambda a: a.duration_weeks is not None and a.duration_weeks >= 6, "plantar_fasciitis", 1,
              "has lasted six weeks or more", "CKS"),
    CauseRule("inf_long", lambda a: a.duration_weeks is not None and a.duration_weeks >= 12, "inflammatory_heel_pain",
              1, "has lasted three months or more", "AFP"),
    CauseRule("sf_severe", lambda a: a.severity == "severe" and a.timing in ("during_running", "all_the_time"),
              "stress_fracture", 1, "severe pain with impact", "AFP"),
)
# fmt: on


@dataclass(frozen=True)
class LevelRule:
    """One row of the level table; the first matching row (top to bottom) sets the level."""

    rule_id: str
    when: Callable[[Answers, List["CauseMatch"]], bool]
    level: Optional[CareLevel]  # None: the most severe level of the red flags present
    reason: str
    source: str


@dataclass
class CauseMatch:
    cause_id: str
    score: int
    reasons: List[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return CAUSE_NAMES.get(self.cause_id, self.cause_id.replace("_", " "))


def suspected_stress_fracture(answers: Answers) -> bool:
    """Squeeze pain plus an impact cue, outside the Sever's age range (AFP; BRIEF: needs imaging and offloading)."""
    impact = answers.change in ("training_increase", "hard_surface") or answers.timing in (
        "during_running",
        "all_the_time",
    )
    return answers.squeeze_pain is True and impact and answers.growing_child() is not True


def _top(causes: List[CauseMatch]) -> Optional[str]:
    return causes[0].cause_id if causes else None


# Decision: a suspected stress fracture is DOCTOR_SOON (medical review and imaging first); PRODUCT.md lists
# physiotherapy "after medical review", which is what the summary says happens next.
LEVEL_RULES: Tuple[LevelRule, ...] = (
    LevelRule("red_flag", lambda a, c: bool(_known_flags(a)), None, "", "BRIEF red-flag table"),
    LevelRule(
        "stress_fracture",
        lambda a, c: suspected_stress_fracture(a),
        CareLevel.DOCTOR_SOON,
        "a possible stress fracture needs a medical review and imaging before physiotherapy",
        "AFP; BRIEF",
    ),
    LevelRule(
        "inflammatory",
        lambda a, c: _top(c) == "inflammatory_heel_pain",
        CareLevel.DOCTOR_SOON,
        "the pattern may be inflammatory and a doctor should review it",
        "AFP; BRIEF",
    ),
    LevelRule(
        "self_care",
        lambda a, c: (
            a.severity == "mild"
            and a.duration_weeks is not None
            and a.duration_weeks < SELF_CARE_MAX_WEEKS
            and a.improving is True
        ),
        CareLevel.SELF_CARE,
        "mild, recent and improving: self-care first, book if no better in 2 to 3 weeks",
        "BRIEF; CKS",
    ),
    LevelRule(
        "default",
        lambda a, c: True,
        CareLevel.PHYSIOTHERAPY,
        "typical mechanical heel pain: physiotherapy assessment and treatment",
        "BRIEF; CKS",
    ),
)


def _known_flags(answers: Answers) -> List[str]:
    return [flag for flag in (answers.red_flags or []) if flag in RED_FLAG_LEVELS]


@dataclass
class Assessment:
    level: CareLevel
    causes: List[CauseMatch]
    level_reason: str
    red_flags: List[str]
    answers: Answers

    @property
    def top_cause(self) -> Optional[str]:
        return _top(self.causes)

    def summary(self) -> str:
        """One short paragraph for the front desk (information, not a diagnosis)."""
        parts: List[str] = []
        facts = _describe(self.answers)
        if facts:
            parts.append("Reported: " + "; ".join(facts) + ".")
        if self.red_flags:
            parts.append("Warning signs: " + "; ".join(RED_FLAG_REASONS[f] for f in self.red_flags) + ".")
        if self.causes:
            lead = self.causes[0]
            text = f"Best fit: {lead.name}"
            if lead.reasons:
                text += " (" + ", ".join(lead.reasons[:3]) + ")"
            others = [c.name for c in self.causes[1:3]]
            if others:
                text += "; also possible: " + ", ".join(others)
            parts.append(text + ".")
        parts.append(f"Level of care: {LEVEL_LABELS[self.level]} ({self.level_reason}).")
        return " ".join(parts)


LEVEL_LABELS: Dict[CareLevel, str] = {
    CareLevel.EMERGENCY: "emergency",
    CareLevel.URGENT: "urgent, same day",
    CareLevel.DOCTOR_SOON: "see a doctor soon",
    CareLevel.PHYSIOTHERAPY: "physiotherapy",
    CareLevel.SELF_CARE: "self-care",
}


def _describe(a: Answers) -> List[str]:
    out: List[str] = []
    if a.location:
        out.append(a.location.replace("_", " "))
    if a.timing:
        out.append("worst " + a.timing.replace("_", " "))
    if a.duration_weeks is not None:
        out.append(f"for about {a.duration_weeks:g} weeks")
    if a.change and a.change != "none":
        out.append("after " + a.change.replace("_", " "))
    if a.squeeze_pain is not None:
        out.append("squeeze test " + ("painful" if a.squeeze_pain else "not painful"))
    if a.nerve_symptoms is not None:
        out.append(("" if a.nerve_symptoms else "no ") + "burning/tingling/numbness")
    if a.age is not None:
        out.append(f"age {a.age}")
    elif a.age_band:
        out.append(f"age band {a.age_band}")
    if a.severity:
        out.append(a.severity)
    if a.improving is not None:
        out.append("improving" if a.improving else "not improving")
    return out


def score_causes(answers: Answers) -> Dict[str, CauseMatch]:
    """Raw score of every cause: the sum of the weights of the CAUSE_RULES rows that apply."""
    matches = {cause: CauseMatch(cause, 0) for cause in CAUSES}
    for rule in CAUSE_RULES:
        if rule.when(answers):
            match = matches[rule.cause]
            match.score += rule.weight
            if rule.weight > 0 and rule.reason and rule.reason not in match.reasons:
                match.reasons.append(rule.reason)
    if answers.red_flags and "inflammatory_pattern" in answers.red_flags:
        matches["inflammatory_heel_pain"].score += 5
        matches["inflammatory_heel_pain"].reasons.append("inflammatory warning signs")
    return matches


def rank_causes(answers: Answers) -> List[CauseMatch]:
    """Causes with a positive score, best first (ties: commoner cause first)."""
    ranked = [m for m in score_causes(answers).values() if m.score > 0]
    ranked.sort(key=lambda m: (-m.score, CAUSES.index(m.cause_id)))
    return ranked


def assess(answers: Answers) -> Assessment:
    """Level of care (first matching LEVEL_RULES row; red flags take their own, most severe level) and causes."""
    causes = rank_causes(answers)
    flags = sorted(dict.fromkeys(_known_flags(answers)), key=lambda f: RED_FLAG_LEVELS[f].rank)
    for rule in LEVEL_RULES:
        if rule.when(answers, causes):
            if rule.level is None:
                level = CareLevel.most_severe(RED_FLAG_LEVELS[f] for f in flags) or CareLevel.PHYSIOTHERAPY
                reason = RED_FLAG_REASONS[flags[0]]
            else:
                level, reason = rule.level, rule.reason
            return Assessment(level, causes, reason, flags, answers)
    raise AssertionError("LEVEL_RULES must end with a catch-all row")  # pragma: no cover


# Interview order: warning signs first (BRIEF: safety before routine questions), then the history.
QUESTION_ORDER: Tuple[str, ...] = (
    "red_flags",
    "location",
    "timing",
    "duration_weeks",
    "change",
    "squeeze_pain",
    "nerve_symptoms",
    "age",
    "severity",
    "improving",
)


def _is_known(answers: Answers, slot: str) -> bool:
    if slot == "age":
        return answers.age is not None or answers.age_band is not None
    return getattr(answers, slot) is not None


def next_question(answers: Answers, skipped: Iterable[str] = ()) -> Optional[str]:
    """The next slot to ask, skipping known or skipped ones; None when done or when a red flag needs urgent care."""
    flags = _known_flags(answers)
    if flags and CareLevel.most_severe(RED_FLAG_LEVELS[f] for f in flags).rank <= CareLevel.URGENT.rank:
        return None
    skipped_set = set(skipped)
    for slot in QUESTION_ORDER:
        if slot not in skipped_set and not _is_known(answers, slot):
            return slot
    return None


def is_complete(answers: Answers, skipped: Iterable[str] = ()) -> bool:
    return next_question(answers, skipped) is None
