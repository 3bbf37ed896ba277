"""Shared fixtures. `stack` starts the real servers once per test session (end-to-end tests only)."""

from __future__ import annotations

import pytest

from tests.support.servers import Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """Action server, Rasa (trained model), front desk and website on free ports with their own databases."""
    running = Stack.create(tmp_path_factory.mktemp("stack"))
    running.load_content()
    try:
        running.start()
    except Exception:
        running.stop()
        raise
    yield running
    running.stop()


@pytest.fixture
def settings_env(tmp_path, monkeypatch):
    """Points every setting at a fresh temporary directory and SQLite database."""
    from heel import settings as config
    from heel.store import db

    monkeypatch.setenv("HEEL_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'clinic.db'}")
    config.get_settings.cache_clear()
    db.dispose_engines()
    yield config.get_settings()
    db.dispose_engines()
    config.get_settings.cache_clear()


@pytest.fixture
def content_db(settings_env):
    """The real content/topics loaded into a fresh database."""
    from heel.store.loader import load_content

    load_content()
    return settings_env
