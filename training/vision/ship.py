"""Fit the shipped style head on every labelled photo and write its run-time rules.

    uv run python -m training.vision.ship --candidate <the rule's pick>

C, the temperature, the fixed term's weight w (A9) and the `other` rule and its threshold tau
come from the candidate's inner splits by group of all the fold groups (as inside every loso
fold, PREREGISTRATION.md; A9: three, seeds 1000, 2000, 3000); the head is then fitted on all
photos. Writes var/vision/shipped_head.npz (weights with the temperature folded
in, read by `export.py`) and analyzers/models/style_rules.json (read by `analyzers/style.py`).
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from analyzers.style import CLASSES
from training.vision.experiment import CANDIDATES, fit, load_data
from training.vision.heads import Head
from training.vision.paths import MODELS_DIR, VAR_DIR

SHIPPED_HEAD = VAR_DIR / "shipped_head.npz"
RULES = MODELS_DIR / "style_rules.json"
MOOD_THRESHOLD = 0.8
"""Fixed, not fitted: depressed / lonely are shown only this sure (70 stock photos)."""
SEED = 1000
"""The inner split's seed (the loso folds used 0..29)."""


def load_shipped_head() -> tuple[Head, str]:
    """The shipped head and the view it was trained for ("centre" or "pad")."""
    with np.load(SHIPPED_HEAD) as f:
        classes = tuple(str(c) for c in f["classes"])
        prior, sure = (f[k] if k in f.files else None for k in ("prior_weights", "sure_weights"))
        return Head(f["weights"], f["bias"], classes, prior, sure), str(f["view"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidate", required=True)
    cand = CANDIDATES[parser.parse_args().candidate]
    if cand.classes != CLASSES:
        raise ValueError(f"{cand.name} does not predict {CLASSES}")
    data = load_data({cand.test_view, *cand.train_views})
    fitted = fit(cand, data, np.arange(len(data.labels)), seed=SEED)
    head = fitted.head
    optional = {"prior_weights": head.prior_weights, "sure_weights": head.sure_weights}
    np.savez(
        SHIPPED_HEAD,
        weights=head.weights,
        bias=head.bias,
        classes=np.array(head.classes),
        view=np.array(cand.test_view),
        **{k: v for k, v in optional.items() if v is not None},
    )
    spec = {
        "candidate": cand.name,
        "view": cand.test_view,
        "classes": list(CLASSES),
        "C": fitted.c,
        "temperature": round(fitted.temperature, 4),
        "fixed_prior_weight": fitted.weight,
        "other_rule": fitted.rule,
        "other_threshold": fitted.tau,
        "mood_threshold": MOOD_THRESHOLD,
    }
    RULES.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    print(
        f"{cand.name}: C {fitted.c}, temperature {fitted.temperature:.3f}, w {fitted.weight}, "
        f"rule {fitted.rule}, tau {fitted.tau}"
    )
    print(f"wrote {SHIPPED_HEAD} and {RULES}")


if __name__ == "__main__":
    main()
