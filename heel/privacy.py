"""What the stored conversation may keep once the visitor's contact details are with the front desk.

Pure functions over Rasa's event dictionaries (the JSON the tracker store keeps), so the rules are tested without a
database. The tracker store adapter (serving/private_store.py) applies them:

- **redact**: after a booking or call-back request is committed, the personal slots are emptied, the visitor's
  messages that answered a personal question are replaced by a placeholder, and every other copy of the values
  (a bot message that repeated the name, the parse data of a message) is masked.
- **erase**: after "delete my data" is confirmed, the whole conversation goes.

The custom actions ask for either by setting the PRIVACY_SLOT; the store acts on the save that carries it.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set

from heel.names import PRIVACY_SLOT  # re-exported: the actions and the store use privacy.PRIVACY_SLOT

REDACT = "redact"
ERASE = "erase"
PLACEHOLDER = "[removed]"
REQUESTED_SLOT = "requested_slot"

# Slots that hold contact details or the visitor's free-text reason for the visit.
PERSONAL_SLOTS = frozenset(
    {
        "booking_name",
        "booking_contact",
        "booking_phone",
        "booking_email",
        "booking_reason",
        "booking_preferred_time_text",
    }
)
# Values shorter than this are not searched for elsewhere in the conversation ("Al" would mask "also").
MIN_MASKED_LENGTH = 3


def requested(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """REDACT or ERASE when these (new) events ask for it; ERASE wins."""
    wanted = {
        event.get("value")
        for event in events
        if event.get("event") == "slot" and event.get("name") == PRIVACY_SLOT and event.get("value")
    }
    if ERASE in wanted:
        return ERASE
    return REDACT if REDACT in wanted else None


def personal_values(events: Sequence[Dict[str, Any]]) -> Set[str]:
    """Every value a personal slot held in the conversation, and the parts of it worth masking on their own."""
    values: Set[str] = set()
    for event in events:
        if event.get("event") != "slot" or event.get("name") not in PERSONAL_SLOTS:
            continue
        value = event.get("value")
        if not isinstance(value, str) or not value.strip():
            continue
        value = value.strip()
        values.add(value)
        # Copies elsewhere may hold a part only: "Jane" of "Jane Doe", the phone of "<phone> and <e-mail>".
        if event.get("name") == "booking_name":
            values.update(value.split())
        elif event.get("name") == "booking_contact":
            values.update(part.strip() for part in re.split(r"\s+(?:and|or)\s+|[,;]", value))
    return {value for value in values if len(value) >= MIN_MASKED_LENGTH}


def _answer_turns(events: Sequence[Dict[str, Any]]) -> Set[int]:
    """Indexes of the user messages that answered a personal question or filled a personal slot."""
    marked: Set[int] = set()
    asking: Optional[str] = None
    current: Optional[int] = None
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind == "user":
            current = index
            if asking in PERSONAL_SLOTS:
                marked.add(index)
        elif kind == "slot":
            name, value = event.get("name"), event.get("value")
            if name == REQUESTED_SLOT:
                asking = value
            elif name in PERSONAL_SLOTS and value not in (None, "") and current is not None:
                marked.add(current)
        elif kind == "active_loop" and not event.get("name"):
            asking = None
    return marked


def _masker(values: Set[str]):
    if not values:
        return lambda text: text
    ordered = sorted(values, key=len, reverse=True)  # the whole value before its parts
    pattern = re.compile(
        r"(?<![\w@.+])(?:" + "|".join(re.escape(v) for v in ordered) + r")(?![\w@])", flags=re.IGNORECASE
    )
    return lambda text: pattern.sub(PLACEHOLDER, text)


def _mask(value: Any, mask) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [_mask(item, mask) for item in value]
    if isinstance(value, dict):
        return {key: _mask(item, mask) for key, item in value.items()}
    return value


def _blank_user(event: Dict[str, Any]) -> Dict[str, Any]:
    blanked = dict(event, text=PLACEHOLDER)
    parse = dict(event.get("parse_data") or {})
    if parse:
        parse["text"] = PLACEHOLDER
        parse["entities"] = []
        blanked["parse_data"] = parse
    return blanked


def redact(events: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events with the contact details gone; events that held none come back unchanged (the same objects)."""
    mask = _masker(personal_values(events))
    answers = _answer_turns(events)
    result: List[Dict[str, Any]] = []
    for index, event in enumerate(events):
        if index in answers:
            event = _blank_user(event)
        if event.get("event") == "slot" and event.get("name") in PERSONAL_SLOTS and event.get("value") is not None:
            event = dict(event, value=None)
        masked = _mask(event, mask)
        result.append(event if masked == event else masked)
    return result
