"""Starts every service of the assistant in the foreground; Ctrl-C (or SIGTERM) stops them all cleanly.

Services and ports come from heel.settings; a service that dies takes the others down with it, so a
half-running stack never looks healthy.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from heel.settings import get_settings, rasa_api_token  # noqa: E402
from serving import launch, workers  # noqa: E402

BIN = Path(sys.executable).parent


def commands(model: str, endpoints: Path) -> Dict[str, List[str]]:
    settings = get_settings()
    rasa_port = int(settings.rasa_url.rsplit(":", 1)[-1].split("/")[0])
    python = str(BIN / "python")
    services = {
        "actions": launch.actions_command(python, 5055),
        "rasa": launch.rasa_command(
            python,
            model,
            rasa_port,
            endpoints,
            settings.rasa_credentials,
            rasa_api_token(settings),
            settings.allowed_origins,
        ),
    }
    if (ROOT / "frontdesk" / "__main__.py").exists():
        services["frontdesk"] = [str(BIN / "python"), "-m", "frontdesk"]
    if (ROOT / "web" / "__main__.py").exists():
        services["web"] = [str(BIN / "python"), "-m", "web"]
    return services


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/heel.tar.gz")
    parser.add_argument("--only", nargs="*", help="start only these services")
    args = parser.parse_args()

    settings = get_settings()
    serving = workers.plan(
        settings.rasa_endpoints, settings.var_dir, settings.rasa_workers, settings.redis_host, settings.redis_port
    )
    print(f"[run] Rasa: {serving.workers} worker(s), endpoints {serving.endpoints}", flush=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT), **launch.shared_env(settings))
    procs: Dict[str, subprocess.Popen] = {}
    for name, cmd in commands(args.model, serving.endpoints).items():
        if args.only and name not in args.only:
            continue
        # Own process group per service: Ctrl-C reaches us once and we stop each child in order.
        extra = {"rasa": serving.env}.get(name, {})
        procs[name] = subprocess.Popen(cmd, cwd=ROOT, env={**env, **extra}, start_new_session=True)
        print(f"[run] {name}: pid {procs[name].pid}", flush=True)

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    while not stopping:
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"[run] {name} exited with {proc.returncode}; stopping the rest", flush=True)
                code = proc.returncode or 1
                stopping = True
                break
        time.sleep(0.5)
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.time() + 15
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    print("[run] all services stopped", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
