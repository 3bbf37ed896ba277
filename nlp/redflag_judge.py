"""Trains the red-flag judge (heel/safety/learned.py `Judge`) and saves it to build/redflag_judge.npz.

The judge reads a whole message through its sentence embedding (heel.language.encoder), so a danger sign told
without any word the rules list (a fall, then every attempt to walk ending after a step or two) can still be caught.
Training data, all written for training (never an evaluation set):
- danger: nlp/redflags/phrase_bank_danger*.yml (per flag: short messages, stories with the sign in the middle told
  by its effects, carers' messages);
- not danger: nlp/redflags/phrase_bank_quiet*.yml (look-alikes: denied, past, explained away, hypothetical, general,
  benign) and every
  NLU example (data/nlu) of an intent other than `red_flag`.
The embeddings are kept in build/embeddings (SentenceEncoder.encode_stored), where the intent classifier finds the
NLU examples already encoded. Settings: nlp/redflags/judge.yml.

CLI: ``python -m nlp.redflag_judge [OUT] [--force]`` (rebuilt only when an input changed).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent
SETTINGS = HERE / "redflags" / "judge.yml"
DEFAULT_OUT = PROJECT_ROOT / "build" / "redflag_judge.npz"
EMBEDDINGS = PROJECT_ROOT / "build" / "embeddings"


def settings() -> Dict[str, Any]:
    import yaml

    return yaml.safe_load(SETTINGS.read_text(encoding="utf-8")) or {}


def inputs() -> List[Path]:
    from nlp import redflag_scorer

    bank = sorted((HERE / "redflags").glob("phrase_bank_*.yml"))
    return [SETTINGS, *bank, *sorted(redflag_scorer.NLU_DATA.glob("*.yml")), Path(__file__)]


def fingerprint() -> str:
    from nlp import redflag_scorer

    return redflag_scorer.fingerprint(inputs())


def train(config: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """The judge's arrays from the phrase bank and the NLU examples (one read and one write of the vector store)."""
    from heel.language.encoder import shared_encoder
    from heel.safety import learned
    from nlp.redflag_scorer import danger_items, nlu_examples, quiet_items

    config = config or settings()
    encoder = shared_encoder()
    danger = list(danger_items())
    others = list(quiet_items()) + list(nlu_examples(red_flag=False))
    vectors = encoder.encode_stored([text for text, _ in danger] + others, EMBEDDINGS)
    return learned.fit_judge(
        vectors[: len(danger)],
        [flag for _, flag in danger],
        vectors[len(danger) :],
        float(config.get("regularisation", 1.0)),
    )


def build(out: Path = DEFAULT_OUT, force: bool = False) -> Path:
    from heel.safety import learned

    stamp = out.with_suffix(".stamp")
    current = fingerprint()
    if not force and out.exists() and stamp.exists() and stamp.read_text().strip() == current:
        return out
    config = settings()
    learned.save_judge(
        out,
        train(config),
        float(config["threshold"]),
        int(config["min_words"]),
        config.get("corroborated_threshold"),  # None: the same as threshold (learned.save_judge)
    )
    stamp.write_text(current + "\n")
    return out


def load(path: Any) -> Any:
    """The saved judge at `path` (relative to the project). A missing file is an error that says how to build it."""
    from heel.language.encoder import shared_encoder
    from heel.safety import learned

    path = Path(path)
    path = path if path.is_absolute() else PROJECT_ROOT / path
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: build it with `make judge` (python -m nlp.redflag_judge)")
    return learned.load_judge(path, shared_encoder().encode_recent)


def configured() -> Optional[str]:
    """The judge file the assistant's RedFlagDetector reads (config.yml), or None."""
    from nlp import redflag_scorer

    return redflag_scorer.configured(key="judge")


def load_configured() -> Any:
    """The judge config.yml names, built first when missing or stale (for scripts and tests); None when off."""
    path = configured()
    if not path:
        return None
    full = PROJECT_ROOT / path
    build(full)
    return load(full)


def main(argv: Optional[List[str]] = None) -> int:
    from nlp import redflag_scorer

    return redflag_scorer.main(argv, build, DEFAULT_OUT)


if __name__ == "__main__":
    sys.exit(main())
