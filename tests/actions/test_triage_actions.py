import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.triage import ActionAssessmentOutcome, ActionStartAssessment, ValidateAssessmentForm, prefill
from heel.triage.text import SKIPPED
from tests.support.trackers import make_tracker


def slots_of(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_opening_description_prefills_what_was_already_said():
    found = prefill(["the bottom of my heel kills first thing in the morning, been like this for about 6 weeks"])
    assert found["pain_location"] == "under_heel"
    assert found["pain_timing"] == "morning_first_steps"
    assert found["pain_duration"] == "6"
    assert "squeeze_pain" not in found  # yes/no questions are never guessed from a description
    assert "pain_course" not in found


def test_a_description_that_says_it_is_improving_answers_the_course_question():
    assert prefill(["sore under my heel since last week but it's already getting better"])["pain_course"] == "yes"
    assert prefill(["my heel pain is getting worse every week"])["pain_course"] == "no"


def test_start_resets_old_answers_and_prefills(content_db):
    events = [{"event": "user", "text": "pain at the back of my heel when I run uphill", "parse_data": {}}]
    tracker = make_tracker(
        "describe_symptoms",
        text=events[0]["text"],
        events=events,
        slots={"pain_location": "under_heel", "squeeze_pain": "yes"},
    )
    dispatcher = CollectingDispatcher()
    result = slots_of(ActionStartAssessment().run(dispatcher, tracker, {}))
    assert result["pain_location"] == "back_of_heel"
    assert result["squeeze_pain"] is None
    assert "not a diagnosis" in dispatcher.messages[0]["text"]


async def validate(slot, text, intent="inform", slots=None, confidence=0.9):
    form = ValidateAssessmentForm()
    tracker = make_tracker(
        intent,
        text=text,
        slots={"requested_slot": slot, **(slots or {})},
        active_loop="assessment_form",
        confidence=confidence,
    )
    dispatcher = CollectingDispatcher()
    method = getattr(form, f"validate_{slot}")
    return method(text, dispatcher, tracker, {}), dispatcher.messages


@pytest.mark.parametrize(
    "slot, text, expected",
    [
        ("pain_location", "underneath, near the inside", "under_heel"),
        ("pain_timing", "first thing when I get out of bed", "morning_first_steps"),
        ("pain_duration", "about 6 weeks", "6"),
        ("pain_change", "since I upped my mileage", "training_increase"),
        ("squeeze_pain", "yes it hurts when I squeeze it", "yes"),
        ("nerve_symptoms", "no tingling", "no"),
        ("age_band", "I'm 11", "11"),
        ("warning_signs", "none of those", "none"),
    ],
)
async def test_free_text_answers_are_understood(slot, text, expected):
    result, _ = await validate(slot, text)
    assert result[slot] == expected


async def test_unclear_answer_is_asked_again_once_then_skipped():
    first, _ = await validate("pain_location", "hmm it's hard to say really")
    assert first == {"pain_location": None, "reasked": ["pain_location"]}
    second, messages = await validate("pain_location", "still not sure", slots={"reasked": ["pain_location"]})
    assert second["pain_location"] == SKIPPED
    assert "move on" in messages[0]["text"]


async def test_skip_intent_skips_the_question():
    result, _ = await validate("pain_change", "skip", intent="skip")
    assert result["pain_change"] == SKIPPED


async def test_question_mid_form_is_answered_and_the_question_stays_open(content_db):
    result, messages = await validate("pain_duration", "what does shockwave therapy involve?", intent="ask_shockwave")
    assert result["pain_duration"] is None
    assert result["reasked"] == ["pain_duration:question"]  # answered once, not counted as an unclear answer
    assert result["last_topic"] == "shockwave"
    assert "Sources:" in messages[0]["text"]


@pytest.mark.parametrize(
    "duration, asked",
    [("1", True), ("6", False), (SKIPPED, False), ("about 6 weeks", False), ("a few days", True), ("no idea", False)],
)
async def test_course_is_asked_only_for_recent_pain(duration, asked):
    tracker = make_tracker("inform", slots={"pain_duration": duration}, active_loop="assessment_form")
    slots = await ValidateAssessmentForm().required_slots(
        ["warning_signs", "pain_location", "pain_duration", "pain_course", "pain_change"],
        CollectingDispatcher(),
        tracker,
        {},
    )
    assert ("pain_course" in slots) is asked


def outcome(slots):
    dispatcher = CollectingDispatcher()
    events = ActionAssessmentOutcome().run(dispatcher, make_tracker("inform", slots=slots), {})
    return dispatcher.messages[0], slots_of(events)


TYPICAL_PF = {
    "warning_signs": "none",
    "pain_location": "under_heel",
    "pain_timing": "morning_first_steps",
    "pain_duration": "8",
    "pain_change": "training_increase",
    "squeeze_pain": "no",
    "nerve_symptoms": "no",
    "age_band": "42",
}


def test_typical_plantar_fasciitis_outcome_explains_and_offers_booking(content_db):
    message, slots = outcome(TYPICAL_PF)
    assert "plantar fasciitis" in message["text"].lower()
    assert "first steps in the morning" in message["text"]
    assert "not a diagnosis" in message["text"]
    assert "/book_appointment" in [b["payload"] for b in message["buttons"]]
    assert slots["care_level"] == "physiotherapy"
    assert slots["condition"] == "plantar_fasciitis"
    assert "plantar fasciitis" in slots["assessment_summary"].lower()


def test_red_flag_outcome_never_offers_a_booking(content_db):
    message, slots = outcome(dict(TYPICAL_PF, red_flags=["cold_pale_foot"]))
    assert slots["care_level"] == "emergency"
    assert "/book_appointment" not in [b["payload"] for b in message["buttons"]]
    assert "999" in message["text"] or "emergency" in message["text"].lower()


def test_suspected_stress_fracture_goes_to_a_doctor_first(content_db):
    message, slots = outcome(
        dict(TYPICAL_PF, pain_location="whole_heel", pain_timing="during_running", squeeze_pain="yes")
    )
    assert slots["care_level"] == "doctor_soon"
    assert "stress fracture" in message["text"].lower()
    assert "/book_appointment" not in [b["payload"] for b in message["buttons"]]


async def test_an_answer_the_model_reads_as_a_topic_question_does_not_loop(content_db):
    """'I went from 30 to 60 km a week' classified ask_recovery_time must not be answered as a question."""
    result, messages = await validate(
        "pain_change", "I went from 30 to 60 km a week in a month for an ultra", intent="ask_recovery_time"
    )
    assert result["pain_change"] == "training_increase"
    assert messages == []


async def test_a_second_question_on_the_same_slot_falls_back_to_asking_again(content_db):
    result, _ = await validate(
        "pain_duration", "what is indiba?", intent="ask_indiba", slots={"reasked": ["pain_duration:question"]}
    )
    assert result["pain_duration"] is None
    assert "pain_duration" in result["reasked"]


def test_pain_at_the_back_of_the_heel_points_to_achilles_even_with_morning_stiffness(content_db):
    message, slots = outcome(dict(TYPICAL_PF, pain_location="back_of_heel", pain_change="hills"))
    assert slots["condition"] == "achilles_tendinopathy"
