"""Secrets with an embedded default: the environment wins, else one generated once and kept in var/ (owner-only)."""

import stat

from heel.settings import frontdesk_token, get_settings, rasa_api_token


def test_the_rasa_token_is_generated_once_and_kept(settings_env):
    first = rasa_api_token()
    assert len(first) >= 24 and rasa_api_token() == first
    kept = settings_env.var_dir / "rasa_token"
    assert kept.read_text().strip() == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert frontdesk_token() != first  # one secret per purpose


def test_the_environment_wins(settings_env, monkeypatch):
    monkeypatch.setenv("RASA_TOKEN", "from-the-environment")
    get_settings.cache_clear()
    assert rasa_api_token() == "from-the-environment"
    get_settings.cache_clear()


def test_private_services_listen_on_loopback_by_default(settings_env):
    assert settings_env.actions_host == "127.0.0.1" and settings_env.frontdesk_host == "127.0.0.1"
