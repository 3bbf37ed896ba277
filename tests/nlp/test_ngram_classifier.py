"""NgramIntentClassifier: TF-IDF word and character n-grams and a logistic regression, saved without pickle."""

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.ngram_classifier import NgramIntentClassifier

EXAMPLES = {
    "ask_clinic_info": ["where are you based", "what are your opening hours", "is there parking at the clinic"],
    "ask_shockwave": ["does shockwave hurt", "how many shockwave sessions", "is shockwave therapy worth it"],
    "ask_footwear": ["best trainers for heel pain", "are flip flops bad for my heel", "do my shoes matter"],
}


def _training_data():
    return TrainingData([Message(data={TEXT: t, INTENT: i}) for i, texts in EXAMPLES.items() for t in texts])


def _trained(tmp_path):
    storage, resource = LocalModelStorage(tmp_path), Resource("ngram")
    context = ExecutionContext(GraphSchema({}), "test")
    trained = NgramIntentClassifier.create({}, storage, resource, context)
    trained.train(_training_data())
    return trained, NgramIntentClassifier.load({}, storage, resource, context)


def _ranking(component, text):
    message = Message(data={TEXT: text})
    component.process([message])
    return message.get(INTENT), message.get(INTENT_RANKING_KEY)


def test_trains_saves_loads_and_ranks_the_same(tmp_path):
    trained, loaded = _trained(tmp_path)
    for text in ("shockwave sessions, do they hurt?", "where can I park", "my shoes are worn out"):
        intent, ranking = _ranking(loaded, text)
        _, before = _ranking(trained, text)
        assert intent == ranking[0]
        assert [r["name"] for r in ranking] == [r["name"] for r in before]
        assert [r["confidence"] for r in ranking] == pytest.approx([r["confidence"] for r in before], abs=1e-5)
    assert _ranking(loaded, "shockwave sessions, do they hurt?")[0]["name"] == "ask_shockwave"
    assert sum(r["confidence"] for r in _ranking(loaded, "hello")[1]) == pytest.approx(1.0)


def test_the_saved_model_is_plain_arrays(tmp_path):
    _trained(tmp_path)
    files = list(tmp_path.rglob("*.npz"))
    assert len(files) == 1
    with np.load(files[0], allow_pickle=False) as stored:  # raises if anything needs pickle
        assert {"word_terms", "char_terms", "word_idf", "char_idf", "coef", "intercept", "classes"} <= set(stored.files)


def test_without_a_trained_model_it_adds_nothing(tmp_path):
    storage, resource = LocalModelStorage(tmp_path), Resource("missing")
    component = NgramIntentClassifier.load({}, storage, resource, ExecutionContext(GraphSchema({}), "test"))
    message = Message(data={TEXT: "hi"})
    component.process([message])
    assert message.get(INTENT) is None
