"""One evaluation runner for every set in eval/manifest.yml: one process, the Rasa model and the spaCy pipeline loaded
once each.

Tasks: `intents` (the whole NLU pipeline: accuracy, macro-F1, wrong-topic answers, clarifying questions),
`redflags` (the detector on single messages, the visitor's own signs), `someone_else` (another adult's signs) and
`crossturn` (signs spread over several messages). A `final` set prints totals only; a `development` set also prints
its errors. Writes reports/evaluation.json and reports/evaluation.md, and for each development intent set a confusion
matrix and a per-intent F1 chart (PNG). Exit code 1 when any gate fails.

Usage: python scripts/evaluate.py [--model models/heel.tar.gz] [--only NAME ...] [--no-charts] [--report-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import sys
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MANIFEST = ROOT / "eval" / "manifest.yml"
FALLBACK = "nlu_fallback"
RED_FLAG = "red_flag"


def normalise(text: str) -> str:
    """Lower case words only: how held-out and training sentences are compared."""
    return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'")))


def read_yaml(path: Path) -> Any:
    """A YAML file read with libyaml's parser when PyYAML has it (several times faster on the evaluation sets)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)


def training_examples() -> Iterator[Tuple[str, str]]:
    """(file name, example text) for every training example: the NLU data (data/nlu) and the red-flag scorer's
    phrase bank (nlp/redflags)."""
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in read_yaml(path).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    yield path.name, line.strip()[2:]
    for path in sorted((ROOT / "nlp" / "redflags").glob("phrase_bank_*.yml")):
        data = read_yaml(path) or {}
        items = [i for group in (data.get("flags") or {}).values() for i in group or []] + (data.get("quiet") or [])
        for item in items:
            yield path.name, str(item["text"])


@lru_cache(maxsize=1)
def seen_texts() -> FrozenSet[str]:
    """Every training example, normalised: read once per process, whatever the number of sets."""
    return frozenset(normalise(text) for _, text in training_examples())


def macro_f1(pairs: List[Tuple[str, str]]) -> Tuple[float, Dict[str, float]]:
    """Macro-F1 over the gold labels, and each label's F1."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for gold, pred in pairs:
        if gold == pred:
            tp[gold] += 1
        else:
            fn[gold] += 1
            fp[pred] += 1
    per_label = {}
    for label in sorted({gold for gold, _ in pairs}):
        precision = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        recall = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        per_label[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return (sum(per_label.values()) / len(per_label) if per_label else 0.0), per_label


def is_wrong_topic(gold: str, pred: str) -> bool:
    """The worst intent error: a clear education question answered with another topic's content."""
    return gold != pred and gold.startswith("ask_") and pred.startswith("ask_")


def replied_intent(gold: str, result: Dict[str, Any]) -> str:
    """What the reply answers. A red-flag alert below same-day care also answers the education question the
    classifier read (actions/safety.py, heel/safety/text.py `answered_with_alert`): such a reply holds the alert and
    that topic, so it is right for either; for any other gold label it counts as the topic answered."""
    from heel.safety.text import answered_with_alert

    name = result["intent"]["name"]
    if name != RED_FLAG or gold == RED_FLAG:
        return name
    entities = [e for e in result.get("entities") or [] if e.get("entity") == RED_FLAG]
    model_intent = next((e.get("model_intent") for e in entities), None)
    return answered_with_alert([str(e.get("value")) for e in entities], model_intent) or name


class Parser:
    """The trained assistant's NLU, loaded on first use and kept for every set."""

    def __init__(self, model: Path) -> None:
        self.model = model
        self._agent = None

    def parse(self, texts: List[str]) -> List[Dict[str, Any]]:
        if self._agent is None:
            from rasa.core.agent import Agent
            from rasa.utils.common import configure_logging_and_warnings
            from rasa.utils.log_utils import configure_structlog

            configure_logging_and_warnings(logging.WARNING)
            configure_structlog(logging.WARNING)
            self._agent = Agent.load(str(self.model))

        async def run() -> List[Dict[str, Any]]:
            return [await self._agent.parse_message(text) for text in texts]

        return asyncio.run(run())


