"""A trainable graph component whose model is a few numpy arrays: saved with np.savez, read with allow_pickle=False,
so loading a model can never run code. NgramIntentClassifier and EmbeddingIntentClassifier build on it: each says
how its arrays become the model it predicts with (`model_from`), which training and loading both use."""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)


class SavedArrays(GraphComponent):
    FILE = "model.npz"  # each subclass names its own

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[Dict[str, Any]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **(config or {})}
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SavedArrays":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SavedArrays":
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                with np.load(directory / cls.FILE, allow_pickle=False) as stored:
                    arrays = {key: stored[key] for key in stored.files}
        except (ValueError, FileNotFoundError, OSError):
            logger.warning("%s: no trained model found; it will add no ranking", cls.__name__)
            return component
        component._model = component.model_from(arrays)
        return component

    def model_from(self, arrays: Dict[str, np.ndarray]) -> Dict[str, Any]:
        """What `process` reads, made from the saved arrays."""
        raise NotImplementedError

    def save(self, arrays: Dict[str, np.ndarray]) -> None:
        """Writes the arrays to the model and makes them the model this component predicts with."""
        with self._storage.write_to(self._resource) as directory:
            np.savez(directory / self.FILE, **arrays)
        self._model = self.model_from(arrays)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
