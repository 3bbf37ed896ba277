"""Totals only, for several held-out sets with one model load: how candidate models were compared.

Prints, per set, accuracy, wrong-topic answers (an education question answered with another topic) and clarifying
fallbacks, and the accuracy over all sets. It never prints an utterance, so it can be run on a development or
final set whose errors must stay unread (docs/evaluation.md).

Usage: python scripts/eval_summary.py MODEL.tar.gz [heldout heldout_v2 ...]   (names of folders in tests/)
"""
from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import List

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETS = ["heldout", "heldout_v2", "heldout_v3", "heldout_v4", "heldout_v5"]


def totals(pairs: List[tuple]) -> dict:
    """Counts for (gold, predicted) pairs."""
    education = [(g, p) for g, p in pairs if g.startswith("ask_")]
    return {
        "n": len(pairs),
        "correct": sum(g == p for g, p in pairs),
        "education": len(education),
        "wrong_topic": sum(g != p and p.startswith("ask_") for g, p in education),
        "fallbacks": sum(p == "nlu_fallback" for _, p in pairs),
    }


async def main(model: str, sets: List[str]) -> None:
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)  # Rasa's debug lines would print every parsed message
    agent = Agent.load(model)
    correct = count = 0
    for name in sets:
        items = yaml.safe_load((ROOT / "tests" / name / "utterances.yml").read_text(encoding="utf-8"))["utterances"]
        pairs = [(item["intent"], (await agent.parse_message(item["text"]))["intent"]["name"]) for item in items]
        t = totals(pairs)
        correct, count = correct + t["correct"], count + t["n"]
        print(f"{name:12s} n={t['n']:4d} accuracy={t['correct'] / t['n']:.2%} "
              f"wrong_topic={t['wrong_topic']}/{t['education']} fallbacks={t['fallbacks']}")
    print(f"all sets     n={count:4d} accuracy={correct / count:.2%}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1], sys.argv[2:] or DEFAULT_SETS))
