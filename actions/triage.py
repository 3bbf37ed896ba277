"""Assessment form: start (with prefill from what the visitor already said), validation, questions, outcome.

Thin: parsing lives in heel.triage.answers, decisions in heel.triage.engine, texts in content/.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.content import answer_topic
from heel.content.messages import message, question
from heel.names import ASSESSMENT_FORM
from heel.safety import text as safety_text
from heel.settings import get_clinic
from heel.store import content_repo
from heel.triage import answers as parse
from heel.triage.engine import CAUSE_TOPIC, CareLevel, assess
from heel.triage.text import NO_WARNING_SIGNS, SKIPPED, SLOT_FIELDS, answers_from_slots, encode, outcome_text

logger = logging.getLogger(__name__)

FORM = ASSESSMENT_FORM
ASSESSMENT_SLOTS = ["warning_signs", *SLOT_FIELDS]
QUESTION_CONFIDENCE = 0.6  # an education question mid-form is answered, then the form asks again
SELF_CARE_WEEKS = 3.0


def _parse_age(text: str) -> Optional[str]:
    age = parse.parse_age(text)
    if age is not None:
        return str(age)
    return parse.parse_age_band(text)


# slot -> parser from free text to the engine's vocabulary (None = unclear)
PARSERS: Dict[str, Callable[[str], Any]] = {
    "pain_location": parse.parse_location,
    "pain_timing": parse.parse_timing,
    "pain_duration": parse.parse_duration_weeks,
    "pain_change": parse.parse_change,
    "squeeze_pain": parse.parse_squeeze_pain,
    "nerve_symptoms": parse.parse_nerve_symptoms,
    "age_band": _parse_age,
    "pain_course": parse.parse_improving,
}
FIELD_SLOTS = {field: slot for slot, field in SLOT_FIELDS.items()}


def _user_texts_since_last_assessment(tracker: Tracker) -> List[str]:
    texts: List[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_assessment_outcome":
            break
        if event.get("event") == "user" and event.get("text") and not event["text"].startswith("/"):
            texts.append(event["text"])
    return list(reversed(texts))


def prefill(texts: List[str]) -> Dict[str, str]:
    """Slots a free description already answers; later messages win. Yes/no questions are never prefilled."""
    found: Dict[str, str] = {}
    for text in texts:
        for field, value in parse.extract_answers(text).items():
            if field in FIELD_SLOTS:
                found[FIELD_SLOTS[field]] = encode(field, value)
        course = parse.describes_course(text)
        if course is not None:
            found["pain_course"] = encode("improving", course)
    return found


class ActionStartAssessment(Action):
    """Resets the interview and fills what the visitor already told us, so it is not asked again."""

    def name(self) -> Text:
        return "action_start_assessment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(**message("assessment_intro"))
        events: List[EventType] = [SlotSet(slot, None) for slot in ASSESSMENT_SLOTS]
        events += [SlotSet("reasked", []), SlotSet("interrupted_form", None)]
        events += [SlotSet(slot, value) for slot, value in prefill(_user_texts_since_last_assessment(tracker)).items()]
        if tracker.get_slot("red_flags"):
            events.append(SlotSet("warning_signs", "flagged"))  # already alerted in this conversation
        return events


class ValidateAssessmentForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_assessment_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        # Only a recent problem can be "mild, recent and improving" (self-care): ask about its course then.
        # rasa-sdk calls this before validate_pain_duration, so the slot may still hold the raw answer.
        raw = tracker.get_slot("pain_duration")
        weeks = None
        if raw not in (None, SKIPPED):
            text = str(raw)
            weeks = float(text) if text.replace(".", "", 1).isdigit() else parse.parse_duration_weeks(text)
        recent = weeks is not None and weeks < SELF_CARE_WEEKS
        return [slot for slot in domain_slots if slot != "pain_course" or recent]

    def _latest(self, tracker: Tracker) -> tuple[str, float, str]:
        intent = tracker.latest_message.get("intent") or {}
        return (
            intent.get("name") or "",
            float(intent.get("confidence") or 0.0),
            tracker.latest_message.get("text") or "",
        )

    def _handle(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, parser: Callable[[str], Any]
    ) -> Dict[Text, Any]:
        intent, confidence, text = self._latest(tracker)
        if tracker.get_slot("requested_slot") != slot:
            return {slot: value}  # prefilled at the start: already in the engine's vocabulary
        if intent == "skip":
            return {slot: SKIPPED}
        parsed = parser(str(value))
        if parsed is not None:
            return {slot: encode(SLOT_FIELDS.get(slot, slot), parsed)}
        reasked = list(tracker.get_slot("reasked") or [])
        digressed = f"{slot}:question"
        # A question in the middle is answered once per question slot; an unparsed *answer* that the model
        # happens to read as a topic must not loop (answer, same question, same answer, ...).
        if (
            intent.startswith("ask_")
            and confidence >= QUESTION_CONFIDENCE
            and digressed not in reasked
            and parse.looks_like_question(text)
        ):
            topic = content_repo.get_topic_by_intent(intent)
            if topic is not None:
                events = answer_topic(dispatcher, tracker, topic)
                result: Dict[Text, Any] = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
                result[slot] = None  # ask the same question again, no penalty
                result["reasked"] = reasked + [digressed]
                return result
        if slot in reasked:
            dispatcher.utter_message(text="No problem, let's move on.")
            return {slot: SKIPPED}
        return {slot: None, "reasked": reasked + [slot]}

    def validate_warning_signs(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        intent, _, _ = self._latest(tracker)
        if tracker.get_slot("requested_slot") != "warning_signs":
            return {"warning_signs": value}
        if intent == "deny" or parse.parse_yes_no(str(value)) is False or "none" in str(value).lower():
            return {"warning_signs": NO_WARNING_SIGNS}
        # "yes" without saying which: ask again with the options (the red-flag buttons name each sign).
        return self._handle("warning_signs", value, dispatcher, tracker, lambda _text: None)

    def validate_pain_location(self, value, dispatcher, tracker, domain):
        return self._handle("pain_location", value, dispatcher, tracker, PARSERS["pain_location"])

    def validate_pain_timing(self, value, dispatcher, tracker, domain):
        return self._handle("pain_timing", value, dispatcher, tracker, PARSERS["pain_timing"])

    def validate_pain_duration(self, value, dispatcher, tracker, domain):
        return self._handle("pain_duration", value, dispatcher, tracker, PARSERS["pain_duration"])

    def validate_pain_course(self, value, dispatcher, tracker, domain):
        return self._handle("pain_course", value, dispatcher, tracker, PARSERS["pain_course"])

    def validate_pain_change(self, value, dispatcher, tracker, domain):
        return self._handle("pain_change", value, dispatcher, tracker, PARSERS["pain_change"])

    def validate_squeeze_pain(self, value, dispatcher, tracker, domain):
        return self._handle("squeeze_pain", value, dispatcher, tracker, PARSERS["squeeze_pain"])

    def validate_nerve_symptoms(self, value, dispatcher, tracker, domain):
        return self._handle("nerve_symptoms", value, dispatcher, tracker, PARSERS["nerve_symptoms"])

    def validate_age_band(self, value, dispatcher, tracker, domain):
        return self._handle("age_band", value, dispatcher, tracker, PARSERS["age_band"])


class _AskQuestion(Action):
    """Asks one assessment question from content/messages.yml; adds an example when asked a second time."""

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        reask = self.slot in (tracker.get_slot("reasked") or [])
        dispatcher.utter_message(**question(self.slot, reask=reask))
        return []


# One ask action per question; rasa-sdk registers every concrete Action subclass.
for _slot in ASSESSMENT_SLOTS:
    globals()[f"ActionAsk_{_slot}"] = type(f"ActionAsk_{_slot}", (_AskQuestion,), {"slot": _slot})


class ActionAssessmentOutcome(Action):
    def name(self) -> Text:
        return "action_assessment_outcome"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        slots = {slot: tracker.get_slot(slot) for slot in [*ASSESSMENT_SLOTS, "red_flags", "warning_signs"]}
        result = assess(answers_from_slots(slots))
        clinic = get_clinic().placeholders()
        if result.level in (CareLevel.EMERGENCY, CareLevel.URGENT):
            text = safety_text.alert_text(result.red_flags, clinic)
            buttons: List[Dict[str, str]] = []
        else:
            titles = content_repo.get_titles(list(CAUSE_TOPIC.values()))
            text = outcome_text(result, titles, clinic)
            buttons = []
            if result.top_cause:
                topic = content_repo.get_topic(CAUSE_TOPIC[result.top_cause])
                if topic:
                    buttons.append({"title": f"About {topic.title.lower()}", "payload": f"/{topic.intent}"})
            if result.level == CareLevel.SELF_CARE:
                buttons.append({"title": "Exercises to try", "payload": "/ask_exercises"})
            if result.level in (CareLevel.PHYSIOTHERAPY, CareLevel.SELF_CARE):
                buttons.append({"title": "Book an appointment", "payload": "/book_appointment"})
            buttons.append({"title": "Talk to a person", "payload": "/request_human"})
        dispatcher.utter_message(text=text, buttons=buttons)
        events: List[EventType] = [
            SlotSet("assessment_summary", result.summary()),
            SlotSet("care_level", result.level.value),
            SlotSet("reasked", []),
        ]
        if result.top_cause:
            events += [
                SlotSet("condition", CAUSE_TOPIC[result.top_cause]),
                SlotSet("last_topic", CAUSE_TOPIC[result.top_cause]),
            ]
        return events
