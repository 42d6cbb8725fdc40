"""The fixed ImageNet prior of candidate A6, computed from the cached frozen embeddings.

The backbone's ImageNet classifier (torchvision's `classifier.1`) runs on the cached embedding
of a view; its softmax is summed into `analyzers.imagenet.PRIOR_GROUPS` (`prior_features`), the
same numbers the served graph computes from its own ImageNet output.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from analyzers.imagenet import prior_features
from training.vision.backbone import WEIGHTS_FILE
from training.vision.heads import softmax
from training.vision.torch_legacy import load_state_dict


@cache
def _classifier() -> tuple[np.ndarray, np.ndarray]:
    state = load_state_dict(WEIGHTS_FILE)
    return state["classifier.1.weight"].T.astype(np.float32), state["classifier.1.bias"]


def imagenet_probs(embeddings: np.ndarray) -> np.ndarray:
    """(N, 1280) embeddings -> (N, 1000) ImageNet probabilities."""
    weight, bias = _classifier()
    return softmax(embeddings @ weight + bias)


def prior_of(embeddings: np.ndarray, batch: int = 4096) -> np.ndarray:
    """(N, 1280) embeddings -> (N, G) prior features, in batches (bounded memory)."""
    return np.concatenate(
        [
            prior_features(imagenet_probs(embeddings[i : i + batch]))
            for i in range(0, len(embeddings), batch)
        ]
    )
