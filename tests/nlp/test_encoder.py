"""The numpy sentence encoder (heel.language.encoder) and the classifier on its embeddings."""

import json

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from heel.language.encoder import SentenceEncoder, read_safetensors
from nlu_components.embedding_classifier import EMBEDDING_RANKING, EmbeddingIntentClassifier, softmax_ranking
from nlu_components.heel_nlu import DIET_RANKING, IntentEnsemble


@pytest.fixture(scope="module")
def encoder():
    return SentenceEncoder()


def test_safetensors_reader_reads_shapes_and_values(tmp_path):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.array([7, 8], dtype=np.int64)
    header = {
        "a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
        "b": {"dtype": "I64", "shape": [2], "data_offsets": [24, 40]},
        "__metadata__": {"format": "pt"},
    }
    raw = json.dumps(header).encode()
    (tmp_path / "t.safetensors").write_bytes(len(raw).to_bytes(8, "little") + raw + a.tobytes() + b.tobytes())
    read = read_safetensors(tmp_path / "t.safetensors")
    assert set(read) == {"a", "b"}
    assert np.array_equal(read["a"], a) and np.array_equal(read["b"], b)


def test_unsupported_dtype_is_a_clear_error(tmp_path):
    raw = json.dumps({"x": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}}).encode()
    (tmp_path / "t.safetensors").write_bytes(len(raw).to_bytes(8, "little") + raw + b"\0\0")
    with pytest.raises(ValueError, match="BF16"):
        read_safetensors(tmp_path / "t.safetensors")


def test_vectors_are_unit_length_and_padding_does_not_change_them(encoder):
    texts = ["heel pain", "what are your opening hours on saturday morning please", ""]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    assert together.shape == (3, 384)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.allclose(together, alone, atol=1e-5)  # the short one was padded in the batch, masked out


def test_paraphrases_are_closer_than_other_topics(encoder):
    morning, waking, hours, shockwave = encoder.encode(
        [
            "my heel hurts when I get up in the morning",
            "pain under the heel first thing after waking",
            "what time do you open",
            "does shock wave treatment work",
        ]
    )
    assert morning @ waking > 0.6
    assert morning @ waking > max(morning @ hours, morning @ shockwave) + 0.3


def test_a_message_read_twice_is_encoded_once(encoder, monkeypatch):
    texts = ["my heel hurts in the morning", "what is shockwave therapy"]
    expected = encoder.encode(texts)
    calls = []
    original = encoder.encode
    monkeypatch.setattr(encoder, "encode", lambda batch, **kw: calls.append(list(batch)) or original(batch, **kw))
    first = encoder.encode_recent(texts)
    second = encoder.encode_recent([texts[1]])
    assert np.allclose(first, expected, atol=1e-6) and np.allclose(second[0], expected[1], atol=1e-6)
    assert calls == [texts]  # the second read came from memory


def test_stored_vectors_are_the_encoders_and_are_not_computed_twice(encoder, tmp_path, monkeypatch):
    texts = ["pain at the back of the heel", "do insoles help"]
    stored = encoder.encode_stored(texts, tmp_path)
    assert np.allclose(stored, encoder.encode(texts), atol=1e-6)
    assert len(list(tmp_path.glob("embeddings-*.npz"))) == 1
    calls = []
    original = encoder.encode
    monkeypatch.setattr(encoder, "encode", lambda batch, **kw: calls.append(list(batch)) or original(batch, **kw))
    again = encoder.encode_stored(["do insoles help", "a new question"], tmp_path)
    assert calls == [["a new question"]]
    assert np.allclose(again[0], stored[1])


def test_softmax_ranking_is_sorted_cut_and_sums_to_one():
    ranking = softmax_ranking(np.array([1.0, 3.0, 2.0]), ["a", "b", "c"], length=2)
    assert [r["name"] for r in ranking] == ["b", "c"]
    full = softmax_ranking(np.array([1.0, 3.0, 2.0]), ["a", "b", "c"], length=3)
    assert sum(r["confidence"] for r in full) == pytest.approx(1.0)


def _training_data():
    examples = {
        "ask_clinic_info": [
            "when are you open",
            "what is your address",
            "opening times please",
            "where is the clinic",
            "are you open on saturdays",
            "how do I find you",
        ],
        "ask_shockwave": [
            "does shockwave therapy work",
            "what is shock wave treatment",
            "is ESWT painful",
            "how many shockwave sessions",
            "shockwave for plantar fasciitis",
            "pressure wave therapy",
        ],
        "greet": ["hi", "hello there", "good morning", "hey", "hiya", "good evening"],
    }
    return TrainingData([Message(data={TEXT: t, INTENT: i}) for i, texts in examples.items() for t in texts])


