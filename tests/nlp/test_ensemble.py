"""The routing after the classifiers (nlu_components.heel_nlu): the ensemble, IntentGuard, TopicMargin and
QuestionOrder."""

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from heel.names import QUESTION_TOPICS
from nlu_components.heel_nlu import DIET_RANKING, IntentEnsemble, KeepRanking, QuestionOrder
from nlu_components.ranking import QUESTION_READINGS, blend_rankings


def test_blend_is_a_weighted_mean_and_a_missing_intent_counts_zero():
    blended = blend_rankings(
        [{"name": "a", "confidence": 0.6}, {"name": "b", "confidence": 0.4}],
        [{"name": "b", "confidence": 0.9}, {"name": "c", "confidence": 0.1}],
        0.5,
    )
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
    message = _message(
        [{"name": "ask_physiotherapy", "confidence": 0.55}, {"name": "ask_shockwave", "confidence": 0.45}]
    )
    KeepRanking().process([message])
    assert message.get(DIET_RANKING)[0]["name"] == "ask_physiotherapy"
    # the second classifier overwrites intent and ranking, as LogisticRegressionClassifier does
    message.set(INTENT, {"name": "ask_shockwave", "confidence": 0.9})
    message.set(
        INTENT_RANKING_KEY,
        [{"name": "ask_shockwave", "confidence": 0.9}, {"name": "ask_physiotherapy", "confidence": 0.1}],
    )
    IntentEnsemble({"diet_weight": 0.5}).process([message])
    assert message.get(INTENT)["name"] == "ask_shockwave"
    assert message.get(INTENT)["confidence"] == pytest.approx(0.675)
    assert message.get(INTENT_RANKING_KEY)[1]["name"] == "ask_physiotherapy"


def test_ensemble_leaves_a_message_alone_without_a_kept_ranking():
    message = _message([{"name": "greet", "confidence": 0.9}])
    IntentEnsemble({}).process([message])
    assert message.get(INTENT) == {"name": "greet", "confidence": 0.9}


# --- IntentGuard: a description is not a topic question; a weak model-only red flag does not stop a form ---
from nlu_components.heel_nlu import IntentGuard  # noqa: E402
from nlu_components.ranking import promote, without  # noqa: E402


def _parsed(text, *ranked):
    ranking = [{"name": name, "confidence": conf} for name, conf in ranked]
    return Message(data={TEXT: text, INTENT: dict(ranking[0]), INTENT_RANKING_KEY: ranking})


def test_promote_swaps_confidences_and_without_drops_one_intent():
    ranking = [{"name": "a", "confidence": 0.7}, {"name": "b", "confidence": 0.2}, {"name": "c", "confidence": 0.1}]
    assert promote(ranking, "b") == [
        {"name": "b", "confidence": 0.7},
        {"name": "a", "confidence": 0.2},
        {"name": "c", "confidence": 0.1},
    ]
    assert [r["name"] for r in without(ranking, "a")] == ["b", "c"]


def test_a_first_person_description_without_a_question_starts_the_assessment():
    message = _parsed(
        "my heel burns and tingles on the inside after long walks",
        ("ask_nerve_entrapment", 0.7),
        ("describe_symptoms", 0.25),
        ("ask_orthoses", 0.05),
    )
    IntentGuard().process([message])
    assert message.get(INTENT)["name"] == "describe_symptoms"
    assert message.get(INTENT)["routed_from"] == "ask_nerve_entrapment"


