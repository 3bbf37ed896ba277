"""The aspect rule (docs/labels.md) as applied by heel.language.aspects and the AspectRouter component."""

import pytest

from heel.language import aspects


@pytest.fixture(scope="module")
def table():
    return aspects.load_table()


def ranking(*names):
    return [{"name": name, "confidence": round(0.9 - i * 0.1, 2)} for i, name in enumerate(names)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my doc says stress fracture, how long will I be off running", "ask_recovery_time"),
        ("severs in my boy, will he grow out of it", "ask_recovery_time"),
        ("when can I race again with plantar fasciitis", "ask_recovery_time"),
        ("what are the signs of fat pad atrophy", "ask_symptoms"),
        ("how would I know it's a trapped nerve", "ask_symptoms"),
        ("do I need an MRI for an achilles problem", "ask_diagnosis"),
        ("best stretches for plantar fasciitis?", "ask_exercises"),
        ("how do I stop it coming back once the achilles settles", "ask_prevention"),
    ],
)
def test_cue_phrases(table, text, expected):
    assert expected in aspects.aspect_candidates(text, [], table)


@pytest.mark.parametrize(
    "text",
    [
        "my x-ray showed a heel spur, is that the same thing as plantar fasciitis",
        "the X-ray report mentions a calcaneal spur. is the spur what hurts or the fascia?",
        "a spur showed up on my xray last year, does that mean I have plantar fasciitis",
        "had an MRI last month which found some fluid round the achilles, what is tendinopathy exactly",
    ],
)
def test_a_reported_result_is_context_not_a_diagnosis_question(table, text):
    assert "ask_diagnosis" not in aspects.aspect_candidates(text, [], table)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("will an x-ray show a heel spur", "ask_diagnosis"),
        ("does a spur show up on an x-ray or do you need a scan", "ask_diagnosis"),
        ("my x-ray showed nothing, do I need an MRI for a stress fracture", "ask_diagnosis"),
        ("the scan found a stress fracture, how long will I be off running", "ask_recovery_time"),
    ],
)
def test_questions_about_tests_still_ask_about_diagnosis(table, text, expected):
    assert expected in aspects.aspect_candidates(text, [], table)


def test_treatment_entities_come_first(table):
    entities = [{"entity": "treatment", "value": "shockwave"}, {"entity": "condition", "value": "plantar_fasciitis"}]
    found = aspects.aspect_candidates("is shockwave worth it for PF, and how long till it works", entities, table)
    assert found[0] == "ask_shockwave" and "ask_recovery_time" in found


@pytest.mark.parametrize(
    "text",
    [
        "what is plantar fasciitis exactly",
        "is a heel spur the same as plantar fasciitis",
        "my son's heels hurt after football, is it Sever's",
        "my daughter was just diagnosed with Sever's disease, what actually is it",
    ],
)
def test_plain_condition_questions_have_no_aspect(table, text):
    assert aspects.aspect_candidates(text, [], table) == []


def test_reroutes_a_condition_intent_to_the_aspect_the_classifier_ranked(table):
    target = aspects.reroute(
        "ask_stress_fracture",
        ranking("ask_stress_fracture", "ask_symptoms", "ask_recovery_time"),
        ["ask_recovery_time", "ask_symptoms"],
        table,
    )
    assert target == "ask_symptoms"  # both asked about: the classifier's favourite aspect wins


def test_never_reroutes_other_intents_or_to_unranked_aspects(table):
    assert (
        aspects.reroute(
            "ask_physiotherapy", ranking("ask_physiotherapy", "ask_recovery_time"), ["ask_recovery_time"], table
        )
        is None
    )
    assert aspects.reroute("ask_achilles", ranking("ask_achilles", "ask_symptoms"), ["ask_exercises"], table) is None
    assert aspects.reroute("ask_achilles", ranking("ask_achilles"), [], table) is None
    assert aspects.reroute(None, [], ["ask_exercises"], table) is None


