"""Intent rankings: combining two classifiers' (nlu_components.heel_nlu.IntentEnsemble), promoting and dropping an
intent, and the message keys the classifier and the routing components share. Pure."""

from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Sequence

# Written by the intent classifier on a message that asks several things (nlu_components.joint_classifier): one
# reading per question (a Message of the story with that question alone), which the routing components read like the
# message itself and QuestionOrder weighs at the end.
QUESTION_READINGS = "question_readings"
RED_FLAG_ANALYSIS = "red_flag_analysis"  # the detector's MessageAnalysis, kept on the message for later components
SHARED_WITH_READINGS = (RED_FLAG_ANALYSIS,)  # what a question's reading shares with its message


def blend_rankings(
    first: Sequence[Mapping], second: Sequence[Mapping], weight: float, length: int = 10
) -> List[Dict[str, float]]:
    """Weighted mean of two intent rankings (`weight` for the first); an intent missing from one counts 0 there."""
    scores: Dict[str, float] = {}
    for ranking, w in ((first, weight), (second, 1.0 - weight)):
        for item in ranking:
            name = str(item.get("name"))
            scores[name] = scores.get(name, 0.0) + w * float(item.get("confidence") or 0.0)
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:length]
    return [{"name": name, "confidence": score} for name, score in ordered]


def ensemble(
    diet: Sequence[Mapping],
    second: Sequence[Mapping],
    embedding: Optional[Sequence[Mapping]],
    diet_weight: float,
    embedding_weight: float,
    length: int = 10,
) -> List[Dict[str, float]]:
    """IntentEnsemble's ranking: DIET and the second classifier mixed by `diet_weight`, then that mix and the
    embedding classifier's ranking by `embedding_weight` (skipped when there is none or the weight is 0)."""
    blended = blend_rankings(diet, second, diet_weight, length=50)
    if embedding and embedding_weight > 0:
        blended = blend_rankings(blended, embedding, 1.0 - embedding_weight, length=50)
    return blended[:length]


def confidence_of(ranking: Sequence[Mapping], name: str) -> float:
    """The confidence `ranking` gives intent `name` (0 when it is not ranked)."""
    return next((float(r.get("confidence") or 0.0) for r in ranking if r.get("name") == name), 0.0)


def promote(ranking: Sequence[Mapping], target: str, top: Optional[float] = None) -> List[Dict[str, float]]:
    """`target` moves to the top with the top intent's confidence and the old top takes target's confidence, so a
    later margin check still sees the classifier's real margin. The rest keeps its order. `top` overrides the
    top confidence (the message's intent confidence when it differs from its ranking)."""
    if not ranking:
        return []
    top = float(ranking[0].get("confidence") or 0.0) if top is None else top
    was = confidence_of(ranking, target)
    first = str(ranking[0].get("name"))
    rest = [
        {"name": str(r.get("name")), "confidence": was if r.get("name") == first else float(r.get("confidence") or 0.0)}
        for r in ranking
        if r.get("name") != target
    ]
    return [{"name": target, "confidence": top}] + sorted(rest, key=lambda r: -r["confidence"])


def without(ranking: Sequence[Mapping], name: str) -> List[Dict[str, float]]:
    """The ranking with one intent left out (the next one becomes the top)."""
    return [
        {"name": str(r.get("name")), "confidence": float(r.get("confidence") or 0.0)}
        for r in ranking
        if r.get("name") != name
    ]
