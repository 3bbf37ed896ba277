import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionRedFlagAlert, ActionResumeForm
from tests.support.trackers import make_tracker


def alert(flags, active_loop=None, slots=None):
    entities = [{"entity": "red_flag", "value": flag} for flag in flags]
    tracker = make_tracker("red_flag", text="...", entities=entities, active_loop=active_loop, slots=slots)
    dispatcher = CollectingDispatcher()
    events = ActionRedFlagAlert().run(dispatcher, tracker, {})
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, events


@pytest.mark.parametrize("flag", ["cold_pale_foot", "hot_swollen_foot_fever", "cannot_bear_weight_after_injury"])
def test_emergency_says_call_now_and_offers_no_booking(content_db, flag):
    messages, slots, _ = alert([flag], active_loop="booking_form")
    text = messages[0]["text"]
    assert "emergency" in text.lower() and "999" in text
    assert not any("book" in (b["payload"] + b["title"]).lower() for b in messages[0]["buttons"])
    assert slots["care_level"] == "emergency"
    assert slots["interrupted_form"] is None  # a routine booking never resumes after an emergency


@pytest.mark.parametrize("flag", ["achilles_rupture", "diabetic_foot_wound", "new_neuro_deficit"])
def test_urgent_gives_same_day_advice_and_the_clinic_phone(content_db, flag):
    from heel.settings import get_clinic

    messages, slots, _ = alert([flag])
    assert "today" in messages[0]["text"]
    assert get_clinic().phone in messages[0]["text"]
    assert slots["care_level"] == "urgent"


def test_most_severe_flag_sets_the_level_and_every_reason_is_given(content_db):
    messages, slots, _ = alert(["night_pain_systemic", "cold_pale_foot"])
    assert slots["care_level"] == "emergency"
    assert "weight loss" in messages[0]["text"] and "blood supply" in messages[0]["text"]
    assert slots["red_flags"] == ["night_pain_systemic", "cold_pale_foot"]


def test_alert_mid_assessment_closes_the_form_and_offers_to_carry_on(content_db):
    messages, slots, events = alert(["achilles_rupture"], active_loop="assessment_form")
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    assert slots["interrupted_form"] == "assessment_form"
    assert messages[0]["buttons"][0]["payload"] == "/continue_form"


def test_model_suspicion_without_detector_hit_asks_instead_of_alarming(content_db):
    messages, slots, _ = alert([])
    assert "check" in messages[0]["text"].lower()
    assert "care_level" not in slots


