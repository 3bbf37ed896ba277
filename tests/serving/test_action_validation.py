"""The cached action-response check accepts and refuses exactly what Rasa's own per-call check does."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from serving import action_validation

VALID = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "care_level", "value": "urgent", "timestamp": None}],
        "responses": [{"text": "hello", "buttons": []}],
    },
    {},
]
INVALID = [
    {"events": "not a list"},
    {"responses": ["a bare string"]},
    {"events": [{"no_event_key": 1}]},
    [],
]


@pytest.mark.parametrize("result", VALID)
def test_accepts_what_rasa_accepts(result):
    jsonschema.validate(result, RemoteAction.action_response_format_spec())
    assert action_validation.validate_action_result(None, result) is True


@pytest.mark.parametrize("result", INVALID)
def test_refuses_what_rasa_refuses_with_the_same_error(result):
    with pytest.raises(jsonschema.ValidationError) as rasa_error:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as ours:
        action_validation.validate_action_result(None, result)
    assert ours.value.message.startswith(rasa_error.value.message)
    assert "Failed to validate Action server response" in ours.value.message


def test_install_replaces_the_remote_action_check(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    monkeypatch.setattr(action_validation, "_installed", False)
    action_validation.install()
    assert RemoteAction._validate_action_result is action_validation.validate_action_result
