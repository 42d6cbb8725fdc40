"""Fit and evaluate the general prior from rows, whatever produced them.

A row is one post as the service stores it (analyzers.popularity.features.engagement_row; the
data sets' rows are built the same way):

    {"account": "name", "shortcode": "Cx1…", "followers": 1234 | null, "likes": 56,
     "comments": 7, "taken_at": "2024-05-01T18:30:00+00:00", "age_days": 9.5,
     "is_video": false, "features": {<analyzers.popularity.features.post_features(post)>}}

`age_days` is the post's age when its counts were read. Targets follow the analyzer's rule:
videos and posts younger than MIN_AGE_DAYS are left out; the rest get their engagement relative
to their own account's recent median (so accounts of any size can be pooled).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import spearmanr

from analyzers.popularity.features import (
    COMMENT_WEIGHT,
    MIN_AGE_DAYS,
    engagement_rate,
    engagement_row,
    relative_to_account,
)
from training.popularity.sources import Account

Row = dict[str, Any]
ALPHA = 10.0


def rows_from_account(account: Account) -> list[Row]:
    rows = [engagement_row(account.name, account.followers, p, account.now) for p in account.posts]
    if not account.hour_known:
        for row in rows:
            row["features"]["hour_sin"] = row["features"]["hour_cos"] = 0.0
    return rows


def read_rows(path: Path) -> list[Row]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def targets(rows: Iterable[Row]) -> list[tuple[Row, float]]:
    """(row, relative engagement) for every eligible row, account by account."""
    by_account: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if not row["is_video"] and row["age_days"] >= MIN_AGE_DAYS:
            by_account[row["account"]].append(row)
    out: list[tuple[Row, float]] = []
    for account_rows in by_account.values():
        rel = relative_to_account(
            [
                (
                    str(i),
                    datetime.fromisoformat(r["taken_at"]),
                    engagement_rate(r["likes"], r["comments"], r["followers"]),
                )
                for i, r in enumerate(account_rows)
            ]
        )
        out.extend((r, rel[str(i)]) for i, r in enumerate(account_rows))
    return out


@dataclass(frozen=True)
class Ridge:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def predict(self, rows: list[Row]) -> np.ndarray:
        return ((matrix(rows, self.features) - self.mean) / self.scale) @ self.coef + self.intercept


def matrix(rows: list[Row], features: tuple[str, ...]) -> np.ndarray:
    """Rows' features in a fixed order; a feature a row lacks reads 0 (signal missing)."""
    return np.array([[r["features"].get(f, 0.0) for f in features] for r in rows], dtype=float)


def fit_ridge(
    rows: list[Row], y: np.ndarray, features: tuple[str, ...], alpha: float = ALPHA
) -> Ridge:
    x = matrix(rows, features)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    keep = scale > 1e-9
    feats = tuple(f for f, k in zip(features, keep, strict=True) if k)
    xs = (x[:, keep] - mean[keep]) / scale[keep]
    coef = np.linalg.solve(xs.T @ xs + alpha * np.eye(xs.shape[1]), xs.T @ (y - y.mean()))
    return Ridge(feats, mean[keep], scale[keep], coef, float(y.mean()))


def usable_features(rows: list[Row], min_share: float = 0.5) -> tuple[str, ...]:
    """Features present in at least `min_share` of the rows, in first-seen order."""
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        for f in r["features"]:
            counts[f] += 1
    return tuple(f for f, c in counts.items() if c >= min_share * len(rows))


def _rho(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0  # undefined for constant input: counts as "ranks nothing"
    rho = spearmanr(a, b).statistic
    return float(rho) if np.isfinite(rho) else 0.0


def leave_account_out(
    labelled: list[tuple[Row, float]], features: tuple[str, ...], alpha: float = ALPHA
) -> dict[str, Any]:
    """Train on every other account, rank the held-out account's posts; per-account Spearman."""
    accounts = sorted({r["account"] for r, _ in labelled})
    per_account: dict[str, dict[str, float]] = {}
    errors: list[float] = []
    for held in accounts:
        train = [(r, t) for r, t in labelled if r["account"] != held]
        test = [(r, t) for r, t in labelled if r["account"] == held]
        if not train or len(test) < 3:
            continue
        model = fit_ridge([r for r, _ in train], np.array([t for _, t in train]), features, alpha)
        pred = model.predict([r for r, _ in test])
        truth = np.array([t for _, t in test])
        errors.extend(((pred - truth) ** 2).tolist())
        per_account[held] = {"n": len(test), "spearman": round(_rho(pred, truth), 3)}
    rhos = [v["spearman"] for v in per_account.values()]
    return {
        "per_account": per_account,
        "median_spearman": round(float(np.median(rhos)), 3) if rhos else None,
        "rmse": round(float(np.sqrt(np.mean(errors))), 3) if errors else None,
    }


def train_artifact(
    rows: list[Row], features: tuple[str, ...], trained_on: str, alpha: float = ALPHA
) -> dict[str, Any]:
    """Evaluate by held-out account, fit on all rows, return the artifact the analyzer loads."""
    labelled = targets(rows)
    if len(labelled) < 10:
        raise ValueError(f"only {len(labelled)} eligible rows: too few to train a prior")
    y = np.array([t for _, t in labelled])
    heldout = leave_account_out(labelled, features, alpha)
    model = fit_ridge([r for r, _ in labelled], y, features, alpha)
    target_sd = float(y.std())
    rho = heldout["median_spearman"]
    # A learned part that ranks held-out accounts no better than chance is not shipped: the
    # prior then predicts the account median (0) plus the photo heuristics.
    shipped = rho is not None and rho > 0
    return {
        "version": 1,
        "features": list(model.features) if shipped else [],
        "mean": model.mean.round(6).tolist() if shipped else [],
        "scale": model.scale.round(6).tolist() if shipped else [],
        "coef": model.coef.round(6).tolist() if shipped else [],
        "fitted_coef_not_shipped": (
            {} if shipped else dict(zip(model.features, model.coef.round(4).tolist(), strict=True))
        ),
        "target_sd": round(target_sd, 4),
        "residual_sd": heldout["rmse"] if shipped else round(target_sd, 4),
        "heldout_spearman": rho,
        "heldout": heldout,
        "alpha": alpha,
        "comment_weight": COMMENT_WEIGHT,
        "n_rows": len(labelled),
        "accounts": sorted({r["account"] for r, _ in labelled}),
        "trained_on": trained_on
        if shipped
        else f"nothing shipped (held-out Spearman {rho}); evaluated on {trained_on}",
    }


def per_feature_spearman(
    labelled: list[tuple[Row, float]], features: tuple[str, ...]
) -> dict[str, dict[str, float]]:
    """Feature -> account -> Spearman of that feature alone with the target (0 if constant)."""
    out: dict[str, dict[str, float]] = {}
    for f in features:
        out[f] = {}
        for account in sorted({r["account"] for r, _ in labelled}):
            part = np.array(
                [(r["features"].get(f, 0.0), t) for r, t in labelled if r["account"] == account]
            )
            out[f][account] = round(_rho(part[:, 0], part[:, 1]), 3)
    return out


def write_artifact(artifact: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(artifact, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
