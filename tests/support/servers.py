"""Starts the real services (action server, Rasa, front desk, website) on free ports for end-to-end tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from serving import launch
from serving.workers import plan as worker_plan

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "heel.tar.gz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, timeout: float = 5.0, headers: Optional[Dict[str, str]] = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def post_json(url: str, payload: dict, timeout: float = 30.0, headers: Optional[Dict[str, str]] = None):
    data = json.dumps(payload).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
        return json.loads(body) if body else None


@dataclass
class Service:
    name: str
    cmd: List[str]
    health_url: str
    log_path: Path
    proc: Optional[subprocess.Popen] = None
    extra_env: Dict[str, str] = field(default_factory=dict)

    def start(self, env: Dict[str, str]) -> None:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=ROOT,
            env={**env, **self.extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                status, _ = http_get(self.health_url, timeout=2)
                if status == 200:
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} not healthy after {timeout}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


@dataclass
class Stack:
    """The whole assistant on free ports, with its own SQLite databases in a temporary directory."""

    var_dir: Path
    rasa_url: str = ""
    actions_url: str = ""
    frontdesk_url: str = ""
    web_url: str = ""
    database_url: str = ""
    frontdesk_token: str = "test-frontdesk-token"
    rasa_token: str = "test-rasa-token"
    actions_token: str = "test-actions-token"
    env: Dict[str, str] = field(default_factory=dict)
    services: Dict[str, Service] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        var_dir: Path,
        database_url: Optional[str] = None,
        tracker_store: Optional[str] = None,
        lock_store: Optional[str] = None,
        credentials: Optional[Path] = None,
        rasa_instances: int = 1,
        endpoints: Optional[Path] = None,
        workers: int = 1,
    ) -> "Stack":
        """tracker_store / lock_store: YAML blocks for endpoints.yml (default: SQLite tracker, in-memory lock).
        workers > 1: Sanic workers per Rasa instance, as `make run` starts them with Redis (serving/workers.py)."""
        if not MODEL.exists():
            raise RuntimeError(f"{MODEL} is missing: run `make train` first")
        stack = cls(var_dir=var_dir)
        ports = {name: free_port() for name in ("rasa", "actions", "frontdesk", "web")}
        stack.rasa_url = f"http://127.0.0.1:{ports['rasa']}"
        stack.actions_url = f"http://127.0.0.1:{ports['actions']}"
        stack.frontdesk_url = f"http://127.0.0.1:{ports['frontdesk']}"
        stack.web_url = f"http://127.0.0.1:{ports['web']}"
        stack.database_url = database_url or f"sqlite:///{var_dir / 'clinic.db'}"
        written = var_dir / "endpoints.yml"
        tracker_store = (
            tracker_store
            or f'tracker_store:\n  type: serving.private_store.PrivateSQLTrackerStore\n  dialect: "sqlite"\n  db: "{var_dir / "tracker.db"}"\n'
        )
        written.write_text(
            f'action_endpoint:\n  url: "{stack.actions_url}/webhook"\n  enable_selective_domain: true\n'
            + "  headers:\n    X-Action-Token: ${ACTIONS_TOKEN}\n"
            + tracker_store
            + (lock_store or "")
        )
        # the same choice as `make run`: several workers only with a shared (Redis) lock store
        serving = worker_plan(endpoints or written, var_dir, workers=workers)
        endpoints, worker_env = serving.endpoints, serving.env
        stack.env = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            HEEL_VAR_DIR=str(var_dir),
            DATABASE_URL=stack.database_url,
            FRONTDESK_TOKEN=stack.frontdesk_token,
            RASA_TOKEN=stack.rasa_token,
            ACTIONS_TOKEN=stack.actions_token,
            FRONTDESK_PORT=str(ports["frontdesk"]),
            FRONTDESK_URL=stack.frontdesk_url,
            WEB_PORT=str(ports["web"]),
            RASA_URL=stack.rasa_url,
            RASA_TELEMETRY_ENABLED="false",
        )
        python = str(BIN / "python")
        stack.services["actions"] = Service(
            "actions",
            launch.actions_command(python, ports["actions"]),
            f"{stack.actions_url}/health",
            var_dir / "actions.log",
        )
        for index in range(rasa_instances):
            name = "rasa" if index == 0 else f"rasa{index + 1}"
            port = ports["rasa"] if index == 0 else free_port()
            stack.services[name] = Service(
                name,
                launch.rasa_command(
                    python,
                    str(MODEL),
                    port,
                    endpoints,
                    credentials or ROOT / "credentials.yml",
                    stack.rasa_token,
                    [stack.web_url, stack.web_url.replace("127.0.0.1", "localhost")],
                ),
                f"http://127.0.0.1:{port}/status?token={stack.rasa_token}",
                var_dir / f"{name}.log",
                extra_env=worker_env,
            )
        if (ROOT / "frontdesk" / "__main__.py").exists():
            stack.services["frontdesk"] = Service(
                "frontdesk", [python, "-m", "frontdesk"], f"{stack.frontdesk_url}/health", var_dir / "frontdesk.log"
            )
        if (ROOT / "web" / "__main__.py").exists():
            stack.services["web"] = Service("web", [python, "-m", "web"], f"{stack.web_url}/", var_dir / "web.log")
        return stack

    def load_content(self) -> None:
        subprocess.run(
            [str(BIN / "python"), "-m", "heel.store.loader"],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self, *names: str) -> None:
        chosen = [self.services[n] for n in (names or self.services)]
        for service in chosen:
            service.start(self.env)
        for service in chosen:
            service.wait_healthy(timeout=240 if service.name == "rasa" else 60)

    def stop(self, *names: str) -> None:
        for name in names or list(self.services):
            self.services[name].stop()

    def restart(self, name: str) -> None:
        self.stop(name)
        self.start(name)

    def url_of(self, name: str) -> str:
        return self.services[name].health_url.rsplit("/", 1)[0]

    def talk(self, sender: str, text: str, metadata: Optional[dict] = None, via: str = "rasa") -> List[dict]:
        payload = {"sender": sender, "message": text}
        if metadata:
            payload["metadata"] = metadata
        return post_json(f"{self.url_of(via)}/webhooks/rest/webhook", payload) or []

    def tracker(self, sender: str) -> dict:
        status, body = http_get(f"{self.rasa_url}/conversations/{sender}/tracker?token={self.rasa_token}")
        assert status == 200, body
        return json.loads(body)
