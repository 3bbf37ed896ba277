"""Rasa 3.6 finds an event's class by walking every subclass of Event (`all_subclasses`, recomputed on each call) for
every event it reads back from the tracker store. A long conversation is read at every message, so that walk was
about a tenth of the Rasa process's time under load (docs/performance.md). The class found for a type name never
changes, so it is remembered; lookups that fall back to a default, or fail, go through Rasa's own code as before.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

_known: Dict[Text, Any] = {}
_original: Any = None


def resolve_by_type(type_name: Text, default: Optional[Any] = None) -> Optional[Any]:
    """Event.resolve_by_type with the answer for a known type name remembered."""
    cls = _known.get(type_name)
    if cls is not None:
        return cls
    cls = _original(type_name, default)
    if cls is not None and cls is not default and getattr(cls, "type_name", None) == type_name:
        _known[type_name] = cls
    return cls


def install() -> None:
    """Replaces Event.resolve_by_type in this process (idempotent)."""
    global _original
    if _original is not None:
        return
    from rasa.shared.core.events import Event

    _original = Event.resolve_by_type
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
