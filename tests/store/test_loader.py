from datetime import date
from pathlib import Path

import pytest
import yaml

from heel.store import content_repo
from heel.store.loader import ContentError, load_content, read_content_dir

TOPIC = {
    "id": "alpha",
    "intent": "ask_alpha",
    "title": "Alpha",
    "summary": "Short alpha answer.",
    "detail": "Long alpha answer.",
    "see_physio": "See a physio if it lasts.",
    "related": ["beta"],
    "sources": [{"title": "Source A", "url": "https://example.org/a"}],
    "reviewed": "2026-11-26",
}


def write_topics(directory: Path, *topics: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for topic in topics:
        (directory / f"{topic['id']}.yml").write_text(yaml.safe_dump(topic))
    return directory


@pytest.fixture
def two_topics(tmp_path):
    beta = dict(TOPIC, id="beta", intent="ask_beta", title="Beta", related=["alpha"])
    return write_topics(tmp_path / "topics", TOPIC, beta)


def test_load_is_idempotent(settings_env, two_topics):
    first = load_content(two_topics)
    second = load_content(two_topics)
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 2)
    assert len(content_repo.list_topics()) == 2


def test_changed_and_removed_topics_are_updated_and_deleted(settings_env, two_topics):
    load_content(two_topics)
    (two_topics / "beta.yml").unlink()
    write_topics(two_topics, dict(TOPIC, summary="A new summary.", related=[]))
    report = load_content(two_topics)
    assert (report.updated, report.deleted) == (1, 1)
    assert content_repo.get_topic("alpha").summary == "A new summary."
    assert content_repo.get_topic("beta") is None


def test_repository_returns_plain_values(settings_env, two_topics):
    load_content(two_topics)
    topic = content_repo.get_topic_by_intent("ask_beta")
    assert topic.id == "beta" and topic.related == ["alpha"]
    assert topic.reviewed == date(2026, 11, 26)
    assert content_repo.get_titles(["alpha", "missing"]) == {"alpha": "Alpha"}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"sources": []}, "missing sources"),
        ({"summary": ""}, "missing summary"),
        ({"id": "other"}, "does not match"),
        ({"related": ["nowhere"]}, "related topics not found"),
        ({"sources": [{"url": "https://example.org"}]}, "needs a title"),
    ],
)
def test_bad_topic_files_are_rejected_with_a_clear_message(tmp_path, change, message):
    directory = tmp_path / "topics"
    directory.mkdir()
    (directory / "alpha.yml").write_text(yaml.safe_dump(dict(TOPIC, related=[], **{}) | change))
    with pytest.raises(ContentError, match=message):
        read_content_dir(directory)
