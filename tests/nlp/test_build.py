"""The project-built spaCy pipeline: builds offline, loads by path, lemmatises and tags entities with canonical ids."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import spacy

from nlp.build import DEFAULT_OUT, LABELS, STAMP_FILE, build_pipeline, is_up_to_date, load_terms, main, ruler_patterns

ROOT = Path(__file__).resolve().parents[2]


def test_pipeline_components(heel_nlp):
    assert heel_nlp.pipe_names == ["sentencizer", "lemmatizer", "entity_ruler"]
    assert heel_nlp.lang == "en"


@pytest.mark.parametrize(
    "word,lemma",
    [
        ("heels", "heel"),
        ("Heels", "heel"),
        ("ankles", "ankle"),
        ("tingling", "tingle"),
        ("Tingling", "tingle"),
        ("hurts", "hurt"),
        ("fell", "fall"),
        ("swollen", "swell"),
        ("swolen", "swell"),
        ("numbess", "numb"),
        ("feet", "foot"),
        ("toes", "toe"),
        ("ruptured", "rupture"),
        ("achillies", "achilles"),
        ("diebetes", "diabetes"),
    ],
)
def test_lemmas(heel_nlp, word, lemma):
    assert heel_nlp(f"my {word} today")[1].lemma_ == lemma


@pytest.mark.parametrize(
    "text,label,ent_id",
    [
        ("I think I have plantar fasciitis", "condition", "plantar_fasciitis"),
        ("is it planter fasciitis?", "condition", "plantar_fasciitis"),
        ("my physio said plantar fascitis", "condition", "plantar_fasciitis"),
        ("PF again", "condition", "plantar_fasciitis"),
        ("policeman's heel", "condition", "plantar_fasciitis"),
        ("achilles tendonitis flare", "condition", "achilles_tendinopathy"),
        ("a Haglund's deformity", "condition", "haglund"),
        ("worried about a stress fracture", "condition", "stress_fracture"),
        ("tarsal tunnel syndrome", "condition", "nerve_entrapment"),
        ("Baxter's nerve", "condition", "nerve_entrapment"),
        ("fat pad atrophy", "condition", "fat_pad"),
        ("my son has Sever's disease", "condition", "severs_disease"),
        ("enthesitis", "condition", "enthesitis"),
        ("pain in my heels", "body_part", "heel"),
        ("the arch of my foot", "body_part", "arch"),
        ("my Achilles tendon", "body_part", "achilles_tendon"),
        ("tight calves", "body_part", "calf"),
        ("ball of my foot", "body_part", "ball_of_foot"),
        ("twisted ankle", "body_part", "ankle"),
        ("my toes", "body_part", "toes"),
        ("some numbness", "symptom", "numbness"),
        ("numbess", "symptom", "numbness"),
        ("tingling", "symptom", "tingling"),
        ("pins and needles", "symptom", "tingling"),
        ("burning", "symptom", "burning"),
        ("morning stiffness", "symptom", "stiffness"),
        ("swolen", "symptom", "swelling"),
        ("bruising", "symptom", "bruising"),
        ("shockwave therapy", "treatment", "shockwave"),
        ("ESWT", "treatment", "shockwave"),
        ("INDIBA", "treatment", "indiba"),
        ("therapeutic ultrasound", "treatment", "ultrasound_therapy"),
        ("custom orthotics", "treatment", "orthoses"),
        ("insoles", "treatment", "orthoses"),
        ("KT tape", "treatment", "taping"),
        ("kinesiology taping", "treatment", "taping"),
        ("a sports massage", "treatment", "manual_therapy"),
        ("calf stretches", "treatment", "exercises"),
        ("stretching", "treatment", "exercises"),
    ],
)
def test_entities(heel_nlp, text, label, ent_id):
    ents = {(ent.label_, ent.ent_id_) for ent in heel_nlp(text).ents}
    assert (label, ent_id) in ents, ents


def test_terms_cover_required_ids():
    terms = load_terms()
    assert set(LABELS) <= set(terms)
    required = {
        "condition": {
            "plantar_fasciitis",
            "achilles_tendinopathy",
            "haglund",
            "stress_fracture",
            "nerve_entrapment",
            "fat_pad",
            "severs_disease",
            "enthesitis",
        },
        "body_part": {"heel", "arch", "achilles_tendon", "calf", "ball_of_foot", "ankle", "toes"},
        "symptom": {"numbness", "tingling", "burning", "stiffness", "swelling", "bruising", "pain"},
        "treatment": {"shockwave", "indiba", "ultrasound_therapy", "orthoses", "taping", "manual_therapy", "exercises"},
    }
    for label, ids in required.items():
        assert ids <= set(terms[label]), ids - set(terms[label])


def test_patterns_have_ids_and_lemma_token_patterns():
    patterns = ruler_patterns(load_terms())
    assert all(p["id"] and p["label"] in LABELS for p in patterns)
    assert any(isinstance(p["pattern"], list) and "LEMMA" in p["pattern"][0] for p in patterns)


def test_build_is_fast_idempotent_and_skips_when_fresh(tmp_path):
    out = tmp_path / "model"
    started = time.monotonic()
    build_pipeline(out)
    assert time.monotonic() - started < 20
    assert is_up_to_date(out)
    stamp_mtime = (out / STAMP_FILE).stat().st_mtime
    build_pipeline(out)  # up to date: skipped
    assert (out / STAMP_FILE).stat().st_mtime == stamp_mtime
    build_pipeline(out, force=True)
    assert spacy.load(out)("heels")[0].lemma_ == "heel"
    assert not list(tmp_path.glob("model.*")), "temporary build dirs must be cleaned up"


def test_stale_when_terms_change(tmp_path):
    terms = tmp_path / "terms.yml"
    terms.write_text("condition:\n  plantar_fasciitis: [plantar fasciitis]\n", encoding="utf-8")
    out = tmp_path / "model"
    build_pipeline(out, terms_path=terms)
    assert is_up_to_date(out, terms)
    time.sleep(0.01)
    terms.write_text("condition:\n  plantar_fasciitis: [plantar fasciitis, pf]\n", encoding="utf-8")
    os.utime(terms, None)
    assert not is_up_to_date(out, terms)
    build_pipeline(out, terms_path=terms)
    assert [e.ent_id_ for e in spacy.load(out)("pf").ents] == ["plantar_fasciitis"]


def test_cli(tmp_path, capsys):
    out = tmp_path / "cli_model"
    assert main([str(out)]) == 0
    assert main([str(out)]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main([str(out), "--force"]) == 0


def test_saved_pipeline_loads_without_lookups_package(tmp_path):
    """Rasa's SpacyNLP loads the model by path; it must not need spacy-lookups-data at run time."""
    out = build_pipeline(tmp_path / "model")
    code = (
        "import sys; sys.modules['spacy_lookups_data'] = None\n"
        "import spacy\n"
        f"nlp = spacy.load({str(out)!r})\n"
        "doc = nlp('Tingling heels and plantar fascitis')\n"
        "assert [t.lemma_ for t in doc][:2] == ['tingle', 'heel'], [t.lemma_ for t in doc]\n"
        "assert 'plantar_fasciitis' in [e.ent_id_ for e in doc.ents]\n"
        "print(spacy.info(" + repr(str(out)) + ")['spacy_version'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_default_output_location():
    assert DEFAULT_OUT == ROOT / "build" / "spacy_heel"
