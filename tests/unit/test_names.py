"""heel/names.py matches the domain and the training data: a renamed intent, slot or action fails here first."""

from pathlib import Path

import yaml

from heel import names

ROOT = Path(__file__).resolve().parents[2]


def test_every_name_is_declared_in_the_domain():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]} | {names.FALLBACK_INTENT}
    assert {names.RED_FLAG_INTENT, names.DESCRIBE_INTENT} <= intents
    assert names.ALERT_ACTION in domain["actions"]
    assert names.ASSESSMENT_FORM in domain["forms"]
    assert {names.RED_FLAG_CONTEXT_SLOT, names.RED_FLAGS_THIS_TURN_SLOT, names.RED_FLAGS_SLOT} <= set(domain["slots"])
    assert {names.PRIVACY_SLOT, names.CONTACT_REQUEST_SLOT} <= set(domain["slots"])
