"""Chooses the learned red-flag scorer's thresholds on the development sets: recall and false alarms of the whole net
(rules and scorer) for each candidate threshold, per set, with the rules alone as the first row.

Usage: python scripts/tune_redflag_scorer.py [--thresholds 0.5 0.6 ...] [--flag FLAG]
The scorer is trained first when missing or stale (make scorer). Only development sets are read (eval/manifest.yml, role: development, red-flag tasks); write the chosen values into
nlp/redflags/scorer.yml. With --flag, only that flag's threshold moves (the others stay as in scorer.yml).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TASKS = ("redflags", "someone_else", "crossturn")


def main(argv: Optional[List[str]] = None) -> int:
    from nlp.build import load_or_build
    from nlp.redflag_scorer import load_or_build as load_scorer
    from scripts import eval_crossturn, eval_redflags

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--thresholds", type=float, nargs="*", default=[0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
    parser.add_argument("--flag", help="move only this flag's threshold")
    args = parser.parse_args(argv)
    manifest = yaml.safe_load((ROOT / "eval" / "manifest.yml").read_text(encoding="utf-8"))["sets"]
    sets = [e for e in manifest if e["role"] == "development" and e["task"] in TASKS]
    nlp = load_or_build()
    scorer = load_scorer(nlp=nlp)
    data = {e["name"]: yaml.safe_load((ROOT / e["path"]).read_text(encoding="utf-8")) for e in sets}
    print("threshold | " + " | ".join(e["name"] for e in sets))
    for threshold in [None, *args.thresholds]:
        if threshold is None:
            current, label = None, "rules alone"
        else:
            moved = {
                flag: (threshold if args.flag in (None, flag) else value) for flag, value in scorer.thresholds.items()
            }
            current, label = dataclasses.replace(scorer, thresholds=moved), f"{threshold:.2f}"
        cells = []
        for entry in sets:
            cases = data[entry["name"]]
            if entry["task"] == "crossturn":
                report = eval_crossturn.evaluate(cases, nlp, current)
                cells.append(f"{report['recall']:.1%} / {report['false_alarm_rate']:.1%}")
            else:
                report = eval_redflags.evaluate(cases, nlp, entry["task"] == "someone_else", current)
                cells.append(f"{report['recall']:.1%} / {report['false_alarm_rate']:.1%}")
        print(f"{label} | " + " | ".join(cells), flush=True)
    print("cells: recall / false alarms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
