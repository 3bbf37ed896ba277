"""REST latency benchmark: median and 95th percentile per message with N concurrent conversations.

Usage (servers running, e.g. `make run`): python scripts/bench_rest.py --url http://localhost:5005 --conversations 1 10
Writes reports/bench_rest.json.
"""
from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = [
    "hi",
    "what is plantar fasciitis?",
    "how long does that take to heal",
    "what exercises can I do",
    "tell me more",
    "do you do shockwave therapy",
    "where are you and when are you open",
    "thanks, bye",
]


def converse(url: str, latencies: List[float], errors: List[str], rounds: int) -> None:
    sender = f"bench-{uuid.uuid4().hex[:8]}"
    for _ in range(rounds):
        for text in SCRIPT:
            body = json.dumps({"sender": sender, "message": text}).encode()
            request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                             headers={"Content-Type": "application/json"})
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    replies = json.loads(response.read())
                if not replies:
                    errors.append(f"empty reply to {text!r}")
            except Exception as error:  # a benchmark reports failures, it does not stop on them
                errors.append(f"{type(error).__name__}: {error}")
                continue
            latencies.append(time.perf_counter() - start)


def percentile(values: List[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run(url: str, conversations: int, rounds: int) -> dict:
    latencies: List[float] = []
    errors: List[str] = []
    threads = [threading.Thread(target=converse, args=(url, latencies, errors, rounds)) for _ in range(conversations)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {
        "conversations": conversations,
        "messages": len(latencies),
        "errors": len(errors),
        "median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1) if latencies else None,
        "throughput_msg_per_s": round(len(latencies) / elapsed, 2),
        "first_errors": errors[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--conversations", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--rounds", type=int, default=3, help="times each conversation repeats the script")
    args = parser.parse_args()
    run(args.url, 1, 1)  # warm-up: first requests load lazily initialised parts
    results = [run(args.url, n, args.rounds) for n in args.conversations]
    for result in results:
        print(f"{result['conversations']:>3} concurrent: {result['messages']} messages, median {result['median_ms']} ms, "
              f"p95 {result['p95_ms']} ms, {result['throughput_msg_per_s']} msg/s, errors {result['errors']}")
    out = ROOT / "reports" / "bench_rest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"report: {out}")


if __name__ == "__main__":
    main()