def test_component_keeps_confidence_and_ranking():
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from nlu_components.heel_nlu import AspectRouter

    message = Message(
        data={
            TEXT: "got told its a heel stress fracture, how long am I out for",
            INTENT: {"name": "ask_stress_fracture", "confidence": 0.81},
            INTENT_RANKING_KEY: ranking("ask_stress_fracture", "ask_causes", "ask_recovery_time"),
        }
    )
    AspectRouter().process([message])
    assert message.get(INTENT) == {
        "name": "ask_recovery_time",
        "confidence": 0.81,
        "routed_from": "ask_stress_fracture",
    }
    ranked = message.get(INTENT_RANKING_KEY)
    assert ranked[0] == {"name": "ask_recovery_time", "confidence": 0.81}
    assert {r["name"]: r["confidence"] for r in ranked[1:]} == {"ask_causes": 0.8, "ask_stress_fracture": 0.7}
    assert [r["confidence"] for r in ranked] == sorted((r["confidence"] for r in ranked), reverse=True)

    button = Message(
        data={
            TEXT: "/ask_stress_fracture",
            INTENT: {"name": "ask_stress_fracture", "confidence": 1.0},
            INTENT_RANKING_KEY: ranking("ask_stress_fracture", "ask_recovery_time"),
        }
    )
    AspectRouter().process([button])
    assert button.get(INTENT)["name"] == "ask_stress_fracture"


def test_a_cue_moves_the_answer_only_to_an_intent_the_classifier_found_likely_enough():
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from nlu_components.heel_nlu import AspectRouter

    def routed(aspect_confidence: float) -> str:
        message = Message(
            data={
                TEXT: "got told its a heel stress fracture, how long am I out for",
                INTENT: {"name": "ask_stress_fracture", "confidence": 0.9},
                INTENT_RANKING_KEY: [
                    {"name": "ask_stress_fracture", "confidence": 0.9},
                    {"name": "ask_recovery_time", "confidence": aspect_confidence},
                ],
            }
        )
        AspectRouter({"min_share": 0.2}).process([message])
        return message.get(INTENT)["name"]

    assert routed(0.05) == "ask_stress_fracture"  # 0.05 < 0.2 x 0.9: the classifier's choice stands
    assert routed(0.2) == "ask_recovery_time"  # a close contender: the aspect asked wins


@pytest.mark.parametrize(
    "text, top",
    [
        ("what does a course of shockwave cost?", "ask_shockwave"),
        ("how much is a gait analysis session", "ask_gait_analysis"),
        ("how much for custom insoles", "ask_orthoses"),
        ("indiba prices pls", "ask_indiba"),
        ("is it £40 per appointment for the hands-on stuff?", "ask_manual_therapy"),
    ],
)
def test_price_questions_about_a_treatment_are_clinic_information(table, text, top):
    assert aspects.price_reroute(top, text, table) == "ask_clinic_info"


@pytest.mark.parametrize(
    "text, top",
    [
        ("how much does shockwave hurt", "ask_shockwave"),
        ("how much should I stretch each day", "ask_exercises"),
        ("how much rest does a stress fracture need", "ask_recovery_time"),
        ("how much is too much running with plantar fasciitis", "ask_plantar_fasciitis"),
        ("what are your prices", "ask_clinic_info"),  # already clinic information
        ("how much is a session", "book_appointment"),  # not a topic intent: left to the classifier
    ],
)
def test_price_rule_leaves_other_questions_alone(table, text, top):
    assert aspects.price_reroute(top, text, table) is None


@pytest.mark.parametrize(
    "text",
    [
        "how do doctors tell sever's apart from other heel problems in kids",
        "can a physio distinguish a stress fracture from plantar fasciitis without a scan",
        "how would you rule out a nerve problem",
    ],
)
def test_telling_causes_apart_is_a_diagnosis_question(table, text):
    assert "ask_diagnosis" in aspects.aspect_candidates(text, [], table)


def test_how_much_a_treatment_helps_is_not_a_price_question(table):
    assert aspects.price_reroute("ask_physiotherapy", "how much does the treatment help", table) is None
    assert aspects.price_reroute("ask_orthoses", "how much do insoles actually help?", table) is None


def treatment(value, word, text):
    """A treatment entity as the entity ruler reports it: value and the character offset of its words."""
    return {"entity": "treatment", "value": value, "start": text.index(word)}


@pytest.mark.parametrize(
    "text, has, asks, top, expected",
    [
        # session 6: a treatment the visitor already has is context; the treatment they ask about answers
        (
            "I'm already using insoles, would taping help on top",
            ("orthoses", "insoles"),
            ("taping", "taping"),
            "ask_orthoses",
            "ask_taping",
        ),
        (
            "already do the stretches every day, is shockwave worth trying",
            ("exercises", "stretches"),
            ("shockwave", "shockwave"),
            "ask_exercises",
            "ask_shockwave",
        ),
        # session 7: a treatment tried, with its result, is context too (no "already", no comma needed)
        (
            "been wearing orthotics since spring and they didn't help much is shockwave an option",
            ("orthoses", "orthotics"),
            ("shockwave", "shockwave"),
            "ask_orthoses",
            "ask_shockwave",
        ),
        (
            "did the taping for weeks with no difference would massage be worth a go",
            ("taping", "taping"),
            ("manual_therapy", "massage"),
            "ask_taping",
            "ask_manual_therapy",
        ),
    ],
)
def test_a_treatment_the_visitor_already_has_gives_way_to_the_one_asked_about(table, text, has, asks, top, expected):
    entities = [treatment(*has, text), treatment(*asks, text)]
    assert aspects.treatment_reroute(top, ranking(top, expected), text, entities, table) == expected