def offered_second(text: str, replied: str, result: Dict[str, Any]) -> Optional[str]:
    """The other topic the answer offers as a button (actions/content.py, heel.content.story), if any."""
    from heel.content.story import second_question
    from heel.names import QUESTION_TOPICS

    if not replied.startswith("ask_"):
        return None
    ranking = result.get("intent_ranking") or []
    topics = {str(r.get("name")) for r in ranking if str(r.get("name")).startswith("ask_")}
    asked = [str(name) for name in result.get(QUESTION_TOPICS) or []]
    return second_question(text, ranking, replied, topics | {name for name in asked if name.startswith("ask_")}, asked)


def two_question_counts(
    items: List[Dict[str, Any]], parsed: List[Dict[str, Any]], pairs: List[Tuple[str, str]]
) -> Dict[str, int]:
    """Items labelled with a `second` question: how many got both addressed (one answered, the other answered or
    offered as a button); items without one: how many got a second topic offered anyway."""
    counts = {"two_questions": 0, "both_addressed": 0, "one_question": 0, "second_offered": 0}
    for item, result, (_, replied) in zip(items, parsed, pairs):
        offered = offered_second(item["text"], replied, result)
        if item.get("second"):
            counts["two_questions"] += 1
            counts["both_addressed"] += {item["intent"], item["second"]} <= {replied, offered}
        else:
            counts["one_question"] += 1
            counts["second_offered"] += offered is not None
    return counts


def score_intents(items: List[Dict[str, Any]], parsed: List[Dict[str, Any]]) -> Dict[str, Any]:
    pairs = [(item["intent"], replied_intent(item["intent"], result)) for item, result in zip(items, parsed)]
    seen = seen_texts()
    unseen = [(g, p) for (g, p), item in zip(pairs, items) if normalise(item["text"]) not in seen]
    education = sum(gold.startswith("ask_") for gold, _ in pairs)
    wrong = sum(is_wrong_topic(g, p) for g, p in pairs)
    f1, per_label = macro_f1(pairs)
    return {
        "n": len(pairs),
        "accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 4),
        "macro_f1": round(f1, 4),
        "unseen": len(unseen),
        "unseen_accuracy": round(sum(g == p for g, p in unseen) / len(unseen), 4) if unseen else 0.0,
        "education": education,
        "wrong_topic": wrong,
        "wrong_topic_rate": round(wrong / education, 4) if education else 0.0,
        "clarifying": sum(p == FALLBACK for _, p in pairs),
        "answered_with_alert": sum(r["intent"]["name"] == RED_FLAG != p for r, (_, p) in zip(parsed, pairs)),
        **two_question_counts(items, parsed, pairs),
        "per_intent_f1": {label: round(value, 4) for label, value in per_label.items()},
        "pairs": pairs,
        "errors": [
            {
                "text": item["text"],
                "gold": g,
                "predicted": p,
                "source": item.get("source"),
                "confidence": round(result["intent"].get("confidence", 0.0), 3),
                "wrong_topic": is_wrong_topic(g, p),
            }
            for item, result, (g, p) in zip(items, parsed, pairs)
            if g != p
        ],
    }


def intents_passes(result: Dict[str, Any], gate: Dict[str, float]) -> bool:
    return result["accuracy"] >= gate.get("min_accuracy", 0.0) and result["wrong_topic_rate"] <= gate.get(
        "max_wrong_topic", 1.0
    )


def redflag_passes(result: Dict[str, Any], gate: Dict[str, float]) -> bool:
    return (
        result["recall"] >= gate.get("min_recall", 1.0)
        and result["false_alarm_rate"] <= gate.get("max_false_alarms", 0.0)
        and not result.get("wrong_level")
    )


