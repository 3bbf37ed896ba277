"""Summarises a py-spy raw profile (`py-spy record --format raw`): the share of samples spent inside each area of the
Rasa process, by the first matching frame of each stack (areas are checked in the order listed).

Usage: python scripts/profile_summary.py PROFILE.txt
"""

from __future__ import annotations

import sys
from collections import Counter

# (area, substrings of a frame that place a sample in it); first match wins, so the specific come first
AREAS = [
    ("action response schema check (jsonschema)", ("jsonschema",)),
    ("tracker store (SQL)", ("tracker_store.py", "sqlalchemy")),
    ("sentence encoder", ("encoder.py",)),
    (
        "red-flag detector",
        (
            "heel/safety/redflags.py",
            "heel/safety/reading.py",
            "heel/safety/matcher.py",
            "heel/safety/rules.py",
            "heel/safety/context.py",
        ),
    ),
    ("spaCy", ("spacy/", "thinc/")),
    (
        "NLU classifiers and featurizers",
        ("sklearn", "count_vectors_featurizer", "lexical_syntactic", "diet_classifier", "tensorflow", "keras"),
    ),
    ("other NLU components", ("nlu_components/", "heel/language/")),
    (
        "custom action call (HTTP client, JSON)",
        ("rasa/core/actions/action.py", "aiohttp/client", "rasa/utils/endpoints.py"),
    ),
    ("policies", ("rasa/core/policies/",)),
    ("tracker (de)serialisation and events", ("rasa/shared/core/trackers.py", "rasa/shared/core/events.py")),
    ("HTTP server (Sanic)", ("sanic/",)),
    ("idle (event loop waiting)", ("select", "epoll", "_run_once")),
]


def area_of(stack: str) -> str:
    for area, needles in AREAS:
        if any(needle in stack for needle in needles):
            return area
    return "other"


def main(path: str) -> None:
    counts: Counter = Counter()
    for line in open(path, encoding="utf-8", errors="replace"):
        stack, _, number = line.rstrip("\n").rpartition(" ")
        if stack and number.isdigit():
            counts[area_of(stack)] += int(number)
    busy = sum(n for area, n in counts.items() if not area.startswith("idle"))
    print(f"samples: {sum(counts.values())}, busy: {busy}")
    for area, n in counts.most_common():
        share = "" if area.startswith("idle") else f"{n / busy:6.1%} of busy"
        print(f"  {area:45s} {n:6d} {share}")


if __name__ == "__main__":
    main(sys.argv[1])
