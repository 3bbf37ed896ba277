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
import sys
from pathlib import Path
from typing import Dict, List

import yaml

from nlu_components.embedding_classifier import EMBEDDING_RANKING
from nlu_components.heel_nlu import DIET_RANKING, SECOND_RANKING
from nlu_components.ranking import ensemble
from scripts.eval_heldout import predict

DIET_WEIGHTS = (0.3, 0.5, 0.7)
EMBEDDING_WEIGHTS = (0.0, 0.2, 0.33, 0.4, 0.5, 0.6, 0.7, 1.0)


def top(parsed: Dict, diet_weight: float, embedding_weight: float) -> str:
    blended = ensemble(parsed.get(DIET_RANKING) or [], parsed.get(SECOND_RANKING) or [],
                       parsed.get(EMBEDDING_RANKING), diet_weight, embedding_weight)
    return blended[0]["name"] if blended else ""


def main(model: str, sets: List[str]) -> None:
    items = {name: yaml.safe_load((Path(name) / "utterances.yml").read_text())["utterances"] for name in sets}
    parsed = iter(asyncio.run(predict(Path(model), [i["text"] for name in sets for i in items[name]],
                                      every_attribute=True)))
    rows = [(Path(name).name, [(i["intent"], next(parsed)) for i in items[name]]) for name in sets]
    print("set sizes: " + ", ".join(f"{name} {len(pairs)}" for name, pairs in rows))
    total = sum(len(pairs) for _, pairs in rows)
    final = sum((p.get("intent") or {}).get("name") == gold for _, pairs in rows for gold, p in pairs)
    print(f"whole pipeline (rules included): {final / total:.4f}")
    print("diet_weight embedding_weight  " + "  ".join(name for name, _ in rows) + "  all")
    for dw in DIET_WEIGHTS:
        for ew in EMBEDDING_WEIGHTS:
            hits = [sum(top(p, dw, ew) == gold for gold, p in pairs) for _, pairs in rows]
            print(f"{dw:>11} {ew:>16}  " + "  ".join(f"{h / len(pairs):.4f}" for h, (_, pairs) in zip(hits, rows))
                  + f"  {sum(hits) / total:.4f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