def totals_line(task: str, result: Dict[str, Any]) -> str:
    if task == "intents":
        return (
            f"accuracy {result['accuracy']:.2%}, macro-F1 {result['macro_f1']:.3f}, wrong topic "
            f"{result['wrong_topic']}/{result['education']}, clarifying {result['clarifying']} of {result['n']}"
            + (
                f", answered after a doctor-soon alert {result['answered_with_alert']}"
                if result.get("answered_with_alert")
                else ""
            )
            + (
                f", two questions both addressed {result['both_addressed']} of {result['two_questions']}"
                f" (a second topic offered on {result['second_offered']} of {result['one_question']} others)"
                if result.get("two_questions")
                else ""
            )
        )
    if task == "crossturn":
        return (
            f"caught by the due message {result['recall']:.1%} of {result['n_positive']}, "
            f"false alarms {result['false_alarm_rate']:.1%} of {result['n_lookalikes']}"
        )
    return (
        f"recall {result['recall']:.1%} of {result['n_positive']}, false alarms "
        f"{result['false_alarm_rate']:.1%} of {result['n_negated']}"
    )


def print_errors(task: str, result: Dict[str, Any]) -> None:
    if task == "intents":
        for error in result["errors"]:
            flag = "WRONG TOPIC " if error["wrong_topic"] else ""
            print(
                f"    {flag}{error['gold']} -> {error['predicted']} ({error['confidence']}) "
                f"[{error['source']}]: {error['text']}"
            )
        return
    for kind in ("misses", "late", "wrong_level", "false_alarms"):
        for case in result.get(kind) or []:
            text = case.get("text") or " / ".join(case.get("turns") or [])
            print(f"    {kind.upper()} [{case.get('flag')}] got {case.get('got')} [{case.get('source')}]: {text}")


