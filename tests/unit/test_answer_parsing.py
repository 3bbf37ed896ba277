"""Free-text form answers -> Answers vocabularies; None when unclear so the form can re-ask once."""

from __future__ import annotations

import pytest

from heel.triage.answers import (
    extract_answers,
    parse_age,
    parse_age_band,
    parse_change,
    parse_duration_weeks,
    parse_improving,
    parse_location,
    parse_nerve_symptoms,
    parse_severity,
    parse_slot,
    parse_squeeze_pain,
    parse_timing,
    parse_yes_no,
)
from heel.triage.engine import AGE_BANDS, CHANGES, LOCATIONS, SEVERITIES, TIMINGS


@pytest.mark.parametrize(
    "text,expected",
    [
        ("underneath, near the inside", "under_heel"),
        ("under my heel", "under_heel"),
        ("bottom of the heel", "under_heel"),
        ("on the sole, towards the arch", "under_heel"),
        ("at the back where the tendon is", "back_of_heel"),
        ("back of my heel", "back_of_heel"),
        ("behind the heel, at the achilles", "back_of_heel"),
        ("both", "both_heels"),
        ("both heels actually", "both_heels"),
        ("left and right", "both_heels"),
        ("on the outside edge", "side_of_heel"),
        ("the sides of the heel", "side_of_heel"),
        ("all over really", "whole_heel"),
        ("the whole heel", "whole_heel"),
        ("under_heel", "under_heel"),
        ("1", "under_heel"),
        ("2", "back_of_heel"),
        ("dunno", None),
        ("", None),
        ("it hurts", None),
    ],
)
def test_parse_location(text, expected):
    assert parse_location(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("first thing when I get out of bed", "morning_first_steps"),
        ("mornings are the worst", "morning_first_steps"),
        ("the first few steps", "morning_first_steps"),
        ("it wakes me up at night", "night"),
        ("in bed", "night"),
        ("after I've been sitting at my desk", "after_rest"),
        ("when I stand up after driving", "after_rest"),
        ("when I run", "during_running"),
        ("during my runs", "during_running"),
        ("after a run, the next day", "after_running"),
        ("post-run", "after_running"),
        ("walking barefoot on the kitchen tiles", "barefoot_hard_floor"),
        ("all the time", "all_the_time"),
        ("it's constant", "all_the_time"),
        ("night", "night"),
        ("hmm", None),
        ("", None),
    ],
)
def test_parse_timing(text, expected):
    assert parse_timing(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("about 6 weeks", 6.0),
        ("6 weeks", 6.0),
        ("6wks", 6.0),
        ("a fortnight", 2.0),
        ("3 months", 13.0),
        ("six months", 26.0),
        ("a couple of days", 0.3),
        ("a few weeks", 3.0),
        ("2-3 weeks", 2.5),
        ("a year", 52.0),
        ("a year and a half", 78.0),
        ("since yesterday", 0.1),
        ("since last week", 1.0),
        ("since Christmas", None),
        ("a while", None),
        ("", None),
    ],
)
def test_parse_duration_weeks(text, expected):
    assert parse_duration_weeks(text) == expected


def test_bare_number_needs_a_unit_from_the_question():
    assert parse_duration_weeks("6") is None
    assert parse_duration_weeks("6", default_unit="weeks") == 6.0


