"""JointIntentClassifier's own behaviour: the embedding view and button payloads (what it shares with the n-gram
learner is tested in test_ngram_classifier.py)."""

from nlu_components.joint_classifier import JointIntentClassifier
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