def test_classifier_trains_persists_loads_and_ranks(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("embedding_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    trained = EmbeddingIntentClassifier.create({}, storage, resource, context)
    trained.train(_training_data())
    loaded = EmbeddingIntentClassifier.load({}, storage, resource, context)
    message = Message(data={TEXT: "what hours are you open on a sunday"})
    loaded.process([message])
    ranking = message.get(EMBEDDING_RANKING)
    assert ranking[0]["name"] == "ask_clinic_info"
    assert message.get(INTENT) is None  # it leaves the intent to IntentEnsemble
    payload = Message(data={TEXT: "/greet"})
    loaded.process([payload])
    assert payload.get(EMBEDDING_RANKING) is None  # button payloads are not text


def test_the_encoder_is_skipped_only_when_the_classifier_before_is_sure_enough(tmp_path, monkeypatch):
    import nlu_components.embedding_classifier as module

    storage, resource = LocalModelStorage(tmp_path), Resource("cascade")
    context = ExecutionContext(GraphSchema({}), "test")
    EmbeddingIntentClassifier.create({}, storage, resource, context).train(_training_data())
    classifier = EmbeddingIntentClassifier.load({"skip_when_first_above": 0.9}, storage, resource, context)
    encoded = []
    real = module.shared_encoder()

    class Counting:
        def encode_recent(self, texts):
            encoded.extend(texts)
            return real.encode(texts)

    monkeypatch.setattr(module, "shared_encoder", lambda: Counting())
    sure = Message(data={TEXT: "hello there", INTENT_RANKING_KEY: [{"name": "greet", "confidence": 0.95}]})
    unsure = Message(data={TEXT: "what hours are you open", INTENT_RANKING_KEY: [{"name": "greet", "confidence": 0.5}]})
    classifier.process([sure, unsure])
    assert encoded == ["what hours are you open"]
    assert sure.get(EMBEDDING_RANKING) is None and unsure.get(EMBEDDING_RANKING)[0]["name"] == "ask_clinic_info"
    always = EmbeddingIntentClassifier.load({}, storage, resource, context)  # the default encodes every message
    always.process([Message(data={TEXT: "hello there", INTENT_RANKING_KEY: [{"name": "greet", "confidence": 0.99}]})])
    assert encoded[-1] == "hello there"


def test_two_intents_give_a_two_way_ranking(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("binary")
    classifier = EmbeddingIntentClassifier.create({}, storage, resource, ExecutionContext(GraphSchema({}), "t"))
    data = _training_data()
    classifier.train(TrainingData([m for m in data.intent_examples if m.get(INTENT) != "greet"]))
    message = Message(data={TEXT: "is shockwave any good for heels"})
    classifier.process([message])
    assert [r["name"] for r in message.get(EMBEDDING_RANKING)] == ["ask_shockwave", "ask_clinic_info"]


def test_an_untrained_classifier_adds_nothing(tmp_path):
    classifier = EmbeddingIntentClassifier.load(
        {}, LocalModelStorage(tmp_path), Resource("none"), ExecutionContext(GraphSchema({}), "t")
    )
    message = Message(data={TEXT: "hello"})
    classifier.process([message])
    assert message.get(EMBEDDING_RANKING) is None


def test_ensemble_mixes_in_the_embedding_ranking_by_its_weight():
    def message():
        m = Message(
            data={TEXT: "x", INTENT_RANKING_KEY: [{"name": "a", "confidence": 0.6}, {"name": "b", "confidence": 0.4}]}
        )
        m.set(DIET_RANKING, [{"name": "a", "confidence": 0.8}, {"name": "b", "confidence": 0.2}])
        m.set(EMBEDDING_RANKING, [{"name": "b", "confidence": 0.9}, {"name": "a", "confidence": 0.1}])
        return m

    unweighted = message()
    IntentEnsemble({"diet_weight": 0.5}).process([unweighted])
    assert unweighted.get(INTENT)["name"] == "a"  # embedding_weight defaults to 0: the old two-way mean
    weighted = message()
    IntentEnsemble({"diet_weight": 0.5, "embedding_weight": 0.5}).process([weighted])
    # two-way mean: a 0.7, b 0.3; then half of that and half of the embedding ranking: a 0.4, b 0.6
    assert weighted.get(INTENT)["name"] == "b"
    assert weighted.get(INTENT)["confidence"] == pytest.approx(0.6)


def test_a_long_message_leans_on_the_embedding_ranking():
    def message(text):
        m = Message(
            data={TEXT: text, INTENT_RANKING_KEY: [{"name": "a", "confidence": 0.9}, {"name": "b", "confidence": 0.1}]}
        )
        m.set(DIET_RANKING, [{"name": "a", "confidence": 0.9}, {"name": "b", "confidence": 0.1}])
        m.set(EMBEDDING_RANKING, [{"name": "b", "confidence": 0.8}, {"name": "a", "confidence": 0.2}])
        return m

    config = {"diet_weight": 0.5, "embedding_weight": 0.5, "long_message_words": 5, "long_embedding_weight": 0.75}
    short, long = message("one two three"), message("one two three four five six")
    IntentEnsemble(config).process([short, long])
    assert short.get(INTENT)["name"] == "a"  # n-grams a 0.9, embedding b 0.8: half and half, a 0.55
    assert long.get(INTENT)["name"] == "b"  # a quarter and three quarters: b 0.625
    assert long.get(INTENT)["confidence"] == pytest.approx(0.625)
