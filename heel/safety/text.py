"""Red-flag replies from content/safety.yml. Pure: no Rasa imports."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional

import yaml

from heel.content.answers import fill
from heel.settings import PROJECT_ROOT
from heel.triage.engine import RED_FLAG_LEVELS, CareLevel

SAFETY_FILE = PROJECT_ROOT / "content" / "safety.yml"
LEVEL_ORDER = tuple(level.value for level in CareLevel)  # most severe first; the engine owns the order
DISCLAIMER = "This is information, not a diagnosis."


@lru_cache(maxsize=1)
def _load(path: Path = SAFETY_FILE) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def known_flags() -> List[str]:
    return list(_load()["flags"])


def flag_level(flag_id: str) -> str:
    """Levels come from the triage engine's table; safety.yml only holds the wording."""
    return RED_FLAG_LEVELS[flag_id].value


def most_severe_level(levels: Iterable[Optional[str]]) -> Optional[str]:
    ranked = [level for level in levels if level in LEVEL_ORDER]
    return min(ranked, key=LEVEL_ORDER.index) if ranked else None


# Below same-day care the visitor's question is answered in the same reply, after the advice: a doctor's review within
# days does not make "could my psoriasis explain my sore heels?" any less worth answering.
ANSWERED_WITH_ALERT_LEVELS = frozenset({"doctor_soon"})


def answered_with_alert(flag_ids: Iterable[str], model_intent: Optional[str]) -> Optional[str]:
    """The education intent answered right after an alert for these flags, or None: the flags' most severe level is
    below same-day care and the classifier read an education question (an `ask_` intent; not the clarifying menu,
    not a description). The alert action and the intent evaluation both ask this, so they cannot disagree."""
    level = most_severe_level(flag_level(f) for f in flag_ids if f in RED_FLAG_LEVELS)
    if level in ANSWERED_WITH_ALERT_LEVELS and model_intent and model_intent.startswith("ask_"):
        return model_intent
    return None


def alert_text(
    flag_ids: List[str],
    clinic: Mapping[str, str],
    someone_else: bool = False,
    own_question_button: bool = False,
    answer_follows: bool = False,
) -> str:
    """Headline for the most severe level, why each flag matters, what to do now, and the disclaimer. With
    someone_else, the wording is about the person the visitor writes about, not the visitor, and ends by inviting
    the visitor's own question (pointing at the button when there is one); a visitor's own doctor-soon alert with
    `own_question_button` points at the button for their question. With `answer_follows`, the answer to the question
    asked comes next in the same reply, and the closing says so."""
    data = _load()
    flags = [f for f in dict.fromkeys(flag_ids) if f in data["flags"]]
    if not flags:
        raise ValueError(f"no known red flag in {flag_ids}")
    level = most_severe_level(flag_level(f) for f in flags)
    block = (data["someone_else"]["levels"] if someone_else else data["levels"])[level]
    reasons = " ".join(
        data["flags"][f]["reason"] for f in sorted(flags, key=lambda f: LEVEL_ORDER.index(flag_level(f)))
    )
    if answer_follows:  # after the disclaimer, right before the answer it announces
        return fill(
            f"{block['headline']} {reasons}\n\n{block['action']}\n\n{DISCLAIMER}\n\n{data['answer_follows']}", clinic
        )
    if someone_else:
        closing = "\n\n" + data["someone_else"]["own_question" if own_question_button else "own_question_no_button"]
    else:  # the visitor's own alert offers their question only below emergency and same-day care
        closing = f"\n\n{data['own_question_after_alert']}" if own_question_button else ""
    return fill(f"{block['headline']} {reasons}\n\n{block['action']}{closing}\n\n{DISCLAIMER}", clinic)
