"""REST load benchmark: our heel-pain assistant against a stock `rasa init` assistant, under the same load.

Usage (repository root, project venv; `make bench` runs the first line):
    python scripts/bench.py                                  # levels 1 5 10 20, 20 s each
    python scripts/bench.py --concurrency 1 10 --seconds 30  # or --messages 500: a message budget per level
    python scripts/bench.py --url http://localhost:5005      # ours already running (`make run`): no memory figures

Each simulated visitor holds one conversation at a time over POST /webhooks/rest/webhook and sends a message
only after the reply to the previous one. Conversations take the three scripts below in turn (education,
symptom assessment start, booking start), each with a new sender id. The stock bot gets the same messages and
answers with its own intents: same load shape, different content. Each server is warmed up with one pass of
every script first. The stock bot runs all levels, is stopped, then ours runs them: never both under load.

Stock: `rasa init --no-prompt` (which trains it, offline, about 1.5 min), cached in build/bench_stock/; delete
that folder to rebuild. It is served with `rasa run --enable-api` (in-memory tracker store; no action server,
since it registers no custom action). Ours starts like `make run` (Rasa, action server, front desk, website)
on free ports with its own SQLite databases in a temporary folder, from models/heel.tar.gz; if that model is
missing the script says to run `make train` and exits with status 2.

Writes reports/bench.md (table, ours/stock ratios), reports/bench.json (everything) and reports/bench.png.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from heel.settings import get_settings  # noqa: E402
from serving import workers  # noqa: E402
from tests.support.servers import MODEL, Service, Stack, free_port  # noqa: E402

BIN = Path(sys.executable).parent
STOCK_DIR = ROOT / "build" / "bench_stock"
REPORTS = ROOT / "reports"
SCRIPTS: Dict[str, List[str]] = {
    "education": [
        "hi",
        "what is plantar fasciitis?",
        "how long does it take to heal",
        "what stretches help",
        "tell me more",
        "do you do shockwave",
        "where are you and when are you open",
        "thanks bye",
    ],
    "assessment": [
        "can you check my symptoms",
        "under the heel",
        "worst first thing in the morning",
        "about 6 weeks",
        "I increased my mileage",
        "no",
    ],
    "booking": [
        "I'd like to book an appointment",
        "yes",
        "Sam Taylor",
        "07700 900123",
        "sam@example.com",
        "Tuesday morning",
        "heel pain when running",
    ],
}
Running = Tuple[str, Dict[str, Service]]  # REST base URL, and the processes we started (empty with --url)


def stock_env(cache: Path) -> Dict[str, str]:
    # Stock means Rasa alone: none of our code on the path, and its own training cache, because `make train`
    # deletes every cache directory but the project's current one.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(RASA_TELEMETRY_ENABLED="false", RASA_CACHE_DIRECTORY=str(cache))
    return env


def build_stock() -> Path:
    if any((STOCK_DIR / "models").glob("*.tar.gz")):
        return STOCK_DIR
    STOCK_DIR.parent.mkdir(parents=True, exist_ok=True)
    # Built beside its final place and renamed when complete, so an interrupted build never passes for the cache.
    work = Path(tempfile.mkdtemp(prefix="bench_stock.", dir=STOCK_DIR.parent))
    print(f"building the stock assistant in {work} (rasa init --no-prompt trains it; log: init.log)", flush=True)
    with open(work / "init.log", "wb") as log:
        done = subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(work)],
            cwd=work,
            env=stock_env(work / ".rasa" / "cache"),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if done.returncode != 0 or not any((work / "models").glob("*.tar.gz")):
        sys.exit(f"rasa init failed (exit {done.returncode}); see {work / 'init.log'}")
    shutil.rmtree(STOCK_DIR, ignore_errors=True)
    work.rename(STOCK_DIR)
    return STOCK_DIR


@contextlib.contextmanager
def stock_server(project: Path, logs: Path) -> Iterator[Running]:
    domain = yaml.safe_load((project / "domain.yml").read_text()) or {}
    custom = [name for name in domain.get("actions") or [] if not str(name).startswith("utter_")]
    if custom:
        sys.exit(f"the stock project declares custom actions {custom}: it would need an action server")
    port = free_port()
    # Paths are explicit because Service starts processes in the repository root, not in the stock project.
    rasa = Service(
        "stock rasa",
        [
            str(BIN / "rasa"),
            "run",
            "--port",
            str(port),
            "--enable-api",
            "--model",
            str(project / "models"),
            "--endpoints",
            str(project / "endpoints.yml"),
            "--credentials",
            str(project / "credentials.yml"),
        ],
        f"http://127.0.0.1:{port}/status",
        logs / "stock_rasa.log",
    )
    rasa.start(stock_env(project / ".rasa" / "cache"))
    try:
        rasa.wait_healthy(timeout=240)
        yield f"http://127.0.0.1:{port}", {"rasa": rasa}
    finally:
        rasa.stop()


def our_workers(var_dir: Path) -> int:
    """As many Rasa workers as `make run` would start on this machine (serving/workers.py)."""
    settings = get_settings()
    return workers.plan(
        settings.rasa_endpoints, var_dir, settings.rasa_workers, settings.redis_host, settings.redis_port
    ).workers


@contextlib.contextmanager
def our_stack(var_dir: Path) -> Iterator[Running]:
    stack = Stack.create(var_dir, workers=our_workers(var_dir))
    stack.load_content()
    try:
        stack.start()
        yield stack.rasa_url, stack.services
    finally:
        stack.stop()


def rss_mb(services: Dict[str, Service]) -> Dict[str, float]:
    """Resident memory of each started process plus its descendants (a server may fork workers)."""
    children: Dict[int, List[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(stat.parent.name))

    def tree_kb(pid: int) -> int:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return 0
        own = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        return own + sum(tree_kb(child) for child in children.get(pid, []))

    return {name: round(tree_kb(service.proc.pid) / 1024, 1) for name, service in services.items() if service.proc}


async def converse(
    session: aiohttp.ClientSession,
    url: str,
    script: List[str],
    done: Callable[[], bool],
    timeout: float,
    latencies: List[float],
    errors: Counter,
) -> None:
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    for text in script:
        if done():
            return
        start = time.perf_counter()
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text},
                timeout=aiohttp.ClientTimeout(total=timeout),
            ) as response:
                if response.status != 200:
                    errors[f"HTTP {response.status}"] += 1
                    continue
                replies = await response.json(content_type=None)
        except asyncio.TimeoutError:
            errors["timeout"] += 1
            continue
        except (aiohttp.ClientError, ValueError) as error:  # a benchmark counts failures, it does not stop on them
            errors[type(error).__name__] += 1
            continue
        latencies.append(time.perf_counter() - start)
        if not replies:
            errors["empty reply"] += 1


async def run_level(url: str, concurrency: int, seconds: float, messages: Optional[int], timeout: float) -> dict:
    latencies: List[float] = []
    errors: Counter = Counter()
    scripts = itertools.cycle(SCRIPTS.values())  # shared, so the mix stays even whatever the concurrency
    until = time.monotonic() + seconds

    def done() -> bool:
        return time.monotonic() >= until or (messages is not None and len(latencies) >= messages)

    async def visitor() -> None:
        while not done():
            await converse(session, url, next(scripts), done, timeout, latencies, errors)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        start = time.perf_counter()
        await asyncio.gather(*(visitor() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    ms = [latency * 1000 for latency in latencies]
    cuts = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {
        "concurrency": concurrency,
        "messages": len(ms),
        "seconds": round(elapsed, 1),
        "throughput": round(len(ms) / elapsed, 2),
        "median_ms": round(statistics.median(ms), 1) if ms else None,
        "p95_ms": round(cuts[94], 1) if ms else None,
        "p99_ms": round(cuts[98], 1) if ms else None,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
    }


def bench(system: str, running: contextlib.AbstractContextManager[Running], args: argparse.Namespace) -> dict:
    with running as (url, services):
        # First messages load lazily built parts (models, database connections); a visitor never sees those.
        warm = asyncio.run(run_level(url, 1, 120, sum(map(len, SCRIPTS.values())), args.timeout))
        print(f"{system}: {url} warmed up ({warm['messages']} messages, errors {warm['error_kinds'] or 0})", flush=True)
        levels = []
        for concurrency in args.concurrency:
            level = asyncio.run(run_level(url, concurrency, args.seconds, args.messages, args.timeout))
            level["rss_mb"] = rss_mb(services)  # sampled while the servers still hold this level's state
            levels.append(level)
            print(
                f"  {concurrency:>3} visitors: {level['messages']} messages, {level['throughput']} msg/s, "
                f"p95 {level['p95_ms']} ms, errors {level['errors']}",
                flush=True,
            )
        return {"url": url, "levels": levels}


def ratio(ours: Optional[float], stock: Optional[float]) -> Optional[float]:
    return round(ours / stock, 2) if ours is not None and stock else None


def table(systems: Dict[str, dict]) -> List[str]:
    rows = [
        "| system | visitors | messages | msg/s | median ms | p95 ms | p99 ms | errors | RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, result in systems.items():
        for level in result["levels"]:
            memory = ", ".join(f"{proc} {mb:.0f}" for proc, mb in level["rss_mb"].items()) or "n/a"
            if len(level["rss_mb"]) > 1:
                memory += f" (total {sum(level['rss_mb'].values()):.0f})"
            rows.append(
                f"| {name} | {level['concurrency']} | {level['messages']} | {level['throughput']} "
                f"| {level['median_ms']} | {level['p95_ms']} | {level['p99_ms']} | {level['errors']} "
                f"| {memory} |"
            )
    return rows


def plot(systems: Dict[str, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, (latency, throughput) = pyplot.subplots(1, 2, figsize=(11, 4.2))
    for (name, result), colour in zip(systems.items(), ("tab:grey", "tab:blue")):
        x = [level["concurrency"] for level in result["levels"]]
        latency.plot(x, [level["median_ms"] for level in result["levels"]], "o-", color=colour, label=f"{name} median")
        latency.plot(x, [level["p95_ms"] for level in result["levels"]], "s--", color=colour, label=f"{name} p95")
        throughput.plot(x, [level["throughput"] for level in result["levels"]], "o-", color=colour, label=name)
    for axes, label in ((latency, "latency per message (ms)"), (throughput, "throughput (messages/s)")):
        axes.set_xticks(x)
        axes.set_ylim(bottom=0)
        axes.set_xlabel("concurrent visitors")
        axes.set_ylabel(label)
        axes.grid(alpha=0.3)
        axes.legend()
    figure.suptitle("REST webhook under load: ours vs stock rasa init")
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 5, 10, 20], help="visitors per level")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each level")
    parser.add_argument("--messages", type=int, help="end each level after this many replies (or --seconds)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a reply counts as lost")
    parser.add_argument("--url", help="bench our assistant already running here instead of starting it")
    args = parser.parse_args()
    # make and CI stop us with SIGTERM: exit through the `finally` blocks that stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not args.url and not MODEL.exists():
        print(f"{MODEL.relative_to(ROOT)} is missing: run `make train` first", file=sys.stderr)
        return 2

    started = time.time()
    project = build_stock()
    with tempfile.TemporaryDirectory(prefix="bench.") as tmp:
        rasa_workers = None if args.url else our_workers(Path(tmp))
        systems = {"stock": bench("stock", stock_server(project, Path(tmp)), args)}
        ours = contextlib.nullcontext((args.url.rstrip("/"), {})) if args.url else our_stack(Path(tmp))
        systems["ours"] = bench("ours", ours, args)
    ratios = [
        {
            "concurrency": o["concurrency"],
            "throughput": ratio(o["throughput"], s["throughput"]),
            "p95": ratio(o["p95_ms"], s["p95_ms"]),
        }
        for o, s in zip(systems["ours"]["levels"], systems["stock"]["levels"])
    ]

    REPORTS.mkdir(exist_ok=True)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.platform()}, {os.cpu_count()} CPUs",
        "settings": vars(args),
        "our_rasa_workers": rasa_workers,
        "scripts": SCRIPTS,
        "systems": systems,
        "ratios": ratios,
        "wall_seconds": round(time.time() - started),
    }
    (REPORTS / "bench.json").write_text(json.dumps(report, indent=2) + "\n")
    plot(systems, REPORTS / "bench.png")
    rows = table(systems)
    ratio_rows = ["| visitors | throughput ours/stock | p95 ours/stock |", "|---:|---:|---:|"]
    ratio_rows += [f"| {r['concurrency']} | {r['throughput']} | {r['p95']} |" for r in ratios]
    (REPORTS / "bench.md").write_text(
        "\n".join(
            [
                "# REST load: ours vs stock `rasa init`",
                "",
                f"{report['date']}, {report['machine']}; {args.seconds:g} s per level"
                f"{f' or {args.messages} replies' if args.messages else ''}; load generator on the same machine. "
                f"Each visitor waits for every reply; conversations cycle through the {', '.join(SCRIPTS)} scripts "
                "(scripts/bench.py). Messages: HTTP 200 replies, over which "
                "latency is measured. Errors: HTTP errors, timeouts, connection errors and empty replies. RSS: each "
                "started process with its children, at the end of the level. Stock: one Rasa process, trackers in "
                f"memory. Ours: {rasa_workers or 'the running'} Rasa worker(s) as `make run` starts them (Redis lock store "
                "when more than one), trackers in SQLite, with its action server, front desk and website running.",
                "",
                *rows,
                "",
                "Ratios (throughput above 1 and p95 below 1 favour ours):",
                "",
                *ratio_rows,
                "",
                "![latency and throughput](bench.png)",
                "",
            ]
        )
    )
    print("\n".join(rows + [""] + ratio_rows))
    print(f"\nreports: {REPORTS / 'bench.md'}, bench.json, bench.png ({report['wall_seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
