"""Totals only, for several held-out sets with one model load: how candidate models were compared.

Prints, per set, accuracy, wrong-topic answers (an education question answered with another topic) and clarifying
fallbacks, and the accuracy over all sets. It never prints an utterance, so it can be run on a development or
final set whose errors must stay unread (docs/evaluation.md).

Usage: python scripts/eval_summary.py MODEL.tar.gz [heldout heldout_v2 heldout_v17/utterances_a.yml ...]
(folders in tests/ holding utterances.yml, or files in them)
"""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import List

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.eval_heldout import _sweep_row, _top_two, ambiguity_sweep, predict  # noqa: E402  (one definition each)

DEFAULT_SETS = ["heldout", "heldout_v2", "heldout_v3", "heldout_v4", "heldout_v5"]


def totals(pairs: List[tuple]) -> dict:
    """Counts for (gold, predicted) pairs."""
    row = _sweep_row(pairs, len(pairs))
    return {
        "n": len(pairs),
        "correct": row["correct"],
        "education": sum(g.startswith("ask_") for g, _ in pairs),
        "wrong_topic": row["wrong_topic"],
        "fallbacks": sum(p == "nlu_fallback" for _, p in pairs),
    }


def main(model: str, sets: List[str]) -> None:
    # a folder in tests/ holding utterances.yml, or a file in one ("heldout_v17/utterances_b.yml")
    paths = {name: ROOT / "tests" / name / ("" if name.endswith(".yml") else "utterances.yml") for name in sets}
    items = {name: yaml.safe_load(paths[name].read_text(encoding="utf-8"))["utterances"] for name in sets}
    # One model load for all sets; predict() also silences Rasa's per-message debug lines.
    results = iter(asyncio.run(predict(Path(model), [i["text"] for name in sets for i in items[name]])))
    correct = count = 0
    margins = []
    for name in sets:
        parsed = [next(results) for _ in items[name]]
        pairs = [(item["intent"], result["intent"]["name"]) for item, result in zip(items[name], parsed)]
        margins += [(item["intent"], *_top_two(result)) for item, result in zip(items[name], parsed)]
        t = totals(pairs)
        correct, count = correct + t["correct"], count + t["n"]
        print(f"{name:12s} n={t['n']:4d} accuracy={t['correct'] / t['n']:.2%} "
              f"wrong_topic={t['wrong_topic']}/{t['education']} fallbacks={t['fallbacks']}")
    print(f"all sets     n={count:4d} accuracy={correct / count:.2%}")
    print("if an education answer needed this margin over the runner-up (all sets together):")
    for row in ambiguity_sweep(margins):
        print(f"  margin {row['margin']:.2f}: correct {row['correct']}, wrong topic {row['wrong_topic']}, "
              f"clarifying questions {row['clarified']}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:] or DEFAULT_SETS)
