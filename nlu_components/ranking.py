"""Combining two classifiers' intent rankings (used by nlu_components.heel_nlu.IntentEnsemble). Pure."""
from __future__ import annotations

from typing import Dict, List, Mapping, Sequence


def blend_rankings(first: Sequence[Mapping], second: Sequence[Mapping], weight: float,
                   length: int = 10) -> List[Dict[str, float]]:
    """Weighted mean of two intent rankings (`weight` for the first); an intent missing from one counts 0 there."""
    scores: Dict[str, float] = {}
    for ranking, w in ((first, weight), (second, 1.0 - weight)):
        for item in ranking:
            name = str(item.get("name"))
            scores[name] = scores.get(name, 0.0) + w * float(item.get("confidence") or 0.0)
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:length]
    return [{"name": name, "confidence": score} for name, score in ordered]
