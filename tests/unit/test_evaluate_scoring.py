"""The intent evaluation scores what the reply answers (scripts/evaluate.py)."""

from scripts.evaluate import replied_intent, score_intents


def parsed(intent, flags=(), model_intent=None):
    entities = [{"entity": "red_flag", "value": flag, "model_intent": model_intent} for flag in flags]
    return {"intent": {"name": intent, "confidence": 1.0}, "entities": entities}


def test_a_doctor_soon_alert_that_also_answers_counts_as_that_answer():
    result = parsed("red_flag", ["inflammatory_pattern"], "ask_inflammatory")
    assert replied_intent("ask_inflammatory", result) == "ask_inflammatory"
    assert replied_intent("ask_footwear", result) == "ask_inflammatory"  # a wrong topic, not a hidden one
    assert replied_intent("red_flag", result) == "red_flag"  # the alert is in the reply too


def test_an_alert_above_doctor_soon_or_without_a_question_is_only_an_alert():
    assert replied_intent("ask_orthoses", parsed("red_flag", ["diabetic_foot_wound"], "ask_orthoses")) == "red_flag"
    mixed = parsed("red_flag", ["inflammatory_pattern", "achilles_rupture"], "ask_achilles")
    assert replied_intent("ask_achilles", mixed) == "red_flag"
    assert replied_intent("ask_causes", parsed("red_flag", ["night_pain_systemic"], "nlu_fallback")) == "red_flag"
    assert replied_intent("ask_causes", parsed("ask_causes")) == "ask_causes"


def test_the_totals_count_the_answers_given_with_an_alert(monkeypatch):
    import scripts.evaluate as evaluate

    monkeypatch.setattr(evaluate, "seen_texts", lambda: frozenset())
    items = [{"text": "a", "intent": "ask_inflammatory"}, {"text": "b", "intent": "ask_causes"}]
    results = [parsed("red_flag", ["inflammatory_pattern"], "ask_inflammatory"), parsed("ask_causes")]
    scored = score_intents(items, results)
    assert scored["accuracy"] == 1.0 and scored["answered_with_alert"] == 1


def test_two_questions_count_as_both_addressed_when_the_other_is_answered_or_offered(monkeypatch):
    import scripts.evaluate as evaluate

    monkeypatch.setattr(evaluate, "seen_texts", lambda: frozenset())
    two = "Ice or heat for my heel, and when can I run again?"
    ranking = [{"name": "ask_pain_relief", "confidence": 0.6}, {"name": "ask_return_to_running", "confidence": 0.3}]
    answered = {**parsed("ask_pain_relief"), "intent_ranking": ranking}
    items = [
        {"text": two, "intent": "ask_return_to_running", "second": "ask_pain_relief"},  # answered one, offered one
        {"text": two, "intent": "ask_pain_relief", "second": "ask_footwear"},  # footwear neither answered nor offered
        {"text": "Ice or heat for my heel?", "intent": "ask_pain_relief"},  # one question: nothing offered
    ]
    scored = score_intents(items, [answered, answered, answered])
    assert (scored["two_questions"], scored["both_addressed"]) == (2, 1)
    assert (scored["one_question"], scored["second_offered"]) == (1, 0)
