"""Booking hand-off and "talk to a person": thin Rasa actions over booking_logic, opening_hours and requests_repo.

Nothing here confirms a request before requests_repo.create_request() returned, i.e. after the commit; a database
failure is told to the visitor as such, with the clinic's phone number. Slot values (names, numbers, health
details) are never logged.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import uuid
from abc import ABC, abstractmethod
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple

import yaml
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    ConversationPaused,
    EventType,
    FollowupAction,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from heel import privacy
from heel.booking import hours as opening_hours
from heel.booking import logic
from heel.content.answers import fill
from heel.names import CONTACT_REQUEST_SLOT
from heel.settings import PROJECT_ROOT, Clinic, get_clinic
from heel.store import requests_repo

logger = logging.getLogger(__name__)

REQUESTED_SLOT = "requested_slot"
# An education question asked in the middle of a form is answered by the rules, then the form asks again.
# After an emergency or same-day alert a booking is still possible (follow-up physio), but urgent care comes first.
URGENT_CARE_LEVELS = {"emergency", "urgent"}

CONTACT_SLOTS = ["booking_name", "booking_contact", "booking_phone", "booking_email"]
FORM_SLOTS = [
    "booking_consent",
    "booking_preferred_time",
    "booking_preferred_time_text",
    "booking_preferred_time_data",
    "booking_reason",
    "booking_patient_type",
    "booking_confirmed",
    "booking_submission_id",
    "booking_attempts",
]
RESTART_KEEPS = ("booking_consent", "booking_submission_id")
FIELD_SLOTS = {
    "name": "booking_name",
    "contact": "booking_contact",
    "phone": "booking_contact",
    "email": "booking_contact",
    "preferred_time": "booking_preferred_time",
    "reason": "booking_reason",
    "patient_type": "booking_patient_type",
}
INVALID_MESSAGES = {
    "empty": "invalid_name",
    "not_a_name": "invalid_name",
    "too_long": "invalid_name",
    "no_contact": "invalid_contact",
    "invalid_phone": "invalid_phone",
    "invalid_email": "invalid_email",
    "unreadable": "invalid_time",
    "past": "time_past",
}
MESSAGES_FILE = PROJECT_ROOT / "content" / "booking.yml"


# ------------------------------------------------------------------------------------------- clinic details
def _clinic() -> Dict[str, Any]:
    try:
        return dict(get_clinic().data)
    except (OSError, ValueError) as exc:  # a missing or broken clinic.yml must not break a booking
        logger.warning("clinic settings unavailable: %s", type(exc).__name__)
        return {}


def _clinic_phone(clinic: Dict[str, Any]) -> str:
    return str(clinic.get("phone") or "the clinic's main number")


@lru_cache(maxsize=1)
def texts() -> Dict[str, Dict[str, Any]]:
    """content/booking.yml: every sentence these actions say (content as data, as for the other features)."""
    with open(MESSAGES_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _say(
    dispatcher: CollectingDispatcher, key: str, clinic: Dict[str, Any], section: str = "messages", **values: Any
) -> None:
    entry = texts()[section][key]
    placeholders = Clinic(clinic).placeholders()
    placeholders["phone"] = _clinic_phone(clinic)
    placeholders.update({k: str(v) for k, v in values.items()})
    dispatcher.utter_message(text=fill(entry["text"], placeholders), buttons=copy.deepcopy(entry.get("buttons", [])))


def _schedule(clinic: Dict[str, Any]) -> Optional[opening_hours.Schedule]:
    try:
        return opening_hours.schedule_from_clinic(clinic)
    except opening_hours.OpeningHoursError as exc:
        logger.warning("clinic.yml opening_hours unreadable: %s", exc)
        return None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _local_now(clinic: Dict[str, Any]) -> datetime:
    try:
        tz = opening_hours.load_timezone(str(clinic.get("timezone") or "Europe/London"))
    except opening_hours.OpeningHoursError:
        tz = timezone.utc
    return _now().astimezone(tz).replace(tzinfo=None)


def _when_open(clinic: Dict[str, Any]) -> str:
    return opening_hours.when_open_text(_schedule(clinic), _now())


def _contact_how(phone: Optional[str], email: Optional[str], region: str) -> str:
    ways = []
    if phone:
        ways.append(f"by phone on {logic.format_phone(phone, region)}")
    if email:
        ways.append(f"by email at {email}")
    return " or ".join(ways)


# ------------------------------------------------------------------------------------------- tracker helpers
def _latest_intent(tracker: Tracker) -> Tuple[Optional[str], float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def _booking_fields(tracker: Tracker) -> Dict[str, Any]:
    return {
        "name": tracker.get_slot("booking_name"),
        "phone": tracker.get_slot("booking_phone"),
        "email": tracker.get_slot("booking_email"),
        "preferred_time": tracker.get_slot("booking_preferred_time"),
        "preferred_time_text": tracker.get_slot("booking_preferred_time_text"),
        "reason": tracker.get_slot("booking_reason"),
        "patient_type": tracker.get_slot("booking_patient_type"),
    }


def _reset(slots: List[str]) -> List[EventType]:
    return [SlotSet(slot, None) for slot in slots]


def _committed(request: requests_repo.RequestView, slots: List[str], region: str) -> List[EventType]:
    """After a request is stored: its id stays, the contact details leave the conversation. The stored details are
    named once more so that the tracker store can find every copy (a reply that repeated them) and remove it."""
    named = [
        SlotSet("booking_name", request.name),
        SlotSet("booking_contact", logic.contact_text(request.phone, request.email, region)),
        SlotSet("booking_phone", request.phone),
        SlotSet("booking_email", request.email),
    ]
    return (
        named
        + _reset(CONTACT_SLOTS + slots)
        + [SlotSet(CONTACT_REQUEST_SLOT, request.id), SlotSet(privacy.PRIVACY_SLOT, privacy.REDACT)]
    )


def _forget(slots: List[str]) -> List[EventType]:
    """Cancelled or declined: nothing goes to the front desk, and what was typed into the form leaves the stored
    conversation too ("your details are not stored")."""
    return _reset(slots) + [SlotSet(privacy.PRIVACY_SLOT, privacy.REDACT)]


def _stop_form() -> List[EventType]:
    """The open booking or hand-off form ends with nothing sent, and what was typed into it is forgotten."""
    return _forget(CONTACT_SLOTS + FORM_SLOTS + ["handoff_consent"]) + [SlotSet(REQUESTED_SLOT, None), ActiveLoop(None)]


def _known_contact(tracker: Tracker) -> Tuple[Optional[str], Optional[str], Optional[str]]:
    """Name, phone and e-mail: from this form, else from the request this conversation stored last."""
    phone, email = tracker.get_slot("booking_phone"), tracker.get_slot("booking_email")
    if phone or email:
        return tracker.get_slot("booking_name"), phone, email
    request_id = tracker.get_slot(CONTACT_REQUEST_SLOT)
    if request_id is None:
        return None, None, None
    try:
        stored = requests_repo.contact_for(int(request_id), tracker.sender_id)
    except (requests_repo.StoreUnavailable, ValueError):
        stored = None
    return (stored.name, stored.phone, stored.email) if stored else (None, None, None)


def _user_events(tracker: Tracker) -> List[Dict[str, Any]]:
    return [event for event in tracker.events if event.get("event") == "user"]


# -------------------------------------------------------------------------------------------- form checking
class RequestFormValidation(FormValidationAction, ABC):
    """What the booking and hand-off forms share: digressions, contact details, yes/no, re-asking with an example.

    Abstract, so the SDK does not register it as an action.
    """

    @abstractmethod
    def name(self) -> Text: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        rejected = self._reject_digression(tracker)
        if rejected is not None:
            return rejected
        return await super().run(dispatcher, tracker, domain)

    def _reject_digression(self, tracker: Tracker) -> Optional[List[EventType]]:
        """An education question is not an answer: undo the text slot and reject, so the rules answer it."""
        requested = tracker.get_slot(REQUESTED_SLOT)
        if not requested or requested not in tracker.slots_to_validate():
            return None
        intent, confidence = _latest_intent(tracker)
        if logic.is_digression(intent, confidence, (tracker.latest_message or {}).get("text") or ""):
            return [SlotSet(requested, None), ActionExecutionRejected(self.form_name())]
        return None

    def _validate(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        """Checks what the visitor just typed for `slot`. Values that were already there (a form re-opened after a
        failed submit, contact details from an earlier booking) were checked when they were given."""
        if tracker.get_slot(REQUESTED_SLOT) != slot:
            return {slot: value}
        clinic = _clinic()
        changes = self._intercept(slot, str(value or ""), dispatcher, tracker, clinic)
        if changes is not None:
            return changes
        return self._check(slot, str(value or ""), dispatcher, tracker, clinic)

    def _intercept(
        self, slot: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker, clinic: Dict[str, Any]
    ) -> Optional[Dict[str, Any]]:
        """Hook for corrections and restarts inside an answer; None means "it is the answer"."""
        return None

    def _check(
        self, slot: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker, clinic: Dict[str, Any]
    ) -> Dict[str, Any]:
        """The slot changes for `text` as an answer for `slot`, or a re-ask (slot None) with an explanation."""
        if slot != "booking_contact":
            raise KeyError(slot)
        contact, error = logic.parse_contact(text, logic.region_from(clinic))
        if error:
            return self._miss(slot, error, dispatcher, tracker, clinic)
        # A new phone number keeps a known e-mail address and the other way round.
        phone = contact.phone or tracker.get_slot("booking_phone")
        email = contact.email or tracker.get_slot("booking_email")
        return {
            "booking_phone": phone,
            "booking_email": email,
            "booking_contact": logic.contact_text(phone, email, logic.region_from(clinic)),
            **self._clear_attempts(tracker, slot),
        }

    def validate_booking_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if tracker.get_slot(REQUESTED_SLOT) != "booking_contact":
            known = tracker.get_slot("booking_phone") or tracker.get_slot("booking_email")
            return {"booking_contact": value if known else None}
        return self._validate("booking_contact", value, dispatcher, tracker)

    # -- re-asking -------------------------------------------------------------------------------------------
    @staticmethod
    def _attempts(tracker: Tracker, slot: str) -> int:
        return int((tracker.get_slot("booking_attempts") or {}).get(slot, 0))

    @staticmethod
    def _count_attempt(tracker: Tracker, slot: str) -> Dict[str, int]:
        attempts = dict(tracker.get_slot("booking_attempts") or {})
        attempts[slot] = attempts.get(slot, 0) + 1
        return attempts

    @staticmethod
    def _clear_attempts(tracker: Tracker, slot: str) -> Dict[str, Any]:
        attempts = dict(tracker.get_slot("booking_attempts") or {})
        if slot not in attempts:
            return {}
        attempts.pop(slot)
        return {"booking_attempts": attempts}

    def _miss(
        self, slot: str, error: str, dispatcher: CollectingDispatcher, tracker: Tracker, clinic: Dict[str, Any]
    ) -> Dict[str, Any]:
        """Explains what was wrong with an example; from the second miss on, also offers a way out."""
        attempts = self._count_attempt(tracker, slot)
        _say(
            dispatcher,
            INVALID_MESSAGES.get(error, "invalid_contact"),
            clinic,
            example_phone=logic.example_phone(logic.region_from(clinic)),
        )
        if attempts[slot] >= 2:
            _say(dispatcher, "still_invalid", clinic)
        return {slot: None, "booking_attempts": attempts}

    def _yes_no(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        """Explicit consent: yes or no; never assumed. A third unclear answer counts as no."""
        if isinstance(value, bool):
            return {slot: value}
        answer = logic.parse_yes_no(str(value or ""), _latest_intent(tracker)[0])
        if answer is not None:
            return {slot: answer, **self._clear_attempts(tracker, slot)}
        attempts = self._count_attempt(tracker, slot)
        if attempts[slot] >= 3:
            _say(dispatcher, "consent_not_given", {})
            return {slot: False, "booking_attempts": attempts}
        _say(dispatcher, "consent_unclear", {})
        return {slot: None, "booking_attempts": attempts}


class ValidateBookingForm(RequestFormValidation):
    def name(self) -> Text:
        return "validate_booking_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        if tracker.get_slot("booking_consent") is False:
            return ["booking_consent"]  # a "no" ends the form: nothing else is asked or stored
        return domain_slots

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events: List[EventType] = []
        if not tracker.get_slot("booking_submission_id"):
            events.append(SlotSet("booking_submission_id", uuid.uuid4().hex))
        summary = tracker.get_slot("assessment_summary")
        if tracker.get_slot("booking_reason") is None and summary:
            events.append(SlotSet("booking_reason", logic.reason_from_summary(summary)))
        for event in events:
            tracker.slots[event["name"]] = event["value"]
        activating = (tracker.active_loop or {}).get("name") != self.form_name()
        if activating and tracker.get_slot("care_level") in URGENT_CARE_LEVELS:
            _say(dispatcher, "after_urgent_flag", _clinic())
        result = await super().run(dispatcher, tracker, domain)
        if any(event.get("event") == "action_execution_rejected" for event in result):
            return result
        return events + result

    # -- one method per question (rasa-sdk finds them by name) -----------------------------------------------
    def validate_booking_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._yes_no("booking_consent", value, dispatcher, tracker)

    def validate_booking_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._validate("booking_name", value, dispatcher, tracker)

    def validate_booking_preferred_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._validate("booking_preferred_time", value, dispatcher, tracker)

    def validate_booking_reason(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._validate("booking_reason", value, dispatcher, tracker)

    def validate_booking_patient_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._validate("booking_patient_type", value, dispatcher, tracker)

    def validate_booking_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if isinstance(value, bool):
            return {"booking_confirmed": value}
        return self._validate("booking_confirmed", value, dispatcher, tracker)

    # -- checking one answer ---------------------------------------------------------------------------------
    def _check(
        self, slot: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker, clinic: Dict[str, Any]
    ) -> Dict[str, Any]:
        if slot == "booking_name":
            checked = logic.check_name(text)
            if not checked.ok:
                return self._miss(slot, checked.error, dispatcher, tracker, clinic)
            return {slot: checked.value, **self._clear_attempts(tracker, slot)}
        if slot == "booking_preferred_time":
            return self._check_preferred_time(text, dispatcher, tracker, clinic)
        if slot == "booking_reason":
            if _latest_intent(tracker)[0] == "skip":
                return {slot: ""}
            checked = logic.check_reason(text)
            if not checked.ok:
                _say(dispatcher, "invalid_reason", clinic)
            return {slot: checked.value}
        if slot == "booking_patient_type":
            return self._check_patient_type(text, dispatcher, tracker, clinic)
        if slot == "booking_confirmed":
            answer = logic.parse_yes_no(text, _latest_intent(tracker)[0])
            if answer is False:
                _say(dispatcher, "what_to_change", clinic)
            return {slot: True if answer else None}
        return super()._check(slot, text, dispatcher, tracker, clinic)

    def _check_preferred_time(
        self, text: str, dispatcher: CollectingDispatcher, tracker: Tracker, clinic: Dict[str, Any]
    ) -> Dict[str, Any]:
        slot = "booking_preferred_time"
        preference, error = logic.parse_preferred_time(text, _local_now(clinic), logic.region_from(clinic))
        if preference is None:
            if error == "unreadable" and self._attempts(tracker, slot) >= 1:
                # Asked once with examples already: the front desk can read the visitor's own words.
                _say(dispatcher, "time_as_written", clinic)
                return {
                    slot: "",
                    "booking_preferred_time_text": text[: logic.MAX_TIME_TEXT_CHARS],
                    "booking_preferred_time_data": None,
                    **self._clear_attempts(tracker, slot),
                }
            return self._miss(slot, error or "unreadable", dispatcher, tracker, clinic)
        schedule = _schedule(clinic)
        weekdays = preference.weekdays()
        if schedule and weekdays and set(weekdays) <= schedule.closed_weekdays():
            names = ", ".join(logic.WEEKDAY_NAMES[day] + "s" for day in weekdays)
            _say(dispatcher, "time_closed", clinic, closed_days=names)
        return {
            slot: preference.describe(),
            "booking_preferred_time_text": text[: logic.MAX_TIME_TEXT_CHARS],
            "booking_preferred_time_data": preference.as_dict(),
            **self._clear_attempts(tracker, slot),
        }

    def _check_patient_type(
        self, text: str, dispatcher: CollectingDispatcher, tracker: Tracker, clinic: Dict[str, Any]
    ) -> Dict[str, Any]:
        slot = "booking_patient_type"
        answer = logic.parse_patient_type(text, _latest_intent(tracker)[0])
        if answer:
            return {slot: answer, **self._clear_attempts(tracker, slot)}
        if self._attempts(tracker, slot) >= 1:
            _say(dispatcher, "patient_type_unknown", clinic)  # the front desk can ask; not worth a third try
            return {slot: "unknown", **self._clear_attempts(tracker, slot)}
        _say(dispatcher, "invalid_patient_type", clinic)
        return {slot: None, "booking_attempts": self._count_attempt(tracker, slot)}

    # -- corrections and restart -----------------------------------------------------------------------------
    def _intercept(
        self, slot: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker, clinic: Dict[str, Any]
    ) -> Optional[Dict[str, Any]]:
        if logic.is_restart(text):
            _say(dispatcher, "restarted", clinic)
            # requested_slot is left alone: setting it to None here would end the form instead.
            return {s: None for s in CONTACT_SLOTS + FORM_SLOTS if s not in RESTART_KEEPS}
        correction = logic.parse_correction(
            text, free_text_slot=slot == "booking_reason", bare_field=slot == "booking_confirmed"
        )
        if correction is None:
            return None
        target = FIELD_SLOTS[correction.field]
        if target == slot:
            # "my email is sam@example.com" when asked for contact details: the answer, said politely.
            return (
                None if correction.value is None else self._check(slot, correction.value, dispatcher, tracker, clinic)
            )
        return self._apply_correction(slot, correction, dispatcher, tracker, clinic)

    def _apply_correction(
        self,
        slot: str,
        correction: logic.Correction,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        clinic: Dict[str, Any],
    ) -> Dict[str, Any]:
        """Changes an earlier answer. With a new value it is checked and used; without one the field is cleared
        so the form asks for it again. The summary is shown again before anything is sent."""
        changes: Dict[str, Any] = {slot: None, "booking_confirmed": None}
        target = FIELD_SLOTS[correction.field]
        if correction.value:
            result = self._check(target, correction.value, dispatcher, tracker, clinic)
            if result.get(target) is not None:
                _say(dispatcher, "updated", clinic)
            return {**changes, **result}
        changes[target] = None
        if correction.field in ("phone", "contact"):
            changes["booking_phone"] = None
        if correction.field in ("email", "contact"):
            changes["booking_email"] = None
        if target == "booking_preferred_time":
            changes.update(booking_preferred_time_text=None, booking_preferred_time_data=None)
        return changes


class ValidateHandoffForm(RequestFormValidation):
    """Asks for consent and a way to reach the visitor, but only when no contact details are known yet."""

    def name(self) -> Text:
        return "validate_handoff_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        _name, phone, email = await asyncio.to_thread(_known_contact, tracker)
        if phone or email:
            return []
        if tracker.get_slot("handoff_consent") is False:
            return ["handoff_consent"]
        return domain_slots

    def validate_handoff_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._yes_no("handoff_consent", value, dispatcher, tracker)


# ---------------------------------------------------------------------------------------------- questions
class AskAction(Action, ABC):
    """Asks a form question from content/booking.yml (the form finds it as action_ask_<slot>)."""

    question: str

    @abstractmethod
    def name(self) -> Text: ...

    def values(self, tracker: Tracker, clinic: Dict[str, Any]) -> Dict[str, Any]:
        return {}

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        clinic = _clinic()
        _say(dispatcher, self.question, clinic, section="questions", **self.values(tracker, clinic))
        return []


class ActionAskBookingConsent(AskAction):
    question = "booking_consent"

    def name(self) -> Text:
        return "action_ask_booking_consent"


class ActionAskBookingName(AskAction):
    question = "booking_name"

    def name(self) -> Text:
        return "action_ask_booking_name"


class ActionAskBookingContact(AskAction):
    question = "booking_contact"

    def name(self) -> Text:
        return "action_ask_booking_contact"


class ActionAskBookingPreferredTime(AskAction):
    question = "booking_preferred_time"

    def name(self) -> Text:
        return "action_ask_booking_preferred_time"


class ActionAskBookingReason(AskAction):
    question = "booking_reason"

    def name(self) -> Text:
        return "action_ask_booking_reason"


class ActionAskBookingPatientType(AskAction):
    question = "booking_patient_type"

    def name(self) -> Text:
        return "action_ask_booking_patient_type"


class ActionAskBookingConfirmed(AskAction):
    """Shows everything that will be sent, so the visitor checks it before anything is stored."""

    question = "booking_confirmed"

    def name(self) -> Text:
        return "action_ask_booking_confirmed"

    def values(self, tracker: Tracker, clinic: Dict[str, Any]) -> Dict[str, Any]:
        return {"summary": logic.summary_text(_booking_fields(tracker), logic.region_from(clinic))}


class ActionAskHandoffConsent(AskAction):
    question = "handoff_consent"

    def name(self) -> Text:
        return "action_ask_handoff_consent"

    def values(self, tracker: Tracker, clinic: Dict[str, Any]) -> Dict[str, Any]:
        return {"when_open": _when_open(clinic)}


class ActionAskHandoffContact(AskAction):
    question = "handoff_contact"

    def name(self) -> Text:
        return "action_ask_handoff_form_booking_contact"


# ------------------------------------------------------------------------------------------------ outcomes
class ActionSubmitBooking(Action):
    """Stores the request, then (and only then) tells the visitor it is with the front desk."""

    def name(self) -> Text:
        return "action_submit_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        clinic = _clinic()
        if tracker.get_slot("booking_consent") is not True:
            _say(dispatcher, "declined", clinic)
            return _forget(CONTACT_SLOTS + FORM_SLOTS)
        if tracker.get_slot("booking_confirmed") is not True:
            _say(dispatcher, "cancelled", clinic)
            return _forget(CONTACT_SLOTS + FORM_SLOTS)

        fields = _booking_fields(tracker)
        summary = tracker.get_slot("assessment_summary") or None
        new = requests_repo.NewRequest(
            kind="booking",
            conversation_id=tracker.sender_id,
            idempotency_key=logic.idempotency_key(
                tracker.sender_id, tracker.get_slot("booking_submission_id"), {**fields, "assessment_summary": summary}
            ),
            consent_version=logic.CONSENT_VERSION,
            name=fields["name"],
            phone=fields["phone"],
            email=fields["email"],
            preferred_time=fields["preferred_time"] or None,
            preferred_time_text=fields["preferred_time_text"],
            preferred_time_data=tracker.get_slot("booking_preferred_time_data"),
            reason=fields["reason"] or None,
            assessment_summary=summary,
            patient_type=fields["patient_type"],
        )
        try:
            request, created = await asyncio.to_thread(requests_repo.create_request, new)
        except Exception as exc:  # noqa: BLE001 - whatever failed, the request is not stored and we must say so
            if not isinstance(exc, requests_repo.StoreUnavailable):
                logger.error("booking request not stored: %s", type(exc).__name__)
            _say(dispatcher, "failed", clinic)
            # Keep the answers and the submission id: "send it" again retries the same request exactly once.
            return [SlotSet("booking_confirmed", None), FollowupAction("booking_form")]
        if not created:
            logger.info("booking request %s was already stored; not stored again", request.id)
        region = logic.region_from(clinic)
        _say(
            dispatcher,
            "submitted",
            clinic,
            request_id=request.id,
            visitor=request.name or "",
            contact_how=_contact_how(request.phone, request.email, region),
            when_open=_when_open(clinic),
        )
        return _committed(request, FORM_SLOTS, region)


class ActionCancelRequest(Action):
    """ "Cancel"/"stop" inside the booking or hand-off form: nothing is stored; "start again" restarts booking."""

    def name(self) -> Text:
        return "action_cancel_request"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        clinic = _clinic()
        active = (tracker.active_loop or {}).get("name")
        if active == "booking_form" and logic.is_restart((tracker.latest_message or {}).get("text")):
            _say(dispatcher, "restarted", clinic)
            return _reset([s for s in CONTACT_SLOTS + FORM_SLOTS if s not in RESTART_KEEPS]) + [
                SlotSet(REQUESTED_SLOT, None),
                FollowupAction("booking_form"),
            ]
        _say(dispatcher, "handoff_cancelled" if active == "handoff_form" else "cancelled", clinic)
        return _stop_form()


class ActionRequestHuman(Action):
    """Creates a hand-off request with a summary of the conversation and pauses the bot until staff resume it."""

    def name(self) -> Text:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        clinic = _clinic()
        contact_name, contact_phone, contact_email = await asyncio.to_thread(_known_contact, tracker)
        if not (contact_phone or contact_email):
            _say(dispatcher, "handoff_declined", clinic, when_open=_when_open(clinic))
            return [SlotSet("handoff_consent", None), SlotSet("booking_attempts", None)]

        summary = self._summary(tracker)
        trigger = self._trigger_id(tracker)
        new = requests_repo.NewRequest(
            kind="handoff",
            conversation_id=tracker.sender_id,
            idempotency_key=logic.idempotency_key(
                tracker.sender_id,
                f"handoff:{trigger}",
                {"summary": summary, "phone": contact_phone, "email": contact_email},
            ),
            consent_version=(
                logic.HANDOFF_CONSENT_VERSION if tracker.get_slot("handoff_consent") is True else logic.CONSENT_VERSION
            ),
            name=contact_name,
            phone=contact_phone,
            email=contact_email,
            reason=summary,
            assessment_summary=tracker.get_slot("assessment_summary") or None,
            bot_paused=True,
        )
        try:
            request, _created = await asyncio.to_thread(requests_repo.create_request, new)
        except Exception as exc:  # noqa: BLE001 - not stored: say so, and do not pause
            if not isinstance(exc, requests_repo.StoreUnavailable):
                logger.error("hand-off request not stored: %s", type(exc).__name__)
            _say(dispatcher, "handoff_failed", clinic, when_open=_when_open(clinic))
            return [SlotSet("handoff_consent", None)]
        _say(
            dispatcher,
            "handoff_created",
            clinic,
            request_id=request.id,
            when_open=_when_open(clinic),
            contact_how=_contact_how(contact_phone, contact_email, logic.region_from(clinic)),
        )
        events = _committed(request, FORM_SLOTS + ["handoff_consent"], logic.region_from(clinic))
        if (tracker.active_loop or {}).get("name"):
            events += [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        # Staff resume the bot from the front-desk page (Rasa's tracker events API, {"event": "resume"}). The pause
        # stops Rasa before it logs action_listen; logging it here lets the rules match the visitor's next message
        # once the conversation is resumed.
        return events + [ConversationPaused(), ActionExecuted("action_listen")]

    @staticmethod
    def _trigger_id(tracker: Tracker) -> str:
        """The message that asked for a person: one hand-off per request, however often the action runs."""
        for event in reversed(_user_events(tracker)):
            if ((event.get("parse_data") or {}).get("intent") or {}).get("name") == "request_human":
                return str(event.get("message_id") or event.get("timestamp"))
        latest = tracker.latest_message or {}
        return str(latest.get("message_id") or len(tracker.events))

    @staticmethod
    def _summary(tracker: Tracker) -> str:
        users = _user_events(tracker)
        topics = [logic.topic_label(((e.get("parse_data") or {}).get("intent") or {}).get("name") or "") for e in users]
        # The visitor's words around the request for a person say what they need; form answers are left out.
        index = next(
            (
                i
                for i in range(len(users) - 1, -1, -1)
                if ((users[i].get("parse_data") or {}).get("intent") or {}).get("name") == "request_human"
            ),
            len(users) - 1,
        )
        recent = [e.get("text") or "" for e in users[max(0, index - 2) : index + 1]]
        recent = [text for text in recent if text and not text.startswith("/")]
        return logic.handoff_summary(
            [t for t in topics if t], tracker.get_slot("assessment_summary"), recent, _booking_fields(tracker)
        )
