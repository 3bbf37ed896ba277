"""Held-out sets are never trained on: no training example repeats a held-out sentence (docs/evaluation.md).

Very short utterances ("hi", "yes", "shockwave?") are allowed to coincide: both writers use the few words there
are. Anything of four words or more must not appear in training, and long ones must not be near copies either.
"""

from functools import lru_cache
from pathlib import Path

from scripts.evaluate import normalise as norm
from scripts.evaluate import read_yaml, training_examples
from scripts.prune_heldout import MIN_EXACT_WORDS, NearCopies

ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def heldout_texts():
    return tuple(_heldout_texts())


@lru_cache(maxsize=1)
def training():
    return tuple(training_examples())


def _heldout_texts():
    for path in sorted(ROOT.glob("eval/sets/*.yml")):
        data = read_yaml(path)
        for key in ("utterances", "red_flags", "negated"):
            for item in data.get(key) or []:
                if isinstance(item, dict) and "text" in item:
                    yield f"{path.parent.name}/{path.name}", item["text"]
        for conversation in data.get("conversations") or []:  # v21: the messages of multi-turn cases
            for text in conversation.get("turns") or []:
                yield f"{path.parent.name}/{path.name}", text


def test_there_are_heldout_sets_and_training_data():
    assert len(heldout_texts()) > 2000 and len(training()) > 3000


def test_no_heldout_sentence_of_four_words_or_more_is_in_training_data():
    held = {norm(text): source for source, text in heldout_texts() if len(norm(text).split()) >= MIN_EXACT_WORDS}
    leaks = [(name, text, held[norm(text)]) for name, text in training() if norm(text) in held]
    assert leaks == []


def test_no_long_near_copy_of_a_heldout_sentence_in_training_data():
    index = NearCopies(((source, text), set(norm(text).split())) for source, text in heldout_texts())
    leaks = [(name, text, *held) for name, text in training() for held in index.of(set(norm(text).split()))]
    assert leaks == []


def test_the_near_copy_index_finds_what_comparing_every_pair_finds():
    import random

    from scripts.prune_heldout import near_copy

    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(40)]
    held = [set(rng.sample(vocabulary, rng.randint(6, 16))) for _ in range(400)]
    # probes: copies with a few words swapped, so that many sit just above or below the threshold
    probes = []
    for words in rng.sample(held, 200):
        changed = set(words)
        for _ in range(rng.randint(0, 4)):
            changed.discard(rng.choice(sorted(changed)))
            changed.add(rng.choice(vocabulary))
        probes.append(changed)
    index = NearCopies(enumerate(held))
    for words in probes:
        assert index.of(words) == [i for i, other in enumerate(held) if near_copy(words, other)]
    assert sum(bool(index.of(words)) for words in probes) > 50


# --- code comments quote no evaluation sentence (an example in a comment is invented, never a test item) ----------

COMMENTED_CODE = ("heel", "nlp", "nlu_components", "core_components", "actions", "channels", "serving", "frontdesk")
QUOTE = r"[\"\u201c]([^\"\u201d]{20,})[\"\u201d]"


def _comment_lines(path: Path):
    """(line number, text) of the comments of a file: `#` comments, and in Python the docstrings too."""
    import ast
    import io
    import tokenize

    source = path.read_text(encoding="utf-8")
    if path.suffix == ".yml":
        for number, line in enumerate(source.splitlines(), 1):
            if line.lstrip().startswith("#") or " #" in line:
                yield number, line.split("#", 1)[1] if line.lstrip().startswith("#") else line.split(" #", 1)[1]
        return
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield getattr(node, "lineno", 1), doc


def test_no_code_comment_quotes_an_evaluation_sentence():
    import re

    heldout = " ".join(norm(text) for _, text in heldout_texts())
    found = []
    for folder in COMMENTED_CODE:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".yml") or not path.is_file():
                continue
            lines = list(_comment_lines(path))
            # a quote may run over two comment lines
            joined = [(n, text) for n, text in lines] + [
                (a[0], a[1].rstrip() + " " + b[1].lstrip().lstrip("#").strip()) for a, b in zip(lines, lines[1:])
            ]
            for number, text in joined:
                if "BRIEF" in text:  # the product brief's own wording, which the sets quote too
                    continue
                for quote in re.findall(QUOTE, text.replace("\n", " ")):
                    words = norm(quote)
                    if len(words.split()) >= 5 and f" {words} " in f" {heldout} ":
                        found.append(f"{path.relative_to(ROOT)}:{number}: {quote}")
    assert not found, "comments quoting evaluation sentences (invent the example instead):\n" + "\n".join(found)
