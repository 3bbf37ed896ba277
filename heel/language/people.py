"""Whose heel a message is about: the visitor's own, or someone they write about ("my son", "our 9 year old").

Pure; the word table is data (nlp/people.yml). Used to phrase an answer for the person it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Tuple

import yaml

from heel.triage.answers import parse_age_band

TABLE_PATH = Path(__file__).resolve().parents[2] / "nlp" / "people.yml"
AGE = r"(\d{1,2})\s*(?:-?\s*(?:years?|yrs?)(?:\s*-?\s*old)?|yo|y/o|y\.o\.)(?!\w)"
AGE_NAMED = re.compile(rf"\b(?:my|our)\s+{AGE}", re.IGNORECASE)  # "my 11 year old", "our 9yo": a child by age


@dataclass(frozen=True)
class _Table:
    person: "re.Pattern[str]"  # "my|our" + describers or an age + a relation word (group 1)
    relations: Dict[str, str]  # the word written -> how the assistant names them
    own_heel: Tuple["re.Pattern[str]", ...]
    grandparents: "re.Pattern[str]"


@lru_cache(maxsize=1)
def _table(path: Path = TABLE_PATH) -> _Table:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    relations = {str(k).lower(): str(v) for k, v in data["relations"].items()}
    describers = "|".join(re.escape(d) for d in data.get("describers") or [])
    words = "|".join(sorted((re.escape(r) for r in relations), key=len, reverse=True))
    age = AGE.replace("(\\d", "(?:\\d", 1)  # the age here is a describer, not a group
    person = re.compile(
        rf"\b(?:my|our)\s+(?:(?:{describers})\s+|{age}\s+|\({age}\)\s+)*({words})s?\b"
        rf"(?!\s*(?:said|says|thinks|reckons))",
        re.IGNORECASE,
    )
    older = set(data.get("later_life_relations") or [])
    grandparents = "|".join(sorted(re.escape(k) for k, v in relations.items() if v in older))
    return _Table(
        person,
        relations,
        tuple(re.compile(p, re.IGNORECASE) for p in data.get("own_heel") or []),
        re.compile(rf"\b(?:{grandparents})s?\b", re.IGNORECASE),
    )


def someone_else(text: str) -> Optional[str]:
    """ "your son" when the message is about the visitor's son and not also about their own heel; else None."""
    table, text = _table(), text or ""
    if any(p.search(text) for p in table.own_heel):
        return None
    found = table.person.search(text)
    if found:
        return f"your {table.relations[found.group(1).lower()]}"
    by_age = AGE_NAMED.search(text)
    return f"your {by_age.group(1)}-year-old" if by_age else None


def later_life(text: str) -> bool:
    """The message is about someone older: an older age or words for it (the assessment's age parser), or a
    grandparent."""
    return parse_age_band(text or "") == "older" or bool(_table().grandparents.search(text or ""))
