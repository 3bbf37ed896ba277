"""Red flags that span turns ("I'm diabetic" ... later "there's a blister on my heel").

The NLU override sees one message at a time. This action runs on every user turn (a custom slot mapping, so
Rasa's action_extract_slots calls it), keeps the facts said so far in the `red_flag_context` slot, and writes the
flags that earlier facts and the new message make together (and the message alone did not) to `red_flags_this_turn`.
A slot mapping cannot choose the next action, so `CrossTurnRedFlagPolicy` (core_components/) then runs the alert.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import redflags, safety_text
from actions.config import get_settings

logger = logging.getLogger(__name__)
_nlp_lock = threading.Lock()
_nlp: Dict[str, Any] = {}


def pipeline() -> Any:
    """The project's spaCy pipeline, loaded once on first use (never at import)."""
    with _nlp_lock:
        if "nlp" not in _nlp:
            _nlp["nlp"] = _load_without_ml_backends(get_settings().spacy_model)
        return _nlp["nlp"]


# thinc (spaCy's ML layer) imports TensorFlow, JAX or PyTorch when they are installed (Rasa brings TensorFlow),
# which took the action server from about 135 MB to 540 MB RSS. The project pipeline is rules and lookup tables
# only, so the action server hides those libraries while spaCy is first imported.
_ML_BACKENDS = ("tensorflow", "jax", "torch", "mxnet")


def _load_without_ml_backends(model: str) -> Any:
    import sys

    hidden = [name for name in _ML_BACKENDS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes "import name" raise ImportError
    try:
        import spacy

        return spacy.load(model)
    finally:
        for name in hidden:
            if sys.modules.get(name) is None:
                del sys.modules[name]


def new_flags(text: str, context: Optional[Dict[str, Any]], nlp: Any) -> tuple[List[str], Dict[str, Any]]:
    """Flags that need the earlier facts (not found in the message alone), and the updated context."""
    previous = redflags.RedFlagContext.from_dict(context)
    doc = redflags.parse(text, nlp)
    alone = {hit.flag_id for hit in redflags.detect(doc)}  # what the NLU override already alerted on
    combined, updated = redflags.detect_and_remember(doc, previous)
    return [hit.flag_id for hit in combined if hit.flag_id not in alone], updated.to_dict()


class ActionTrackRedFlagContext(Action):
    def name(self) -> Text:
        return "action_track_red_flag_context"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        text = tracker.latest_message.get("text") or ""
        if not text or text.startswith("/"):
            return []
        flags, context = new_flags(text, tracker.get_slot("red_flag_context"), pipeline())
        already = set(tracker.get_slot("red_flags") or [])
        fresh = [flag for flag in flags if flag not in already and flag in safety_text.known_flags()]
        if fresh:
            logger.debug("cross-turn red flag")
        # Only facts here: core_components/red_flag_policy.py sees the fresh flags and runs action_red_flag_alert
        # next, in place of the answer or the form's next question, exactly as for a single-message red flag.
        return [SlotSet("red_flag_context", context), SlotSet("red_flags_this_turn", fresh)]
