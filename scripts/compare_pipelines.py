"""Compares candidate NLU pipelines (eval/pipelines/*.yml): training time, intent accuracy, macro-F1, wrong-topic
answers and clarifying questions on the intent sets of eval/manifest.yml, and NLU time per message.

Each candidate is trained NLU-only from scratch (its own cache folder, so no candidate reuses another's work) into
build/pipelines/, then scored in this process. Writes reports/pipelines.md and reports/pipelines.json.

Usage: python scripts/compare_pipelines.py [NAME ...] [--skip-training]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.evaluate import MANIFEST, Parser, score_intents  # noqa: E402  (one scorer for every comparison)

CANDIDATES = ROOT / "eval" / "pipelines"
OUT = ROOT / "build" / "pipelines"


def train(name: str) -> float:
    """Trains one candidate from scratch; returns the wall-clock seconds."""
    cache = OUT / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, RASA_CACHE_DIRECTORY=str(cache), PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false")
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "train",
            "nlu",
            "--config",
            str(CANDIDATES / f"{name}.yml"),
            "--nlu",
            "data/nlu",
            "--domain",
            "domain.yml",
            "--out",
            str(OUT),
            "--fixed-model-name",
            name,
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def latency_ms(parser: Parser, texts: List[str]) -> Dict[str, float]:
    """NLU time per message, one message at a time (as a visitor's message is parsed)."""
    parser.parse(texts[:5])  # warm-up
    times = []
    for text in texts:
        started = time.perf_counter()
        parser.parse([text])
        times.append((time.perf_counter() - started) * 1000)
    ordered = sorted(times)
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="candidates (default: every file in eval/pipelines)")
    parser.add_argument("--skip-training", action="store_true", help="score the models already in build/pipelines")
    args = parser.parse_args(argv)
    names = args.names or sorted(p.stem for p in CANDIDATES.glob("*.yml"))
    sets = [e for e in yaml.safe_load(MANIFEST.read_text())["sets"] if e["task"] == "intents"]
    rows: List[Dict[str, Any]] = []
    for name in names:
        seconds = None if args.skip_training else round(train(name), 1)
        model = Parser(OUT / f"{name}.tar.gz")
        row: Dict[str, Any] = {"pipeline": name, "training_s": seconds}
        for entry in sets:
            items = yaml.safe_load((ROOT / entry["path"]).read_text())["utterances"]
            result = score_intents(items, model.parse([item["text"] for item in items]))
            row[entry["name"]] = {
                k: result[k] for k in ("n", "accuracy", "macro_f1", "wrong_topic", "education", "clarifying")
            }
            if entry["role"] == "final":
                row["latency"] = latency_ms(model, [item["text"] for item in items])
        rows.append(row)
        print(json.dumps(row), flush=True)
    lines = [
        "| pipeline | training (s) | " + " | ".join(e["name"] for e in sets) + " | NLU median / p95 (ms) |",
        "|---|---|" + "---|" * len(sets) + "---|",
    ]
    for row in rows:
        cells = [
            f"{row[e['name']]['accuracy']:.2%}, F1 {row[e['name']]['macro_f1']:.3f}, wrong "
            f"{row[e['name']]['wrong_topic']}/{row[e['name']]['education']}, clarifying "
            f"{row[e['name']]['clarifying']}"
            for e in sets
        ]
        lines.append(
            f"| {row['pipeline']} | {row['training_s']} | "
            + " | ".join(cells)
            + f" | {row['latency']['median_ms']} / {row['latency']['p95_ms']} |"
        )
    report = ROOT / "reports" / "pipelines.md"
    report.parent.mkdir(exist_ok=True)
    report.write_text("\n".join(lines) + "\n")
    (ROOT / "reports" / "pipelines.json").write_text(json.dumps(rows, indent=2))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
