"""JointIntentClassifier's own behaviour: the embedding view and button payloads (what it shares with the n-gram
learner is tested in test_ngram_classifier.py)."""

import numpy as np
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from heel.content.story import each_question
from nlu_components.joint_classifier import JointIntentClassifier, with_question
from nlu_components.ranking import QUESTION_READINGS
from tests.nlp.test_ngram_classifier import ranking_of, trained_pair


def test_the_embedding_reads_words_no_example_used(tmp_path):
    """The same model without the embedding view (scale 0) is the control: a word no example used ranks its topic
    with more confidence when the embedding is read."""
    (tmp_path / "joint").mkdir()
    (tmp_path / "ngrams").mkdir()
    _, loaded = trained_pair(JointIntentClassifier, tmp_path / "joint")
    _, ngrams_only = trained_pair(JointIntentClassifier, tmp_path / "ngrams", {"embedding_scale": 0.0})
    with_embedding = ranking_of(loaded, "sneakers")[1]
    without = ranking_of(ngrams_only, "sneakers")[1]
    assert with_embedding[0]["name"] == "ask_footwear"
    assert with_embedding[0]["confidence"] > without[0]["confidence"]


def test_a_button_payload_is_read_by_its_ngrams_without_the_encoder(tmp_path, monkeypatch):
    _, loaded = trained_pair(JointIntentClassifier, tmp_path)
    import nlu_components.joint_classifier as joint

    class Refuses:
        def encode_recent(self, texts):
            raise AssertionError(f"encoded {texts}")

    monkeypatch.setattr(joint, "shared_encoder", lambda: Refuses())
    intent, _ = ranking_of(loaded, "/ask_shockwave")
    assert intent["name"] == "ask_shockwave"


def test_a_story_then_a_question_reads_its_question_at_the_weight_and_a_plain_question_is_unchanged():
    """A stand-in encoder with one direction per text shows the arithmetic: the whole message plus the weighted
    asking sentence, unit length; a message that only asks (or only tells) keeps its own vector."""
    vectors = {
        "Sore heel since May. Will insoles help?": np.array([1.0, 0.0], dtype=np.float32),
        "Will insoles help?": np.array([0.0, 1.0], dtype=np.float32),
        "will insoles help": np.array([0.6, 0.8], dtype=np.float32),
    }

    def encode(texts):
        return np.stack([vectors[t] for t in texts])

    story, plain = with_question(["Sore heel since May. Will insoles help?", "will insoles help"], encode, 0.5)
    assert np.allclose(story, np.array([1.0, 0.5]) / np.linalg.norm([1.0, 0.5]))
    assert np.allclose(plain, vectors["will insoles help"])
    assert np.allclose(with_question(["Sore heel since May. Will insoles help?"], encode, 0.0)[0], [1.0, 0.0])


def test_the_question_weight_moves_a_long_story_towards_what_it_asks(tmp_path):
    """With the real encoder and a trained model: a long story about shoes that asks about shockwave in words no
    example used ranks shockwave higher with the question's own vector than without it (weight 0 is the control)."""
    (tmp_path / "with").mkdir()
    (tmp_path / "without").mkdir()
    _, weighted = trained_pair(JointIntentClassifier, tmp_path / "with", {"question_weight": 0.5})
    _, whole = trained_pair(JointIntentClassifier, tmp_path / "without", {"question_weight": 0.0})
    story = (
        "I bought new running shoes with a big cushioned heel last month and wore them on every run, trail and road. "
        "The shoes felt great at first but now my heel aches after each run. Are the sound wave treatments any good?"
    )

    def shockwave(model):
        return next(r["confidence"] for r in ranking_of(model, story)[1] if r["name"] == "ask_shockwave")

    assert shockwave(weighted) > shockwave(whole)


def test_each_question_of_a_message_that_asks_several_gets_its_own_reading(tmp_path):
    """Only with `read_each_question`, only for a message of two questions or more; each reading is the story with
    one question (heel.content.story.each_question) and shares the message's entities."""
    (tmp_path / "on").mkdir()
    (tmp_path / "off").mkdir()
    _, reads = trained_pair(JointIntentClassifier, tmp_path / "on", {"read_each_question": True})
    _, whole = trained_pair(JointIntentClassifier, tmp_path / "off")
    two = "Booked for next week. Do shockwave sessions hurt? And is there parking at the clinic?"
    message = Message(data={TEXT: two, ENTITIES: [{"entity": "condition", "value": "x"}]})
    reads.process([message])
    readings = message.get(QUESTION_READINGS)
    assert [r.get(TEXT) for r in readings] == [q.reading for q in each_question(two)]
    assert readings[0].get(INTENT)["name"] == "ask_shockwave"
    assert readings[1].get(INTENT)["name"] == "ask_clinic_info"
    assert readings[0].get(ENTITIES) == message.get(ENTITIES)
    once = Message(data={TEXT: "Do shockwave sessions hurt?"})
    reads.process([once])
    assert once.get(QUESTION_READINGS) is None
    off = Message(data={TEXT: two})
    whole.process([off])
    assert off.get(QUESTION_READINGS) is None


def test_a_question_reading_is_the_whole_message_plus_that_question_alone(tmp_path, monkeypatch):
    """The reading's embedding is the whole message's vector plus `question_weight` times its own question's, unit
    length: a stand-in encoder that records what it is asked shows that only the whole message and the two short
    questions are encoded for the readings (the long story with one question is never encoded whole)."""
    _, reads = trained_pair(JointIntentClassifier, tmp_path, {"read_each_question": True, "question_weight": 0.5})
    import nlu_components.joint_classifier as joint

    two = "Booked for next week. Do shockwave sessions hurt? And is there parking at the clinic?"
    asked = []

    class Recording:
        def encode_recent(self, texts):
            asked.append(list(texts))
            return np.stack([np.eye(384, dtype=np.float32)[len(t) % 384] for t in texts])

    monkeypatch.setattr(joint, "shared_encoder", lambda: Recording())
    message = Message(data={TEXT: two})
    reads.process([message])
    assert asked[-1] == [two, "Do shockwave sessions hurt?", "And is there parking at the clinic?"]
    assert all(two not in call or call[0] == two for call in asked)
    assert not any(q.reading in call for q in each_question(two) for call in asked)
    assert len(message.get(QUESTION_READINGS)) == 2
