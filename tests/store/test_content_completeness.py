"""Every topic the product brief names exists, cites sources and was reviewed recently."""

from datetime import date, timedelta

import pytest

from heel.settings import get_settings
from heel.store.loader import read_content_dir

ALL = read_content_dir(get_settings().content_dir)
BY_ID = {topic["id"]: topic for topic in ALL}
CONDITIONS = [
    "plantar_fasciitis",
    "achilles_tendinopathy",
    "stress_fracture",
    "nerve_entrapment",
    "fat_pad",
    "severs_disease",
    "inflammatory_heel_pain",
]


def test_every_product_topic_exists():
    expected = {
        "causes",
        "footwear",
        "biomechanics",
        "symptoms",
        "diagnosis",
        "physiotherapy",
        "physio_assessment",
        "manual_therapy",
        "exercises",
        "gait_analysis",
        "taping",
        "orthoses",
        "ultrasound_therapy",
        "shockwave",
        "indiba",
        "when_to_see_physio",
        "recovery_time",
        "prevention",
        "clinic_info",
        "privacy",
        *CONDITIONS,
    }
    assert expected <= set(BY_ID)


@pytest.mark.parametrize("topic", ALL, ids=[t["id"] for t in ALL])
def test_topic_is_chat_sized_sourced_and_recent(topic):
    assert len(topic["summary"]) <= 500
    assert len(topic["detail"]) <= 1300
    assert topic["sources"] and all(s.get("title") for s in topic["sources"])
    assert date.today() - topic["reviewed"] < timedelta(days=400)


@pytest.mark.parametrize("topic_id", ["recovery_time", "exercises", "prevention"])
def test_follow_up_topics_have_a_note_for_every_condition(topic_id):
    assert set(CONDITIONS) <= set(BY_ID[topic_id]["condition_notes"])


def test_intents_are_unique():
    intents = [topic["intent"] for topic in ALL]
    assert len(intents) == len(set(intents))
