"""MiniLM embeddings of the training texts, cached under var/personality/ (keyed by content).

Run `uv run python -m training.personality.embed` once (see `essay_embeddings` for the
cost); every later script reads the cache.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Sequence

import numpy as np

from analyzers.minilm import MiniLM
from training.personality.data import VAR_DIR, load_essays, load_mypersonality

_model: MiniLM | None = None


def _encoder() -> MiniLM:
    global _model
    if _model is None:
        _model = MiniLM()
    return _model


def cached_embeddings(
    name: str, texts: Sequence[str], chunk: int = 64, max_windows: int | None = None
) -> np.ndarray:
    """Embeddings of `texts`, computed once and stored as var/personality/<name>-<hash>.npy.

    Partial progress is kept in a .part file, so an interrupted run resumes where it stopped.
    """
    key = "\x00".join(texts) + f"\x01{max_windows}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    path = VAR_DIR / f"minilm-{name}-{digest}.npy"
    if path.exists():
        return np.load(path)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part.npy")
    done = np.load(part) if part.exists() else np.zeros((0, 384), dtype=np.float32)
    start = time.monotonic()
    for i in range(len(done), len(texts), chunk):
        done = np.concatenate(
            [done, _encoder().embed(texts[i : i + chunk], max_windows=max_windows)]
        )
        np.save(part, done)
        rate = (time.monotonic() - start) / max(1, len(done))
        print(f"{name}: {len(done)}/{len(texts)} ({rate:.2f} s/text)", file=sys.stderr)
    np.save(path, done)
    part.unlink()
    return done


def essay_embeddings() -> np.ndarray:
    """The essays' FIRST window (<= 254 word pieces, about 200 words) only.

    Averaging every window of a 650-word essay was measured at 6 s per essay on this shared
    machine (4 hours for the set); the first window costs a third of that.
    """
    return cached_embeddings("essays-w1", load_essays().texts, chunk=32, max_windows=1)


def person_embeddings() -> np.ndarray:
    return cached_embeddings("mypersonality-people", [p.text for p in load_mypersonality()])


if __name__ == "__main__":
    print(person_embeddings().shape)
    print(essay_embeddings().shape)