@pytest.mark.parametrize(
    "text, top, names",
    [
        ("is shockwave better than insoles", "ask_shockwave", [("shockwave", "shockwave"), ("orthoses", "insoles")]),
        ("would insoles help", "ask_orthoses", []),  # no entity found: nothing to go on
        ("already tried insoles, nothing helped", "ask_orthoses", [("orthoses", "insoles")]),  # only context named
        # no "already" clause: the classifier's choice stands (session 6: "heel raises" is an exercise word too)
        ("would heel raises in my trainers help", "ask_orthoses", [("exercises", "heel raises")]),
        ("not just exercises, do you do hands-on mobilising", "ask_manual_therapy", [("exercises", "exercises")]),
        ("can a physio help or is it just stretches", "ask_physiotherapy", [("exercises", "stretches")]),
    ],
)
def test_the_treatment_rule_leaves_these_alone(table, text, top, names):
    entities = [treatment(value, word, text) for value, word in names]
    assert aspects.treatment_reroute(top, ranking(top, "ask_exercises", "ask_orthoses"), text, entities, table) is None


def test_a_reported_result_alone_is_not_a_diagnosis_question(table):
    text = "my scan showed a small spur on the heel bone, is that bad"
    assert (
        aspects.reported_result_reroute("ask_diagnosis", ranking("ask_diagnosis", "ask_plantar_fasciitis"), text, table)
        == "ask_plantar_fasciitis"
    )
    asks_tests = "my scan showed a spur, will I need an MRI as well"
    assert (
        aspects.reported_result_reroute(
            "ask_diagnosis", ranking("ask_diagnosis", "ask_plantar_fasciitis"), asks_tests, table
        )
        is None
    )
    plain = "what does an MRI show for heel pain"
    assert aspects.reported_result_reroute("ask_diagnosis", ranking("ask_diagnosis"), plain, table) is None
    far_down = ranking("ask_diagnosis", "greet", "affirm", "ask_plantar_fasciitis")
    assert aspects.reported_result_reroute("ask_diagnosis", far_down, text, table) is None


def test_a_price_in_a_statement_is_not_a_price_question(table):
    # session 7: the question is about the analysis; the price is in the story around it
    text = "A shop did my gait analysis for free and charged £120 for trainers. What does a physio look at?"
    assert aspects.price_reroute("ask_gait_analysis", text, table) is None
    assert (
        aspects.price_reroute("ask_gait_analysis", "Did a gait analysis at a shop. What do you charge for one?", table)
        == "ask_clinic_info"
    )
    assert aspects.price_reroute("ask_shockwave", "shockwave price", table) == "ask_clinic_info"  # no "?" at all


def test_dragging_on_asks_about_recovery(table):
    assert "ask_recovery_time" in aspects.aspect_candidates(
        "my achilles has been dragging on since the summer, is that usual", [], table
    )


@pytest.mark.parametrize(
    "text, reported",
    [
        ("the physio spotted some calcification on an old scan of mine, is that tendinopathy", True),
        ("a spur was picked up on my x-ray years ago, is it the cause", True),
        ("can plantar fasciitis be seen on an MRI", False),
        ("what can be found on an x-ray of the heel", False),
    ],
)
def test_reported_results_are_past_reports_only(table, text, reported):
    assert any(p.search(text) for p in table.reported_results) == reported


# --- session 8 (v20b, v23a review); our own phrasings -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, had, word, expected",
    [
        # an aspect asked beside a treatment the visitor already has
        (
            "already doing the taping before long runs, but how do I stop the pain returning",
            "taping",
            "taping",
            "ask_prevention",
        ),
        ("I've tried insoles already, how long till this settles", "orthoses", "insoles", "ask_recovery_time"),
        # 'already' after the treatment
        ("have orthotics already, would kinesio tape add anything", "orthoses", "orthotics", "ask_taping"),
    ],
)
def test_a_treatment_already_had_gives_way_to_the_aspect_or_treatment_asked(table, text, had, word, expected):
    entities = [treatment(had, word, text)]
    if expected == "ask_taping":
        entities.append(treatment("taping", "kinesio tape", text))
    top = table.treatment_intents[had]
    assert aspects.treatment_reroute(top, ranking(top, expected), text, entities, table) == expected


