"""Assessment journeys answered by a scripted patient (eval/sets/assessment_cases.yml, never trained on)."""

import importlib.util

import pytest
import yaml

from heel.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

_spec = importlib.util.spec_from_file_location("eval_assessment", PROJECT_ROOT / "scripts" / "eval_assessment.py")
eval_assessment = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(eval_assessment)

CASES = yaml.safe_load((PROJECT_ROOT / "eval" / "sets" / "assessment_cases.yml").read_text())["cases"]
SEVERITY = ["emergency", "urgent", "doctor_soon", "physiotherapy", "self_care"]
TYPICAL = [
    c
    for c in CASES
    if c["expected_cause"] in ("plantar_fasciitis", "achilles_tendinopathy", "stress_fracture")
    and c["expected_level"] not in ("emergency", "urgent")
]


@pytest.mark.parametrize("case", CASES, ids=[c["opening"][:40] for c in CASES])
def test_journey_is_short_and_never_under_triaged(stack, case):
    result = eval_assessment.run_case(stack.rasa_url, case, stack.rasa_token)
    assert result["questions"] <= 8, result["transcript"]
    assert result["level"] is not None, result["transcript"]
    assert SEVERITY.index(result["level"]) <= SEVERITY.index(case["expected_level"]), result


@pytest.mark.parametrize("case", TYPICAL, ids=[c["opening"][:40] for c in TYPICAL])
def test_typical_plantar_achilles_and_stress_fracture_get_their_cause_first(stack, case):
    result = eval_assessment.run_case(stack.rasa_url, case, stack.rasa_token)
    assert result["cause"] == case["expected_cause"], result
