"""credentials.yml (make run, no messaging secrets needed) and credentials.channels.yml (all four channels)."""

import re

import pytest
import yaml
from rasa.core.run import create_http_input_channels
from rasa.shared.exceptions import RasaException

from tests.channels.settings import CHANNEL_ENV, channel_credentials
from tests.support.servers import ROOT

DEFAULT = ROOT / "credentials.yml"
CHANNELS = ROOT / "credentials.channels.yml"


def env_names(path):
    return set(re.findall(r"\$\{(\w+)\}", re.sub(r"#.*", "", path.read_text())))


def test_default_credentials_start_without_any_messaging_secret(monkeypatch):
    for name in CHANNEL_ENV:
        monkeypatch.delenv(name, raising=False)
    assert env_names(DEFAULT) == set()
    assert [c.name() for c in create_http_input_channels(None, str(DEFAULT))] == ["rest", "socketio"]


def test_channel_credentials_keep_the_website_channels_unchanged():
    default, channels = yaml.safe_load(DEFAULT.read_text()), yaml.safe_load(CHANNELS.read_text())
    website = ("channels.rest.RestInput", "channels.socketio.SocketIOInput")
    assert {k: channels[k] for k in website} == default


def test_channel_credentials_build_our_four_connectors(monkeypatch, tmp_path):
    for name, value in CHANNEL_ENV.items():
        monkeypatch.setenv(name, value)
    assert env_names(CHANNELS) == set(CHANNEL_ENV)
    path = tmp_path / "credentials.yml"
    path.write_text(yaml.safe_dump(channel_credentials("http://127.0.0.1:9"), sort_keys=False))
    channels = {c.name(): c for c in create_http_input_channels(None, str(path))}
    assert {name: type(c).__module__ for name, c in channels.items()} == {
        "rest": "channels.rest",
        "socketio": "channels.socketio",
        "telegram": "channels.telegram",
        "twilio": "channels.twilio",
        "facebook": "channels.facebook",
        "slack": "channels.slack",
    }
    assert channels["telegram"].secret_token == CHANNEL_ENV["TELEGRAM_SECRET_TOKEN"]
    assert channels["twilio"].webhook_url == CHANNEL_ENV["TWILIO_WEBHOOK_URL"]
    assert {c.api_base_url for name, c in channels.items() if name not in ("rest", "socketio")} == {
        "http://127.0.0.1:9"
    }


def test_an_unset_variable_stops_rasa_at_start_up(monkeypatch):
    for name in CHANNEL_ENV:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RasaException, match="TELEGRAM_TOKEN"):
        create_http_input_channels(None, str(CHANNELS))


def test_every_variable_is_documented():
    docs = (ROOT / "docs" / "channels.md").read_text()
    assert {name for name in env_names(CHANNELS) if name not in docs} == set()
