"""Measures red flags whose parts are spread over several messages of one conversation (held-out v21).

Each case is the visitor's messages in order. The assistant alerts at a message when the single-message detector
fires (RedFlagOverride, `redflags.detect_split`, the visitor's own flags) or when earlier facts and this message
together make a flag not yet alerted (`redflags.combine_turn`, run by CrossTurnRedFlagPolicy).

Usage: python scripts/eval_crossturn.py CASES.yml [--summary-only] [--min-recall R] [--max-false-alarms F]
CASES.yml: {conversations: [{turns: [text, ...], alert_turn: N or null, flag: id or null, level: ... }]}
A positive is caught when its flag has alerted by its alert_turn (the 1-based message at which the facts first add
up); "late" when it alerts only afterwards. A look-alike (alert_turn null) is a false alarm when any alert fires.
An alert before alert_turn is counted apart ("early": the facts said so far were already enough for the detector).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def alerts_per_turn(turns: List[str], nlp: Any, scorer: Any = None, judge: Any = None) -> List[Set[str]]:
    """The flags the assistant alerts on at each message, as the live assistant would."""
    from heel.safety.redflags import RedFlagContext, analyse_message, combine_turn, parse

    context = RedFlagContext()
    alerted: Set[str] = set()
    result: List[Set[str]] = []
    for text in turns:
        doc = parse(text, nlp)
        analysis = analyse_message(doc, scorer, judge)  # RedFlagDetector, in the NLU pipeline
        single = {hit.flag_id for hit in analysis.own} | {hit.flag_id for hit in analysis.others}
        facts = [name for name, value in analysis.remembered.to_dict().items() if value]
        combined, context, _ = combine_turn(context, single, facts, lambda doc=doc: doc)  # CrossTurnRedFlagPolicy
        fresh = {flag for flag in combined if flag not in alerted}
        now = single | fresh
        alerted |= now
        result.append(now)
    return result


def evaluate(cases: Dict[str, Any], nlp: Any, scorer: Any = None, judge: Any = None) -> Dict[str, Any]:
    per_flag_total: Counter = Counter()
    per_flag_hit: Counter = Counter()
    misses: List[Dict[str, Any]] = []
    late: List[Dict[str, Any]] = []
    early = 0
    false_alarms: List[Dict[str, Any]] = []
    lookalikes = 0
    for case in cases.get("conversations") or []:
        fired = alerts_per_turn(case["turns"], nlp, scorer, judge)
        first_any = next((i + 1 for i, flags in enumerate(fired) if flags), None)
        if case.get("alert_turn") is None:
            lookalikes += 1
            if first_any is not None:
                false_alarms.append({**case, "got": [sorted(f) for f in fired]})
            continue
        flag, due = case.get("flag"), int(case["alert_turn"])
        per_flag_total[flag or case["level"]] += 1
        # a conversation labelled by care level only is caught by any alert
        first_flag = next((i + 1 for i, flags in enumerate(fired) if (flag in flags if flag else flags)), None)
        if first_any is not None and first_any < due:
            early += 1
        if first_flag is not None and first_flag <= due:
            per_flag_hit[flag or case["level"]] += 1
        elif first_flag is not None:
            late.append({**case, "got": [sorted(f) for f in fired]})
        else:
            misses.append({**case, "got": [sorted(f) for f in fired]})
    total = sum(per_flag_total.values())
    return {
        "per_flag": {flag: (per_flag_hit[flag], per_flag_total[flag]) for flag in sorted(per_flag_total)},
        "recall": sum(per_flag_hit.values()) / total if total else 1.0,
        "late": late,
        "misses": misses,
        "early": early,
        "false_alarm_rate": len(false_alarms) / lookalikes if lookalikes else 0.0,
        "false_alarms": false_alarms,
        "n_positive": total,
        "n_lookalikes": lookalikes,
    }


def print_totals(report: Dict[str, Any]) -> None:
    print(
        f"caught by the due message: {report['recall']:.1%} of {report['n_positive']} "
        f"(late {len(report['late'])}, missed {len(report['misses'])}, an alert before the due message "
        f"{report['early']})"
    )
    print(f"false alarms: {report['false_alarm_rate']:.1%} of {report['n_lookalikes']} look-alike conversations")


def print_report(report: Dict[str, Any]) -> None:
    from scripts.eval_redflags import print_per_flag

    print_per_flag(report["per_flag"], "caught per flag:")
    print_totals(report)
    for kind in ("misses", "late", "false_alarms"):
        for case in report[kind]:
            print(f"{kind.upper()} [{case.get('flag')} at {case.get('alert_turn')}] got {case['got']}")
            for number, text in enumerate(case["turns"], 1):
                print(f"    {number}. {text}")


def main(argv: Optional[List[str]] = None) -> int:
    import yaml

    from nlp.build import DEFAULT_OUT, load_or_build
    from nlp.redflag_judge import load_configured
    from nlp.redflag_scorer import configured
    from nlp.redflag_scorer import load_or_build as load_scorer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases")
    parser.add_argument("--no-judge", action="store_true", help="the rules without the judge config.yml names")
    parser.add_argument("--model", default=str(DEFAULT_OUT), help="spaCy pipeline dir (built if missing)")
    parser.add_argument("--min-recall", type=float, default=1.0)
    parser.add_argument("--max-false-alarms", type=float, default=0.05)
    parser.add_argument("--summary-only", action="store_true", help="totals only (final sets stay unread)")
    parser.add_argument(
        "--scorer", help="add the learned scorer saved here (heel/safety/learned.py); default: as config.yml says"
    )
    args = parser.parse_args(argv)
    with open(args.cases, encoding="utf-8") as handle:
        cases = yaml.safe_load(handle) or {}
    nlp = load_or_build(Path(args.model))
    path = args.scorer or configured()
    scorer = load_scorer(Path(path), nlp=nlp) if path else None
    report = evaluate(cases, nlp, scorer, None if args.no_judge else load_configured())
    (print_totals if args.summary_only else print_report)(report)
    ok = report["recall"] >= args.min_recall and report["false_alarm_rate"] <= args.max_false_alarms
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
