"""Measures the red-flag detector on a YAML set: recall per flag, overall recall, false-alarm rate, misses.

Usage: python scripts/eval_redflags.py CASES.yml [--model build/spacy_heel] [--assistant models/heel.tar.gz]
CASES.yml: {red_flags: [{text, flag, level}], negated: [{text}]}
With --assistant it also reports what the whole NLU model does (the detector, or the intent classifier's own
`red_flag` above IntentGuard's threshold, which makes the assistant ask about danger signs): a second net, reported
only; the release bar stays on the detector.
Exit code 1 when recall < 100% or false alarms > 2% (the release bar: a missed red flag is the worst failure).
A final set whose misses stay unread is gated at its measured level instead (--min-recall, --max-false-alarms,
--summary-only), so it still catches a regression without being turned into development data.
--someone-else scores a set of another adult's signs (the visitor writes about a partner or parent).
Never point it at data used to write the detector's rules; keep a held-out set for that.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MAX_FALSE_ALARM_RATE = 0.02


def evaluate(
    cases: Dict[str, Any], nlp: Any, someone_else: bool = False, scorer: Any = None, judge: Any = None
) -> Dict[str, Any]:
    """Runs the detector over the cases; returns counts, rates and the lists of misses and false alarms.

    Default: the cases are the visitor's own (or a child's) signs, scored on the visitor's own flags; another adult's
    alerts on negated cases are listed apart (`someone_else_alerts`), since older sets labelled another adult's
    current sign "negated". someone_else=True: the cases are another adult's signs (held-out v18), scored on
    another adult's flags; a negated case is a false alarm when any alert fires."""
    from heel.safety.redflags import analyse_message, parse

    def own_and_others(doc: Any) -> Any:
        analysis = analyse_message(doc, scorer, judge)
        return analysis.own, analysis.others

    per_flag_total: Counter = Counter()
    per_flag_hit: Counter = Counter()
    misses: List[Dict[str, Any]] = []
    wrong_level: List[Dict[str, Any]] = []
    other_level: List[Dict[str, Any]] = []  # level-only sets: reported, not gated (writers' levels differ)
    anyone = someone_else or not any("flag" in case for case in cases.get("red_flags") or [])
    as_own = 0
    for case in cases.get("red_flags") or []:
        own, others = own_and_others(parse(case["text"], nlp))
        if "flag" not in case:
            # a story set labelled by care level only (anyone's sign, the visitor's or the person they write about):
            # caught when any alert fires; the level is checked against the most severe alert
            level = case["level"]
            per_flag_total[level] += 1
            hits = own + others
            if hits:
                per_flag_hit[level] += 1
                worst = min(hits, key=lambda h: h.level.rank)
                if worst.level.value != level:
                    other_level.append({**case, "flag": level, "got": worst.level.value})
            else:
                misses.append({**case, "flag": level, "got": []})
            continue
        flag = case["flag"]
        per_flag_total[flag] += 1
        hits = {hit.flag_id: hit for hit in (others if someone_else else own)}
        if someone_else and flag not in hits and flag in {hit.flag_id for hit in own}:
            as_own += 1  # still an alert, but addressed to the visitor
            hits = {hit.flag_id: hit for hit in own}
        if flag in hits:
            per_flag_hit[flag] += 1
            if case.get("level") and hits[flag].level.value != case["level"]:
                wrong_level.append({**case, "got": hits[flag].level.value})
        else:
            misses.append({**case, "got": sorted(hits)})
    false_alarms: List[Dict[str, Any]] = []
    others_alerts: List[Dict[str, Any]] = []
    negated = cases.get("negated") or []
    for case in negated:
        own, others = own_and_others(parse(case["text"], nlp))
        if own or (anyone and others):
            false_alarms.append({**case, "got": [hit.flag_id for hit in own + others]})
        elif others:
            others_alerts.append({**case, "got": [hit.flag_id for hit in others]})
    total = sum(per_flag_total.values())
    return {
        "per_flag": {flag: (per_flag_hit[flag], per_flag_total[flag]) for flag in sorted(per_flag_total)},
        "recall": (sum(per_flag_hit.values()) / total) if total else 1.0,
        "false_alarm_rate": (len(false_alarms) / len(negated)) if negated else 0.0,
        "misses": misses,
        "wrong_level": wrong_level,
        "other_level": other_level,
        "false_alarms": false_alarms,
        "someone_else_alerts": others_alerts,
        "addressed_to_visitor": as_own,
        "n_positive": total,
        "n_negated": len(negated),
    }


def passes(report: Dict[str, Any], min_recall: float = 1.0, max_false_alarms: float = MAX_FALSE_ALARM_RATE) -> bool:
    return (
        report["recall"] >= min_recall and not report["wrong_level"] and report["false_alarm_rate"] <= max_false_alarms
    )


