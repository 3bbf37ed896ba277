"""Replays what Rasa's FormAction does around our validation actions, turn by turn, without a trained model.

For every user message it does what Rasa 3.6 does (rasa/core/actions/forms.py): the from_text mapping of the
requested slot fills a candidate (unless the intent is excluded), no candidate rejects the form, the validation
action gets a tracker whose trailing events are the candidates, a returned ActionExecutionRejected rejects the
form, otherwise the next slot is the one the validator names or the first empty required slot, and it is asked for
with action_ask_<slot>. The real loop is exercised end to end in test_e2e_booking.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import booking

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"
DOMAIN: Dict[str, Any] = yaml.safe_load(DOMAIN_FILE.read_text())
VALIDATORS = {"booking_form": booking.ValidateBookingForm, "handoff_form": booking.ValidateHandoffForm}
ASK_ACTIONS = {cls().name(): cls for cls in booking.AskAction.__subclasses__()}


def _pattern(template: str) -> "re.Pattern[str]":
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile(".*?".join(re.escape(part) for part in parts), re.S)


TEMPLATES = [(f"ask_{key}", _pattern(entry["text"])) for key, entry in booking.texts()["questions"].items()] + [
    (key, _pattern(entry["text"])) for key, entry in booking.texts()["messages"].items()
]


def identify(text: str) -> str:
    """Which entry of content/booking.yml a sent text came from."""
    matches = [key for key, pattern in TEMPLATES if pattern.fullmatch(text or "")]
    assert len(matches) == 1, (text, matches)
    return matches[0]


@dataclass
class Turn:
    messages: List[Dict[str, Any]] = field(default_factory=list)
    rejected: bool = False
    done: bool = False

    @property
    def responses(self) -> List[str]:
        """content/booking.yml keys of what was said: "ask_<question>" or the message key."""
        return [identify(m.get("text")) for m in self.messages]

    @property
    def text(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.messages)

    @property
    def reference(self) -> Optional[int]:
        found = re.search(r"reference #(\d+)", self.text)
        return int(found.group(1)) if found else None


class FormDriver:
    def __init__(self, sender_id: str = "conv-1", slots: Optional[Dict[str, Any]] = None) -> None:
        self.sender_id = sender_id
        self.slots: Dict[str, Any] = {name: None for name in DOMAIN["slots"]}
        self.slots.update({"requested_slot": None, "assessment_summary": None, "care_level": None})
        self.slots.update(slots or {})
        self.active: Optional[str] = None
        self.events: List[Dict[str, Any]] = []
        self.latest: Dict[str, Any] = {}
        self.paused = False

    # -- building trackers -----------------------------------------------------------------------------------
    def tracker(
        self, extra_events: Optional[List[Dict[str, Any]]] = None, slots: Optional[Dict[str, Any]] = None
    ) -> Tracker:
        return Tracker.from_dict(
            {
                "sender_id": self.sender_id,
                "slots": dict(slots if slots is not None else self.slots),
                "latest_message": self.latest,
                "events": self.events + (extra_events or []),
                "paused": self.paused,
                "followup_action": None,
                "active_loop": {"name": self.active} if self.active else {},
                "latest_action_name": "action_listen",
            }
        )

    def _apply(self, events: List[Dict[str, Any]]) -> None:
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
            elif event.get("event") == "active_loop":
                self.active = event.get("name")
            elif event.get("event") == "pause":
                self.paused = True
        self.events.extend(events)

    # -- the loop --------------------------------------------------------------------------------------------
    async def activate(self, form: str, intent: str = "book_appointment", text: str = "/book_appointment") -> Turn:
        self._user(text, intent, 1.0)
        turn = Turn()
        prefilled = {s: self.slots[s] for s in DOMAIN["forms"][form]["required_slots"] if self.slots[s] is not None}
        self.active = None  # validation at activation sees the form not yet active
        events = await self._validate(form, prefilled, requested=None, turn=turn)
        self.active = form
        self._apply([{"event": "active_loop", "name": form}])
        await self._next(form, events, turn)
        return turn

    async def say(self, text: str, intent: str = "inform", confidence: float = 0.95) -> Turn:
        assert self.active, "no form is active"
        form = self.active
        self._user(text, intent, confidence)
        requested = self.slots["requested_slot"]
        turn = Turn()
        mapping = next(
            (
                m
                for m in DOMAIN["slots"][requested]["mappings"]
                if m["type"] == "from_text"
                and any(
                    c.get("active_loop") == form and c.get("requested_slot") == requested
                    for c in m.get("conditions", [])
                )
            ),
            None,
        )
        if mapping is None or intent in mapping.get("not_intent", []):
            turn.rejected = True  # Rasa raises ActionExecutionRejection: rules take over
            return turn
        self.slots[requested] = text  # action_extract_slots ran before the form
        events = await self._validate(form, {requested: text}, requested=requested, turn=turn)
        if any(e.get("event") == "action_execution_rejected" for e in events):
            self._apply([e for e in events if e.get("event") == "slot"])
            turn.rejected = True
            return turn
        await self._next(form, events, turn)
        return turn

    async def resume(self) -> Turn:
        """The form runs again after a rule answered a digression: no validation, it asks its slot again."""
        turn = Turn()
        events = await self._validate(self.active, {}, requested=self.slots["requested_slot"], turn=turn)
        await self._next(self.active, events, turn)
        return turn

    def _user(self, text: str, intent: str, confidence: float) -> None:
        self.latest = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}],
            "entities": [],
            "message_id": f"m{len(self.events)}",
        }
        self.events.append(
            {"event": "user", "text": text, "parse_data": self.latest, "message_id": self.latest["message_id"]}
        )

    async def _validate(
        self, form: str, candidates: Dict[str, Any], requested: Optional[str], turn: Turn
    ) -> List[Dict[str, Any]]:
        trailing = [
            {"event": "slot", "name": "requested_slot", "value": requested},
            {"event": "action", "name": form},
        ] + [{"event": "slot", "name": k, "value": v} for k, v in candidates.items()]
        slots = {**self.slots, "requested_slot": requested}
        dispatcher = CollectingDispatcher()
        events = await VALIDATORS[form]().run(dispatcher, self.tracker(trailing, slots), DOMAIN)
        turn.messages.extend(dispatcher.messages)
        return events

    async def _next(self, form: str, events: List[Dict[str, Any]], turn: Turn) -> None:
        self._apply(events)
        named = [e for e in events if e.get("event") == "slot" and e["name"] == "requested_slot"]
        if named:
            next_slot = named[-1]["value"]
        else:
            next_slot = next((s for s in DOMAIN["forms"][form]["required_slots"] if self.slots[s] is None), None)
        self.slots["requested_slot"] = next_slot
        if next_slot is None:
            self._apply([{"event": "active_loop", "name": None}])
            turn.done = True
            return
        for name in (
            f"action_ask_{form}_{next_slot}",
            f"utter_ask_{form}_{next_slot}",
            f"action_ask_{next_slot}",
            f"utter_ask_{next_slot}",
        ):
            if name in ASK_ACTIONS:
                dispatcher = CollectingDispatcher()
                self._apply(ASK_ACTIONS[name]().run(dispatcher, self.tracker(), DOMAIN))
                turn.messages.extend(dispatcher.messages)
                return
        raise AssertionError(f"nothing asks for {next_slot}")

    async def run_action(self, action_cls) -> Turn:
        dispatcher = CollectingDispatcher()
        action = action_cls()
        result = action.run(dispatcher, self.tracker(), DOMAIN)
        if hasattr(result, "__await__"):
            result = await result
        self._apply(result)
        turn = Turn(messages=list(dispatcher.messages))
        followup = [e for e in result if e.get("event") == "followup"]
        if followup:
            form = followup[-1]["name"]
            if self.active != form:
                prefilled = {
                    s: self.slots[s] for s in DOMAIN["forms"][form]["required_slots"] if self.slots[s] is not None
                }
                self.active = None
                events = await self._validate(form, prefilled, requested=None, turn=turn)
                self.active = form
                await self._next(form, events, turn)
            else:
                await self._next(form, await self._validate(form, {}, self.slots["requested_slot"], turn), turn)
        return turn
