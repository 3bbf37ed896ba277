"""One intent learner over both views of the message: logistic regression on its TF-IDF word and character n-grams
(our words and spellings) side by side with its sentence embedding (heel.language.encoder: words no training
example used), scaled by `embedding_scale`.

The mean of two separate regressions, one per view, treats the views as equally sure on every intent; one
regression learns, intent by intent, how much each n-gram and each embedding direction says. Measured on the
development sets (docs/evaluation.md, "the joint classifier") before it replaced that mean.

A story followed by a question is mostly story: in the whole message's embedding the few words that ask are
outweighed by the many that describe. The embedding view is therefore the whole message's vector plus
`question_weight` times the vector of its asking sentences (heel.content.story.question_part), made unit length again;
a message that only asks is its own question, so short questions are unchanged. Training examples are read the same
way. Chosen on the development sets (docs/evaluation.md, "the question's own vector").

The encoder runs for every typed message, over the asking sentences too when a message also tells (in the same
batch). The trained model is numpy arrays saved with np.savez and read with allow_pickle=False (vocabularies, IDF
weights, coefficients): loading a model can never run code.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Text

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from heel.content.story import Question, each_question, question_part
from heel.language.encoder import shared_encoder
from nlu_components.embedding_classifier import softmax_ranking
from nlu_components.ngram_classifier import (
    VIEWS,
    fit_regression,
    fitted_vectorizers,
    intent_examples,
    ngram_features,
    set_rankings,
    tfidf_vectorizers,
    vocabulary_arrays,
)
from nlu_components.ranking import QUESTION_READINGS, SHARED_WITH_READINGS
from nlu_components.saved_arrays import SavedArrays

logger = logging.getLogger(__name__)


def with_question(texts: List[str], encode: Callable[[List[str]], np.ndarray], weight: float) -> np.ndarray:
    """Each text's unit vector plus `weight` times the vector of its asking sentences (when it also tells
    something), unit length again. One call to `encode` for both: one read and write of a training store, one pass
    of the encoder's cache."""
    parts = [question_part(text) for text in texts] if weight else []
    asking = [i for i, part in enumerate(parts) if part]
    vectors = encode(texts + [parts[i] for i in asking])
    embedded = vectors[: len(texts)]
    if not asking:
        return embedded
    mixed = embedded.copy()
    mixed[asking] += weight * vectors[len(texts) :]
    mixed[asking] /= np.linalg.norm(mixed[asking], axis=1, keepdims=True)
    return mixed


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class JointIntentClassifier(SavedArrays):
    FILE = "joint_classifier.npz"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # C: inverse regularisation; embedding_scale: the embedding's weight beside the unit-length TF-IDF views.
        # embedding_store: a folder where training keeps the examples' vectors (SentenceEncoder.encode_stored), shared
        # with the red-flag judge's training (nlp/redflag_judge.py); None encodes them afresh.
        return {
            "C": 10.0,
            "max_iter": 500,
            "char_ngrams": [2, 4],
            "embedding_scale": 1.0,
            "ranking_length": 10,
            "embedding_store": None,
            "question_weight": 0.0,
            # several questions in one message: each question is also read with the story alone (QuestionOrder
            # decides which reading answers); False reads the whole message only
            "read_each_question": False,
        }

    def model_from(self, arrays: Dict[str, np.ndarray]) -> Dict[str, Any]:
        shared_encoder()  # read the encoder's weights with the model, not on the first visitor's message
        terms = sum(len(arrays[f"{view}_terms"]) for view in VIEWS)
        coef = arrays["coef"]
        return {
            "vectorizers": fitted_vectorizers(self._config, arrays),
            # (terms, intents), C order, in the features' float64: a sparse row times it reads only the row's terms
            "ngram_weights": np.ascontiguousarray(coef[:, :terms].T, dtype=np.float64),
            "embedding_weights": np.ascontiguousarray(coef[:, terms:].T * float(arrays["scale"][0])),
            "intercept": arrays["intercept"],
            "classes": [str(c) for c in arrays["classes"]],
        }

    def train(self, training_data: TrainingData) -> Resource:
        from scipy.sparse import csr_matrix, hstack

        examples = intent_examples(training_data, self.__class__.__name__)
        if examples is None:
            return self._resource
        texts = [m.get(TEXT) for m in examples]
        vectorizers = tfidf_vectorizers(self._config)
        store = self._config.get("embedding_store")
        encoder = shared_encoder()
        embedded = with_question(
            texts,
            (lambda batch: encoder.encode_stored(batch, Path(store))) if store else encoder.encode,
            float(self._config["question_weight"]),
        )
        scale = float(self._config["embedding_scale"])
        features = hstack(
            [ngram_features(texts, vectorizers, fit=True), csr_matrix(embedded.astype(np.float64) * scale)]
        ).tocsr()
        arrays = fit_regression(self._config, features, examples)
        self.save({**arrays, "scale": np.array([scale]), **vocabulary_arrays(vectorizers)})
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        todo = [m for m in messages if m.get(TEXT)]
        if not todo:
            return messages
        texts = [str(m.get(TEXT)) for m in todo]
        typed = [i for i, text in enumerate(texts) if not text.startswith("/")]
        focus = {i: each_question(texts[i]) for i in typed} if self._config["read_each_question"] else {}
        focus = {i: each for i, each in focus.items() if each}
        classes, length = self._model["classes"], int(self._config["ranking_length"])
        weight = float(self._config["question_weight"])
        embedded = with_question([texts[i] for i in typed], shared_encoder().encode_recent, weight) if typed else None
        set_rankings(todo, self._logits(texts, typed, embedded), classes, length)
        for i, each in focus.items():
            logits = self._logits(
                [q.reading for q in each], list(range(len(each))), self._question_vectors(texts[i], each, weight)
            )
            self._focus(todo[i], each, [softmax_ranking(row, classes, length) for row in logits])
        return messages

    @staticmethod
    def _question_vectors(text: str, each: List[Question], weight: float) -> np.ndarray:
        """Each question's embedding view: the whole message's vector plus `weight` times that question's own, unit
        length (what `with_question` gives a message, with one question instead of all). From the encoder's cache:
        no story is encoded again."""
        vectors = shared_encoder().encode_recent([text] + [q.asked for q in each])
        mixed = vectors[0] + weight * vectors[1:]
        return mixed / np.linalg.norm(mixed, axis=1, keepdims=True)

    def _logits(self, texts: List[str], typed: List[int], embedded: Optional[np.ndarray]) -> np.ndarray:
        """Each text's intent logits from its n-grams and, for the rows `typed` (typed sentences: a button's payload,
        "/ask_taping", is not a sentence, the n-grams read it alone), its embedding view `embedded`."""
        logits = np.asarray(ngram_features(texts, self._model["vectorizers"]) @ self._model["ngram_weights"])
        if typed and embedded is not None:
            logits[typed] += embedded @ self._model["embedding_weights"]
        logits = logits + self._model["intercept"]
        if logits.shape[1] == 1:  # two intents: scikit-learn keeps one row, the odds of the second class
            logits = np.hstack([np.zeros_like(logits), logits])
        return logits

    def _focus(self, message: Message, each: List[Question], readings: List[List[Dict[str, Any]]]) -> None:
        """A message that asks several things gets one reading per question (the story with that question alone),
        which the routing components read like the message itself (heel_nlu.with_readings) and QuestionOrder weighs
        at the end."""
        kept = []
        for question, ranking in zip(each, readings):
            reading = Message(data={TEXT: question.reading, ENTITIES: message.get(ENTITIES, [])})
            for key in SHARED_WITH_READINGS:
                if message.get(key) is not None:
                    reading.set(key, message.get(key))
            reading.set(INTENT, dict(ranking[0]))
            reading.set(INTENT_RANKING_KEY, ranking)
            kept.append(reading)
        message.set(QUESTION_READINGS, kept)
