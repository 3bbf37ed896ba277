"""Cost of the red-flag analysis of one message: p50 and p95 over messages of about 1,000 characters.

Usage: python scripts/bench_redflags.py [--chars 1000] [--rounds 5] [--scorer build/redflag_scorer.npz]
The messages are the phrase bank's stories (nlp/redflags/, training data, never an evaluation set) joined to reach
the length. Parsing (spaCy) and the analysis are timed apart; with --scorer the learned half is included.
A benchmark with a report, not a test: run it on a quiet machine (one BLAS thread, as the assistant runs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import List, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def messages(chars: int) -> List[str]:
    from nlp.redflag_scorer import danger_items, quiet_items

    pool = [text for text, _ in danger_items()] + list(quiet_items())
    out, current = [], ""
    for text in pool:
        current = f"{current} {text}".strip()
        if len(current) >= chars:
            out.append(current[:chars])
            current = ""
    return out


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: Optional[List[str]] = None) -> int:
    from heel.safety import redflags
    from nlp.build import load_or_build

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scorer", help="also run the learned half saved here")
    args = parser.parse_args(argv)
    nlp = load_or_build()
    scorer = None
    if args.scorer:
        from nlp.redflag_scorer import load

        scorer = load(args.scorer)
    texts = messages(args.chars)
    redflags.prepare()  # as RedFlagDetector does when the model loads
    parse_ms: List[float] = []
    analyse_ms: List[float] = []
    for _ in range(args.rounds):
        for text in texts:
            started = time.perf_counter()
            doc = redflags.parse(text, nlp)
            parsed = time.perf_counter()
            redflags.analyse_message(doc, scorer)
            done = time.perf_counter()
            parse_ms.append((parsed - started) * 1000)
            analyse_ms.append((done - parsed) * 1000)
    print(f"{len(texts)} messages of {args.chars} characters x {args.rounds} rounds; learned half: {bool(scorer)}")
    for name, values in (("spaCy parse", parse_ms), ("red-flag analysis", analyse_ms)):
        print(
            f"{name:18s} p50 {statistics.median(values):6.2f} ms   p95 {percentile(values, 0.95):6.2f} ms   "
            f"max {max(values):6.2f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
