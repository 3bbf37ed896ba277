"""Prunes a newly written held-out set against the training data, without showing what it drops.

A held-out writer and the training writers sometimes write the same common question word for word ("what is
tarsal tunnel syndrome"). Such items measure memory, not understanding, so they leave the new set: any item of four
words or more whose normalised text is a training example, any item of eight words or more that is a near copy
(word-set Jaccard >= 0.75, the rule tests/nlp/test_heldout_isolation.py enforces), and repeats inside the set.
Only counts are printed, so the person pruning never reads the items (docs/evaluation.md).

`--flag-map old=new` renames red-flag ids a writer invented to the detector's ids (nlp/redflags/rules/flags.yml), and
`--level-map` does the same for level names; an unknown id after mapping is an error.

Usage: python scripts/prune_heldout.py IN.yml OUT.yml --header "# Held-out v10: ..." [--flag-map a=b ...]
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.evaluate import normalise, training_examples  # noqa: E402

SECTIONS = ("utterances", "red_flags", "negated", "conversations")  # a conversation is an item of several turns


MIN_EXACT_WORDS = 4  # a shared sentence this long is a leak; shorter ones ("hi", "shockwave?") may coincide
MIN_NEAR_WORDS = 8  # sentences this long must not be near copies either
NEAR_COPY_JACCARD = 0.75


def near_copy(words: Set[str], other: Set[str]) -> bool:
    """Two long sentences that share most of their words (tests/nlp/test_heldout_isolation.py uses it too)."""
    return (
        min(len(words), len(other)) >= MIN_NEAR_WORDS and len(words & other) / len(words | other) >= NEAR_COPY_JACCARD
    )


class NearCopies:
    """The long sentences of a collection that a text nearly copies, without comparing it with all of them.

    Prefix filtering (a set-similarity join): with the words of every sentence in one fixed order, two word sets
    with Jaccard >= J share a word among the first n - ceil(J * n) + 1 words of each (n its size), since a Jaccard
    of J needs at least ceil(J * max size) shared words. Rarest words first keeps the lists to look in short. Every
    candidate is then checked with `near_copy`, so the answer is the same as comparing with every sentence.
    """

    def __init__(self, items: Iterable[Tuple[Any, Set[str]]]) -> None:
        self._items = [(key, words) for key, words in items if len(words) >= MIN_NEAR_WORDS]
        self._count = Counter(word for _, words in self._items for word in words)
        self._index: Dict[str, List[int]] = defaultdict(list)
        for i, (_, words) in enumerate(self._items):
            for word in self._prefix(words):
                self._index[word].append(i)

    def _prefix(self, words: Set[str]) -> List[str]:
        ordered = sorted(words, key=lambda w: (self._count.get(w, 0), w))
        return ordered[: len(words) - math.ceil(len(words) * NEAR_COPY_JACCARD) + 1]

    def of(self, words: Set[str]) -> List[Any]:
        """The keys of the collection's sentences that `words` nearly copies, in collection order."""
        if len(words) < MIN_NEAR_WORDS:
            return []
        candidates = sorted({i for word in self._prefix(words) for i in self._index.get(word, ())})
        return [self._items[i][0] for i in candidates if near_copy(words, self._items[i][1])]


def coincides(text: str, exact: Set[str], long_sets: NearCopies) -> bool:
    norm = normalise(text)
    if len(norm.split()) >= MIN_EXACT_WORDS and norm in exact:
        return True
    return bool(long_sets.of(set(norm.split())))


def prune(data: Dict[str, List[dict]], training: Sequence[str]) -> Tuple[Dict[str, List[dict]], Dict[str, int]]:
    exact = {normalise(t) for t in training}
    long_sets = NearCopies((t, set(normalise(t).split())) for t in training)
    kept: Dict[str, List[dict]] = {}
    dropped: Dict[str, int] = {}
    seen: Set[str] = set()
    for section in SECTIONS:
        items = data.get(section) or []
        kept[section] = []
        dropped[section] = 0
        for item in items:
            texts = item["turns"] if "turns" in item else [item["text"]]
            key = " | ".join(normalise(text) for text in texts)
            if key in seen or any(coincides(text, exact, long_sets) for text in texts):
                dropped[section] += 1
                continue
            seen.add(key)
            kept[section].append(item)
    return kept, dropped


def rename(items: List[dict], field: str, mapping: Dict[str, str]) -> None:
    for item in items:
        if field in item:
            item[field] = mapping.get(item[field], item[field])


def parse_map(pairs: Optional[List[str]]) -> Dict[str, str]:
    return dict(pair.split("=", 1) for pair in pairs or [])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--header", default="", help="comment lines written at the top of the target file")
    parser.add_argument("--flag-map", nargs="*")
    parser.add_argument("--level-map", nargs="*")
    args = parser.parse_args(argv)

    data = yaml.safe_load(args.source.read_text(encoding="utf-8")) or {}
    kept, dropped = prune(data, [text for _, text in training_examples()])
    positives = kept["red_flags"] + [c for c in kept["conversations"] if c.get("flag") or c.get("level")]
    rename(positives, "flag", parse_map(args.flag_map))
    rename(positives, "level", parse_map(args.level_map))
    # Items a writer described by `sign` instead of a detector id are kept as they are: their ids come later.
    positives = [item for item in positives if "flag" in item]
    if positives:
        from heel.safety.redflags import flag_rules
        from heel.triage.engine import CareLevel

        flags, levels = {rule.flag_id for rule in flag_rules()}, {level.value for level in CareLevel}
        unknown = ({i["flag"] for i in positives} - flags) | ({i.get("level") for i in positives} - levels)
        if unknown:
            print(f"unknown flag or level ids after mapping: {sorted(unknown)}", file=sys.stderr)
            return 1
    body = {section: kept[section] for section in SECTIONS if kept[section]}
    text = yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=1000)
    header = "".join(f"{line}\n" for line in args.header.splitlines())
    args.target.parent.mkdir(parents=True, exist_ok=True)
    args.target.write_text(header + text, encoding="utf-8")
    for section in SECTIONS:
        if data.get(section):
            print(
                f"{section}: kept {len(kept[section])}, dropped {dropped[section]} (coinciding with training or repeated)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
