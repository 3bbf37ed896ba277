"""Held-out sets are never trained on: no training example repeats a held-out sentence (docs/evaluation.md).

Very short utterances ("hi", "yes", "shockwave?") are allowed to coincide: both writers use the few words there
are. Anything of four words or more must not appear in training, and long ones must not be near copies either.
"""

import math
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import yaml

from scripts.evaluate import normalise as norm
from scripts.evaluate import training_examples
from scripts.prune_heldout import MIN_EXACT_WORDS, MIN_NEAR_WORDS, NEAR_COPY_JACCARD, near_copy

ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def heldout_texts():
    return tuple(_heldout_texts())


@lru_cache(maxsize=1)
def training():
    return tuple(training_examples())


def _heldout_texts():
    for path in sorted(ROOT.glob("eval/sets/*.yml")):
        data = yaml.safe_load(path.read_text())
        for key in ("utterances", "red_flags", "negated"):
            for item in data.get(key) or []:
                if isinstance(item, dict) and "text" in item:
                    yield f"{path.parent.name}/{path.name}", item["text"]
        for conversation in data.get("conversations") or []:  # v21: the messages of multi-turn cases
            for text in conversation.get("turns") or []:
                yield f"{path.parent.name}/{path.name}", text


def test_there_are_heldout_sets_and_training_data():
    assert len(heldout_texts()) > 2000 and len(training()) > 3000


def test_no_heldout_sentence_of_four_words_or_more_is_in_training_data():
    held = {norm(text): source for source, text in heldout_texts() if len(norm(text).split()) >= MIN_EXACT_WORDS}
    leaks = [(name, text, held[norm(text)]) for name, text in training() if norm(text) in held]
    assert leaks == []


def test_no_long_near_copy_of_a_heldout_sentence_in_training_data():
    by_size = defaultdict(list)  # a near copy has a similar number of words: compare only those
    for source, text in heldout_texts():
        words = set(norm(text).split())
        if len(words) >= MIN_NEAR_WORDS:
            by_size[len(words)].append((source, text, words))
    leaks = []
    for name, text in training():
        words = set(norm(text).split())
        if len(words) < MIN_NEAR_WORDS:
            continue
        # Jaccard >= J needs min/max size >= J, since |a & b| <= min and |a | b| >= max
        low, high = math.ceil(len(words) * NEAR_COPY_JACCARD), math.floor(len(words) / NEAR_COPY_JACCARD)
        for size in range(low, high + 1):
            leaks += [(name, text, source, other) for source, other, hw in by_size[size] if near_copy(words, hw)]
    assert leaks == []
