"""Builds the project's spaCy pipeline (blank English + lookup lemmatizer + entity ruler) from nlp/terms.yml.

Why: Rasa's SpacyNLP needs a spaCy model on disk, and nothing may be downloaded at build or run time
(docs/architecture.md). The lemma tables come from the installed `spacy-lookups-data` package and are
serialised into the pipeline, so the saved model loads without that package.

CLI: ``python -m nlp.build build/spacy_heel [--force]``
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent
TERMS_PATH = HERE / "terms.yml"
DEFAULT_OUT = PROJECT_ROOT / "build" / "spacy_heel"
LABELS = ("condition", "body_part", "symptom", "treatment")
STAMP_FILE = "heel_build_stamp.txt"
PIPELINE_NAME = "heel"


def load_terms(path: Path = TERMS_PATH) -> Dict[str, Any]:
    """Reads terms.yml; labels map canonical ids to surface forms (list or {phrases, lemmas})."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    unknown = set(data) - set(LABELS) - {"lemma_overrides"}
    if unknown:
        raise ValueError(f"unknown sections in {path}: {sorted(unknown)}")
    return data


def _entry_forms(entry: Any) -> tuple[List[str], List[str]]:
    if isinstance(entry, list):
        return [str(p) for p in entry], []
    if isinstance(entry, dict):
        return [str(p) for p in entry.get("phrases", [])], [str(p) for p in entry.get("lemmas", [])]
    raise ValueError(f"terms entry must be a list or a mapping, got {entry!r}")


def ruler_patterns(terms: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Entity-ruler patterns: phrases on LOWER (set on the ruler), lemmas as token patterns; id = canonical id."""
    patterns: List[Dict[str, Any]] = []
    for label in LABELS:
        for canonical, entry in (terms.get(label) or {}).items():
            phrases, lemmas = _entry_forms(entry)
            for phrase in dict.fromkeys(p.lower().strip() for p in phrases if p.strip()):
                patterns.append({"label": label, "pattern": phrase, "id": canonical})
            for lemma in lemmas:
                tokens = [{"LEMMA": part} for part in lemma.lower().split()]
                patterns.append({"label": label, "pattern": tokens, "id": canonical})
    return patterns


def lemma_table(overrides: Dict[str, str]) -> Dict[str, str]:
    """English lookup lemmas from spacy-lookups-data plus Title-case keys and typo overrides.

    Why: the lookup lemmatizer matches token.text exactly, so "Tingling" at a sentence start would keep its form.
    """
    from spacy.util import load_language_data, registry

    base: Dict[str, str] = dict(load_language_data(registry.lookups.get("en")["lemma_lookup"]))
    table = dict(base)
    for key, value in base.items():
        if key.islower():
            table.setdefault(key.title(), value)
    for typo, lemma in (overrides or {}).items():
        for form in {typo.lower(), typo.title(), typo.upper()}:
            table[form] = lemma.lower()
    return table


def make_pipeline(terms: Optional[Dict[str, Any]] = None) -> Any:
    """The in-memory pipeline; needs spacy-lookups-data installed (build time only)."""
    import spacy
    from spacy.lookups import Lookups

    terms = load_terms() if terms is None else terms
    nlp = spacy.blank("en")
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "Heel-pain assistant: lookup lemmatizer and entity ruler built from nlp/terms.yml"
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    nlp.initialize()
    lookups = Lookups()
    lookups.add_table("lemma_lookup", lemma_table(terms.get("lemma_overrides") or {}))
    nlp.get_pipe("lemmatizer").lookups = lookups  # serialised with the pipeline by to_disk
    ruler.add_patterns(ruler_patterns(terms))
    return nlp


def inputs_digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _inputs(terms_path: Path) -> List[Path]:
    return [terms_path, Path(__file__).resolve()]


def is_up_to_date(out_dir: Path, terms_path: Path = TERMS_PATH) -> bool:
    """Output newer than terms.yml and build.py, and built from the same input bytes (git checkouts reset mtimes)."""
    stamp = out_dir / STAMP_FILE
    meta = out_dir / "meta.json"
    if not (stamp.exists() and meta.exists()):
        return False
    inputs = _inputs(terms_path)
    newest_input = max(path.stat().st_mtime for path in inputs)
    if stamp.stat().st_mtime < newest_input:
        return False
    return stamp.read_text(encoding="utf-8").strip() == inputs_digest(inputs)


def build_pipeline(out_dir: Path = DEFAULT_OUT, force: bool = False, terms_path: Path = TERMS_PATH) -> Path:
    """Builds and saves the pipeline to out_dir (atomically, via a sibling temp dir); skips when up to date."""
    out_dir = Path(out_dir)
    if not force and is_up_to_date(out_dir, terms_path):
        return out_dir
    nlp = make_pipeline(load_terms(terms_path))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = Path(tempfile.mkdtemp(prefix=out_dir.name + ".", dir=out_dir.parent))
    try:
        nlp.to_disk(tmp_dir)
        (tmp_dir / STAMP_FILE).write_text(inputs_digest(_inputs(terms_path)) + "\n", encoding="utf-8")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        tmp_dir.rename(out_dir)
    finally:
        if tmp_dir.exists():
            shutil.rmtree(tmp_dir, ignore_errors=True)
    return out_dir


def load_or_build(path: Path = DEFAULT_OUT) -> Any:
    """Loads the pipeline from path, building it first when missing or stale (for tests and scripts)."""
    import spacy

    return spacy.load(build_pipeline(Path(path)))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=str(DEFAULT_OUT), help="output directory")
    parser.add_argument("--force", action="store_true", help="rebuild even if the output is up to date")
    parser.add_argument("--terms", default=str(TERMS_PATH), help="terms file (default nlp/terms.yml)")
    args = parser.parse_args(argv)
    out_dir, terms_path = Path(args.out_dir), Path(args.terms)
    if not args.force and is_up_to_date(out_dir, terms_path):
        print(f"{out_dir} is up to date (use --force to rebuild)")
        return 0
    build_pipeline(out_dir, force=True, terms_path=terms_path)
    print(f"built {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
