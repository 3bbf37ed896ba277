"""How the ensemble's weights change held-out accuracy: one pass through the model, then every weight pair.

    python -m scripts.eval_ensemble models/heel.tar.gz tests/heldout tests/heldout_v2 ...

For each message it keeps the three learners' rankings (DIET, logistic regression on sparse features, logistic
regression on sentence embeddings) and scores the top intent of every blend in the grid. It prints totals only, so
it can run on a set whose errors must stay unread. The numbers are for the blend alone: the rules after it
(AspectRouter, IntentGuard, the fallback and the red-flag detector) are not applied, so compare rows with each
other, not with scripts/eval_heldout.py.
"""
from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import Dict, List

import yaml

from nlu_components.embedding_classifier import EMBEDDING_RANKING
from nlu_components.heel_nlu import DIET_RANKING, SECOND_RANKING
from nlu_components.ranking import blend_rankings

DIET_WEIGHTS = (0.3, 0.5, 0.7)
EMBEDDING_WEIGHTS = (0.0, 0.2, 0.33, 0.4, 0.5, 0.6, 0.7, 1.0)


async def rankings(model: Path, texts: List[str]) -> List[Dict]:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    out = []
    for text in texts:
        parsed = agent.processor._parse_message_with_graph(UserMessage(text), None, only_output_properties=False)
        out.append({"final": (parsed.get("intent") or {}).get("name"), "diet": parsed.get(DIET_RANKING) or [],
                    "second": parsed.get(SECOND_RANKING) or [], "embedding": parsed.get(EMBEDDING_RANKING) or []})
    return out


def top(ranked: Dict, diet_weight: float, embedding_weight: float) -> str:
    blended = blend_rankings(ranked["diet"], ranked["second"], diet_weight, length=50)
    if ranked["embedding"] and embedding_weight > 0:
        blended = blend_rankings(blended, ranked["embedding"], 1.0 - embedding_weight, length=50)
    return blended[0]["name"] if blended else ""


def main(model: str, sets: List[str]) -> None:
    rows = []
    for name in sets:
        items = yaml.safe_load((Path(name) / "utterances.yml").read_text())["utterances"]
        ranked = asyncio.run(rankings(Path(model), [item["text"] for item in items]))
        rows.append((Path(name).name, [item["intent"] for item in items], ranked))
    print("set sizes: " + ", ".join(f"{name} {len(expected)}" for name, expected, _ in rows))
    total = sum(len(expected) for _, expected, _ in rows)
    final = sum(r["final"] == e for _, expected, ranked in rows for e, r in zip(expected, ranked))
    print(f"whole pipeline (rules included): {final / total:.4f}")
    print("diet_weight embedding_weight  " + "  ".join(name for name, _, _ in rows) + "  all")
    for dw in DIET_WEIGHTS:
        for ew in EMBEDDING_WEIGHTS:
            per_set = [sum(top(r, dw, ew) == e for e, r in zip(expected, ranked)) / len(expected)
                       for _, expected, ranked in rows]
            hits = sum(top(r, dw, ew) == e for _, expected, ranked in rows for e, r in zip(expected, ranked))
            print(f"{dw:>11} {ew:>16}  " + "  ".join(f"{a:.4f}" for a in per_set) + f"  {hits / total:.4f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