def test_an_aspect_far_down_the_ranking_does_not_take_over(table):
    text = "already doing the taping before long runs, but how do I stop the pain returning"
    far = ranking("ask_taping", "ask_orthoses", "ask_exercises", "ask_prevention")
    assert aspects.treatment_reroute("ask_taping", far, text, [treatment("taping", "taping", text)], table) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my physio says I overstride, is that what's hurting my heel", "ask_biomechanics"),
        ("club coach reckons my cadence is too slow, does that matter", "ask_biomechanics"),
        ("could you video my running and check my cadence", None),  # asks for the analysis
        ("do you do gait analysis for people who heel strike", None),
        ("what happens in a running assessment", None),  # no rival's words
    ],
)
def test_gait_analysis_needs_its_own_words(table, text, expected):
    ranked = ranking("ask_gait_analysis", "ask_biomechanics", "ask_footwear")
    assert aspects.unsupported_reroute("ask_gait_analysis", ranked, text, table) == expected


@pytest.mark.parametrize(
    "text, asked",
    [
        (
            "heel sore for weeks after upping my mileage. anyway how long does this normally take to heal",
            "how long does this normally take to heal",
        ),
        ("my heel is sore every morning", ""),
        ("what is going on with my heel. it hurts when I stretch", "what is going on with my heel"),
    ],
)
def test_the_asked_part_is_the_last_wh_question(text, asked):
    assert aspects.asked_part(text).strip() == asked


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "heel sore for weeks after upping my mileage. anyway how long does this normally take to heal",
            "ask_recovery_time",
        ),
        ("I stretch every morning and it still hurts, what is going on?", None),  # the stretch is not the question
        ("my heel hurts after runs and I do calf stretches", None),  # no question at all
    ],
)
def test_a_description_ending_in_an_aspect_question_gets_the_aspect(table, text, expected):
    ranked = ranking("describe_symptoms", "ask_recovery_time", "ask_exercises")
    assert aspects.described_question_reroute("describe_symptoms", ranked, text, table) == expected


@pytest.mark.parametrize(
    "text, asks, expected",
    [
        # a question with no aspect cue asks what the description points to
        ("I stretch every morning and it still hurts, what is going on?", True, "ask_causes"),
        ("sore under the heel since I took up padel. any idea what it could be", True, "ask_causes"),
        # an aspect cue still wins over the general question
        (
            "heel sore for weeks after upping my mileage. anyway how long does this normally take to heal",
            True,
            "ask_recovery_time",
        ),
        # no question: the description stays one (the assessment)
        ("my heel hurts after runs and I do calf stretches", False, None),
    ],
)
def test_a_description_ending_in_a_general_question_gets_the_causes_answer(table, text, asks, expected):
    ranked = ranking("describe_symptoms", "ask_recovery_time", "ask_exercises")
    found = aspects.described_question_reroute(
        "describe_symptoms", ranked, text, table, asks=asks, question_intent="ask_causes"
    )
    assert found == expected


def test_a_general_question_after_a_description_stays_one_when_no_topic_is_configured(table):
    ranked = ranking("describe_symptoms", "ask_recovery_time")
    assert (
        aspects.described_question_reroute("describe_symptoms", ranked, "what is going on?", table, asks=True) is None
    )


def test_a_follow_up_visit_is_a_price_question(table):
    assert (
        aspects.price_reroute("ask_physiotherapy", "had physio here in May, how much is a follow-up", table)
        == "ask_clinic_info"
    )


def test_preventable_asks_about_prevention(table):
    assert "ask_prevention" in aspects.aspect_candidates("is achilles tendinopathy preventable", [], table)


@pytest.mark.parametrize(
    "text, missing",
    [
        ("the school nurse said severs whats that when its at home", True),
        ("my wife keeps nagging me to get my heel seen to, is she right?", True),
        ("do you keep my details after the chat", False),
        ("who gets to see the symptoms I tell you", False),
        ("can you delete what I typed", False),
        ("what will you do with it?", False),  # asked at the consent question
        ("does any of this go anywhere", False),
    ],
)
def test_the_privacy_answer_needs_a_word_about_data(table, text, missing):
    """Every privacy training example has one of these words too (test_every_training_example_of_a_clarify_topic...)."""
    assert aspects.missing_own_words("ask_privacy", text, table) == missing
    assert not aspects.missing_own_words("ask_severs", text, table)  # only topics marked `clarify`


