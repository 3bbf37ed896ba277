"""Trains the learned half of the red-flag net (heel/safety/learned.py) and saves it to build/redflag_scorer.npz.

Training data, all written for training (never an evaluation set):
- nlp/redflags/phrase_bank_danger*.yml: per flag, written messages, stories and carers' messages;
- nlp/redflags/phrase_bank_quiet*.yml: look-alikes (denied, past, hypothetical, general, benign) and ordinary heel pain;
- the assistant's NLU examples (data/nlu) other than `red_flag`: ordinary questions and answers, class "none";
- its `red_flag` examples for which the rules give exactly one flag, with that flag.
A message is cut into windows as at run time (sentences, neighbours, stretches of long sentences). Every window of
a quiet message is "none". A danger message is learned whole first; then the window the first model finds most
dangerous for the message's flag is added, so the model learns the sign itself rather than the story around it.
Settings (regularisation, each flag's threshold) are data: nlp/redflags/scorer.yml.

CLI: ``python -m nlp.redflag_scorer [OUT] [--force]`` (rebuilt only when an input changed).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import numpy as np

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent
SAFETY_DATA = HERE / "redflags"
NLU_DATA = PROJECT_ROOT / "data" / "nlu"
SETTINGS = SAFETY_DATA / "scorer.yml"
DEFAULT_OUT = PROJECT_ROOT / "build" / "redflag_scorer.npz"
RED_FLAG_INTENT = "red_flag"


def _yaml(path: Path) -> Any:
    import yaml

    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def settings() -> Dict[str, Any]:
    return _yaml(SETTINGS)


def danger_items() -> Iterator[Tuple[str, str]]:
    """(text, flag) of every danger file of the phrase bank (phrase_bank_danger*.yml)."""
    for path in sorted(SAFETY_DATA.glob("phrase_bank_danger*.yml")):
        for flag, items in (_yaml(path).get("flags") or {}).items():
            for item in items or []:
                yield str(item["text"]), str(flag)


def quiet_items() -> Iterator[str]:
    """The text of every look-alike file of the phrase bank (phrase_bank_quiet*.yml)."""
    for path in sorted(SAFETY_DATA.glob("phrase_bank_quiet*.yml")):
        for item in _yaml(path).get("quiet") or []:
            yield str(item["text"])


def nlu_examples(red_flag: bool) -> Iterator[str]:
    """The NLU training examples of the `red_flag` intent (red_flag=True) or of every other intent."""
    for path in sorted(NLU_DATA.glob("*.yml")):
        for block in _yaml(path).get("nlu") or []:
            if block.get("intent") is None or (block.get("intent") == RED_FLAG_INTENT) != red_flag:
                continue
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield line[2:].strip()


def inputs() -> List[Path]:
    return [SETTINGS, *sorted(SAFETY_DATA.glob("phrase_bank_*.yml")), *sorted(NLU_DATA.glob("*.yml")), Path(__file__)]


def fingerprint(paths: Optional[List[Path]] = None) -> str:
    """A digest of the inputs' names and bytes (this scorer's by default): a build is redone when it changes."""
    digest = hashlib.sha256()
    for path in inputs() if paths is None else paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def static_vectors() -> Any:
    from heel.language.encoder import StaticVectors, shared_encoder

    return StaticVectors.from_encoder(shared_encoder())


def train(
    nlp: Any, vectors: Any, config: Optional[Dict[str, Any]] = None
) -> Tuple[Tuple[str, ...], np.ndarray, np.ndarray]:
    """(classes, coef, intercept) from the phrase bank and the NLU examples."""
    from heel.safety import learned, redflags

    config = config or settings()

    def sentences(text: str) -> List[str]:
        return redflags.sentences(redflags.parse(text, nlp))

    texts: List[str] = []
    labels: List[str] = []
    danger = [(sentences(text), flag) for text, flag in danger_items()]
    for text in nlu_examples(red_flag=True):
        flags = [hit.flag_id for hit in redflags.analyse_message(redflags.parse(text, nlp)).own]
        if len(flags) == 1:
            danger.append((sentences(text), flags[0]))
    for sents, flag in danger:
        texts.append(" ".join(sents))
        labels.append(flag)
    for text in quiet_items():
        sents = sentences(text)
        texts.append(" ".join(sents))
        cut = [w.text for w in learned.windows(sents)]
        texts.extend(cut)
        labels.extend([learned.NONE] * (1 + len(cut)))
    for text in nlu_examples(red_flag=False):
        texts.append(text.lower())
        labels.append(learned.NONE)
    features = vectors.features(texts)
    regularisation = float(config.get("regularisation", 1.0))
    classes, coef, intercept = learned.fit(features, labels, regularisation)
    first = learned.Scorer(classes, coef, intercept, {}, vectors.features)
    extra_texts, extra_labels = [], []
    for sents, flag in danger:
        cut = learned.windows(sents)
        if len(cut) < 2:
            continue
        probabilities = first.probabilities([w.text for w in cut])[:, classes.index(flag)]
        extra_texts.append(cut[int(np.argmax(probabilities))].text)
        extra_labels.append(flag)
    if extra_texts:
        more = vectors.features(extra_texts)
        if hasattr(features, "tocsr"):  # sparse features
            from scipy.sparse import vstack

            features = vstack([features, more]).tocsr()
        else:
            features = np.vstack([features, more])
        classes, coef, intercept = learned.fit(features, labels + extra_labels, regularisation)
    return classes, coef, intercept


def build(out: Path = DEFAULT_OUT, force: bool = False, nlp: Any = None, vectors: Any = None) -> Path:
    from heel.safety import learned

    stamp = out.with_suffix(".stamp")
    current = fingerprint()
    if not force and out.exists() and stamp.exists() and stamp.read_text().strip() == current:
        return out
    if nlp is None:
        from nlp.build import load_or_build

        nlp = load_or_build()
    config = settings()
    classes, coef, intercept = train(nlp, vectors or static_vectors(), config)
    learned.save(out, classes, coef, intercept, {str(k): float(v) for k, v in (config.get("thresholds") or {}).items()})
    stamp.write_text(current + "\n")
    return out


def load(path: Any) -> Any:
    """The saved scorer at `path` (relative to the project), reading windows with the encoder's word vectors. A
    missing file is an error that says how to build it: the assistant never runs without its safety net by accident."""
    from heel.safety import learned

    path = Path(path)
    path = path if path.is_absolute() else PROJECT_ROOT / path
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: build it with `make scorer` (python -m nlp.redflag_scorer)")
    return learned.load(path, static_vectors().features)


def configured(config: Path = PROJECT_ROOT / "config.yml", key: str = "scorer") -> Optional[str]:
    """The file the assistant's RedFlagDetector reads for `key` (config.yml: scorer, judge), or None when it runs
    without it: the evaluation scripts measure what the assistant does."""
    for component in _yaml(config).get("pipeline") or []:
        if str(component.get("name", "")).endswith("RedFlagDetector"):
            return component.get(key)
    return None


def load_or_build(out: Path = DEFAULT_OUT, nlp: Any = None, vectors: Any = None) -> Any:
    """The trained scorer (heel.safety.learned.Scorer), built first when missing or stale (for scripts and tests)."""
    from heel.safety import learned

    vectors = vectors or static_vectors()
    return learned.load(build(out, nlp=nlp, vectors=vectors), vectors.features)


def main(argv: Optional[List[str]] = None, builder: Any = None, default_out: Path = DEFAULT_OUT) -> int:
    """`[OUT] [--force]`: builds this scorer, or what `builder(out, force)` builds (the judge's command line)."""
    parser = argparse.ArgumentParser(description="Trains a learned part of the red-flag net (rebuilt when stale).")
    parser.add_argument("out", nargs="?", default=str(default_out))
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    print(f"built {(builder or build)(Path(args.out), args.force)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
