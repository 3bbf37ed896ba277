"""Held-out sets are never trained on: no training example repeats a held-out sentence (docs/evaluation.md).

Very short utterances ("hi", "yes", "shockwave?") are allowed to coincide: both writers use the few words there
are. Anything of four words or more must not appear in training, and long ones must not be near copies either.
"""

from pathlib import Path

import yaml

from scripts.evaluate import normalise as norm
from scripts.evaluate import training_examples
from scripts.prune_heldout import MIN_EXACT_WORDS, MIN_NEAR_WORDS, near_copy

ROOT = Path(__file__).resolve().parents[2]


def heldout_texts():
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
    assert len(list(heldout_texts())) > 2000 and len(list(training_examples())) > 3000


def test_no_heldout_sentence_of_four_words_or_more_is_in_training_data():
    held = {norm(text): source for source, text in heldout_texts() if len(norm(text).split()) >= MIN_EXACT_WORDS}
    leaks = [(name, text, held[norm(text)]) for name, text in training_examples() if norm(text) in held]
    assert leaks == []


def test_no_long_near_copy_of_a_heldout_sentence_in_training_data():
    held = [(source, text, set(norm(text).split())) for source, text in heldout_texts()]
    held = [h for h in held if len(h[2]) >= MIN_NEAR_WORDS]
    leaks = []
    for name, text in training_examples():
        words = set(norm(text).split())
        if len(words) < MIN_NEAR_WORDS:
            continue
        leaks += [(name, text, source, other) for source, other, hw in held if near_copy(words, hw)]
    assert leaks == []
