"""The fixed ImageNet prior of candidate A6, computed from the cached frozen embeddings.

The backbone's ImageNet classifier (torchvision's `classifier.1`) runs on the cached embedding
of a view; its softmax is summed into `analyzers.imagenet.PRIOR_GROUPS` (`prior_features`), the
same numbers the served graph computes from its own ImageNet output.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from analyzers.imagenet import PRIOR_GROUPS, prior_features
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


DECISION_PRIOR: dict[str, str] = {
    "pets": "cute_animals",
    "food": "food",
    "landscape": "adventure",
    "buildings": "architecture",
    "sports": "sports",
    "drawings_pages": "illustration",
}
"""A7 / A8 (fourth amendment): the prior groups that name a style without doubt. Their log
group mass is added, times one global weight w, to that style's calibrated logit: prior
knowledge that does not depend on which sources trained the head."""
DECISION_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0)


def decision_prior_matrix(classes: tuple[str, ...]) -> np.ndarray:
    """(G, K) 0/1: prior group g adds to class k (DECISION_PRIOR); the head's prior weights
    plus w times this matrix is A7's decision."""
    matrix = np.zeros((len(PRIOR_GROUPS), len(classes)), np.float32)
    for group, style in DECISION_PRIOR.items():
        matrix[PRIOR_GROUPS.index(group), classes.index(style)] = 1.0
    return matrix
