"""The n-gram intent learners, NgramIntentClassifier (TF-IDF word and character n-grams and a logistic regression) and
JointIntentClassifier (the same n-grams beside the sentence embedding, one regression): trained, saved without
pickle, loaded."""

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.joint_classifier import JointIntentClassifier
from nlu_components.ngram_classifier import NgramIntentClassifier

COMPONENTS = pytest.mark.parametrize("component", [NgramIntentClassifier, JointIntentClassifier])

EXAMPLES = {
    "ask_clinic_info": ["where are you based", "what are your opening hours", "is there parking at the clinic"],
    "ask_shockwave": ["does shockwave hurt", "how many shockwave sessions", "is shockwave therapy worth it"],
    "ask_footwear": ["best trainers for heel pain", "are flip flops bad for my heel", "do my shoes matter"],
}


def _training_data():
    return TrainingData([Message(data={TEXT: t, INTENT: i}) for i, texts in EXAMPLES.items() for t in texts])


def trained_pair(component, tmp_path, config=None):
    """The component trained, and the same loaded back from its model storage."""
    storage, resource = LocalModelStorage(tmp_path), Resource("intents")
    context = ExecutionContext(GraphSchema({}), "test")
    trained = component.create(config or {}, storage, resource, context)
    trained.train(_training_data())
    return trained, component.load(config or {}, storage, resource, context)


def ranking_of(component, text):
    message = Message(data={TEXT: text})
    component.process([message])
    return message.get(INTENT), message.get(INTENT_RANKING_KEY)


@COMPONENTS
def test_trains_saves_loads_and_ranks_the_same(component, tmp_path):
    trained, loaded = trained_pair(component, tmp_path)
    for text in ("shockwave sessions, do they hurt?", "where can I park", "my shoes are worn out"):
        intent, ranking = ranking_of(loaded, text)
        _, before = ranking_of(trained, text)
        assert intent == ranking[0]
        assert [r["name"] for r in ranking] == [r["name"] for r in before]
        assert [r["confidence"] for r in ranking] == pytest.approx([r["confidence"] for r in before], abs=1e-5)
    assert ranking_of(loaded, "shockwave sessions, do they hurt?")[0]["name"] == "ask_shockwave"
    assert sum(r["confidence"] for r in ranking_of(loaded, "hello")[1]) == pytest.approx(1.0)


@COMPONENTS
def test_the_saved_model_is_plain_arrays(component, tmp_path):
    trained_pair(component, tmp_path)
    files = list(tmp_path.rglob("*.npz"))
    assert len(files) == 1
    with np.load(files[0], allow_pickle=False) as stored:  # raises if anything needs pickle
        assert {"word_terms", "char_terms", "word_idf", "char_idf", "coef", "intercept", "classes"} <= set(stored.files)


@COMPONENTS
def test_without_a_trained_model_it_adds_nothing(component, tmp_path):
    storage, resource = LocalModelStorage(tmp_path), Resource("missing")
    loaded = component.load({}, storage, resource, ExecutionContext(GraphSchema({}), "test"))
    message = Message(data={TEXT: "hi"})
    loaded.process([message])
    assert message.get(INTENT) is None
