"""The red-flag rules' data files (nlp/redflags/rules/) and their reader (heel/safety/tables.py)."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

from heel.safety import context, reading, redflags, rules, tables
from heel.triage.engine import RED_FLAG_LEVELS


def _write(tmp_path, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return str(tmp_path)


def test_tags_build_sets_regexes_and_tuples_with_references(tmp_path):
    directory = _write(
        tmp_path,
        "t.yml",
        'BASE: !words "shoe sock"\n'
        'MORE: !words "$BASE boot"\n'
        'PHRASES: !set ["in the cold", "at night"]\n'
        "RE: !regex ['\\bback ', 'in\\b']\n"
        "EARLY: [since today]\n"
        "LIST: [first, $EARLY, [a, b]]\n"
        "lower: ignored\n",
    )
    raw = tables.read("t.yml", directory)
    got = tables.values(raw, raw)
    assert got["MORE"] == frozenset({"shoe", "sock", "boot"})
    assert got["PHRASES"] == frozenset({"in the cold", "at night"})
    assert got["RE"].search("way back in 2015") and not got["RE"].search("backing")
    assert got["LIST"] == ("first", "since today", ("a", "b"))
    assert "lower" not in got


def test_macros_expand_inside_macros():
    assert tables.expand("{A} ~2 walk", {"A": "{B}|cannot", "B": "can not"}) == "can not|cannot ~2 walk"


def test_words_load_on_first_use_only():
    words = tables.Words(("context.yml",))
    assert "NEG_CUES" not in words.__dict__
    assert "never" in words.NEG_CUES and "NEG_CUES" in words.__dict__


def test_every_concept_field_is_known_and_every_pattern_expanded():
    known = {f.name for f in dataclasses.fields(redflags.Concept)} | {"id"}
    for spec in tables.read("concepts.yml")["concepts"]:
        assert set(spec) <= known, spec["id"]
    for concept in redflags.concepts():
        assert concept.patterns and not any(re.search(r"[{}$]", p) for p in concept.patterns), concept.cid


def test_flags_name_only_existing_concepts_and_every_level():
    ids = {c.cid for c in redflags.concepts()}
    rules = redflags.flag_rules()
    assert {r.flag_id for r in rules} == set(RED_FLAG_LEVELS)
    assert all(c in ids for r in rules for conjunction in r.any_of for c in conjunction)
    remember = tables.read("flags.yml")["remember"]
    kept = redflags.RedFlagContext.from_dict({name: True for name in remember.values()})
    assert kept.names == set(remember.values())  # every remembered fact survives the slot's round trip
    assert set(remember) - ids == {"heel_symptom"}  # the one fact the engine derives rather than matches


def test_the_effects_table_names_existing_concepts():
    effects = tables.read(rules.EFFECTS_FILE)
    assert set(effects) <= {c.cid for c in redflags.concepts()}


def test_importing_the_engine_reads_no_table():
    code = "import heel.safety.redflags as r; print(sorted(k for k in vars(r.W) if not k.startswith('_')))"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"


# --- the context engine (heel/safety/context.py): scopes read from a row, not from words in code ---


def _row(**raw):
    return context.modifier({"label": "x", **raw}, redflags.W.value)


def _reached(nlp, text, finding, row):
    message = reading.Message(redflags.parse(text, nlp))
    i = next(t.i for t in message.toks if t.lower == finding)
    return context.reaches(message, row, i, i + 1)


def test_a_before_scope_stops_at_a_terminator_and_at_its_reach(heel_nlp):
    row = _row(cues={"words": ["no"]}, scope="before", reach=3, terminators=["but"])
    assert _reached(heel_nlp, "no real swelling", "swelling", row)
    assert not _reached(heel_nlp, "no pain but swelling", "swelling", row)
    assert not _reached(heel_nlp, "no pain at all today swelling", "swelling", row)


def test_a_pseudo_cue_is_no_cue(heel_nlp):
    row = _row(cues={"words": ["not"], "forms": True}, scope="before", reach=8, pseudo=["not only"])
    assert _reached(heel_nlp, "it is not swollen", "swollen", row)
    assert not _reached(heel_nlp, "not only sore but swollen", "swollen", row)


def test_requires_and_unless_must_agree(heel_nlp):
    row = _row(
        cues={"phrases": ["years ago"]},
        scope="sentence",
        unless={"words": ["now"]},
        requires={"cues": {"words": ["healed"]}, "scope": "sentences", "window": [0, 1]},
    )
    assert _reached(heel_nlp, "years ago my foot went numb. it healed.", "numb", row)
    assert not _reached(heel_nlp, "years ago my foot went numb. it hurt.", "numb", row)
    assert not _reached(heel_nlp, "years ago and now my foot went numb. it healed.", "numb", row)


def test_an_episode_runs_until_the_present_and_counts_when_it_ended_well(heel_nlp):
    row = _row(
        cues={"phrases": ["years ago"]},
        scope="episode",
        closed_by={"words": ["now"]},
        requires={"cues": {"patterns": ["healed"]}, "scope": "sentence"},
    )
    story = "years ago i fell. my foot went numb. it healed. now my foot is numb again."
    message = reading.Message(redflags.parse(story, heel_nlp))
    numb = [t.i for t in message.toks if t.lower == "numb"]
    assert context.reaches(message, row, numb[0], numb[0] + 1)
    assert not context.reaches(message, row, numb[1], numb[1] + 1)
