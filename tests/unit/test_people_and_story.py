"""Whose heel a message is about, and the likely cause a description before a question points to."""

import pytest

from heel.content.story import (
    each_question,
    likely_cause,
    question_count,
    question_part,
    second_question,
)
from heel.language.people import someone_else


@pytest.mark.parametrize(
    "text, person",
    [
        ("My 12 year old son has sore heels after football", "your son"),
        ("our youngest daughter (9) has heel pain", "your daughter"),
        ("my mum is 81 and her heels hurt, what can help her?", "your mum"),
        ("My wife has had heel pain for months; is surgery worth it?", "your wife"),
        ("Asking for my hubby, he's a chef on his feet all day", "your husband"),
        ("my husband says my heel pain is plantar fasciitis", None),  # the visitor's own heel
        ("my friend said I should ice it", None),  # a friend's advice, not a friend's heel
        ("what is plantar fasciitis", None),
        ("my 9yo jumped off the climbing frame onto his heels", "your 9-year-old"),  # a child named by age
        ("My 15 yr old runs cross country", "your 15-year-old"),
    ],
)
def test_someone_else(text, person):
    assert someone_else(text) == person


def test_a_description_points_to_its_likely_cause():
    lead = likely_cause("Stabbing pain under my heel with the first steps every morning for three months. What helps?")
    assert lead is not None and lead.cause_id == "plantar_fasciitis"
    back = likely_cause("Pain at the back of my heel since I increased my mileage. Can I keep running?")
    assert back is not None and back.cause_id == "achilles_tendinopathy"


@pytest.mark.parametrize("text", ["what is plantar fasciitis?", "my heel hurts", "does ice help heel pain"])
def test_a_question_without_a_description_names_no_cause(text):
    assert likely_cause(text) is None


def test_question_count():
    assert question_count("Is ice better? And how do I get back to running?") == 2
    assert question_count("My heel hurts every morning. What can I do about it") == 1
    assert question_count("I have heel pain.") == 0


@pytest.mark.parametrize(
    "text, part",
    [
        ("Pain under my heel when I get up. It eases by lunch. Should I buy insoles?", "Should I buy insoles?"),
        ("Ran a half last week and my heel aches\nwhat helps", "what helps"),
        ("Is ice better? And how do I get back to running?", None),  # every sentence asks: the question is the whole
        ("My heel has hurt for a month.", None),  # nothing asked
    ],
)
def test_question_part_is_the_asking_sentences_of_a_message_that_also_tells(text, part):
    assert question_part(text) == part


@pytest.mark.parametrize(
    "text, count",
    [
        ("Why has my heel pain returned after a year, and what stops it coming back?", 2),
        ("what is a heel spur and how would anyone know they had one?", 2),
        ("Should I rest it for a week, and is swimming ok meanwhile?", 2),
        # a sentence that goes on from the question before it with a link word
        ("Will the swelling go down by itself? and how long should I rest it", 2),
        ("Could it be my trainers? also would a gel cup help", 2),
        ("Is it the shoes? And it hurts by the evening.", 1),  # goes on, but tells
        # one question whose description goes on with "and"
        ("What can I do for a heel that hurts in the morning and is swollen by night?", 1),
        ("Is it worth trying insoles and a night splint?", 1),
    ],
)
def test_questions_joined_by_and_count_as_two(text, count):
    assert question_count(text) == count


def test_the_second_question_is_the_next_topic_when_two_are_asked_and_it_is_likely_enough():
    topics = {"ask_pain_relief", "ask_return_to_running", "ask_footwear"}
    ranking = [
        {"name": "ask_pain_relief", "confidence": 0.6},
        {"name": "describe_symptoms", "confidence": 0.2},
        {"name": "ask_return_to_running", "confidence": 0.15},
    ]
    two = "Ice or heat for a sore heel, and when can I run again?"
    assert second_question(two, ranking, "ask_pain_relief", topics) == "ask_return_to_running"
    assert second_question("Ice or heat for a sore heel?", ranking, "ask_pain_relief", topics) is None
    unlikely = [{**r, "confidence": 0.05} if r["name"] == "ask_return_to_running" else r for r in ranking]
    assert second_question(two, unlikely, "ask_pain_relief", topics) is None


@pytest.mark.parametrize(
    "text, older",
    [
        ("my mum is 81 and her heels hurt", True),
        ("my gran has sore heels", True),
        ("im 68 and never had sore heels", True),
        ("elderly heel pain advice", True),
        ("I am 45 with heel pain", False),
        ("my 12 year old son", False),
        ("pain for 70 days now", False),
    ],
)
def test_later_life(text, older):
    from heel.language.people import later_life

    assert later_life(text) is older


@pytest.mark.parametrize(
    "text, readings",
    [
        (
            "Sore under my heel for months. Is it plantar fasciitis? And would insoles help?",
            [
                "Sore under my heel for months. Is it plantar fasciitis?",
                "Sore under my heel for months. And would insoles help?",
            ],
        ),
        # two questions inside one sentence, joined by "and"
        (
            "what is a heel spur and how do they find one? had an x-ray last week",
            ["what is a heel spur had an x-ray last week", "and how do they find one? had an x-ray last week"],
        ),
        # no question marks: a sentence asks when it opens like one
        (
            "heel hurts in the mornings. should i stretch. how long till it goes",
            ["heel hurts in the mornings. should i stretch.", "heel hurts in the mornings. how long till it goes"],
        ),
        # the writer marks questions: a clause opening like a question inside a telling sentence does not ask
        ("My GP sent me for a scan, which was clear. Would physio help now?", []),
        ("Would physio help? I have had it since March.", []),
        ("Sore heel for a month.", []),
    ],
)
def test_each_question_is_read_with_the_story_and_without_the_other_questions(text, readings):
    assert [question.reading for question in each_question(text)] == readings


def test_the_other_question_is_the_first_asked_topic_that_is_not_the_answer():
    topics = {"ask_pain_relief": "Ice and painkillers", "ask_return_to_running": "Running again"}
    two = "Ice or heat for a sore heel? And when can I run again?"
    asked = ["ask_pain_relief", "ask_return_to_running"]
    assert second_question(two, [], "ask_pain_relief", topics, asked) == "ask_return_to_running"
    assert second_question(two, [], "ask_return_to_running", topics, asked) == "ask_pain_relief"
    # a question read as the answer's own topic, or as no topic the answer can offer, offers nothing
    assert second_question(two, [], "ask_pain_relief", topics, ["ask_pain_relief"]) is None
    assert second_question(two, [], "ask_pain_relief", topics, ["ask_pain_relief", "ask_clinic_info"]) is None


def test_the_questions_asked_are_the_parts_that_ask_in_order():
    text = "Sore under my heel for months. Is it plantar fasciitis? And would insoles help? Thanks"
    assert [q.asked for q in each_question(text)] == ["Is it plantar fasciitis?", "And would insoles help?"]
    assert each_question("Sore for months. Would insoles help?") == []