def charts(name: str, result: Dict[str, Any], out: Path) -> List[str]:
    """A confusion matrix and a per-intent F1 bar chart for one intent set."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    labels = sorted({g for g, _ in result["pairs"]} | {p for _, p in result["pairs"]})
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)))
    for gold, pred in result["pairs"]:
        matrix[index[gold], index[pred]] += 1
    rows = matrix.sum(axis=1, keepdims=True)
    shares = np.divide(matrix, rows, out=np.zeros_like(matrix), where=rows > 0)
    fig, ax = plt.subplots(figsize=(14, 12))
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    for i, j in zip(*np.nonzero(matrix)):
        if i != j:
            ax.text(j, i, int(matrix[i, j]), ha="center", va="center", fontsize=6, color="darkred")
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(f"{name}: confusion (row share; off-diagonal counts in red)")
    fig.tight_layout()
    confusion = out / f"{name}_confusion.png"
    fig.savefig(confusion, dpi=90)
    plt.close(fig)

    f1 = result["per_intent_f1"]
    fig, ax = plt.subplots(figsize=(10, 10))
    names = sorted(f1, key=f1.get)
    ax.barh(names, [f1[n] for n in names], color="steelblue")
    ax.set_xlim(0.5, 1.0)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title(f"{name}: F1 per intent (macro-F1 {result['macro_f1']:.3f})")
    fig.tight_layout()
    bars = out / f"{name}_f1.png"
    fig.savefig(bars, dpi=90)
    plt.close(fig)
    return [
        str(confusion.relative_to(ROOT)) if confusion.is_relative_to(ROOT) else str(confusion),
        str(bars.relative_to(ROOT)) if bars.is_relative_to(ROOT) else str(bars),
    ]


def run_set(
    entry: Dict[str, Any], parser: Parser, nlp_loader, scorer_loader=lambda: None, judge_loader=lambda: None
) -> Dict[str, Any]:
    data = read_yaml(ROOT / entry["path"]) or {}
    task = entry["task"]
    if task == "intents":
        items = data["utterances"]
        return score_intents(items, parser.parse([item["text"] for item in items]))
    if task in ("redflags", "someone_else"):
        from scripts.eval_redflags import evaluate

        return evaluate(
            data, nlp_loader(), someone_else=task == "someone_else", scorer=scorer_loader(), judge=judge_loader()
        )
    if task == "crossturn":
        from scripts.eval_crossturn import evaluate

        return evaluate(data, nlp_loader(), scorer_loader(), judge_loader())
    raise ValueError(f"unknown task {task!r} in {entry['name']}")


def markdown(rows: List[Dict[str, Any]], model: str) -> str:
    lines = [
        "# Evaluation report",
        "",
        f"Model: `{model}`. Written by `make evaluate` (scripts/evaluate.py).",
        "",
        "| set | task | role | result | gate | pass |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        gate = ", ".join(f"{k} {v}" for k, v in row["gate"].items())
        lines.append(
            f"| {row['name']} | {row['task']} | {row['role']} | {row['totals']} | {gate} | "
            f"{'yes' if row['passed'] else '**no**'} |"
        )
    for row in rows:
        for chart in row.get("charts") or []:
            lines += ["", f"![{Path(chart).stem}]({Path(chart).name})"]
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "heel.tar.gz"))
    parser.add_argument("--manifest", default=str(MANIFEST))
    parser.add_argument("--only", nargs="*", help="names of sets to run (default: all)")
    parser.add_argument("--report-dir", default=str(ROOT / "reports"))
    parser.add_argument("--no-charts", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    entries = yaml.safe_load(Path(args.manifest).read_text(encoding="utf-8"))["sets"]
    if args.only:
        unknown = set(args.only) - {e["name"] for e in entries}
        if unknown:
            parser.error(f"unknown sets: {sorted(unknown)}")
        entries = [e for e in entries if e["name"] in args.only]
    out = Path(args.report_dir)
    out.mkdir(parents=True, exist_ok=True)
    rasa_parser = Parser(Path(args.model))
    nlp_cache: Dict[str, Any] = {}

    def nlp_loader():
        if "nlp" not in nlp_cache:
            from nlp.build import DEFAULT_OUT, load_or_build

            nlp_cache["nlp"] = load_or_build(DEFAULT_OUT)
        return nlp_cache["nlp"]

    def scorer_loader():
        if "scorer" not in nlp_cache:
            from nlp.redflag_scorer import configured
            from nlp.redflag_scorer import load_or_build as load_scorer

            path = configured()
            nlp_cache["scorer"] = load_scorer(ROOT / path, nlp=nlp_loader()) if path else None
        return nlp_cache["scorer"]

    def judge_loader():
        if "judge" not in nlp_cache:
            from nlp.redflag_judge import load_configured

            nlp_cache["judge"] = load_configured()
        return nlp_cache["judge"]

    rows, failed = [], []
    for entry in entries:
        started = time.perf_counter()
        result = run_set(entry, rasa_parser, nlp_loader, scorer_loader, judge_loader)
        gate = entry.get("gate") or {}
        passed = (intents_passes if entry["task"] == "intents" else redflag_passes)(result, gate)
        row = {
            "name": entry["name"],
            "task": entry["task"],
            "role": entry["role"],
            "gate": gate,
            "passed": passed,
            "totals": totals_line(entry["task"], result),
            "seconds": round(time.perf_counter() - started, 1),
        }
        print(
            f"[{'PASS' if passed else 'FAIL'}] {entry['name']} ({entry['role']}): {row['totals']}  "
            f"({row['seconds']} s)",
            flush=True,
        )
        if entry["role"] == "development":
            print_errors(entry["task"], result)
            if entry["task"] == "intents" and not args.no_charts:
                row["charts"] = charts(entry["name"], result, out)
            row["result"] = {k: v for k, v in result.items() if k != "pairs"}
        else:  # a final set: totals only, in the report too
            row["result"] = {
                k: v
                for k, v in result.items()
                if k
                not in (
                    "pairs",
                    "errors",
                    "misses",
                    "late",
                    "false_alarms",
                    "wrong_level",
                    "someone_else_alerts",
                    "per_intent_f1",
                )
            }
        rows.append(row)
        if not passed:
            failed.append(entry["name"])
    (out / "evaluation.json").write_text(json.dumps({"model": args.model, "sets": rows}, indent=2, default=list))
    (out / "evaluation.md").write_text(markdown(rows, args.model))
    print(f"report: {out / 'evaluation.md'}")
    if failed:
        print(f"FAIL: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
