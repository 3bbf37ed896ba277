"""Whose heel a message is about: the visitor's own, or someone they write about ("my son", "our 9 year old").

Pure; the word table is data (nlp/people.yml). Used to phrase an answer for the person it is about.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Optional, Tuple

import yaml

TABLE_PATH = Path(__file__).resolve().parents[2] / "nlp" / "people.yml"
AGE = r"\d{1,2}\s*(?:-?\s*(?:years?|yrs?)(?:\s*-?\s*old)?|yo|y/o|y\.o\.)"


AGE_NAMED = re.compile(
    r"\b(?:my|our)\s+(\d{1,2})\s*(?:-?\s*(?:years?|yrs?)\s*-?\s*old|yo|y/o|y\.o\.)(?!\w)", re.IGNORECASE
)


@lru_cache(maxsize=1)
def _table(path: Path = TABLE_PATH) -> Tuple["re.Pattern[str]", dict, Tuple["re.Pattern[str]", ...]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    relations = {str(k).lower(): str(v) for k, v in data["relations"].items()}
    describers = "|".join(re.escape(d) for d in data.get("describers") or [])
    words = "|".join(sorted((re.escape(r) for r in relations), key=len, reverse=True))
    pattern = re.compile(
        rf"\b(?:my|our)\s+(?:(?:{describers})\s+|{AGE}\s+|\({AGE}\)\s+)*({words})s?\b(?!\s*(?:said|says|thinks|reckons))",
        re.IGNORECASE,
    )
    own = tuple(re.compile(p, re.IGNORECASE) for p in data.get("own_heel") or [])
    return pattern, relations, own


def someone_else(text: str) -> Optional[str]:
    """ "your son" when the message is about the visitor's son and not also about their own heel; else None."""
    pattern, relations, own = _table()
    if any(p.search(text or "") for p in own):
        return None
    found = pattern.search(text or "")
    if found:
        return f"your {relations[found.group(1).lower()]}"
    by_age = AGE_NAMED.search(text or "")  # "my 11 year old", "our 9yo": a child named by age
    return f"your {by_age.group(1)}-year-old" if by_age else None


@lru_cache(maxsize=1)
def _later_life(path: Path = TABLE_PATH) -> Tuple["re.Pattern[str]", int]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    relations = {k for k, v in data["relations"].items() if v in set(data.get("later_life_relations") or [])}
    words = [re.escape(w) for w in [*(data.get("later_life_words") or []), *sorted(relations)]]
    return re.compile(rf"\b(?:{'|'.join(words)})s?\b", re.IGNORECASE), int(data.get("later_life_age", 65))


AGE_STATED = re.compile(
    r"\b(?:i'?m|i am|is|aged?|age|at)\s+(\d{2})\b|\b(\d{2})\s*(?:-?\s*(?:years?|yrs?)(?:\s*-?\s*old)?|yo|y/o)\b",
    re.IGNORECASE,
)


def later_life(text: str) -> bool:
    """The message is about someone older: an age of 65 or more, a grandparent, or words such as "elderly"."""
    pattern, age = _later_life()
    if pattern.search(text or ""):
        return True
    return any(int(a or b) >= age for a, b in AGE_STATED.findall(text or ""))
