"""The command lines of the Rasa server and the action server, shared by `make run` (scripts/run_all.py) and the
test stacks (tests/support/servers.py), so that tests start the services exactly as users do."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, List

from heel.settings import Settings, actions_token


def rasa_command(
    python: str, model: str, port: int, endpoints: Path, credentials: Path, token: str, origins: Iterable[str]
) -> List[str]:
    """Rasa with its HTTP API behind `token` and browser access (CORS) for the site's own origins only."""
    return [
        python,
        "-m",
        "serving",
        "run",
        "--model",
        str(model),
        "--enable-api",
        "--auth-token",
        token,
        "--cors",
        *origins,
        "--port",
        str(port),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(credentials),
    ]


def actions_command(python: str, port: int) -> List[str]:
    return [python, "-m", "serving", "actions", "--port", str(port)]


def shared_env(settings: Settings) -> Dict[str, str]:
    """What both servers need from the environment: the secret Rasa sends the action server (the endpoints files
    read it as ${ACTIONS_TOKEN})."""
    return {"ACTIONS_TOKEN": actions_token(settings)}
