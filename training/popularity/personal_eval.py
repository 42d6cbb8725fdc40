"""Measure the personal model: learning curve, ridge penalty, and LOO Spearman on real accounts.

    uv run python -m training.popularity.personal_eval [--seeds 30] [--out PATH]

1. Synthetic profiles (synthetic.py; food photos get `food_factor`× the likes, log-noise SD 0.5,
   close to the 0.52–0.67 spread of the real accounts): for each history size n and ridge
   penalty, the median leave-one-out Spearman, the Spearman on 40 newer posts the model never
   saw ("forward"), how often the answer would be "personal", and the same rate on null
   profiles (food_factor 1: nothing to learn), i.e. how often it claims a signal that is not there;
   "oracle_forward" ranks the same unseen posts by the true rule (is it food?), the ceiling.
2. Real accounts (sources.py; caption and time only, no photos): consecutive windows of n
   settled posts; per window the LOO Spearman of the model and of the recency baseline (a ridge
   on the date alone, same LOO), and the forward Spearman on the next 12 newer posts of the
   model and of the window's trend extended. The account-median baseline ranks nothing:
   Spearman 0 by construction.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from analyzers.popularity.features import engagement_rate, is_eligible
from analyzers.popularity.personal import PersonalFit, fit_personal, recency_baseline, trustworthy
from analyzers.types import PostInput
from training.popularity.prior_fit import _rho
from training.popularity.sources import Account, accounts
from training.popularity.synthetic import NOW, synthetic_profile

SIZES = (8, 12, 16, 24, 32, 48)
ALPHAS = (3.0, 10.0, 30.0, 100.0)
FORWARD = 12
OUT = Path(__file__).resolve().parents[2] / "analyzers" / "models" / "popularity_personal_eval.json"


def _quartiles(values: list[float]) -> dict[str, float]:
    q = np.percentile(values, [25, 50, 75]) if values else [np.nan] * 3
    return dict(zip(("q25", "median", "q75"), (round(float(v), 3) for v in q), strict=True))


def _forward(fit: PersonalFit, newer: list[PostInput], truth: dict[str, float]) -> float:
    """Spearman of the model's predictions for posts it never saw against their engagement."""
    return _rho(
        np.array([fit.predict(p) for p in newer]), np.array([truth[p.shortcode] for p in newer])
    )


def synthetic_curve(seeds: int) -> list[dict[str, Any]]:
    rows = []
    for n in SIZES:
        for alpha in ALPHAS:
            loo, fwd, fwd_trusted, oracle, trusted, false_trust = [], [], [], [], 0, 0
            for seed in range(seeds):
                profile, truth = synthetic_profile(seed, n, n_recent=40)
                fit = fit_personal(profile.posts, profile.followers, NOW, alpha)
                if fit is None:
                    continue
                loo.append(fit.loo_spearman)
                recent = [p for p in profile.posts if p.shortcode not in fit.targets]
                fwd.append(_forward(fit, recent, truth))
                rule = {
                    p.shortcode: float(p.photos[0].results["style"].top == "food") for p in recent
                }
                oracle.append(
                    _rho(np.array(list(rule.values())), np.array([truth[c] for c in rule]))
                )
                if trustworthy(fit):
                    trusted += 1
                    fwd_trusted.append(fwd[-1])
                null, _ = synthetic_profile(10_000 + seed, n, food_factor=1.0)
                false_trust += trustworthy(fit_personal(null.posts, null.followers, NOW, alpha))
            rows.append(
                {
                    "n": n,
                    "alpha": alpha,
                    "loo": _quartiles(loo),
                    "forward": _quartiles(fwd),
                    "forward_when_personal": _quartiles(fwd_trusted),
                    "oracle_forward": _quartiles(oracle),
                    "personal_rate": round(trusted / seeds, 3),
                    "false_personal_rate_on_null": round(false_trust / seeds, 3),
                }
            )
            print(rows[-1], flush=True)
    return rows


def _trend_forward(
    window: list[PostInput], targets: dict[str, float], newer: list[PostInput]
) -> float:
    """Spearman of the window's engagement trend (least-squares slope on the date) extended to
    the newer posts: newer is better if the slope is positive, worse if negative."""
    days = np.array([p.taken_at.timestamp() for p in window])
    slope = np.polyfit(days, [targets[p.shortcode] for p in window], 1)[0]
    later = np.array([p.taken_at.timestamp() for p in newer])
    truth = {p.shortcode: engagement_rate(p.likes, p.comments, None) for p in newer}
    return _rho(slope * later, np.array([truth[p.shortcode] for p in newer]))


def real_windows(account: Account, n: int, max_windows: int = 12) -> list[dict[str, float]]:
    """Newest first: window k holds settled posts [FORWARD + k·n, FORWARD + (k+1)·n)."""
    settled = [p for p in account.posts if is_eligible(p, account.now)]
    out = []
    for k in range(max_windows):
        start = FORWARD + k * n
        window, newer = settled[start : start + n], settled[start - FORWARD : start]
        if len(window) < n:
            break
        fit = fit_personal(window, account.followers, account.now)
        if fit is None:
            continue
        out.append(
            {
                "loo": fit.loo_spearman,
                "recency_loo": recency_baseline(window, fit.targets),
                "recency_forward": _trend_forward(window, fit.targets, newer),
                "forward": _forward(
                    fit,
                    newer,
                    {p.shortcode: engagement_rate(p.likes, p.comments, None) for p in newer},
                ),
                "personal": float(trustworthy(fit)),
            }
        )
    return out


def real_curve() -> list[dict[str, Any]]:
    rows = []
    data = accounts()
    for n in (12, 24, 48):
        per_account = {a.name: real_windows(a, n) for a in data}
        windows = [w for ws in per_account.values() for w in ws]
        rows.append(
            {
                "n": n,
                "windows": {name: len(ws) for name, ws in per_account.items()},
                "loo": _quartiles([w["loo"] for w in windows]),
                "recency_baseline_loo": _quartiles([w["recency_loo"] for w in windows]),
                "recency_baseline_forward": _quartiles([w["recency_forward"] for w in windows]),
                "forward": _quartiles([w["forward"] for w in windows]),
                "forward_when_personal": _quartiles(
                    [w["forward"] for w in windows if w["personal"]]
                ),
                "personal_rate": round(float(np.mean([w["personal"] for w in windows])), 3),
                "per_account_median_loo": {
                    name: round(float(np.median([w["loo"] for w in ws])), 3)
                    for name, ws in per_account.items()
                    if ws
                },
            }
        )
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--only", choices=("real", "synthetic"), help="update one part of --out")
    args = parser.parse_args()
    result = json.loads(args.out.read_text()) if args.only and args.out.exists() else {}
    if args.only != "synthetic":
        result["real"] = real_curve()
    if args.only != "real":
        result["synthetic"] = synthetic_curve(args.seeds)
    args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
