"""The remembered event-type lookup gives exactly what Rasa's own lookup gives."""

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from serving import event_types


@pytest.fixture(autouse=True)
def installed(monkeypatch):
    monkeypatch.setattr(Event, "resolve_by_type", Event.resolve_by_type)
    monkeypatch.setattr(event_types, "_original", None)
    monkeypatch.setattr(event_types, "_known", {})
    event_types.install()


def test_every_event_type_resolves_to_the_same_class_twice():
    names = {cls.type_name for cls in all_subclasses(Event)}
    for name in names:
        first = Event.resolve_by_type(name)
        assert first is event_types._original(name) and Event.resolve_by_type(name) is first


def test_events_read_back_from_dicts_are_the_same():
    events = [
        UserUttered("hi", {"name": "greet", "confidence": 1.0}),
        SlotSet("care_level", "urgent"),
        ActionExecuted("action_listen"),
    ]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


def test_unknown_types_and_defaults_behave_as_before():
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    assert "no_such_event" not in event_types._known