@pytest.mark.parametrize(
    "text, ranked",
    [
        (
            "my heel burns on the inside, is that a trapped nerve?",
            (("ask_nerve_entrapment", 0.7), ("describe_symptoms", 0.25)),
        ),
        ("sore for 3 weeks, shud i see someone", (("ask_when_to_see_physio", 0.6), ("describe_symptoms", 0.3))),
        (
            "my heel burns on the inside",
            (("ask_nerve_entrapment", 0.9), ("describe_symptoms", 0.1)),
        ),  # sure of the topic
        ("burning heel nerve thing explained", (("ask_nerve_entrapment", 0.6), ("describe_symptoms", 0.3))),  # no I/my
        (
            "my heel burns on the inside",
            (("ask_nerve_entrapment", 0.7), ("ask_symptoms", 0.25)),
        ),  # runner-up not describe
        # a description ending in a clear aspect question, without "?" (v23a review)
        (
            "my heel has been sore since I upped my miles. anyway how long does it take to settle",
            (("ask_recovery_time", 0.5), ("describe_symptoms", 0.45)),
        ),
    ],
)
def test_questions_and_sure_topics_keep_their_topic(text, ranked):
    message = _parsed(text, *ranked)
    IntentGuard().process([message])
    assert message.get(INTENT)["name"] == ranked[0][0]


def test_a_weak_model_only_red_flag_gives_way_to_the_next_intent():
    message = _parsed("none, I can move my foot and toes fine", ("red_flag", 0.49), ("affirm", 0.2), ("deny", 0.1))
    IntentGuard().process([message])
    assert message.get(INTENT)["name"] == "affirm"
    assert all(r["name"] != "red_flag" for r in message.get(INTENT_RANKING_KEY))


def test_a_confident_model_red_flag_and_buttons_are_kept():
    sure = _parsed("my achilles just went and I can't walk on it", ("red_flag", 0.8), ("describe_symptoms", 0.1))
    button = _parsed("/ask_nerve_entrapment", ("ask_nerve_entrapment", 0.7), ("describe_symptoms", 0.25))
    IntentGuard().process([sure, button])
    assert sure.get(INTENT)["name"] == "red_flag"
    assert button.get(INTENT)["name"] == "ask_nerve_entrapment"


@pytest.mark.parametrize("control", ["stop", "continue_form", "skip", "request_human"])
def test_a_weak_control_intent_does_not_end_or_skip_anything(control):
    weak = _parsed("that jump, and I've kept training on concrete", (control, 0.31), ("inform", 0.2))
    sure = _parsed("stop", (control, 0.95), ("inform", 0.01))
    IntentGuard().process([weak, sure])
    assert weak.get(INTENT)["name"] == "inform"
    assert sure.get(INTENT)["name"] == control


# --- TopicMargin: two topics too close to call get the clarifying question ---
from nlu_components.heel_nlu import TopicMargin  # noqa: E402


def _ranked(text, *ranked):
    ranking = [{"name": n, "confidence": c} for n, c in ranked]
    return Message(data={TEXT: text, INTENT: dict(ranking[0]), INTENT_RANKING_KEY: ranking})


def test_close_topics_on_a_question_become_a_clarifying_question_with_both_kept():
    message = _ranked("do your physios do hands-on treatment?", ("ask_physiotherapy", 0.5), ("ask_manual_therapy", 0.4))
    TopicMargin({"topic_margin": 0.2}).process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert message.get(INTENT)["routed_from"] == "ask_physiotherapy"
    # the close topics stay in the ranking, in order, for the clarify buttons
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == [
        "nlu_fallback",
        "ask_physiotherapy",
        "ask_manual_therapy",
    ]


@pytest.mark.parametrize(
    "text, ranked, expected",
    [
        # "heel raises": a calf exercise and a lift in the shoe; the visitor chooses (v8, v9, v23a review)
        (
            "heel raises for a sore achilles, worth it?",
            (("ask_exercises", 0.65), ("ask_orthoses", 0.3)),
            "nlu_fallback",
        ),
        ("heel lifts any good?", (("ask_orthoses", 0.7), ("ask_exercises", 0.25)), "nlu_fallback"),
        # one meaning only among the top two: the clear winner answers
        (
            "heel raises for a sore achilles, worth it?",
            (("ask_exercises", 0.65), ("ask_achilles", 0.3)),
            "ask_exercises",
        ),
        ("are calf raises good for achilles?", (("ask_exercises", 0.65), ("ask_orthoses", 0.3)), "ask_exercises"),
        # the message settles the meaning
        ("would a heel lift in my boots help?", (("ask_orthoses", 0.65), ("ask_exercises", 0.3)), "ask_orthoses"),
        ("how many sets of heel raises a day?", (("ask_exercises", 0.65), ("ask_orthoses", 0.3)), "ask_exercises"),
        # the privacy answer without a word about data asks, question or not
        (
            "the school nurse said severs whats that when its at home",
            (("ask_privacy", 0.7), ("ask_severs", 0.2)),
            "nlu_fallback",
        ),
        ("do you keep my details", (("ask_privacy", 0.7), ("ask_severs", 0.2)), "ask_privacy"),
    ],
)
def test_a_word_with_two_meanings_or_a_topic_without_its_words_asks(text, ranked, expected):
    message = _ranked(text, *ranked)
    TopicMargin({"topic_margin": 0.2}).process([message])
    assert message.get(INTENT)["name"] == expected


