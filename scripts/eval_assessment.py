"""Assessment journeys over REST, answered by a scripted patient, scored against the expected cause and level.

Each case has an opening message and the patient's answer per topic (location, timing, duration, change,
squeeze, nerve, age, warning_signs). The patient answers whatever the assistant asks (read from the tracker's
requested_slot); if the opening does not start the assessment, the patient asks for one, as people do.

Usage (servers running, e.g. `make run`):
  python scripts/eval_assessment.py --url http://localhost:5005 --cases eval/sets/assessment_cases.yml
Writes reports/assessment_journeys.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
SLOT_ANSWER = {
    "warning_signs": "warning_signs",
    "pain_location": "location",
    "pain_timing": "timing",
    "pain_duration": "duration",
    "pain_change": "change",
    "squeeze_pain": "squeeze",
    "nerve_symptoms": "nerve",
    "age_band": "age",
}
MAX_TURNS = 14


def _post(url: str, payload: dict) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def _tracker(url: str, sender: str, token: str) -> dict:
    """The conversation through Rasa's HTTP API, which needs its token (RASA_TOKEN or var/rasa_token)."""
    with urllib.request.urlopen(f"{url}/conversations/{sender}/tracker?token={token}", timeout=30) as response:
        return json.loads(response.read())


def run_case(url: str, case: Dict[str, Any], token: str) -> Dict[str, Any]:
    sender = f"journey-{uuid.uuid4().hex[:10]}"
    say = lambda text: _post(f"{url}/webhooks/rest/webhook", {"sender": sender, "message": text}) or []  # noqa: E731
    transcript: List[Dict[str, Any]] = []
    replies = say(case["opening"])
    transcript.append({"user": case["opening"], "bot": [r.get("text") for r in replies]})
    tracker = _tracker(url, sender, token)
    asked_for_assessment = False
    if (tracker.get("active_loop") or {}).get("name") != "assessment_form" and not tracker["slots"].get("care_level"):
        asked_for_assessment = True
        replies = say("can you check my symptoms please")
        transcript.append({"user": "can you check my symptoms please", "bot": [r.get("text") for r in replies]})
        tracker = _tracker(url, sender, token)
    questions = 0
    for _ in range(MAX_TURNS):
        if (tracker.get("active_loop") or {}).get("name") != "assessment_form":
            break
        slot = tracker["slots"].get("requested_slot")
        answer = case["answers"].get(
            SLOT_ANSWER.get(slot, ""), case["opening"] if slot == "pain_course" else "not sure"
        )
        questions += 1
        replies = say(answer)
        transcript.append({"asked": slot, "user": answer, "bot": [r.get("text") for r in replies]})
        tracker = _tracker(url, sender, token)
    slots = tracker["slots"]
    return {
        "opening": case["opening"],
        "expected_cause": case["expected_cause"],
        "cause": slots.get("condition"),
        "expected_level": case["expected_level"],
        "level": slots.get("care_level"),
        "questions": questions,
        "asked_for_assessment": asked_for_assessment,
        "transcript": transcript,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--cases", default=str(ROOT / "eval" / "sets" / "assessment_cases.yml"))
    parser.add_argument("--report", default=str(ROOT / "reports" / "assessment_journeys.json"))
    args = parser.parse_args()
    cases = yaml.safe_load(open(args.cases, encoding="utf-8"))["cases"]
    from heel.settings import rasa_api_token

    results = [run_case(args.url, case, rasa_api_token()) for case in cases]
    cause_ok = sum(r["cause"] == r["expected_cause"] for r in results)
    level_ok = sum(r["level"] == r["expected_level"] for r in results)
    print(
        f"journeys: {len(results)}  top cause right: {cause_ok}  level right: {level_ok}  "
        f"max questions: {max(r['questions'] for r in results)}"
    )
    for r in results:
        mark = "ok " if r["cause"] == r["expected_cause"] and r["level"] == r["expected_level"] else "BAD"
        print(
            f"  {mark} cause {r['expected_cause']}->{r['cause']} level {r['expected_level']}->{r['level']} "
            f"q={r['questions']}{' (asked for assessment)' if r['asked_for_assessment'] else ''}: {r['opening'][:70]}"
        )
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
