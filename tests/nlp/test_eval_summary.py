"""Totals of scripts/eval_summary.py: what 'wrong topic' and 'fallback' count."""
from scripts.eval_summary import totals


def test_totals_count_right_answers_wrong_topics_and_fallbacks():
    t = totals([("ask_taping", "ask_taping"), ("ask_taping", "ask_orthoses"), ("ask_taping", "nlu_fallback"),
                ("greet", "ask_causes"), ("inform", "inform")])
    assert t == {"n": 5, "correct": 2, "education": 3, "wrong_topic": 1, "fallbacks": 1}


def test_a_clarifying_question_is_not_a_wrong_topic():
    assert totals([("ask_shockwave", "nlu_fallback")])["wrong_topic"] == 0
