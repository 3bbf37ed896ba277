"""The learned half of the red-flag safety net: a danger sign told in words no rule lists.

A logistic regression over the flags (and "none") reads every window of a message: each sentence, each pair of
neighbouring sentences, and overlapping stretches of a long run-on sentence. A window is described by the mean and
the maximum of its words' vectors (heel.language.encoder.StaticVectors), so "I tried to stand and dropped straight
back onto the bed" lands near "unable to bear my weight" without sharing a word. It is trained on the phrase bank
(nlp/redflags/phrase_bank_*.yml: written positives and look-alikes per flag) and the assistant's ordinary training
questions; the threshold of each flag is data (nlp/redflags/scorer.yml), chosen on the development sets.

The judge (`Judge`) reads the whole message at once instead: a logistic regression on the sentence embedding that
the intent classifier computes anyway (heel.language.encoder.SentenceEncoder, encoded once per message), danger
against the look-alikes and ordinary questions, and a second one that names the flag. It is trained by
nlp/redflag_judge.py and consulted only when the rules find no flag (heel/safety/redflags.py `analyse_message`).

This module only scores. Whether a window's score becomes an alert (who it is about, whether the sign was denied or
is in the past) is decided with the rule engine's reading of the same sentences (heel/safety/reading.py).
The trained model is numpy arrays saved with np.savez and read with allow_pickle=False.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

NONE = "none"
WINDOW_WORDS = 30  # a sentence longer than this is read in overlapping stretches of this many words
Featurize = Callable[[List[str]], np.ndarray]


@dataclass(frozen=True)
class Window:
    text: str
    sentences: Tuple[int, ...]  # indexes into the sentence list the window was cut from


@dataclass(frozen=True)
class LearnedHit:
    flag_id: str
    probability: float
    window: Window


def windows(sentences: Sequence[str], width: int = WINDOW_WORDS) -> List[Window]:
    """Every sentence (long ones as overlapping stretches of `width` words) and every pair of neighbours."""
    out: List[Window] = []
    for index, sentence in enumerate(sentences):
        words = sentence.split()
        if not words:
            continue
        if len(words) <= width:
            out.append(Window(" ".join(words), (index,)))
        else:
            step = width // 2
            for start in range(0, len(words) - step, step):
                out.append(Window(" ".join(words[start : start + width]), (index,)))
    for index in range(len(sentences) - 1):
        first, second = sentences[index].split(), sentences[index + 1].split()
        if first and second and len(first) + len(second) <= width:
            out.append(Window(" ".join(first + second), (index, index + 1)))
    return out


@dataclass(frozen=True)
class Scorer:
    classes: Tuple[str, ...]
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray  # (classes,)
    thresholds: Mapping[str, float]
    featurize: Featurize

    def probabilities(self, texts: List[str]) -> np.ndarray:
        """(len(texts), classes) softmax probabilities."""
        if not texts:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        logits = self.featurize(texts) @ self.coef.T + self.intercept
        logits -= logits.max(1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(1, keepdims=True)

    def hits(self, sentences: Sequence[str]) -> List[LearnedHit]:
        """The flags some window reaches the threshold for, each with its most probable window, surest first."""
        cut = windows(sentences)
        probabilities = self.probabilities([w.text for w in cut])
        found: List[LearnedHit] = []
        for column, flag in enumerate(self.classes):
            if flag == NONE or not len(cut):
                continue
            best = int(np.argmax(probabilities[:, column]))
            probability = float(probabilities[best, column])
            if probability >= self.thresholds.get(flag, 1.01):
                found.append(LearnedHit(flag, probability, cut[best]))
        return sorted(found, key=lambda hit: -hit.probability)


def fit(
    features: np.ndarray, labels: Sequence[str], regularisation: float
) -> Tuple[Tuple[str, ...], np.ndarray, np.ndarray]:
    """Multinomial logistic regression, classes balanced (a few hundred positives against thousands of others)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=regularisation, class_weight="balanced", max_iter=3000)
    model.fit(features, list(labels))
    classes = tuple(str(c) for c in model.classes_)
    return classes, model.coef_.astype(np.float32), model.intercept_.astype(np.float32)