@pytest.mark.parametrize(
    "text,expected",
    [
        ("since I upped my mileage", "training_increase"),
        ("started training for a marathon", "training_increase"),
        ("I increased my distance", "training_increase"),
        ("new trainers", "new_shoes"),
        ("changed to minimalist shoes", "new_shoes"),
        ("started doing hill repeats", "hills"),
        ("more trail running", "hills"),
        ("more road running", "hard_surface"),
        ("running on concrete", "hard_surface"),
        ("nothing really", "none"),
        ("no", "none"),
        ("I haven't changed anything", "none"),
        ("I'm pregnant", "other"),
        ("I haven't changed my shoes", "none"),
        ("hmm", None),
        ("", None),
    ],
)
def test_parse_change(text, expected):
    assert parse_change(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("yeah it does", True),
        ("yes", True),
        ("yep", True),
        ("Y", True),
        ("definitely", True),
        ("a little bit", True),
        ("no it doesn't", False),
        ("nope", False),
        ("nah", False),
        ("not really", False),
        ("not at all", False),
        ("no", False),
        ("not sure", None),
        ("maybe", None),
        ("dunno", None),
        ("", None),
        ("banana", None),
    ],
)
def test_parse_yes_no(text, expected):
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("no tingling", False),
        ("no numbness or tingling", False),
        ("some burning at night", True),
        ("tingling but no numbness", True),
        ("pins and needles sometimes", True),
        ("yes", True),
        ("no", False),
        ("not sure", None),
    ],
)
def test_parse_nerve_symptoms(text, expected):
    assert parse_nerve_symptoms(text) is expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("yes, ouch", True),
        ("it hurts", True),
        ("doesn't hurt", False),
        ("no pain", False),
        ("not sure", None),
    ],
)
def test_parse_squeeze_pain(text, expected):
    assert parse_squeeze_pain(text) is expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("getting better slowly", True),
        ("improving", True),
        ("a bit better", True),
        ("worse if anything", False),
        ("about the same", False),
        ("not getting better", False),
        ("no", False),
        ("hmm", None),
    ],
)
def test_parse_improving(text, expected):
    assert parse_improving(text) is expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("I'm 11", 11),
        ("45 years old", 45),
        ("my son is 12", 12),
        ("37", 37),
        ("aged 60", 60),
        ("12yo", 12),
        ("a 9-year-old", 9),
        ("in my forties", None),
        ("200", None),
        ("", None),
    ],
)
def test_parse_age(text, expected):
    assert parse_age(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("in my forties", "adult"),
        ("in my 70s", "older"),
        ("I'm 11", "child"),
        ("retired", "older"),
        ("teenager", "teen"),
        ("15", "teen"),
        ("mid 30s", "adult"),
        ("adult", "adult"),
        ("hmm", None),
    ],
)
def test_parse_age_band(text, expected):
    assert parse_age_band(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("not too bad", "mild"),
        ("mild", "mild"),
        ("a slight niggle", "mild"),
        ("2/10", "mild"),
        ("moderate", "moderate"),
        ("5 out of 10", "moderate"),
        ("quite sore", "moderate"),
        ("7/10", "severe"),
        ("agony", "severe"),
        ("really bad", "severe"),
        ("9", "severe"),
        ("hmm", None),
    ],
)
def test_parse_severity(text, expected):
    assert parse_severity(text) == expected


@pytest.mark.parametrize(
    "parser,vocabulary",
    [
        (parse_location, LOCATIONS),
        (parse_timing, TIMINGS),
        (parse_change, CHANGES),
        (parse_severity, SEVERITIES),
        (parse_age_band, AGE_BANDS),
    ],
)
def test_button_payload_values_round_trip(parser, vocabulary):
    for value in vocabulary:
        assert parser(value) == value


def test_parse_slot_dispatch():
    assert parse_slot("location", "under the heel") == "under_heel"
    assert parse_slot("duration_weeks", "2 weeks") == 2.0
    assert parse_slot("unknown", "x") is None


def test_extract_answers_from_a_description():
    found = extract_answers(
        "sharp pain under my heel every morning for 6 weeks since I started marathon training, "
        "I'm 42 years old, no tingling"
    )
    assert found == {
        "location": "under_heel",
        "timing": "morning_first_steps",
        "duration_weeks": 6.0,
        "change": "training_increase",
        "nerve_symptoms": False,
        "age": 42,
    }


def test_extract_answers_is_conservative():
    assert extract_answers("hello, what is plantar fasciitis?") == {}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("yeah no it doesnt", False),
        ("yeah no, doesn't hurt at all", False),
        ("yes, it does hurt", True),
        ("yep it does, no question", True),
    ],
)
def test_mixed_answers_follow_the_negated_verb(text, expected):
    assert parse_squeeze_pain(text) is expected


@pytest.mark.parametrize(
    "text, weeks",
    [
        ("most of the year on and off", 40.0),
        ("on and off for about 3 weeks", 3.0),
        ("2 weeks and a bit", 2.0),
    ],
)
def test_duration_words_inside_other_words_are_not_numbers(text, weeks):
    assert parse_duration_weeks(text) == weeks


def test_a_description_is_not_a_yes_to_improving():
    from heel.triage.answers import parse_improving

    assert parse_improving("I've got a bony lump on the back of my heel and it's painful where my shoe rubs") is None
    assert parse_improving("yes, a bit better") is True


# --- looks_like_question: a question typed in the middle of a form, or a topic question ---
from heel.triage.answers import looks_like_question  # noqa: E402


@pytest.mark.parametrize(
    "text",
    [
        "does shockwave hurt",
        "tell me about taping. thanks",
        "what is shockwave",
        "y does my heel kill after a long run tho",  # typed on a phone
        "heel sore 3 wks, shud i see someone yet",  # the question is the second clause
        "r flip flops bad for heels",
        "is it bad?",
    ],
)
def test_questions(text):
    assert looks_like_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "Alex Walker",
        "none, I can move my foot and toes fine",
        "about 3 weeks",
        "yes, burning and tingling, like pins and needles, but no numbness",
        "I get burning and tingling on the inside of my heel that shoots into my arch",
        "under the heel, mostly in the morning",
    ],
)
def test_answers_and_descriptions(text):
    assert not looks_like_question(text)
