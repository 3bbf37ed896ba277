"""Slot values <-> triage Answers, and the outcome message. Pure: no Rasa imports."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml

from heel.content.answers import fill
from heel.safety.text import DISCLAIMER
from heel.settings import PROJECT_ROOT
from heel.triage.engine import Answers, Assessment, CareLevel

ASSESSMENT_FILE = PROJECT_ROOT / "content" / "assessment.yml"
SKIPPED = "skipped"
NO_WARNING_SIGNS = "none"

# form slot -> Answers field
SLOT_FIELDS = {
    "pain_location": "location",
    "pain_timing": "timing",
    "pain_duration": "duration_weeks",
    "pain_change": "change",
    "squeeze_pain": "squeeze_pain",
    "nerve_symptoms": "nerve_symptoms",
    "age_band": "age",
    "pain_course": "improving",
}


@lru_cache(maxsize=1)
def _load(path: Path = ASSESSMENT_FILE) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def encode(field: str, value: Any) -> str:
    """Slot value (a string) for a parsed answer."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def decode(field: str, raw: Optional[str]) -> Any:
    if raw in (None, "", SKIPPED):
        return None
    if field in ("squeeze_pain", "nerve_symptoms", "improving"):
        return raw == "yes"
    if field == "duration_weeks":
        return float(raw)
    if field == "age":
        return int(raw) if raw.isdigit() else None
    return raw


def answers_from_slots(slots: Mapping[str, Any]) -> Answers:
    values: Dict[str, Any] = {}
    for slot, field in SLOT_FIELDS.items():
        value = decode(field, slots.get(slot))
        if value is not None:
            values[field] = value
        if field == "age" and slots.get(slot) and not str(slots.get(slot)).isdigit() and slots.get(slot) != SKIPPED:
            values["age_band"] = slots.get(slot)
    if values.get("improving") is True:
        values["severity"] = "mild"  # the course question asks "mild and getting better?"
    flags = list(slots.get("red_flags") or [])
    if slots.get("warning_signs") is not None or flags:
        values["red_flags"] = flags
    return Answers.from_mapping(values)


def outcome_text(result: Assessment, topic_titles: Mapping[str, str], clinic: Mapping[str, str]) -> str:
    data = _load()
    parts: List[str] = []
    if result.causes:
        lead = result.causes[0]
        reasons = ", ".join(lead.reasons[:3])
        parts.append(
            f"From what you've told me, the best fit is **{lead.name}**" + (f": {reasons}." if reasons else ".")
        )
        others = [c.name for c in result.causes[1:3]]
        if others:
            parts.append("Other possibilities: " + ", ".join(others) + ".")
        advice = data["causes"].get(lead.cause_id)
        if advice and result.level not in (CareLevel.EMERGENCY, CareLevel.URGENT):
            parts.append(f"What to do now: {advice['do']}\n{advice['avoid']}")
    else:
        parts.append(data["no_cause"])
    level_text = data["levels"].get(result.level.value)
    if level_text:
        parts.append(fill(level_text, dict(clinic, reason=result.level_reason)))
    parts.append(DISCLAIMER)
    return "\n\n".join(parts)
