"""Triage engine: every rule row, every level, ordering, interview order and edge cases."""

from __future__ import annotations

import pytest

from heel.triage.engine import (
    CAUSE_RULES,
    CAUSE_TOPIC,
    CAUSES,
    LEVEL_RULES,
    QUESTION_ORDER,
    RED_FLAG_LEVELS,
    Answers,
    CareLevel,
    assess,
    is_complete,
    next_question,
    rank_causes,
    score_causes,
    suspected_stress_fracture,
)

# one example per CauseRule row: answers under which the row applies
RULE_EXAMPLES = {
    "pf_under": dict(location="under_heel"),
    "fat_under": dict(location="under_heel"),
    "at_back": dict(location="back_of_heel"),
    "sev_back": dict(location="back_of_heel"),
    "fat_whole": dict(location="whole_heel"),
    "sf_whole": dict(location="whole_heel"),
    "sf_side": dict(location="side_of_heel"),
    "ne_side": dict(location="side_of_heel"),
    "sev_side": dict(location="side_of_heel"),
    "inf_both": dict(location="both_heels"),
    "pf_both": dict(location="both_heels"),
    "sev_both": dict(location="both_heels"),
    "pf_morning": dict(timing="morning_first_steps"),
    "at_morning": dict(timing="morning_first_steps"),
    "inf_morning": dict(timing="morning_first_steps"),
    "pf_rest": dict(timing="after_rest"),
    "at_rest": dict(timing="after_rest"),
    "sf_running": dict(timing="during_running"),
    "at_running": dict(timing="during_running"),
    "at_after": dict(timing="after_running"),
    "pf_after": dict(timing="after_running"),
    "sev_activity": dict(timing="during_running", age=11),
    "ne_night": dict(timing="night"),
    "inf_night": dict(timing="night"),
    "sf_night": dict(timing="night"),
    "fat_barefoot": dict(timing="barefoot_hard_floor"),
    "sf_constant": dict(timing="all_the_time"),
    "inf_constant": dict(timing="all_the_time"),
    "sf_load": dict(change="training_increase"),
    "pf_load": dict(change="training_increase"),
    "at_load": dict(change="training_increase"),
    "pf_shoes": dict(change="new_shoes"),
    "at_shoes": dict(change="new_shoes"),
    "fat_hard": dict(change="hard_surface"),
    "sf_hard": dict(change="hard_surface"),
    "at_hills": dict(change="hills"),
    "inf_nochange": dict(change="none"),
    "sf_squeeze": dict(squeeze_pain=True),
    "sev_squeeze": dict(squeeze_pain=True, age=10),
    "sf_no_squeeze": dict(squeeze_pain=False),
    "pf_not_back": dict(location="back_of_heel"),
    "at_not_under": dict(location="under_heel"),
    "sev_no_squeeze": dict(squeeze_pain=False),
    "ne_symptoms": dict(nerve_symptoms=True),
    "ne_none": dict(nerve_symptoms=False),
    "sev_age": dict(age=12),
    "sev_not_child": dict(age=40),
    "fat_older": dict(age=70),
    "pf_adult": dict(age_band="adult"),
    "pf_long": dict(duration_weeks=8),
    "inf_long": dict(duration_weeks=20),
    "sf_severe": dict(severity="severe", timing="during_running"),
}


def test_every_cause_rule_has_an_example_and_a_source():
    assert set(RULE_EXAMPLES) == {rule.rule_id for rule in CAUSE_RULES}
    assert all(rule.source and rule.cause in CAUSES for rule in CAUSE_RULES)
    assert all(rule.reason for rule in CAUSE_RULES if rule.weight > 0)
    assert len({rule.rule_id for rule in CAUSE_RULES}) == len(CAUSE_RULES)


@pytest.mark.parametrize("rule", CAUSE_RULES, ids=lambda rule: rule.rule_id)
def test_cause_rule_row(rule):
    answers = Answers(**RULE_EXAMPLES[rule.rule_id])
    assert rule.when(answers)
    assert not rule.when(Answers())
    applying = [r for r in CAUSE_RULES if r.cause == rule.cause and r.when(answers)]
    match = score_causes(answers)[rule.cause]
    assert match.score == sum(r.weight for r in applying)
    if rule.weight > 0:
        assert rule.reason in match.reasons
        assert rule.cause in [m.cause_id for m in rank_causes(answers)]
    else:
        assert match.score < sum(r.weight for r in applying if r.weight > 0)
    assert rank_causes(Answers()) == []


