"""Rasa 3.6 checks every custom action's response with `jsonschema.validate(result, schema)`, and jsonschema 4.17's
`validate` first re-checks the schema itself against its meta-schema on every call. Under load that re-check was the
largest single cost of the Rasa process (docs/performance.md). The schema never changes, so it is checked once and
its compiled validator kept; responses are validated exactly as before and raise the same error.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

_installed = False


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result with the schema checked once: same best-match error, same message."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action endpoint "
        f"is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Replaces RemoteAction's per-call schema check in this process (idempotent)."""
    global _installed
    if _installed:
        return
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    _installed = True
