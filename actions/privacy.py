"""Deleting a visitor's data on request: from anywhere, also mid-form, one explicit question, then the requests leave
the clinic database and the tracker store erases the conversation (docs/architecture.md). The booking module's
message helpers say it, from content/booking.yml."""

from __future__ import annotations

import asyncio
import logging
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking import _clinic, _latest_intent, _say, _stop_form, texts
from heel import privacy
from heel.content.answers import fill
from heel.store import requests_repo

logger = logging.getLogger(__name__)


class ActionAskDeleteMyData(Action):
    """ "Delete my data", from anywhere: an open form stops (nothing more is stored), then one explicit question."""

    def name(self) -> Text:
        return "action_ask_delete_my_data"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        clinic = _clinic()
        active = (tracker.active_loop or {}).get("name")
        stopped = texts()["messages"]["delete_form_stopped"]["text"] if active else ""
        _say(dispatcher, "delete_confirm", clinic, stopped=stopped)
        if not active:
            return []
        return _stop_form()


class ActionDeleteMyData(Action):
    """The answer to the deletion question. Only an explicit yes deletes: the visitor's requests leave the clinic
    database, then the tracker store erases the conversation (privacy_request = erase). The reply says what was
    deleted; if the database fails, nothing is erased and the visitor is told so."""

    def name(self) -> Text:
        return "action_delete_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        clinic = _clinic()
        if _latest_intent(tracker)[0] != "affirm":
            _say(dispatcher, "delete_kept", clinic)
            return []
        try:
            count = await asyncio.to_thread(requests_repo.delete_for_conversation, tracker.sender_id)
        except requests_repo.StoreUnavailable:
            _say(dispatcher, "delete_failed", clinic)
            return []
        messages = texts()["messages"]
        requests = (
            fill(messages["deleted_requests"]["text"], {"count": str(count)})
            if count
            else messages["deleted_no_requests"]["text"]
        )
        _say(dispatcher, "deleted", clinic, requests=requests)
        logger.info("visitor data deleted on request: %d request(s)", count)
        return [SlotSet(privacy.PRIVACY_SLOT, privacy.ERASE)]