@pytest.mark.parametrize(
    "answers,top",
    [
        (Answers(location="under_heel", timing="morning_first_steps", duration_weeks=8, age=45), "plantar_fasciitis"),
        (Answers(location="back_of_heel", timing="after_running", change="hills", age=35), "achilles_tendinopathy"),
        (Answers(location="whole_heel", timing="barefoot_hard_floor", age=70), "fat_pad"),
        (
            Answers(
                location="side_of_heel", timing="during_running", change="training_increase", squeeze_pain=True, age=30
            ),
            "stress_fracture",
        ),
        (Answers(location="under_heel", timing="night", nerve_symptoms=True, age=50), "nerve_entrapment"),
        (Answers(location="back_of_heel", timing="during_running", squeeze_pain=True, age=11), "severs_disease"),
        (
            Answers(location="both_heels", timing="all_the_time", change="none", duration_weeks=20, age=30),
            "inflammatory_heel_pain",
        ),
    ],
)
def test_typical_pictures_rank_the_right_cause_first(answers, top):
    causes = rank_causes(answers)
    assert causes[0].cause_id == top, [(c.cause_id, c.score) for c in causes]
    assert causes[0].reasons


def test_severs_only_in_growing_children():
    adult = Answers(location="back_of_heel", timing="during_running", squeeze_pain=True, age=30)
    assert "severs_disease" not in [c.cause_id for c in rank_causes(adult)]
    child = Answers(location="back_of_heel", timing="during_running", squeeze_pain=True, age_band="child")
    assert rank_causes(child)[0].cause_id == "severs_disease"


def test_tie_break_prefers_commoner_cause():
    causes = rank_causes(Answers(location="under_heel"))
    assert causes[0].cause_id == "plantar_fasciitis"


# ---------------------------------------------------------------- levels
@pytest.mark.parametrize("flag", sorted(RED_FLAG_LEVELS))
def test_red_flag_sets_its_level(flag):
    assessment = assess(
        Answers(red_flags=[flag], location="under_heel", severity="mild", duration_weeks=1, improving=True)
    )
    assert assessment.level == RED_FLAG_LEVELS[flag]
    assert assessment.red_flags == [flag]


def test_most_severe_red_flag_wins():
    answers = Answers(red_flags=["inflammatory_pattern", "new_neuro_deficit", "cold_pale_foot"])
    assessment = assess(answers)
    assert assessment.level == CareLevel.EMERGENCY
    assert assessment.red_flags[0] == "cold_pale_foot"


def test_unknown_red_flag_ids_are_ignored():
    assert assess(Answers(red_flags=["made_up"])).level == CareLevel.PHYSIOTHERAPY


def test_stress_fracture_needs_doctor_and_imaging():
    answers = Answers(location="side_of_heel", change="training_increase", squeeze_pain=True, age=28)
    assert suspected_stress_fracture(answers)
    assessment = assess(answers)
    assert assessment.level == CareLevel.DOCTOR_SOON
    assert "imaging" in assessment.level_reason
    assert not suspected_stress_fracture(Answers(change="training_increase", squeeze_pain=False))
    assert not suspected_stress_fracture(Answers(change="training_increase", squeeze_pain=True, age=11))


def test_inflammatory_top_cause_means_doctor_soon():
    answers = Answers(location="both_heels", timing="all_the_time", change="none", duration_weeks=20, age=30)
    assert assess(answers).level == CareLevel.DOCTOR_SOON


def test_inflammatory_flag_boosts_inflammatory_cause():
    assessment = assess(Answers(location="both_heels", red_flags=["inflammatory_pattern"]))
    assert assessment.top_cause == "inflammatory_heel_pain"
    assert assessment.level == CareLevel.DOCTOR_SOON


def test_self_care_when_mild_recent_and_improving():
    answers = Answers(
        location="under_heel",
        timing="morning_first_steps",
        duration_weeks=1.5,
        severity="mild",
        improving=True,
        red_flags=[],
    )
    assert assess(answers).level == CareLevel.SELF_CARE


@pytest.mark.parametrize(
    "changes",
    [
        dict(severity="moderate"),
        dict(duration_weeks=3),
        dict(improving=False),
        dict(improving=None),
        dict(duration_weeks=None),
    ],
)
def test_not_self_care_unless_all_three(changes):
    base = dict(location="under_heel", duration_weeks=1.0, severity="mild", improving=True)
    base.update(changes)
    assert assess(Answers(**base)).level == CareLevel.PHYSIOTHERAPY


def test_default_is_physiotherapy():
    assessment = assess(Answers(location="under_heel", timing="morning_first_steps", duration_weeks=8))
    assert assessment.level == CareLevel.PHYSIOTHERAPY
    assert assessment.top_cause == "plantar_fasciitis"


def test_empty_answers():
    assessment = assess(Answers())
    assert assessment.level == CareLevel.PHYSIOTHERAPY
    assert assessment.causes == []
    assert "physiotherapy" in assessment.summary()


