"""Unit-test fixtures: the project spaCy pipeline, built once per session into a temporary directory."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def heel_nlp(tmp_path_factory):
    from nlp.build import load_or_build

    return load_or_build(tmp_path_factory.mktemp("nlp") / "spacy_heel")
