"""Fixtures for the messaging channels: a local capture server for the platforms' APIs, and (end-to-end only) the
action server plus a real `rasa run` whose four channels, configured from credentials.channels.yml, call it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.channels.capture import CaptureServer
from tests.channels.settings import CHANNEL_ENV, channel_credentials
from tests.support.servers import Stack


@pytest.fixture(scope="session")
def capture():
    server = CaptureServer().start()
    yield server
    server.stop()


@pytest.fixture
def api(capture):
    """The capture server, seeing only the calls this test causes."""
    return capture.since_now()


@pytest.fixture(scope="session")
def channel_stack(tmp_path_factory, capture):
    """Action server and Rasa with all four messaging channels; their API calls land on ``capture``."""
    var_dir: Path = tmp_path_factory.mktemp("channels")
    stack = Stack.create(var_dir)
    credentials = var_dir / "credentials.yml"
    credentials.write_text(yaml.safe_dump(channel_credentials(capture.url), sort_keys=False))
    rasa = stack.services["rasa"]
    rasa.cmd[rasa.cmd.index("--credentials") + 1] = str(credentials)
    stack.env.update(CHANNEL_ENV)
    stack.load_content()
    try:
        stack.start("actions", "rasa")
    except Exception:
        stack.stop("actions", "rasa")
        raise
    yield stack
    stack.stop("actions", "rasa")
