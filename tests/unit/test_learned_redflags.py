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


# --- the judge: the whole message read at once -------------------------------------------------------------------

JUDGE_FLAGS = ("cannot_bear_weight_after_injury", "cold_pale_foot")


def glacier_embedding(texts):
    """Two features: whether the message says "glacier", and whether it says "hop" (words no rule knows)."""
    return np.array([[float("glacier" in t.lower()), float("hop" in t.lower())] for t in texts], dtype=np.float32)


def keyword_judge(threshold: float = 0.9, min_words: int = 5) -> learned.Judge:
    return learned.Judge(
        danger_coef=np.array([8.0, 8.0], dtype=np.float32),
        danger_intercept=-4.0,  # neither word: p ~ 0.02; either: p ~ 0.98
        flags=JUDGE_FLAGS,
        flag_coef=np.array([[0.0, 5.0], [5.0, 0.0]], dtype=np.float32),  # "hop" names the injury, "glacier" the cold
        flag_intercept=np.zeros(2, dtype=np.float32),
        threshold=threshold,
        min_words=min_words,
        embed=glacier_embedding,
    )


def test_the_judge_names_a_flag_only_at_or_above_its_threshold_and_for_long_enough_messages():
    judge = keyword_judge()
    hit = judge.assess("since the fall he can only hop about", (0,))
    assert hit is not None and hit.flag_id == "cannot_bear_weight_after_injury" and hit.probability > 0.9
    assert judge.assess("my heel aches after long runs lately", (0,)) is None
    assert keyword_judge(threshold=0.99).assess("since the fall he can only hop about", (0,)) is None
    assert judge.assess("only hop", (0,)) is None  # shorter than min_words: left to the rules


def test_judge_save_and_load_round_trip(tmp_path):
    judge = keyword_judge()
    arrays = {
        "danger_coef": judge.danger_coef,
        "danger_intercept": np.array([judge.danger_intercept], dtype=np.float32),
        "flags": np.array(JUDGE_FLAGS),
        "flag_coef": judge.flag_coef,
        "flag_intercept": judge.flag_intercept,
    }
    path = tmp_path / "judge.npz"
    learned.save_judge(path, arrays, 0.9, 5, corroborated_threshold=0.8)
    again = learned.load_judge(path, glacier_embedding)
    assert again.flags == JUDGE_FLAGS and again.min_words == 5 and again.threshold == pytest.approx(0.9)
    assert again.corroborated_threshold == pytest.approx(0.8)
    vector = glacier_embedding(["glacier"])[0]
    assert again.probability(vector) == pytest.approx(judge.probability(vector))


def test_the_judge_is_read_only_when_the_rules_find_no_flag(heel_nlp):
    text = "Went for a long walk in the hills this morning. Now my whole foot feels like a glacier."
    doc = redflags.parse(text, heel_nlp)
    assert redflags.analyse_message(doc).own == []
    analysis = redflags.analyse_message(doc, judge=keyword_judge())
    assert [h.flag_id for h in analysis.own] == ["cold_pale_foot"]
    ruled = redflags.parse("I fell off a ladder and I can't put any weight on my foot, it's like a glacier.", heel_nlp)
    own = redflags.analyse_message(ruled, judge=keyword_judge()).own
    assert [h.flag_id for h in own] == ["cannot_bear_weight_after_injury"]  # the rules' flag, the judge not asked


def test_the_judge_keeps_the_rules_reading_of_denials_and_of_whose_sign_it_is(heel_nlp):
    denied = redflags.parse("My foot is not cold or pale at all today, it just looks like a glacier map.", heel_nlp)
    assert redflags.analyse_message(denied, judge=keyword_judge()).own == []
    other = redflags.analyse_message(
        redflags.parse("My husband came in from the garden and says his foot is like a glacier now.", heel_nlp),
        judge=keyword_judge(),
    )
    assert other.own == [] and [h.flag_id for h in other.others] == ["cold_pale_foot"]


def zebra_embedding(texts):
    """Two features: whether the message says "zebra" or "glacier" (words no rule knows)."""
    return np.array([[float("zebra" in t.lower()), float("glacier" in t.lower())] for t in texts], dtype=np.float32)


def unsure_judge(corroborated_threshold: float = 0.8) -> learned.Judge:
    """Either word gives p ~ 0.85: under the judge's own threshold (0.9), over its corroborated one."""
    return learned.Judge(
        danger_coef=np.array([8.0, 8.0], dtype=np.float32),
        danger_intercept=-6.265,
        flags=JUDGE_FLAGS,
        flag_coef=np.array([[5.0, 0.0], [0.0, 5.0]], dtype=np.float32),  # "zebra" names the injury, "glacier" the cold
        flag_intercept=np.zeros(2, dtype=np.float32),
        threshold=0.9,
        min_words=5,
        embed=zebra_embedding,
        corroborated_threshold=corroborated_threshold,
    )


def test_an_unsure_judge_needs_the_rules_to_read_part_of_its_flags_sign():
    judge = unsure_judge()
    hit = judge.assess("since this morning my foot is all zebra", (0,))
    assert hit is not None and 0.8 < hit.probability < 0.9
    assert not judge.accepts(hit, corroborated=False) and judge.accepts(hit, corroborated=True)
    assert unsure_judge(corroborated_threshold=0.9).assess("since this morning my foot is all zebra", (0,)) is None


def test_the_rules_partial_evidence_lets_an_unsure_judge_complete_the_flag(heel_nlp):
    fell = redflags.parse("I fell off a ladder at work this morning and now my foot is all zebra.", heel_nlp)
    assert redflags.analyse_message(fell).own == []  # the fall alone is not a flag for the rules
    assert [h.flag_id for h in redflags.analyse_message(fell, judge=unsure_judge()).own] == [
        "cannot_bear_weight_after_injury"
    ]
    sat = redflags.parse("I sat at my desk at work all this morning and now my foot is all zebra.", heel_nlp)
    assert redflags.analyse_message(sat, judge=unsure_judge()).own == []  # no fall: the judge alone is not sure enough
    denied = redflags.parse("I did not fall or hurt it at all this morning, my foot is just all zebra.", heel_nlp)
    assert redflags.analyse_message(denied, judge=unsure_judge()).own == []  # a denied fall corroborates nothing