def test_conflicting_answers_still_give_one_answer():
    # a "mild, improving" picture with a red flag: the red flag wins
    answers = Answers(severity="mild", duration_weeks=1, improving=True, red_flags=["achilles_rupture"])
    assert assess(answers).level == CareLevel.URGENT
    # squeeze pain in an adult says stress fracture even if the story also fits plantar fasciitis
    mixed = Answers(
        location="under_heel", timing="morning_first_steps", squeeze_pain=True, change="training_increase", age=40
    )
    assessment = assess(mixed)
    assert assessment.level == CareLevel.DOCTOR_SOON
    assert {"plantar_fasciitis", "stress_fracture"} <= {c.cause_id for c in assessment.causes}


def test_level_rules_end_with_catch_all_and_cite_sources():
    assert LEVEL_RULES[-1].rule_id == "default"
    assert all(rule.source for rule in LEVEL_RULES)


# ---------------------------------------------------------------- CareLevel
def test_care_level_ordering():
    order = [CareLevel.EMERGENCY, CareLevel.URGENT, CareLevel.DOCTOR_SOON, CareLevel.PHYSIOTHERAPY, CareLevel.SELF_CARE]
    assert [level.rank for level in order] == [0, 1, 2, 3, 4]
    assert CareLevel.EMERGENCY.more_severe_than(CareLevel.URGENT)
    assert not CareLevel.SELF_CARE.more_severe_than("physiotherapy")
    assert CareLevel.most_severe(["self_care", CareLevel.URGENT, "doctor_soon"]) == CareLevel.URGENT
    assert CareLevel.most_severe([]) is None
    assert CareLevel("emergency") == "emergency"


# ---------------------------------------------------------------- summary
def test_summary_is_one_short_paragraph():
    answers = Answers(
        location="under_heel",
        timing="morning_first_steps",
        duration_weeks=6,
        change="training_increase",
        squeeze_pain=False,
        nerve_symptoms=False,
        age=42,
        severity="moderate",
        improving=False,
        red_flags=[],
    )
    text = assess(answers).summary()
    assert "\n" not in text and len(text) < 700
    assert "plantar fasciitis" in text and "pain under the heel" in text and "physiotherapy" in text


def test_summary_mentions_red_flags():
    text = assess(Answers(red_flags=["diabetic_foot_wound"])).summary()
    assert "diabetes" in text and "urgent" in text


# ---------------------------------------------------------------- interview
def test_question_order_starts_with_warning_signs():
    assert QUESTION_ORDER[0] == "red_flags"
    assert next_question(Answers()) == "red_flags"


def test_next_question_skips_known_and_skipped():
    answers = Answers(red_flags=[], location="under_heel")
    assert next_question(answers) == "timing"
    assert next_question(answers, skipped=["timing"]) == "duration_weeks"
    assert next_question(Answers(red_flags=[], age_band="adult"), skipped=QUESTION_ORDER[1:7]) == "severity"


def test_interview_stops_for_urgent_red_flags_but_not_doctor_soon():
    assert next_question(Answers(red_flags=["new_neuro_deficit"])) is None
    assert next_question(Answers(red_flags=["inflammatory_pattern"])) == "location"


def test_is_complete():
    full = Answers(
        red_flags=[],
        location="under_heel",
        timing="night",
        duration_weeks=2,
        change="none",
        squeeze_pain=False,
        nerve_symptoms=False,
        age=30,
        severity="mild",
        improving=True,
    )
    assert is_complete(full)
    assert not is_complete(Answers())
    assert is_complete(Answers(), skipped=QUESTION_ORDER)


# ---------------------------------------------------------------- data helpers
def test_cause_topics_are_content_ids():
    assert CAUSE_TOPIC == {cause: cause for cause in CAUSES}
    assert set(CAUSES) == {
        "plantar_fasciitis",
        "achilles_tendinopathy",
        "stress_fracture",
        "nerve_entrapment",
        "fat_pad",
        "severs_disease",
        "inflammatory_heel_pain",
    }


def test_answers_from_mapping_drops_unknown_and_invalid():
    answers = Answers.from_mapping(
        {"location": "under_heel", "timing": "sometimes", "foo": 1, "age": 12, "requested_slot": "x", "severity": None}
    )
    assert answers.location == "under_heel" and answers.timing is None and answers.age == 12
    assert Answers.from_mapping(answers.to_dict()) == answers


@pytest.mark.parametrize("age,band", [(5, "child"), (12, "child"), (15, "teen"), (40, "adult"), (75, "older")])
def test_age_band(age, band):
    assert Answers(age=age).band() == band
