"""A red flag that earlier turns complete interrupts the turn, exactly like one said in a single message.

`RedFlagDetector` (NLU) analyses each message once; `RedFlagOverride` turns a danger sign in that message into the
`red_flag` intent, and the rules then run `action_red_flag_alert` instead of the answer or the next form question.
This policy keeps the facts said so far in the `red_flag_context` slot and finds the danger signs that only earlier
facts complete ("I'm diabetic" ... later "a sore on my big toe is weeping"). It runs in the Rasa process, once per
user turn, at the turn's first prediction: the message's own facts come with the parsed message (`red_flag_facts`),
so a conversation with nothing remembered costs no second analysis; only when earlier facts exist is the message
read again with them. The slots are set through the prediction's events. When fresh flags are found, the next
action is the alert (ahead of an active form), and after that alert the bot listens.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from heel.names import ALERT_ACTION, RED_FLAG_FACTS, RED_FLAG_INTENT, RED_FLAGS_SLOT
from heel.names import RED_FLAG_CONTEXT_SLOT as CONTEXT_SLOT
from heel.names import RED_FLAGS_SOMEONE_ELSE_SLOT as SOMEONE_ELSE_SLOT
from heel.names import RED_FLAGS_THIS_TURN_SLOT as CONTEXT_FLAGS_SLOT

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


_pipelines: Dict[str, Any] = {}


def spacy_pipeline(path: str) -> Any:
    """The project's spaCy pipeline, once per process: read when the policy loads (about a second), so that no
    visitor's message waits for it."""
    if path not in _pipelines:
        import spacy

        _pipelines[path] = spacy.load(path)
    return _pipelines[path]


def cross_turn_update(tracker: DialogueStateTracker, nlp: Callable[[], Any]) -> Tuple[List[str], List[Event]]:
    """For the latest user message: the flags that earlier facts and this message make together (and the message
    alone did not, and no earlier alert gave), and the slot events that record them and the facts to keep."""
    from heel.safety import redflags
    from heel.safety import text as safety_text

    latest = tracker.latest_message
    text = (latest.text or "") if latest else ""
    if not text or text.startswith("/"):
        return [], []
    previous = redflags.RedFlagContext.from_dict(tracker.get_slot(CONTEXT_SLOT))
    alone = [
        e.get("value") for e in latest.entities or [] if e.get("entity") == "red_flag" and e.get("patient") == "visitor"
    ]
    fresh, updated, someone_else = redflags.combine_turn(
        previous, alone, (latest.parse_data or {}).get(RED_FLAG_FACTS) or [], lambda: redflags.parse(text, nlp())
    )
    already = set(tracker.get_slot(RED_FLAGS_SLOT) or [])
    if someone_else:  # another adult's: not again what this message alone alerted for them
        already |= {e.get("value") for e in latest.entities or [] if e.get("entity") == "red_flag"}
    known = set(safety_text.known_flags())
    fresh = [flag for flag in dict.fromkeys(fresh) if flag not in already and flag in known]
    events: List[Event] = []
    if updated != previous:
        events.append(SlotSet(CONTEXT_SLOT, updated.to_dict()))
    if fresh or tracker.get_slot(CONTEXT_FLAGS_SLOT):
        events.append(SlotSet(CONTEXT_FLAGS_SLOT, fresh))
    if (fresh and someone_else) or tracker.get_slot(SOMEONE_ELSE_SLOT):
        events.append(SlotSet(SOMEONE_ELSE_SLOT, bool(fresh and someone_else)))
    return fresh, events


def next_action(tracker: DialogueStateTracker, fresh: Optional[List[str]] = None) -> Optional[Text]:
    """What this policy insists on, or None to leave the turn to the rules and forms. `fresh`: the cross-turn flags
    found at this turn's first prediction (else those already recorded in the tracker this turn)."""
    intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
    if intent == RED_FLAG_INTENT:
        return None  # the single-message alert: the rules in data/rules/safety.yml already handle it
    if tracker.latest_action_name == ACTION_LISTEN_NAME and (fresh or flags_completed_this_turn(tracker)):
        return ALERT_ACTION
    if alert_was_for_context(tracker):
        return ACTION_LISTEN_NAME
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class CrossTurnRedFlagPolicy(Policy):
    """Runs the red-flag alert when facts from several turns make a danger sign; abstains otherwise."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": DEFAULT_PRIORITY, "spacy_model": "build/spacy_heel"}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        # Nothing to learn: the decision is the detector's. An empty resource keeps Rasa's load step uniform.
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "CrossTurnRedFlagPolicy":
        # A message that earlier facts complete is read again with spaCy; the pipeline is ready before the first.
        spacy_pipeline(str(config["spacy_model"]))
        return super().load(config, model_storage, resource, execution_context, **kwargs)

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        fresh: List[str] = []
        events: List[Event] = []
        if tracker.latest_action_name == ACTION_LISTEN_NAME and isinstance(tracker.latest_message, UserUttered):
            # the turn's first prediction: Rasa applies these events with whichever action wins
            fresh, events = cross_turn_update(tracker, lambda: spacy_pipeline(str(self.config["spacy_model"])))
        action = next_action(tracker, fresh)
        if action is None:
            return self._prediction(probabilities, events=events)
        probabilities[domain.index_for_action(action)] = 1.0
        # An active form's next question is a "no user" prediction, which outranks any other kind; the alert
        # must outrank it, so it is marked the same way (and wins on priority).
        return self._prediction(probabilities, events=events, is_no_user_prediction=(action == ALERT_ACTION))