def print_totals(report: Dict[str, Any]) -> None:
    print(f"overall recall: {report['recall']:.1%} of {report['n_positive']}")
    print(f"false alarms:   {report['false_alarm_rate']:.1%} of {report['n_negated']} negated")
    if report["addressed_to_visitor"]:
        print(f"another adult's sign alerted as the visitor's own: {report['addressed_to_visitor']}")
    if report["someone_else_alerts"]:
        print(f"negated cases that alert for another adult: {len(report['someone_else_alerts'])}")


def print_per_flag(per_flag: Dict[str, Any], heading: str = "recall per flag:") -> None:
    """One line per flag: caught / total and the rate (also used by scripts/eval_crossturn.py)."""
    print(heading)
    for flag, (hit, total) in per_flag.items():
        print(f"  {flag:34s} {hit:3d}/{total:<3d} {hit / total:6.1%}")


def print_report(report: Dict[str, Any]) -> None:
    print_per_flag(report["per_flag"])
    print_totals(report)
    for miss in report["misses"]:
        print(f"MISS [{miss['flag']}] {miss['text']!r} (got {miss['got']})")
    for case in report["wrong_level"]:
        print(f"LEVEL [{case['flag']}] expected {case['level']}, got {case['got']}: {case['text']!r}")
    for alarm in report["false_alarms"]:
        print(f"FALSE ALARM {alarm['got']} {alarm['text']!r}")
    for alarm in report["someone_else_alerts"]:
        print(f"SOMEONE ELSE {alarm['got']} {alarm['text']!r}")


def assistant_level(cases: Dict[str, Any], model: Path) -> Dict[str, Any]:
    """Share of red-flag cases the parsed intent is `red_flag` for, and of negated cases it is (false alarms)."""
    from scripts.evaluate import Parser

    flagged = [case["text"] for case in cases.get("red_flags") or []]
    negated = [case["text"] for case in cases.get("negated") or []]
    parsed = Parser(model).parse(flagged + negated)
    is_alert = [(p.get("intent") or {}).get("name") == "red_flag" for p in parsed]
    caught, alarms = is_alert[: len(flagged)], is_alert[len(flagged) :]
    return {
        "recall": sum(caught) / len(flagged) if flagged else 1.0,
        "cases": len(flagged),
        "false_alarm_rate": sum(alarms) / len(negated) if negated else 0.0,
        "negated": len(negated),
    }


def print_assistant(report: Dict[str, Any]) -> None:
    print(
        f"assistant (detector or model red_flag): recall {report['recall']:.1%} of {report['cases']}, "
        f"false alarms {report['false_alarm_rate']:.1%} of {report['negated']}"
    )


def main(argv: Optional[List[str]] = None) -> int:
    import yaml

    from nlp.build import DEFAULT_OUT, load_or_build
    from nlp.redflag_judge import load_configured
    from nlp.redflag_scorer import configured
    from nlp.redflag_scorer import load_or_build as load_scorer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", help="YAML file with red_flags and negated lists")
    parser.add_argument("--no-judge", action="store_true", help="the rules without the judge config.yml names")
    parser.add_argument("--model", default=str(DEFAULT_OUT), help="spaCy pipeline dir (built if missing)")
    parser.add_argument("--assistant", help="trained Rasa model: also report the assistant-level catch rate")
    parser.add_argument(
        "--min-recall",
        type=float,
        default=1.0,
        help="the bar; lower only for a final set whose misses are deliberately left unread",
    )
    parser.add_argument("--max-false-alarms", type=float, default=MAX_FALSE_ALARM_RATE)
    parser.add_argument("--summary-only", action="store_true", help="totals only (final sets: misses stay unread)")
    parser.add_argument(
        "--someone-else",
        action="store_true",
        help="the red flags are another adult's (scored on detect_split's second list)",
    )
    parser.add_argument(
        "--scorer", help="add the learned scorer saved here (heel/safety/learned.py); default: as config.yml says"
    )
    args = parser.parse_args(argv)
    with open(args.cases, encoding="utf-8") as handle:
        cases = yaml.safe_load(handle) or {}
    nlp = load_or_build(Path(args.model))
    path = args.scorer or configured()
    scorer = load_scorer(Path(path), nlp=nlp) if path else None
    report = evaluate(cases, nlp, args.someone_else, scorer=scorer, judge=None if args.no_judge else load_configured())
    (print_totals if args.summary_only else print_report)(report)
    if args.assistant:
        print_assistant(assistant_level(cases, Path(args.assistant)))
    ok = passes(report, args.min_recall, args.max_false_alarms)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