# --- session 9 (v23b and v26a review): our own wording for each class, never the held-out sentences ---


@pytest.mark.parametrize(
    "text, value, word, expected",
    [
        # a treatment tried without result is context: the condition the visitor asks about stays
        (
            "been doing calf stretches for months and nothing changes, could it be a trapped nerve",
            "exercises",
            "stretches",
            [],
        ),
        ("tried stretching every day, nothing has helped. is it a stress fracture", "exercises", "stretching", []),
        # asked outside the context clause, the aspect still counts
        (
            "tried insoles with no change, which stretches help plantar fasciitis",
            "orthoses",
            "insoles",
            ["ask_exercises"],
        ),
        (
            "do stretches help plantar fasciitis",
            "exercises",
            "stretches",
            ["ask_exercises"],
        ),  # no context clause at all
    ],
)
def test_a_treatment_already_tried_is_not_the_aspect_asked(table, text, value, word, expected):
    assert aspects.asked_aspects(text, [treatment(value, word, text)], table) == expected


@pytest.mark.parametrize(
    "text, ambiguous",
    [
        ("Should teenagers with Sever's use heel raises?", False),  # "use": an insert, settled
        ("Do kids with Sever's need heel raises?", True),  # "do" asks; it is not "doing" them
        ("does a child with severs need heel lifts", True),
        ("did my heel raises this morning, should the achilles ache after", False),  # done: an exercise
        ("doing heel raises off a step, is that right for achilles", False),
    ],
)
def test_heel_raises_ask_which_unless_the_message_settles_it(table, text, ambiguous):
    assert aspects.ambiguous_between(text, "ask_exercises", "ask_orthoses", table) == ambiguous


@pytest.mark.parametrize(
    "topic, text, missing",
    [
        ("ask_clinic_info", "r orthotics worth the money", True),  # whether insoles are worth it: orthoses, not prices
        ("ask_clinic_info", "are insoles even worth it", True),
        ("ask_clinic_info", "what time do you shut on fridays", False),
        ("ask_clinic_info", "whats ur postcode", False),
        ("ask_clinic_info", "is it pricey", False),
        ("ask_nerve_entrapment", "that machine that zaps the heel with pressure pulses, what is it", True),
        ("ask_nerve_entrapment", "pins and needles in the heel, what causes that", False),
        ("ask_nerve_entrapment", "could my back be the reason my heel hurts", False),
    ],
)
def test_clinic_and_nerve_answers_need_their_own_words(table, topic, text, missing):
    assert aspects.missing_own_words(topic, text, table) == missing


def test_a_nerve_entity_counts_as_the_nerve_topic_own_word(table):
    text = "tarsl wat is it"  # a spelling only the entity ruler knows
    nerve = {"entity": "condition", "value": "nerve_entrapment", "start": 0}
    assert aspects.missing_own_words("ask_nerve_entrapment", text, table)
    assert not aspects.missing_own_words("ask_nerve_entrapment", text, table, [nerve])


@pytest.mark.parametrize("intent", ["ask_privacy", "ask_clinic_info", "ask_nerve_entrapment"])
def test_every_training_example_of_a_clarify_topic_has_its_own_words(table, intent):
    import yaml

    examples = []
    for path in sorted((aspects.TABLE_PATH.parent.parent / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if block.get("intent") == intent:
                examples += [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]
    assert len(examples) > 100
    assert [text for text in examples if aspects.missing_own_words(intent, text, table)] == []


def test_component_gives_a_described_general_question_the_configured_topic():
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from nlu_components.heel_nlu import AspectRouter

    def described(text):
        return Message(
            data={
                TEXT: text,
                INTENT: {"name": "describe_symptoms", "confidence": 0.9},
                INTENT_RANKING_KEY: ranking("describe_symptoms", "ask_footwear", "ask_exercises"),
            }
        )

    asked = described("taxi driver, heel sore every morning for three months. what could this be?")
    told = described("taxi driver, heel sore every morning for three months")
    AspectRouter({"described_question_intent": "ask_causes"}).process([asked, told])
    assert asked.get(INTENT) == {"name": "ask_causes", "confidence": 0.9, "routed_from": "describe_symptoms"}
    assert told.get(INTENT)["name"] == "describe_symptoms"
    default = described("taxi driver, heel sore every morning for three months. what could this be?")
    AspectRouter().process([default])
    assert default.get(INTENT)["name"] == "describe_symptoms"
