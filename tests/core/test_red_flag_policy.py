"""CrossTurnRedFlagPolicy on real Rasa trackers and the project's domain (no model needed)."""
from pathlib import Path

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from core_components.red_flag_policy import CrossTurnRedFlagPolicy, next_action

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture()
def policy(tmp_path):
    storage = LocalModelStorage(tmp_path)
    return CrossTurnRedFlagPolicy.create(CrossTurnRedFlagPolicy.get_default_config(), storage,
                                         Resource("cross_turn"), ExecutionContext(GraphSchema({}), "test"))


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
    tr = tracker(ActionExecuted("booking_form"), ActiveLoop("booking_form"), ActionExecuted("action_listen"),
                 user("it's for a red blister on my heel", "inform"),
                 SlotSet("red_flags_this_turn", ["diabetic_foot_wound"]), domain=domain)
    action, prediction = predicted(policy, tr, domain)
    assert action == "action_red_flag_alert"
    # A form's next question is a "no user" prediction; the alert must be one too to outrank it.
    assert prediction.is_no_user_prediction and prediction.policy_priority > 6


def test_after_that_alert_the_bot_listens(policy, domain):
    tr = tracker(user("what shoes with a red blister on my heel", "ask_footwear"),
                 SlotSet("red_flags_this_turn", ["diabetic_foot_wound"]), ActionExecuted("action_red_flag_alert"),
                 BotUttered("please see someone today"), domain=domain)
    assert predicted(policy, tr, domain)[0] == "action_listen"


@pytest.mark.parametrize("events", [
    # no fresh flag this turn
    [user("what shoes", "ask_footwear"), SlotSet("red_flags_this_turn", [])],
    # a flag from an earlier turn does not fire again on the next message (a button payload sets nothing)
    [user("blister gone red", "inform"), SlotSet("red_flags_this_turn", ["diabetic_foot_wound"]),
     ActionExecuted("action_red_flag_alert"), ActionExecuted("action_listen"), user("/continue_form", "continue_form")],
    # a single-message red flag is the rules' job (data/rules/safety.yml)
    [user("my foot is white and cold", "red_flag"), SlotSet("red_flags_this_turn", ["cold_pale_foot"])],
])
def test_abstains_otherwise(policy, domain, events):
    assert predicted(policy, tracker(*events, domain=domain), domain)[0] is None


def test_next_action_reads_only_the_latest_turn(domain):
    tr = tracker(user("I'm diabetic", "describe_symptoms"), SlotSet("red_flags_this_turn", ["diabetic_foot_wound"]),
                 ActionExecuted("action_red_flag_alert"), ActionExecuted("action_listen"),
                 user("thanks", "thank"), domain=domain)
    assert next_action(tr) is None


def test_training_persists_an_empty_resource_that_loads(policy, domain, tmp_path):
    resource = policy.train([], domain)
    loaded = CrossTurnRedFlagPolicy.load(CrossTurnRedFlagPolicy.get_default_config(), policy._model_storage,
                                         resource, ExecutionContext(GraphSchema({}), "test"))
    assert loaded.priority == 7
