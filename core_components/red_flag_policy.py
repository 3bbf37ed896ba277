"""A red flag that earlier turns complete interrupts the turn, exactly like one said in a single message.

`RedFlagOverride` (NLU) sees one message; it turns a danger sign into the `red_flag` intent, and the rules then run
`action_red_flag_alert` instead of the answer or the next form question. A danger sign that only earlier facts
complete ("I'm diabetic" ... later "a blister on my heel has gone red") is found by `action_track_red_flag_context`,
a custom slot mapping that Rasa runs before any policy, and written to the `red_flags_this_turn` slot. A slot
mapping cannot change what happens next, so this policy does: when that slot was filled in the current user turn,
the next action is the alert (ahead of an active form), and after that alert the bot listens.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

ALERT_ACTION = "action_red_flag_alert"
CONTEXT_FLAGS_SLOT = "red_flags_this_turn"
RED_FLAG_INTENT = "red_flag"
# Above RulePolicy (6), so that an alert wins over a rule or a form's next question predicted with equal confidence.
DEFAULT_PRIORITY = 7


def flags_completed_this_turn(tracker: DialogueStateTracker) -> List[str]:
    """The cross-turn flags set since the latest user message (empty if that message had none)."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return []
        if isinstance(event, SlotSet) and event.key == CONTEXT_FLAGS_SLOT:
            return list(event.value or [])
    return []


def alert_was_for_context(tracker: DialogueStateTracker) -> bool:
    """The latest action is the alert, and it ran for flags that earlier turns completed."""
    return tracker.latest_action_name == ALERT_ACTION and bool(flags_completed_this_turn(tracker))


def next_action(tracker: DialogueStateTracker) -> Optional[Text]:
    """What this policy insists on, or None to leave the turn to the rules and forms."""
    intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
    if intent == RED_FLAG_INTENT:
        return None  # the single-message alert: the rules in data/rules/safety.yml already handle it
    if tracker.latest_action_name == ACTION_LISTEN_NAME and flags_completed_this_turn(tracker):
        return ALERT_ACTION
    if alert_was_for_context(tracker):
        return ACTION_LISTEN_NAME
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class CrossTurnRedFlagPolicy(Policy):
    """Runs the red-flag alert when facts from several turns make a danger sign; abstains otherwise."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": DEFAULT_PRIORITY}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        # Nothing to learn: the decision is the detector's. An empty resource keeps Rasa's load step uniform.
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = next_action(tracker)
        if action is None:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        # An active form's next question is a "no user" prediction, which outranks any other kind; the alert
        # must outrank it, so it is marked the same way (and wins on priority).
        return self._prediction(probabilities, is_no_user_prediction=(action == ALERT_ACTION))
