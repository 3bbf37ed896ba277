"""Short action messages and form questions from content/messages.yml (content as data, not code)."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

from heel.content.answers import fill
from heel.settings import PROJECT_ROOT

MESSAGES_FILE = PROJECT_ROOT / "content" / "messages.yml"


@lru_cache(maxsize=1)
def _load(path: Path = MESSAGES_FILE) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def message(key: str, values: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """{'text': ..., 'buttons': [...]} ready for dispatcher.utter_message(**message(...))."""
    entry = copy.deepcopy(_load()[key])
    return {"text": fill(entry["text"], values or {}), "buttons": entry.get("buttons", [])}


def question(slot: str, reask: bool = False) -> Dict[str, Any]:
    entry = copy.deepcopy(_load()["questions"][slot])
    text = entry["text"]
    if reask and entry.get("example"):
        text = f"Sorry, I didn't quite get that. {text} {entry['example']}"
    return {"text": text, "buttons": entry.get("buttons", [])}


def question_slots() -> list[str]:
    return list(_load()["questions"])
