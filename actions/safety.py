"""Red-flag actions: interrupt whatever is happening, say where to get care, offer to carry on."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.content import answer_topic
from heel.content.messages import message
from heel.safety import text as safety_text
from heel.settings import get_clinic
from heel.store import content_repo

logger = logging.getLogger(__name__)

# Forms that may resume after an alert at this level. A routine booking never follows an emergency or
# same-day alert (PRODUCT.md levels of care); an assessment may, since the visitor may say we misread them.
RESUMABLE = {
    "assessment_form": set(safety_text.LEVEL_ORDER),
    "booking_form": {"doctor_soon"},
}


def _red_flag_entities(tracker: Tracker) -> List[Dict[str, Any]]:
    known = set(safety_text.known_flags())
    return [
        e
        for e in tracker.latest_message.get("entities", [])
        if e.get("entity") == "red_flag" and e.get("value") in known
    ]


def red_flag_ids(tracker: Tracker) -> List[str]:
    return list(dict.fromkeys(e["value"] for e in _red_flag_entities(tracker)))


def someone_elses(tracker: Tracker) -> bool:
    """The danger sign is another adult's the visitor writes about: in this message (RedFlagOverride), or completed
    by this message and their facts in earlier ones (CrossTurnRedFlagPolicy)."""
    entities = _red_flag_entities(tracker)
    if not entities:
        return bool(tracker.get_slot("red_flags_for_someone_else"))
    return all(e.get("patient") == "someone_else" for e in entities)


def own_question_buttons(tracker: Tracker, resumable: Optional[str]) -> List[Dict[str, str]]:
    """After another adult's alert: the topic the model read in the visitor's message, and the interrupted form."""
    buttons: List[Dict[str, str]] = []
    entity = next(iter(_red_flag_entities(tracker)), {})
    model_intent = entity.get("visitor_topic") or entity.get("model_intent")
    if model_intent and str(model_intent).startswith("ask_"):
        topic = _topic_or_none(str(model_intent), "no topic button after the alert")
        if topic is not None:
            buttons.append({"title": topic.title, "payload": f"/{model_intent}"})
    if resumable:
        buttons.append({"title": "Carry on", "payload": "/continue_form"})
    return buttons


def _topic_or_none(intent: str, what_is_lost: str) -> Optional[content_repo.TopicView]:
    """The intent's content topic; None when the content store is down, so that the alert itself always goes out."""
    try:
        return content_repo.get_topic_by_intent(intent)
    except Exception:
        logger.warning("content store unavailable: %s", what_is_lost)
        return None


def _topic_answered_with_alert(tracker: Tracker, flags: List[str]) -> Optional[content_repo.TopicView]:
    """The content topic answered in the alert's reply (heel/safety/text.py decides when), or None."""
    entity = next(iter(_red_flag_entities(tracker)), {})
    intent = safety_text.answered_with_alert(flags, entity.get("model_intent"))
    return None if intent is None else _topic_or_none(intent, "the alert goes out without the answer")


class ActionRedFlagAlert(Action):
    def name(self) -> Text:
        return "action_red_flag_alert"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        # The detector's flags for this message, else flags that earlier facts complete (actions/red_flag_context.py).
        flags = red_flag_ids(tracker) or list(tracker.get_slot("red_flags_this_turn") or [])
        active = (tracker.active_loop or {}).get("name")
        # Always close any form: the rules expect it, and nothing routine may continue after an alert.
        events: List[Dict] = [ActiveLoop(None), SlotSet("requested_slot", None)]
        if not flags:
            # The model suspects danger but the detector found nothing specific: ask, never ignore.
            dispatcher.utter_message(**message("possible_red_flag"))
            return events + [SlotSet("interrupted_form", active)]
        level = safety_text.most_severe_level(safety_text.flag_level(f) for f in flags)
        someone_else = someone_elses(tracker)
        logger.debug("red flag alert at level %s (flags %s, someone else: %s)", level, ",".join(flags), someone_else)
        resumable = active if active and level in RESUMABLE.get(active, set()) else None
        if someone_else:
            # Another adult's danger: say where to send them; the visitor's own care level and forms stay as they were.
            record = [SlotSet("interrupted_form", active)]
        else:
            previous = tracker.get_slot("red_flags") or []
            care = safety_text.most_severe_level([level, tracker.get_slot("care_level")])
            record = [
                SlotSet("red_flags", list(dict.fromkeys(previous + flags))),
                SlotSet("care_level", care),
                SlotSet("interrupted_form", resumable),
            ]
        answered = None if active else _topic_answered_with_alert(tracker, flags)
        if answered is not None:
            # A doctor's review within days is not an emergency: the question asked is answered after the advice.
            text = safety_text.alert_text(
                flags, get_clinic().placeholders(), someone_else=someone_else, answer_follows=True
            )
            dispatcher.utter_message(text=text)
            return events + record + answer_topic(dispatcher, tracker, answered, after_alert=True)
        if someone_else:  # the visitor's own question and form are a button away
            buttons = own_question_buttons(tracker, active)
            topic_button = any(b["payload"] != "/continue_form" for b in buttons)
            text = safety_text.alert_text(
                flags, get_clinic().placeholders(), someone_else=True, own_question_button=topic_button
            )
            dispatcher.utter_message(text=text, buttons=buttons)
            return events + record
        carry_on = "You misread me, carry on" if level == "emergency" else "Carry on"
        buttons = [{"title": carry_on, "payload": "/continue_form"}] if resumable else []
        # In a form the visitor's own question at the doctor-soon level stays one tap away, beside "Carry on".
        topic = own_question_buttons(tracker, None) if level == "doctor_soon" else []
        text = safety_text.alert_text(flags, get_clinic().placeholders(), own_question_button=bool(topic))
        dispatcher.utter_message(text=text, buttons=topic + buttons)
        return events + record


class ActionResumeForm(Action):
    """'Carry on': go back to the form a red flag or question interrupted."""

    def name(self) -> Text:
        return "action_resume_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        form = tracker.get_slot("interrupted_form")
        if not form:
            dispatcher.utter_message(**message("nothing_to_continue"))
            return []
        return [SlotSet("interrupted_form", None), FollowupAction(form)]
