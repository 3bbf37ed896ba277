"""Education actions: thin wrappers that read the content store and format replies."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from heel.content import answers, story
from heel.content.messages import message
from heel.language import people
from heel.names import QUESTION_TOPICS
from heel.settings import get_clinic
from heel.store import content_repo

logger = logging.getLogger(__name__)

# Spoken labels for intents that have no topic, used by the clarifying question.
INTENT_LABELS = {
    "describe_symptoms": "Check my symptoms",
    "request_assessment": "Check my symptoms",
    "book_appointment": "Book an appointment",
    "request_human": "Talk to a person",
}


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    return next(tracker.get_latest_entity_values(name), None)


def _condition(tracker: Tracker) -> Optional[str]:
    """The condition in focus: named in this message, else the one discussed earlier."""
    return _entity(tracker, "condition") or tracker.get_slot("condition")


class ActionAnswerTopic(Action):
    """Answers any education intent from the content store (intent -> topic is data, in the topic file)."""

    def name(self) -> Text:
        return "action_answer_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = tracker.get_intent_of_latest_message()
        topic = content_repo.get_topic_by_intent(intent) if intent else None
        if topic is None:
            logger.warning("no content for intent %s", intent)
            dispatcher.utter_message(**message("content_missing"))
            return []
        return answer_topic(dispatcher, tracker, topic)


def _titles_and_intents() -> tuple[Dict[str, str], Dict[str, str]]:
    index = content_repo.topic_index()
    return (
        {topic_id: title for topic_id, (title, _) in index.items()},
        {topic_id: intent for topic_id, (_, intent) in index.items()},
    )


def answer_topic(
    dispatcher: CollectingDispatcher, tracker: Tracker, topic: content_repo.TopicView, after_alert: bool = False
) -> List[Dict]:
    """The topic's answer, opened by what the visitor's description suggests; `after_alert`: the reply already
    opened with a red-flag alert, which is what the description points to, so no other likely cause is named."""
    titles, intents = _titles_and_intents()
    condition = None if topic.id in answers.CONDITION_TOPICS else _condition(tracker)
    text = answers.summary_reply(topic, get_clinic().placeholders(), condition, titles.get(condition or ""))
    said = str((tracker.latest_message or {}).get("text") or "")
    lead, second = None, None
    if said and not said.startswith("/"):
        lead = (
            None
            if after_alert
            else story.lead_line(said, people.someone_else(said), _entity(tracker, "condition") is not None)
        )
        if lead:
            text = f"{lead.text}\n\n{text}"
        if people.later_life(said) and topic.id != "older_adults":
            text = f"{text}\n\n{message('later_life_note')['text']}"
        second = _second_question(tracker, topic, said, titles, intents)
    buttons = answers.topic_buttons(topic, titles, intents, second=second, offer_check=bool(lead and lead.names_cause))
    dispatcher.utter_message(text=text, buttons=buttons)
    events: List[Dict] = [SlotSet("last_topic", topic.id)]
    if topic.id in answers.CONDITION_TOPICS:
        events.append(SlotSet("condition", topic.id))
    return events


def _second_question(
    tracker: Tracker, topic: content_repo.TopicView, said: str, titles: Dict[str, str], intents: Dict[str, str]
) -> Optional[Dict[str, str]]:
    """A message that asks two things gets the other topic offered as a button (heel.content.story)."""
    names = {intent: titles[topic_id] for topic_id, intent in intents.items() if topic_id in titles}
    parsed = tracker.latest_message or {}
    second = story.second_question(
        said, parsed.get("intent_ranking") or [], topic.intent, names, parsed.get(QUESTION_TOPICS) or ()
    )
    return {"title": names[second], "payload": f"/{second}"} if second else None


class ActionMoreInfo(Action):
    """'Tell me more': the longer explanation of the topic last answered."""

    def name(self) -> Text:
        return "action_more_info"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        topic_id = tracker.get_slot("last_topic")
        topic = content_repo.get_topic(topic_id) if topic_id else None
        if topic is None:
            dispatcher.utter_message(**message("more_info_no_topic"))
            return []
        titles, intents = _titles_and_intents()
        dispatcher.utter_message(
            text=answers.detail_reply(topic, get_clinic().placeholders()),
            buttons=answers.topic_buttons(topic, titles, intents, more=False),
        )
        return []


class ActionClarify(Action):
    """Low NLU confidence: ask which of the likeliest meanings was meant, instead of guessing."""

    def name(self) -> Text:
        return "action_clarify"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        topics = {intent: title for title, intent in content_repo.topic_index().values()}
        buttons: List[Dict[str, str]] = []
        seen = set()
        for candidate in ranking:
            intent = candidate.get("name")
            label = topics.get(intent) or INTENT_LABELS.get(intent)
            if not label or label in seen:
                continue
            seen.add(label)
            buttons.append({"title": label, "payload": f"/{intent}"})
            if len(buttons) == 3:
                break
        buttons.append({"title": "Something else", "payload": "/out_of_scope"})
        dispatcher.utter_message(text=message("clarify")["text"], buttons=buttons)
        return []


class ActionDefaultFallback(Action):
    """Replaces Rasa's default fallback so its text comes from content/messages.yml."""

    def name(self) -> Text:
        return "action_default_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from rasa_sdk.events import UserUtteranceReverted

        dispatcher.utter_message(**message("default"))
        # Forget the turn that could not be handled, as Rasa's own fallback does.
        return [UserUtteranceReverted()]


class ActionOutOfScope(Action):
    """Not about heels or feet: say what the assistant does, and where to go if it is an emergency."""

    def name(self) -> Text:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        dispatcher.utter_message(**message("out_of_scope", get_clinic().placeholders()))
        return []


class ActionAcknowledge(Action):
    """A 'yes' or 'no' that answers nothing open (e.g. after a request was already sent)."""

    def name(self) -> Text:
        return "action_acknowledge"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        dispatcher.utter_message(**message("acknowledge"))
        return []
