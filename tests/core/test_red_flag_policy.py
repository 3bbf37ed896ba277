"""CrossTurnRedFlagPolicy on real Rasa trackers and the project's domain (no model needed)."""

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from core_components.red_flag_policy import CrossTurnRedFlagPolicy, cross_turn_update, next_action

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture()
def policy(tmp_path):
    storage = LocalModelStorage(tmp_path)
    return CrossTurnRedFlagPolicy.create(
        CrossTurnRedFlagPolicy.get_default_config(),
        storage,
        Resource("cross_turn"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def user(text, intent):
    return UserUttered(text, {"name": intent, "confidence": 0.9})


def tracker(*events, domain=None):
    return DialogueStateTracker.from_events("t", [ActionExecuted("action_listen"), *events], domain=domain)


def predicted(policy, tr, domain):
    prediction = policy.predict_action_probabilities(tr, domain)
    if max(prediction.probabilities) == 0:
        return None, prediction
    return domain.action_names_or_texts[prediction.max_confidence_index], prediction


def test_fresh_cross_turn_flags_get_the_alert_ahead_of_an_active_form(policy, domain):
    tr = tracker(
        ActionExecuted("booking_form"),
        ActiveLoop("booking_form"),
        ActionExecuted("action_listen"),
        user("it's for a red blister on my heel", "inform"),
        SlotSet("red_flags_this_turn", ["diabetic_foot_wound"]),
        domain=domain,
    )
    action, prediction = predicted(policy, tr, domain)
    assert action == "action_red_flag_alert"
    # A form's next question is a "no user" prediction; the alert must be one too to outrank it.
    assert prediction.is_no_user_prediction and prediction.policy_priority > 6


def test_after_that_alert_the_bot_listens(policy, domain):
    tr = tracker(
        user("what shoes with a red blister on my heel", "ask_footwear"),
        SlotSet("red_flags_this_turn", ["diabetic_foot_wound"]),
        ActionExecuted("action_red_flag_alert"),
        BotUttered("please see someone today"),
        domain=domain,
    )
    assert predicted(policy, tr, domain)[0] == "action_listen"


@pytest.mark.parametrize(
    "events",
    [
        # no fresh flag this turn
        [user("what shoes", "ask_footwear"), SlotSet("red_flags_this_turn", [])],
        # a flag from an earlier turn does not fire again on the next message (a button payload sets nothing)
        [
            user("blister gone red", "inform"),
            SlotSet("red_flags_this_turn", ["diabetic_foot_wound"]),
            ActionExecuted("action_red_flag_alert"),
            ActionExecuted("action_listen"),
            user("/continue_form", "continue_form"),
        ],
        # a single-message red flag is the rules' job (data/rules/safety.yml)
        [user("my foot is white and cold", "red_flag"), SlotSet("red_flags_this_turn", ["cold_pale_foot"])],
    ],
)
def test_abstains_otherwise(policy, domain, events):
    assert predicted(policy, tracker(*events, domain=domain), domain)[0] is None


def test_next_action_reads_only_the_latest_turn(domain):
    tr = tracker(
        user("I'm diabetic", "describe_symptoms"),
        SlotSet("red_flags_this_turn", ["diabetic_foot_wound"]),
        ActionExecuted("action_red_flag_alert"),
        ActionExecuted("action_listen"),
        user("thanks", "thank"),
        domain=domain,
    )
    assert next_action(tr) is None


def test_training_persists_an_empty_resource_that_loads_with_its_spacy_pipeline_ready(
    policy, domain, tmp_path, monkeypatch
):
    read = []
    monkeypatch.setattr("core_components.red_flag_policy.spacy_pipeline", read.append)
    resource = policy.train([], domain)
    loaded = CrossTurnRedFlagPolicy.load(
        CrossTurnRedFlagPolicy.get_default_config(),
        policy._model_storage,
        resource,
        ExecutionContext(GraphSchema({}), "test"),
    )
    assert loaded.priority == 7
    assert read == ["build/spacy_heel"]  # read at load, not at the first visitor's message


# --- the cross-turn analysis itself (moved here from the action server: one analysis per turn, in the Rasa process)


@pytest.fixture(scope="module")
def nlp():
    from nlp.build import DEFAULT_OUT, load_or_build

    return load_or_build(DEFAULT_OUT)


def said(text, intent="inform", facts=None, entities=None):
    parse_data = {"intent": {"name": intent, "confidence": 0.9}, "entities": entities or [], "text": text}
    if facts:
        parse_data["red_flag_facts"] = facts
    return UserUttered(text, parse_data["intent"], entities or [], parse_data)


def context_of(*texts):
    """The red_flag_context slot after the visitor said these, one message each (as the policy keeps it)."""
    from heel.safety import redflags
    from nlp.build import DEFAULT_OUT, load_or_build

    context = redflags.RedFlagContext()
    for text in texts:
        _, context = redflags.detect_and_remember(redflags.parse(text, load_or_build(DEFAULT_OUT)), context)
    return context.to_dict()


def slots_of(events):
    return {e.key: e.value for e in events if isinstance(e, SlotSet)}


def test_diabetes_then_a_wound_in_a_later_turn_is_a_fresh_flag(domain, nlp):
    tr = tracker(
        SlotSet("red_flag_context", context_of("I'm type 2 diabetic, on metformin")),
        said("there's a blister on my heel that has gone red"),
        domain=domain,
    )
    fresh, events = cross_turn_update(tr, lambda: nlp)
    assert fresh == ["diabetic_foot_wound"]
    slots = slots_of(events)
    assert slots["red_flags_this_turn"] == ["diabetic_foot_wound"] and slots["red_flag_context"]["has_diabetes"]


def test_a_wound_without_diabetes_is_not(domain, nlp):
    tr = tracker(
        SlotSet("red_flag_context", context_of("I run about 30k a week on roads")),
        said("there's a blister on my heel that has gone red"),
        domain=domain,
    )
    assert cross_turn_update(tr, lambda: nlp)[0] == []


def test_a_flag_the_message_itself_shows_is_left_to_the_nlu_override(domain, nlp):
    alert = {"entity": "red_flag", "value": "diabetic_foot_wound", "patient": "visitor"}
    tr = tracker(
        SlotSet("red_flag_context", context_of("I'm diabetic")),
        said("I'm diabetic and there's an ulcer on my heel", "red_flag", entities=[alert]),
        domain=domain,
    )
    assert cross_turn_update(tr, lambda: nlp)[0] == []


def test_a_flag_already_alerted_does_not_fire_again(domain, nlp):
    tr = tracker(
        SlotSet("red_flag_context", context_of("I'm type 1 diabetic")),
        SlotSet("red_flags", ["diabetic_foot_wound"]),
        said("the blister on my heel is still red"),
        domain=domain,
    )
    assert cross_turn_update(tr, lambda: nlp)[0] == []


def test_with_nothing_remembered_the_message_facts_come_from_the_nlu_and_nothing_is_parsed(domain):
    def no_parse():
        raise AssertionError("the message must not be analysed twice")

    tr = tracker(said("I'm diabetic", "describe_symptoms", facts=["has_diabetes"]), domain=domain)
    fresh, events = cross_turn_update(tr, no_parse)
    assert fresh == [] and slots_of(events) == {"red_flag_context": {**context_of(), "has_diabetes": True}}


def test_last_turns_flags_are_cleared_and_button_payloads_are_not_read(domain, nlp):
    tr = tracker(SlotSet("red_flags_this_turn", ["diabetic_foot_wound"]), said("thanks", "thank"), domain=domain)
    assert slots_of(cross_turn_update(tr, lambda: nlp)[1]) == {"red_flags_this_turn": []}
    tr = tracker(
        SlotSet("red_flag_context", context_of("I'm diabetic")), said("/continue_form", "continue_form"), domain=domain
    )
    assert cross_turn_update(tr, lambda: nlp) == ([], [])


def test_the_policy_alerts_ahead_of_a_form_and_records_the_flags_in_its_events(policy, domain, nlp, monkeypatch):
    monkeypatch.setattr("core_components.red_flag_policy.spacy_pipeline", lambda path: nlp)
    tr = tracker(
        SlotSet("red_flag_context", context_of("I'm type 1 diabetic")),
        ActionExecuted("booking_form"),
        ActiveLoop("booking_form"),
        ActionExecuted("action_listen"),
        said("yes. it's for a blister on my heel that has gone red and hot", "affirm"),
        domain=domain,
    )
    action, prediction = predicted(policy, tr, domain)
    assert action == "action_red_flag_alert" and prediction.is_no_user_prediction
    assert slots_of(prediction.events)["red_flags_this_turn"] == ["diabetic_foot_wound"]


def test_the_alert_reads_the_flags_that_earlier_turns_completed(content_db):
    from rasa_sdk.executor import CollectingDispatcher

    from actions.safety import ActionRedFlagAlert
    from tests.support.trackers import make_tracker

    tr = make_tracker(
        "ask_footwear",
        text="what shoes with a red blister on my heel",
        slots={"red_flags_this_turn": ["diabetic_foot_wound"]},
    )
    dispatcher = CollectingDispatcher()
    events = ActionRedFlagAlert().run(dispatcher, tr, {})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert "today" in dispatcher.messages[0]["text"]
    assert slots["care_level"] == "urgent" and slots["red_flags"] == ["diabetic_foot_wound"]


def test_another_adults_facts_and_a_later_she_make_their_alert_not_the_visitors(domain, nlp):
    tr = tracker(
        SlotSet("red_flag_context", context_of("my gran has type 2 diabetes")),
        said("she's got a blister on her heel and the skin round it is red"),
        domain=domain,
    )
    fresh, events = cross_turn_update(tr, lambda: nlp)
    assert fresh == ["diabetic_foot_wound"] and slots_of(events)["red_flags_for_someone_else"] is True
    mine = tracker(
        SlotSet("red_flag_context", context_of("I have type 2 diabetes")),
        said("I've got a blister on my heel and the skin round it is red"),
        domain=domain,
    )
    fresh, events = cross_turn_update(mine, lambda: nlp)
    assert fresh == ["diabetic_foot_wound"] and "red_flags_for_someone_else" not in slots_of(events)


def test_the_alert_for_another_adult_completed_across_turns_is_worded_for_them(content_db):
    from rasa_sdk.executor import CollectingDispatcher

    from actions.safety import ActionRedFlagAlert
    from heel.safety import text as safety_text
    from heel.settings import get_clinic
    from tests.support.trackers import make_tracker

    tr = make_tracker(
        "inform",
        text="she's got a blister on her heel",
        slots={"red_flags_this_turn": ["diabetic_foot_wound"], "red_flags_for_someone_else": True},
    )
    dispatcher = CollectingDispatcher()
    ActionRedFlagAlert().run(dispatcher, tr, {})
    expected = safety_text.alert_text(["diabetic_foot_wound"], get_clinic().placeholders(), someone_else=True)
    assert dispatcher.messages[0]["text"] == expected
