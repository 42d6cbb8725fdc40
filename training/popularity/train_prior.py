"""Train the general prior on the real engagement data and write models/popularity_prior.json.

    uv run python -m training.popularity.train_prior [--out PATH]

Data: natgeo, khabar_fouri, amankharwal (see sources.py); features: caption and posting time
only (no images exist beside likes). Protocol: leave one account out, Spearman within the
held-out account; the account-median baseline ranks nothing (Spearman 0 by construction).
The ~95-account reach table is a separate cross-account check (its posts are < 1 day old).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from analyzers.popularity.features import CAPTION_FEATURES, TIME_FEATURES, caption_features
from analyzers.popularity.prior import PRIOR_PATH
from training.popularity.prior_fit import (
    _rho,
    fit_ridge,
    per_feature_spearman,
    rows_from_account,
    targets,
    train_artifact,
    write_artifact,
)
from training.popularity.sources import accounts, data_root, reach_table


def reach_check(model_rows: list[dict], features: tuple[str, ...]) -> dict[str, float]:
    """Spearman of the prior's caption score and log(likes/followers) across ~95 accounts."""
    labelled = targets(model_rows)
    model = fit_ridge([r for r, _ in labelled], np.array([t for _, t in labelled]), features)
    table = reach_table(data_root() / "instagram")
    rows = [{"features": caption_features(caption)} for _, _, _, _, caption in table]
    rate = np.array([np.log1p(likes) - np.log(followers) for _, followers, likes, _, _ in table])
    hours = np.array([h for *_, h, _ in table])
    return {
        "n": len(table),
        "spearman_vs_likes_per_follower": round(_rho(model.predict(rows), rate), 3),
        "spearman_hours_since_posted_vs_likes_per_follower": round(_rho(hours, rate), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=PRIOR_PATH)
    args = parser.parse_args()
    rows = [row for account in accounts() for row in rows_from_account(account)]
    features = CAPTION_FEATURES + TIME_FEATURES
    artifact = train_artifact(
        rows,
        features,
        "caption and UTC posting time of natgeo (991 posts), khabar_fouri (673 photo posts, "
        "comments only) and amankharwal (176 posts, hour unknown)",
    )
    artifact["reach_check"] = reach_check(rows, features)
    artifact["per_feature_spearman"] = per_feature_spearman(targets(rows), features)
    write_artifact(artifact, args.out)
    shown = ("n_rows", "target_sd", "residual_sd", "heldout", "reach_check", "trained_on")
    print(json.dumps({k: artifact[k] for k in shown}, indent=1, ensure_ascii=False))
    for feature, by_account in artifact["per_feature_spearman"].items():
        print(f"{feature:20s}", by_account)


if __name__ == "__main__":
    main()
