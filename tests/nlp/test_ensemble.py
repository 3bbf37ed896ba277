"""The two-classifier ensemble: nlu_components.ranking.blend_rankings, KeepRanking and IntentEnsemble."""
import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.heel_nlu import DIET_RANKING, IntentEnsemble, KeepRanking
from nlu_components.ranking import blend_rankings


def test_blend_is_a_weighted_mean_and_a_missing_intent_counts_zero():
    blended = blend_rankings([{"name": "a", "confidence": 0.6}, {"name": "b", "confidence": 0.4}],
                             [{"name": "b", "confidence": 0.9}, {"name": "c", "confidence": 0.1}], 0.5)
    assert [r["name"] for r in blended] == ["b", "a", "c"]
    assert [r["confidence"] for r in blended] == pytest.approx([0.65, 0.3, 0.05])


def test_weight_one_keeps_the_first_ranking_order():
    first = [{"name": "x", "confidence": 0.7}, {"name": "y", "confidence": 0.3}]
    blended = blend_rankings(first, [{"name": "y", "confidence": 1.0}], 1.0)
    assert [r["name"] for r in blended] == ["x", "y"]


def test_blend_is_cut_to_the_ranking_length_and_sorted():
    first = [{"name": f"i{n}", "confidence": n / 100} for n in range(20)]
    blended = blend_rankings(first, [], 0.5, length=10)
    assert len(blended) == 10
    assert [r["confidence"] for r in blended] == sorted((r["confidence"] for r in blended), reverse=True)


def _message(ranking):
    return Message(data={TEXT: "does shockwave hurt", INTENT: dict(ranking[0]), INTENT_RANKING_KEY: ranking})


def test_components_combine_diet_with_the_second_classifier():
    message = _message([{"name": "ask_physiotherapy", "confidence": 0.55},
                        {"name": "ask_shockwave", "confidence": 0.45}])
    KeepRanking().process([message])
    assert message.get(DIET_RANKING)[0]["name"] == "ask_physiotherapy"
    # the second classifier overwrites intent and ranking, as LogisticRegressionClassifier does
    message.set(INTENT, {"name": "ask_shockwave", "confidence": 0.9})
    message.set(INTENT_RANKING_KEY, [{"name": "ask_shockwave", "confidence": 0.9},
                                     {"name": "ask_physiotherapy", "confidence": 0.1}])
    IntentEnsemble({"diet_weight": 0.5}).process([message])
    assert message.get(INTENT)["name"] == "ask_shockwave"
    assert message.get(INTENT)["confidence"] == pytest.approx(0.675)
    assert message.get(INTENT_RANKING_KEY)[1]["name"] == "ask_physiotherapy"


def test_ensemble_leaves_a_message_alone_without_a_kept_ranking():
    message = _message([{"name": "greet", "confidence": 0.9}])
    IntentEnsemble({}).process([message])
    assert message.get(INTENT) == {"name": "greet", "confidence": 0.9}