def save(
    path: Path, classes: Sequence[str], coef: np.ndarray, intercept: np.ndarray, thresholds: Mapping[str, float]
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    names = list(thresholds)
    np.savez(
        path,
        classes=np.array(list(classes)),
        coef=coef,
        intercept=intercept,
        threshold_names=np.array(names),
        threshold_values=np.array([thresholds[n] for n in names], dtype=np.float32),
    )


def load(path: Path, featurize: Featurize) -> Scorer:
    with np.load(path, allow_pickle=False) as data:
        thresholds: Dict[str, float] = {
            str(name): float(value) for name, value in zip(data["threshold_names"], data["threshold_values"])
        }
        return Scorer(tuple(str(c) for c in data["classes"]), data["coef"], data["intercept"], thresholds, featurize)


@dataclass(frozen=True)
class Judge:
    """The whole message read at once: the probability that it tells a current danger sign (a logistic regression
    on its sentence embedding) and, when that reaches `threshold`, which flag (a second regression over the flags).
    `corroborated_threshold` (no higher) is enough when the rules read part of that flag's sign in the message as
    current: the judge then completes the rules' evidence instead of standing alone (`accepts`). Messages shorter
    than `min_words` are left to the rules (settings: nlp/redflags/judge.yml)."""

    danger_coef: np.ndarray  # (features,)
    danger_intercept: float
    flags: Tuple[str, ...]
    flag_coef: np.ndarray  # (flags, features)
    flag_intercept: np.ndarray  # (flags,)
    threshold: float
    min_words: int
    embed: Featurize
    corroborated_threshold: float = 1.0

    def probability(self, vector: np.ndarray) -> float:
        return float(1.0 / (1.0 + np.exp(-(float(vector @ self.danger_coef) + self.danger_intercept))))

    def assess(self, text: str, sentences: Tuple[int, ...]) -> Optional[LearnedHit]:
        """The flag the message tells, with its probability and the whole message as the window, or None."""
        if len(text.split()) < self.min_words:
            return None
        vector = self.embed([text])[0]
        probability = self.probability(vector)
        if probability < min(self.threshold, self.corroborated_threshold):
            return None
        flag = self.flags[int(np.argmax(self.flag_coef @ vector + self.flag_intercept))]
        return LearnedHit(flag, probability, Window(text, sentences))

    def accepts(self, hit: LearnedHit, corroborated: bool) -> bool:
        """Whether a hit of `assess` stands: alone at `threshold`, or at `corroborated_threshold` when the rules read
        part of its flag's sign in the message as current (`corroborated`)."""
        return hit.probability >= self.threshold or (corroborated and hit.probability >= self.corroborated_threshold)


def fit_judge(
    danger: np.ndarray, danger_flags: Sequence[str], others: np.ndarray, regularisation: float
) -> Dict[str, np.ndarray]:
    """The judge's arrays: danger (the phrase bank's signs) against others (its look-alikes and the assistant's
    ordinary questions), unweighted, and the flag among the danger examples, classes balanced."""
    from sklearn.linear_model import LogisticRegression

    features = np.vstack([danger, others])
    labels = np.array([1] * len(danger) + [0] * len(others))
    binary = LogisticRegression(C=regularisation, max_iter=5000).fit(features, labels)
    which = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000).fit(danger, list(danger_flags))
    return {
        "danger_coef": binary.coef_[0].astype(np.float32),
        "danger_intercept": np.array([binary.intercept_[0]], dtype=np.float32),
        "flags": np.array([str(c) for c in which.classes_]),
        "flag_coef": which.coef_.astype(np.float32),
        "flag_intercept": which.intercept_.astype(np.float32),
    }


def save_judge(
    path: Path,
    arrays: Mapping[str, np.ndarray],
    threshold: float,
    min_words: int,
    corroborated_threshold: Optional[float] = None,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        path,
        threshold=np.array([threshold], dtype=np.float32),
        corroborated_threshold=np.array(
            [threshold if corroborated_threshold is None else corroborated_threshold], dtype=np.float32
        ),
        min_words=np.array([min_words]),
        **arrays,
    )


def load_judge(path: Path, embed: Featurize) -> Judge:
    with np.load(path, allow_pickle=False) as data:
        return Judge(
            danger_coef=data["danger_coef"],
            danger_intercept=float(data["danger_intercept"][0]),
            flags=tuple(str(f) for f in data["flags"]),
            flag_coef=data["flag_coef"],
            flag_intercept=data["flag_intercept"],
            threshold=float(data["threshold"][0]),
            min_words=int(data["min_words"][0]),
            embed=embed,
            corroborated_threshold=float(data["corroborated_threshold"][0]),
        )
