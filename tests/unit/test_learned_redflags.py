"""The learned half of the red-flag net (heel/safety/learned.py) and how the rules read its windows.

A tiny hand-made scorer stands in for the trained one here, so each behaviour is checked on its own: windows,
thresholds, saving and loading, and the rules' veto (a denied or past sign) and owner (whose sign it is). The trained
scorer's quality is measured by the evaluation sets (make evaluate), not here.
"""

from __future__ import annotations

import numpy as np
import pytest

from heel.safety import learned, redflags

CLASSES = ("cold_pale_foot", "none")


def keyword_features(texts):
    """One feature: whether the window says "glacier" (a word no rule knows); the bias keeps other windows quiet."""
    return np.array([[1.0 if "glacier" in t.lower() else 0.0] for t in texts], dtype=np.float32)


def keyword_scorer(threshold: float = 0.8) -> learned.Scorer:
    coef = np.array([[4.0], [-4.0]], dtype=np.float32)  # glacier: p(cold_pale_foot) ~ 1; else ~ 0.5 at most
    return learned.Scorer(CLASSES, coef, np.zeros(2, dtype=np.float32), {"cold_pale_foot": threshold}, keyword_features)


def test_windows_cover_every_sentence_each_neighbour_pair_and_long_sentences_in_stretches():
    long_sentence = " ".join(f"w{i}" for i in range(70))
    cut = learned.windows(["one two.", "three four.", long_sentence])
    texts = [w.text for w in cut]
    assert "one two." in texts and "three four." in texts
    assert "one two. three four." in texts  # neighbours read together
    stretches = [w for w in cut if w.sentences == (2,)]
    assert len(stretches) >= 3 and all(len(w.text.split()) <= learned.WINDOW_WORDS for w in stretches)
    assert stretches[-1].text.split()[-1] == "w69"  # the end of a long sentence is read too


def test_a_flag_fires_only_at_or_above_its_threshold():
    scorer = keyword_scorer()
    hits = scorer.hits(["i had a long day.", "my foot feels like a glacier."])
    assert [h.flag_id for h in hits] == ["cold_pale_foot"] and "glacier" in hits[0].window.text
    assert scorer.hits(["i had a long day.", "my heel aches."]) == []
    assert keyword_scorer(threshold=1.01).hits(["my foot feels like a glacier."]) == []


def test_save_and_load_round_trip(tmp_path):
    scorer = keyword_scorer()
    path = tmp_path / "scorer.npz"
    learned.save(path, scorer.classes, scorer.coef, scorer.intercept, scorer.thresholds)
    again = learned.load(path, keyword_features)
    assert again.classes == CLASSES and dict(again.thresholds) == {"cold_pale_foot": pytest.approx(0.8)}
    assert np.allclose(again.probabilities(["glacier"]), scorer.probabilities(["glacier"]))


def test_the_scorer_adds_a_flag_the_rules_do_not_know(heel_nlp):
    doc = redflags.parse("Went for a long walk this morning. Now my whole foot feels like a glacier.", heel_nlp)
    assert redflags.analyse_message(doc).own == []
    analysis = redflags.analyse_message(doc, keyword_scorer())
    assert [h.flag_id for h in analysis.own] == ["cold_pale_foot"]
    assert "glacier" in analysis.own[0].evidence


def test_a_sign_the_rules_read_as_denied_in_that_window_stays_quiet(heel_nlp):
    doc = redflags.parse("My foot is not cold or pale at all, it just looks like a glacier map of veins.", heel_nlp)
    assert redflags.analyse_message(doc, keyword_scorer()).own == []


def test_another_adults_sign_is_theirs_and_talk_about_people_in_general_is_nobodys(heel_nlp):
    other = redflags.analyse_message(
        redflags.parse("My husband says his foot is like a glacier.", heel_nlp), keyword_scorer()
    )
    assert other.own == [] and [h.flag_id for h in other.others] == ["cold_pale_foot"]
    general = redflags.analyse_message(
        redflags.parse("Can you get a foot like a glacier if you sit still?", heel_nlp), keyword_scorer()
    )
    assert general.own == [] and general.others == []
