"""Builds rasa-sdk trackers for action tests."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker


def make_tracker(
    intent: str = "greet",
    text: str = "",
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    active_loop: Optional[str] = None,
    sender_id: str = "test-user",
    intent_ranking: Optional[List[Dict[str, Any]]] = None,
    confidence: float = 0.99,
    question_topics: Optional[List[str]] = None,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "text": text,
        "intent_ranking": intent_ranking or [{"name": intent, "confidence": confidence}],
    }
    if question_topics:
        latest["question_topics"] = question_topics
    return Tracker.from_dict(
        {
            "sender_id": sender_id,
            "slots": slots or {},
            "latest_message": latest,
            "events": events or [{"event": "user", "text": text, "parse_data": latest}],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )
