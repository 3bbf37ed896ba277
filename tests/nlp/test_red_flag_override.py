"""RedFlagOverride: the detector forces red_flag and says whose danger sign it is (session 6)."""


def test_red_flag_override_marks_another_adults_sign_and_the_visitors_own_topic(heel_nlp):
    from rasa.nlu.constants import SPACY_DOCS
    from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from nlu_components.heel_nlu import RedFlagDetector, RedFlagOverride

    def run(text, top, confidence):
        message = Message(
            data={
                TEXT: text,
                INTENT: {"name": top, "confidence": confidence},
                INTENT_RANKING_KEY: [{"name": top, "confidence": confidence}],
            }
        )
        message.set(SPACY_DOCS[TEXT], heel_nlp(text.lower()))
        RedFlagOverride().process(RedFlagDetector().process([message]))
        flag = [e for e in message.get(ENTITIES, []) if e["entity"] == "red_flag"]
        return message.get(INTENT)["name"], flag[0]

    intent, flag = run(
        "my dad fell off a ladder and can't put any weight on his foot, what insoles suit me?", "ask_orthoses", 0.62
    )
    assert intent == "red_flag" and flag["patient"] == "someone_else" and flag["visitor_topic"] == "ask_orthoses"
    _, unsure = run("my mum's foot has gone cold and white", "ask_symptoms", 0.12)
    assert unsure["patient"] == "someone_else" and unsure["visitor_topic"] is None  # no question of their own
    _, own = run("my foot has gone cold and white", "ask_symptoms", 0.5)
    # the visitor's own question is kept too: a doctor-soon alert offers it (actions/safety.py)
    assert own["patient"] == "visitor" and own["visitor_topic"] == "ask_symptoms"


def test_the_detector_keeps_the_message_facts_for_later_turns(heel_nlp):
    from rasa.nlu.constants import SPACY_DOCS
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from nlu_components.heel_nlu import RED_FLAG_FACTS, RedFlagDetector

    def facts(text):
        message = Message(data={TEXT: text})
        message.set(SPACY_DOCS[TEXT], heel_nlp(text.lower()))
        return RedFlagDetector().process([message])[0].get(RED_FLAG_FACTS)

    assert "has_diabetes" in facts("I'm type 1 diabetic, can I book in")
    assert facts("I'm not diabetic, can I book in") is None
    assert facts("/book_appointment") is None  # a button payload is not read


def test_the_judge_configured_for_the_detector_alerts_where_the_rules_find_nothing(heel_nlp, tmp_path, monkeypatch):
    import numpy as np
    from rasa.nlu.constants import SPACY_DOCS
    from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from heel.safety import learned
    from nlu_components.heel_nlu import RedFlagDetector, RedFlagOverride

    # a judge that finds every message of eight words or more dangerous and names the cold foot
    path = tmp_path / "judge.npz"
    arrays = {
        "danger_coef": np.zeros(384, dtype=np.float32),
        "danger_intercept": np.array([10.0], dtype=np.float32),
        "flags": np.array(["cold_pale_foot", "new_neuro_deficit"]),
        "flag_coef": np.zeros((2, 384), dtype=np.float32),
        "flag_intercept": np.array([1.0, 0.0], dtype=np.float32),
    }
    learned.save_judge(path, arrays, threshold=0.9, min_words=8)
    detector = RedFlagDetector({"judge": str(path)})

    def run(text):
        message = Message(
            data={
                TEXT: text,
                INTENT: {"name": "ask_symptoms", "confidence": 0.5},
                INTENT_RANKING_KEY: [{"name": "ask_symptoms", "confidence": 0.5}],
            }
        )
        message.set(SPACY_DOCS[TEXT], heel_nlp(text.lower()))
        RedFlagOverride().process(detector.process([message]))
        return message.get(INTENT)["name"], [e["value"] for e in message.get(ENTITIES, []) if e["entity"] == "red_flag"]

    assert run("I went out walking in the hills today and now my heel feels odd") == ("red_flag", ["cold_pale_foot"])
    assert run("my heel feels odd today") == ("ask_symptoms", [])  # shorter than min_words: the rules alone
    # the message as written (the spaCy doc holds it lower-cased) was encoded once: the intent classifier reuses it
    from heel.language.encoder import shared_encoder

    written = "Went out walking in the Hills today and now my Heel feels odd"
    run(written)
    encoder, calls = shared_encoder(), []
    original = encoder.encode
    monkeypatch.setattr(encoder, "encode", lambda batch, **kw: calls.append(list(batch)) or original(batch, **kw))
    encoder.encode_recent([written])
    assert calls == []
    # the rules' own flag comes first; the judge is not asked
    assert run("I fell off a ladder this morning and I can't put any weight on my foot at all")[1] == [
        "cannot_bear_weight_after_injury"
    ]
