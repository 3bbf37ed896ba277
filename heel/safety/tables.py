"""The red-flag rules' data (nlp/redflags/rules/*.yml) read into Python values, once, on first use.

Tags: `!words "a b c"` is a frozenset of words, where `$NAME` adds the words of another table entry; `!set [...]` is a
frozenset of phrases; `!regex [...]` is one compiled expression written in parts joined without spaces. A plain
list is a tuple (an item "$NAME" splices in another entry's list or set, or adds its expression); a list of lists, a
tuple of tuples; a value "$NAME" is that entry's value. A string may
hold `{NAME}` macros (the upper-case strings of the same file), which `expand` fills in.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Mapping, Tuple

import yaml

RULES_DIR = Path(__file__).resolve().parents[2] / "nlp" / "redflags" / "rules"
WORD_TABLES = ("context.yml", "spelling.yml", "concepts.yml")


class _Tagged:
    def __init__(self, tag: str, value: Any) -> None:
        self.tag, self.value = tag, value


class _Loader(yaml.SafeLoader):
    pass


for _tag in ("words", "set", "regex"):
    _Loader.add_constructor(
        f"!{_tag}",
        lambda loader, node, tag=_tag: _Tagged(
            tag, loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node)
        ),
    )


@lru_cache(maxsize=None)
def read(name: str, directory: str = str(RULES_DIR)) -> Mapping[str, Any]:
    """One rules file as parsed YAML (tagged values still tagged)."""
    return yaml.load(Path(directory, name).read_text(encoding="utf-8"), Loader=_Loader) or {}  # noqa: S506 (safe)


def _value(raw: Any, names: Mapping[str, Any]) -> Any:
    if isinstance(raw, _Tagged):
        if raw.tag == "regex":
            return re.compile("".join(raw.value))
        if raw.tag == "set":
            return frozenset(raw.value)
        words: set = set()
        for word in raw.value.split():
            words.update(_value(names[word[1:]], names) if word.startswith("$") else (word,))
        return frozenset(words)
    if isinstance(raw, str) and raw.startswith("$") and raw[1:] in names:
        return _value(names[raw[1:]], names)
    if isinstance(raw, list):
        items: list = []
        for item in raw:
            if isinstance(item, str) and item.startswith("$") and item[1:] in names:
                referenced = _value(names[item[1:]], names)
                if isinstance(referenced, (tuple, frozenset)):
                    items.extend(referenced)
                else:
                    items.append(referenced)
            else:
                items.append(tuple(item) if isinstance(item, list) else item)
        return tuple(items)
    return raw


def values(raw: Mapping[str, Any], names: Mapping[str, Any]) -> Dict[str, Any]:
    """Upper-case entries of a parsed file as Python values."""
    return {k: _value(v, names) for k, v in raw.items() if k.isupper()}


def expand(text: str, macros: Mapping[str, str]) -> str:
    """`{NAME}` macros filled in (a macro may use another)."""
    while "{" in text:
        text = text.format_map(macros)
    return text


class Words:
    """Every upper-case entry of the word tables as an attribute, loaded on first access (not at import)."""

    def __init__(self, files: Iterable[str] = WORD_TABLES) -> None:
        self._files: Tuple[str, ...] = tuple(files)

    def _raw(self) -> Dict[str, Any]:
        """The parsed entries of every table, merged once."""
        if "_merged" not in self.__dict__:
            merged: Dict[str, Any] = {}
            for file in self._files:
                merged.update({k: v for k, v in read(file).items() if k.isupper()})
            self.__dict__["_merged"] = merged
        return self.__dict__["_merged"]

    def value(self, raw: Any) -> Any:
        """A parsed value of a rules file as Python, its $NAME references resolved against the word tables."""
        return _value(raw, self._raw())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raw = self._raw()
        self.__dict__.update(values(raw, raw))
        if name not in self.__dict__:
            raise AttributeError(name)
        return self.__dict__[name]


W = Words()  # the word tables of the red-flag rules, read on first use (importing reads nothing)
