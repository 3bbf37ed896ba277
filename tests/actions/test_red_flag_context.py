import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.red_flag_context import ActionTrackRedFlagContext, new_flags
from tests.support.trackers import make_tracker


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    from nlp.build import load_or_build

    return load_or_build(tmp_path_factory.mktemp("nlp") / "spacy_heel")


def test_diabetes_then_a_wound_in_a_later_turn_is_a_red_flag(nlp):
    flags, context = new_flags("I'm type 2 diabetic, on metformin", None, nlp)
    assert flags == [] and context["has_diabetes"] is True
    flags, _ = new_flags("there's a blister on my heel that has gone red", context, nlp)
    assert flags == ["diabetic_foot_wound"]


def test_a_wound_without_diabetes_is_not(nlp):
    _, context = new_flags("I run about 30k a week", None, nlp)
    flags, _ = new_flags("there's a blister on my heel that has gone red", context, nlp)
    assert flags == []


def test_a_flag_the_message_already_shows_is_left_to_the_nlu_override(nlp):
    flags, _ = new_flags("I'm diabetic and there's an ulcer on my heel", None, nlp)
    assert flags == []


def test_the_action_reports_fresh_flags_once_and_keeps_the_context(content_db, nlp, monkeypatch):
    monkeypatch.setattr("actions.red_flag_context.pipeline", lambda: nlp)
    tracker = make_tracker("describe_symptoms", text="my heel has a cut that is red and warm",
                           slots={"red_flag_context": {"has_diabetes": True}})
    dispatcher = CollectingDispatcher()
    events = ActionTrackRedFlagContext().run(dispatcher, tracker, {})
    slots = {e["name"]: e["value"] for e in events}
    # The alert itself is action_red_flag_alert's (run next by CrossTurnRedFlagPolicy), not the slot mapping's.
    assert dispatcher.messages == []
    assert slots["red_flags_this_turn"] == ["diabetic_foot_wound"]
    assert slots["red_flag_context"]["has_diabetes"] is True
    again = make_tracker("describe_symptoms", text="the cut is still red",
                         slots={"red_flag_context": slots["red_flag_context"], "red_flags": ["diabetic_foot_wound"]})
    events = ActionTrackRedFlagContext().run(CollectingDispatcher(), again, {})
    assert {e["name"]: e["value"] for e in events}["red_flags_this_turn"] == []


def test_the_alert_reads_the_flags_that_earlier_turns_completed(content_db):
    from actions.safety import ActionRedFlagAlert

    tracker = make_tracker("ask_footwear", text="what shoes with a red blister on my heel",
                           slots={"red_flags_this_turn": ["diabetic_foot_wound"]})
    dispatcher = CollectingDispatcher()
    events = ActionRedFlagAlert().run(dispatcher, tracker, {})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert "today" in dispatcher.messages[0]["text"]
    assert slots["care_level"] == "urgent" and slots["red_flags"] == ["diabetic_foot_wound"]


def test_action_server_pipeline_does_not_pull_in_tensorflow():
    """The action server loads the spaCy pipeline for cross-turn red flags; thinc would import TensorFlow
    (about 400 MB) if it could. Checked in a fresh process, where nothing has imported either yet."""
    import subprocess
    import sys
    from pathlib import Path

    # VmRSS, not ru_maxrss: Linux carries the parent's peak over fork and exec into the child's ru_maxrss.
    code = ("import re, sys; from actions import red_flag_context as r; nlp = r.pipeline(); "
            "flags, _ = r.new_flags('there is a blister on my heel', {'has_diabetes': True}, nlp); "
            "rss = int(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) // 1024; "
            "print('tensorflow' in sys.modules, rss, flags)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(Path(__file__).resolve().parents[2])).stdout.split(None, 2)
    assert out[0] == "False"
    assert int(out[1]) < 300  # MB; about 150 without TensorFlow, 500+ with it
    assert "diabetic_foot_wound" in out[2]  # the pipeline still works
