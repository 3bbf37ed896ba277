"""A trainable graph component whose model is a few numpy arrays: saved with np.savez, read with allow_pickle=False,
so loading a model can never run code. NgramIntentClassifier and EmbeddingIntentClassifier build on it."""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

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
    def read_arrays(cls, model_storage: ModelStorage, resource: Resource) -> Optional[Dict[str, np.ndarray]]:
        """The saved arrays, or None (with a warning) when the component was never trained."""
        try:
            with model_storage.read_from(resource) as directory:
                with np.load(directory / cls.FILE, allow_pickle=False) as stored:
                    return {key: stored[key] for key in stored.files}
        except (ValueError, FileNotFoundError, OSError):
            logger.warning("%s: no trained model found; it will add no ranking", cls.__name__)
            return None

    def write_arrays(self, arrays: Dict[str, np.ndarray]) -> None:
        with self._storage.write_to(self._resource) as directory:
            np.savez(directory / self.FILE, **arrays)