def test_a_clear_winner_is_left_alone():
    message = _ranked("does shockwave hurt?", ("ask_shockwave", 0.8), ("ask_ultrasound", 0.1))
    TopicMargin({"topic_margin": 0.2}).process([message])
    assert message.get(INTENT)["name"] == "ask_shockwave"


@pytest.mark.parametrize(
    "text, top",
    [
        ("back of the heel near the tendon", "ask_achilles"),  # a form answer, not a question
        ("/ask_shockwave", "ask_shockwave"),  # a button payload
        ("is it ok to run?", "affirm"),  # not a topic
    ],
)
def test_only_topic_questions_are_held_back(text, top):
    message = _ranked(text, (top, 0.45), ("ask_symptoms", 0.4))
    TopicMargin({"topic_margin": 0.2}).process([message])
    assert message.get(INTENT)["name"] == top


def test_the_fallback_pseudo_intent_is_not_a_runner_up():
    message = _ranked("what is shockwave?", ("ask_shockwave", 0.6), ("nlu_fallback", 0.55), ("ask_ultrasound", 0.2))
    TopicMargin({"topic_margin": 0.2}).process([message])
    assert message.get(INTENT)["name"] == "ask_shockwave"


def test_ensemble_function_mixes_three_rankings_and_cuts_to_length():
    from nlu_components.ranking import ensemble

    diet = [{"name": "a", "confidence": 0.8}, {"name": "b", "confidence": 0.2}]
    second = [{"name": "a", "confidence": 0.6}, {"name": "b", "confidence": 0.4}]
    embedding = [{"name": "b", "confidence": 0.9}, {"name": "c", "confidence": 0.1}]
    assert [r["name"] for r in ensemble(diet, second, None, 0.5, 0.5)] == ["a", "b"]
    mixed = ensemble(diet, second, embedding, 0.5, 0.5, length=2)
    assert [r["name"] for r in mixed] == ["b", "a"]  # a 0.35, b 0.6, c 0.05 cut off
    assert [r["confidence"] for r in mixed] == pytest.approx([0.6, 0.35])


def _parsed_with_doc(nlp, text, *ranked):
    from rasa.nlu.constants import SPACY_DOCS

    from nlu_components.heel_nlu import RedFlagDetector

    message = _parsed(text, *ranked)
    message.set(SPACY_DOCS[TEXT], nlp(text))
    return RedFlagDetector().process([message])[0]


@pytest.mark.parametrize(
    "text",
    [
        "I'm not diabetic, the sore bit on my heel is just from new boots",
        "zero weakness, I can walk on my tiptoes and heels, only the arch aches",
        "my heel puffed up a bit after the hike but it went down by the morning, no temperature",
    ],
)
def test_a_model_red_flag_the_detector_set_aside_gives_way(heel_nlp, text):
    """The detector owns negation: a danger sign it read as denied, past or passing is not a red flag."""
    message = _parsed_with_doc(heel_nlp, text, ("red_flag", 0.9), ("describe_symptoms", 0.05))
    IntentGuard().process([message])
    assert message.get(INTENT)["name"] == "describe_symptoms"