def test_resume_returns_to_the_interrupted_form():
    dispatcher = CollectingDispatcher()
    events = ActionResumeForm().run(
        dispatcher, make_tracker("continue_form", slots={"interrupted_form": "assessment_form"}), {}
    )
    assert {"event": "followup", "name": "assessment_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


def test_resume_with_nothing_to_resume_offers_options():
    dispatcher = CollectingDispatcher()
    assert ActionResumeForm().run(dispatcher, make_tracker("continue_form"), {}) == []
    assert dispatcher.messages[0]["buttons"]


def test_every_engine_red_flag_has_wording_and_nothing_else_does():
    from heel.safety import text as safety_text
    from heel.triage.engine import RED_FLAG_LEVELS

    assert set(safety_text.known_flags()) == set(RED_FLAG_LEVELS)


def someone_else_alert(flags, model_intent=None, active_loop=None):
    entities = [
        {
            "entity": "red_flag",
            "value": flag,
            "patient": "someone_else",
            "model_intent": "red_flag",
            "visitor_topic": model_intent,
        }
        for flag in flags
    ]
    tracker = make_tracker(
        "red_flag",
        text="...",
        entities=entities,
        active_loop=active_loop,
        slots={"care_level": "self_care", "red_flags": []},
    )
    dispatcher = CollectingDispatcher()
    events = ActionRedFlagAlert().run(dispatcher, tracker, {})
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_another_adults_emergency_tells_the_visitor_where_to_send_them(content_db):
    messages, slots = someone_else_alert(["cannot_bear_weight_after_injury"])
    text = messages[0]["text"]
    assert "person you mention" in text and "999" in text and "emergency" in text.lower()
    # the visitor's own record is untouched: no care level, no red flags of theirs, no booking blocked
    assert "care_level" not in slots and "red_flags" not in slots


def test_another_adults_alert_keeps_the_visitors_own_question_and_form(content_db):
    messages, slots = someone_else_alert(
        ["diabetic_foot_wound"], model_intent="ask_orthoses", active_loop="booking_form"
    )
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ["/ask_orthoses", "/continue_form"]
    assert slots["interrupted_form"] == "booking_form"  # their own booking may go on
    assert "today" in messages[0]["text"]


def test_another_adults_alert_without_a_question_of_their_own_just_invites_one(content_db):
    messages, _ = someone_else_alert(["cold_pale_foot"], model_intent=None)
    assert messages[0]["buttons"] == []
    assert "below" not in messages[0]["text"] and "your own heel" in messages[0]["text"]
    with_topic, _ = someone_else_alert(["cold_pale_foot"], model_intent="ask_footwear")
    assert "pick it below" in with_topic[0]["text"]


def test_another_adults_alert_goes_out_when_the_content_store_is_down(monkeypatch):
    from heel.store import content_repo

    def down(intent):
        raise RuntimeError("database is down")

    monkeypatch.setattr(content_repo, "get_topic_by_intent", down)
    messages, _ = someone_else_alert(["cold_pale_foot"], model_intent="ask_orthoses")
    assert "emergency" in messages[0]["text"].lower() and messages[0]["buttons"] == []


def test_a_visitors_own_flag_wins_over_the_someone_else_wording(content_db):
    entities = [{"entity": "red_flag", "value": "cold_pale_foot", "patient": "visitor"}]
    tracker = make_tracker("red_flag", text="...", entities=entities)
    dispatcher = CollectingDispatcher()
    ActionRedFlagAlert().run(dispatcher, tracker, {})
    assert "person you mention" not in dispatcher.messages[0]["text"]


def own_alert(flag, topic, active_loop=None, patient="visitor"):
    entities = [
        {"entity": "red_flag", "value": flag, "patient": patient, "model_intent": topic, "visitor_topic": topic}
    ]
    tracker = make_tracker(
        "red_flag", text="...", entities=entities, active_loop=active_loop, slots={"red_flags": [], "care_level": None}
    )
    dispatcher = CollectingDispatcher()
    events = ActionRedFlagAlert().run(dispatcher, tracker, {})
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_a_doctor_soon_alert_answers_the_question_asked_after_the_advice(content_db):
    """ "I have psoriasis, could that be linked to my heel pain?": the GP advice, then the inflammatory topic."""
    messages, slots = own_alert("inflammatory_pattern", "ask_inflammatory")
    assert len(messages) == 2
    advice, answer = messages
    assert "GP" in advice["text"] and "what you asked about" in advice["text"] and "tap it below" not in advice["text"]
    assert "arthritis" in answer["text"].lower()
    assert slots["last_topic"] == "inflammatory_heel_pain" and slots["care_level"] == "doctor_soon"
    assert slots["red_flags"] == ["inflammatory_pattern"]


def test_a_doctor_soon_alert_without_an_education_question_only_advises(content_db):
    for model_intent in (None, "nlu_fallback", "describe_symptoms"):
        messages, slots = own_alert("inflammatory_pattern", model_intent)
        assert len(messages) == 1 and "what you asked about" not in messages[0]["text"]
        assert "last_topic" not in slots


def test_in_a_form_a_doctor_soon_alert_keeps_the_question_a_tap_away(content_db):
    messages, slots = own_alert("inflammatory_pattern", "ask_inflammatory", active_loop="booking_form")
    assert len(messages) == 1 and "tap it below" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/ask_inflammatory", "/continue_form"]
    assert slots["interrupted_form"] == "booking_form"


def test_another_adults_doctor_soon_sign_gets_their_advice_then_the_answer(content_db):
    messages, slots = own_alert("inflammatory_pattern", "ask_inflammatory", patient="someone_else")
    assert len(messages) == 2 and "person you mention" in messages[0]["text"]
    assert "care_level" not in slots and "red_flags" not in slots  # the visitor's own record is untouched


def test_the_alert_goes_out_alone_when_the_content_store_is_down(monkeypatch):
    from heel.store import content_repo

    def down(intent):
        raise RuntimeError("database is down")

    monkeypatch.setattr(content_repo, "get_topic_by_intent", down)
    messages, slots = own_alert("inflammatory_pattern", "ask_inflammatory")
    assert len(messages) == 1 and "GP" in messages[0]["text"] and slots["care_level"] == "doctor_soon"


def test_same_day_and_emergency_alerts_offer_no_topic(content_db):
    for flag in ("diabetic_foot_wound", "cold_pale_foot"):
        messages, slots = own_alert(flag, "ask_orthoses")
        assert len(messages) == 1 and messages[0]["buttons"] == [] and "tap it below" not in messages[0]["text"]
        assert "what you asked about" not in messages[0]["text"] and "last_topic" not in slots


def test_the_answer_after_an_alert_names_no_other_likely_cause(content_db):
    """The alert is what the description points to: the answer that follows it does not open with another cause."""
    from actions.content import answer_topic
    from heel.store import content_repo

    said = "Both my heels hurt most with the first steps in the morning and I have psoriasis. Could it be linked?"
    entities = [
        {
            "entity": "red_flag",
            "value": "inflammatory_pattern",
            "patient": "visitor",
            "model_intent": "ask_inflammatory",
        }
    ]
    tracker = make_tracker("red_flag", text=said, entities=entities, slots={"red_flags": [], "care_level": None})
    plain = CollectingDispatcher()
    answer_topic(plain, tracker, content_repo.get_topic_by_intent("ask_inflammatory"))
    assert plain.messages[0]["text"].startswith("From what you describe")  # the control: a lead line is there
    dispatcher = CollectingDispatcher()
    ActionRedFlagAlert().run(dispatcher, tracker, {})
    advice, answer = dispatcher.messages
    assert advice["text"].endswith("here is what you asked about.")
    assert not answer["text"].startswith("From what you describe")
