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

from analyzers.minilm import WINDOW, MiniLM
from training.personality.data import VAR_DIR, load_essays, load_mypersonality

_model: MiniLM | None = None


def _encoder() -> MiniLM:
    global _model
    if _model is None:
        _model = MiniLM()
    return _model


def cached_embeddings(
    name: str,
    texts: Sequence[str],
    chunk: int = 32,
    max_windows: int | None = None,
    shard: tuple[int, int] = (0, 1),
    window: int = WINDOW,
) -> np.ndarray:
    """Embeddings of `texts`, computed once and stored as var/personality/minilm-<name>-<hash>.npy.

    Work is saved chunk by chunk in a folder beside it, so an interrupted run resumes, and
    `shard=(k, n)` computes only every n-th chunk from the k-th: n processes share the work
    (on a machine shared with others, n single-threaded processes get n shares of the CPU).
    A process that finds every chunk done assembles the array.
    """
    key = "\x00".join(texts) + f"\x01{max_windows}"
    if window != WINDOW:  # (the default is left out so that older caches keep their names)
        key += f"\x02{window}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    path = VAR_DIR / f"minilm-{name}-{digest}.npy"
    if path.exists():
        return np.load(path)
    parts = VAR_DIR / f"minilm-{name}-{digest}"
    parts.mkdir(parents=True, exist_ok=True)
    starts = range(0, len(texts), chunk)
    k, n = shard
    for number, i in enumerate(starts):
        part = parts / f"{i:06d}.npy"
        if number % n != k or part.exists():
            continue
        began = time.monotonic()
        vectors = _encoder().embed(texts[i : i + chunk], max_windows=max_windows, window=window)
        np.save(parts / f"{i:06d}.tmp.npy", vectors)
        (parts / f"{i:06d}.tmp.npy").rename(part)
        rate = (time.monotonic() - began) / len(vectors)
        print(f"{name}: chunk at {i}/{len(texts)} ({rate:.2f} s/text)", file=sys.stderr)
    done = [parts / f"{i:06d}.npy" for i in starts]
    if not all(p.exists() for p in done):
        raise RuntimeError(f"{name}: other shards are still running; rerun when they finish")
    result = np.concatenate([np.load(p) for p in done])
    np.save(path, result)
    return result


def _shard() -> tuple[int, int]:
    """`python -m training.personality.embed K N` runs shard K of N (default: all work)."""
    args = [a for a in sys.argv[1:] if a.isdigit()]
    return (int(args[0]), int(args[1])) if len(args) == 2 else (0, 1)


def essay_embeddings() -> np.ndarray:
    """The essays' FIRST window (<= 254 word pieces, about 200 words) only.

    Averaging every window of a 650-word essay was measured at 6 s per essay on this shared
    machine (4 hours for the set); the first window costs a third of that.
    """
    return cached_embeddings("essays-w1", load_essays().texts, max_windows=1, shard=_shard())


def person_embeddings() -> np.ndarray:
    return cached_embeddings("mypersonality-people", [p.text for p in load_mypersonality()])


def whole_essay_embeddings() -> np.ndarray:
    """WHOLE essays: the mean of consecutive <= 128-piece windows (the length MiniLM was
    fine-tuned on). ~2.1M word pieces; measured ~1,500 pieces/s per thread here."""
    texts = load_essays().texts
    return cached_embeddings("essays-whole128", texts, chunk=16, shard=_shard(), window=128)


if __name__ == "__main__":
    print(whole_essay_embeddings().shape)