@pytest.mark.parametrize(
    "text",
    [
        "something is badly wrong with my foot and I'm scared",  # no danger sign the detector knows: the model's net
        "I'm diabetic and there's an open sore on my heel",  # the detector fires: stays a red flag
    ],
)
def test_a_model_red_flag_is_kept_when_the_detector_has_nothing_to_say_against_it(heel_nlp, text):
    message = _parsed_with_doc(heel_nlp, text, ("red_flag", 0.9), ("describe_symptoms", 0.05))
    IntentGuard().process([message])
    assert message.get(INTENT)["name"] == "red_flag"


def _asking(whole, *readings):
    """A message with its whole ranking and one reading per question (as JointIntentClassifier leaves them)."""
    message = _ranked("story. first question? second question?", *whole)
    message.set(QUESTION_READINGS, [_ranked(f"story. question {i}?", *ranked) for i, ranked in enumerate(readings)])
    return message


ORDER = {"top": 3, "threshold": 0.3, "ambiguity_threshold": 0.03}


def test_the_first_question_answers_when_the_whole_message_ranks_it_among_its_best():
    message = _asking(
        [("ask_causes", 0.5), ("ask_footwear", 0.3), ("ask_orthoses", 0.1)],
        [("ask_footwear", 0.6), ("ask_causes", 0.2)],
        [("ask_orthoses", 0.7), ("ask_footwear", 0.1)],
    )
    QuestionOrder(ORDER).process([message])
    assert message.get(INTENT)["name"] == "ask_footwear"
    assert message.get(INTENT)["read_from"] == "first_question"
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "ask_footwear"
    assert message.get(QUESTION_TOPICS) == ["ask_footwear", "ask_orthoses"]
    assert message.get(QUESTION_READINGS) is None  # read once


def test_the_whole_message_keeps_its_answer_when_the_first_question_reads_as_something_it_did_not_rank():
    message = _asking(
        [("ask_shockwave", 0.8), ("ask_orthoses", 0.1), ("ask_surgery", 0.05)],
        [("ask_recovery_time", 0.6), ("ask_shockwave", 0.2)],
        [("ask_shockwave", 0.9), ("ask_orthoses", 0.05)],
    )
    QuestionOrder(ORDER).process([message])
    assert message.get(INTENT)["name"] == "ask_shockwave"
    assert message.get(QUESTION_TOPICS) == ["ask_recovery_time", "ask_shockwave"]


def test_an_undecided_message_takes_a_sure_first_question_and_an_unsure_one_is_no_topic():
    menu = [("nlu_fallback", 0.25), ("ask_causes", 0.25), ("ask_surgery", 0.2)]
    sure = _asking(menu, [("ask_heel_spurs", 0.7), ("ask_surgery", 0.1)], [("ask_surgery", 0.6), ("ask_causes", 0.1)])
    QuestionOrder(ORDER).process([sure])
    assert sure.get(INTENT)["name"] == "ask_heel_spurs"
    unsure = _asking(
        menu, [("ask_heel_spurs", 0.25), ("ask_surgery", 0.2)], [("ask_surgery", 0.4), ("ask_surgery_x", 0.39)]
    )
    QuestionOrder(ORDER).process([unsure])
    assert unsure.get(INTENT)["name"] == "nlu_fallback"  # below the threshold, and too close to call
    assert unsure.get(QUESTION_TOPICS) is None


def test_a_message_that_asks_once_is_left_alone():
    message = _ranked("would insoles help?", ("ask_orthoses", 0.9), ("ask_footwear", 0.05))
    QuestionOrder(ORDER).process([message])
    assert message.get(INTENT)["name"] == "ask_orthoses"
    assert message.get(QUESTION_TOPICS) is None


def test_the_routing_components_route_each_question_reading_like_the_message():
    message = _asking(
        [("ask_orthoses", 0.9), ("ask_footwear", 0.05)],
        [("ask_physiotherapy", 0.5), ("ask_manual_therapy", 0.45)],
    )
    TopicMargin({"topic_margin": 0.2}).process([message])
    assert message.get(INTENT)["name"] == "ask_orthoses"
    assert message.get(QUESTION_READINGS)[0].get(INTENT)["name"] == "nlu_fallback"
