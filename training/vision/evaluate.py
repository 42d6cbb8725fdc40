"""Print the model card's tables from the saved runs and draw the confusion matrices.

    uv run python -m training.vision.evaluate [--shipped A6]

Reads var/vision/run_<candidate>_<protocol>.npz (`experiment.py`), prints, per protocol, every
candidate's macro-F1s and `other` precision / recall, the selection score (pooled inner
validation, PREREGISTRATION.md), the `other` rules the folds chose and the candidate the rule
picks; then per-style and per-source tables of the shipped candidate beside the baseline B and
round one's A2 (and A4 on `sources5`), where the photos called `other` come from, the effect of
the temperature on calibration, and draws analyzers/models/vision_confusion_<protocol>.png. The
`other_out` and `other_collections` protocols (the second `other` measurements) get the
candidates' table and the `other` outcome by source only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from analyzers.style import HEAD_CLASSES, SUBJECT_STYLES
from analyzers.types import OTHER_STYLE
from training.vision.dataset import list_items
from training.vision.experiment import CANDIDATES, Data, outer_folds
from training.vision.heads import (
    CLASSES,
    OTHER_PRECISION_FLOOR,
    TAU_GRID,
    decide,
    subject_macro_f1,
)
from training.vision.loso import fold_groups
from training.vision.paths import MODELS_DIR, VAR_DIR

BASELINE = "B"
ROUND_ONE = "A2"
PROTOCOLS = ("loso", "random", "other_out", "sources5", "other_collections")
TABLE_ONLY = ("other_out", "other_collections")
"""The second `other` measurements: the candidates' table only."""
ROUND_THREE = ("A6", "A4")
ROUND_THREE_MARGIN = 0.01
"""A4 ships only if its inner score beats A6's by more (third amendment: its early stopping saw
the same inner validation part)."""
ROUND_FOUR = ("A6", "A7", "A8")
ROUND_FOUR_MARGIN = 0.005
"""A7 or A8 replaces A6 only if its inner score beats A6's by more (fourth amendment)."""
ROUND_FIVE = ("A6m", "A9")
ROUND_FIVE_MARGIN = 0.01
SECOND_BACKBONE = "A5"
"""A9 replaces the shipped head only if its inner score (three pooled inner splits) beats
A6m's by more, and its loso held-out macro-F1 is not below A6m's (fifth amendment)."""
SINGLE_SOURCE = ("party", "studying")
MULTI_SOURCE = tuple(s for s in SUBJECT_STYLES if s not in SINGLE_SOURCE)
TIE = 0.005
EXPLORATORY = " argmax"


def load_run(name: str, protocol: str) -> dict[str, np.ndarray] | None:
    path = VAR_DIR / f"run_{name}_{protocol}.npz"
    if not path.exists():
        return None
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def other_pr(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    p, r, _, _ = precision_recall_fscore_support(
        truth, predicted, labels=[OTHER_STYLE], zero_division=0
    )
    return float(p[0]), float(r[0])


def argmax_variant(run: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Exploratory, not pre-registered and never picked: the same fitted head answering the
    most probable of its classes, `other` included, with no threshold."""
    predicted = run["classes"][run["probs"].argmax(1)]
    empty = np.array([], dtype=str)
    return {**run, "predicted": predicted, "val_truth": empty, "val_predicted": empty}


def scores(run: dict[str, np.ndarray], labels: np.ndarray) -> dict[str, float]:
    tested = run["tested"]
    truth, pred = labels[tested], run["predicted"][tested]
    styled = truth != OTHER_STYLE
    f1_9 = precision_recall_fscore_support(
        truth[styled], pred[styled], labels=list(MULTI_SOURCE), zero_division=0
    )[2].mean()
    p, r = other_pr(truth, pred)
    vp = other_pr(run["val_truth"], run["val_predicted"])[0] if len(run["val_truth"]) else np.nan
    return {
        "f1_11": subject_macro_f1(truth[styled], pred[styled]),
        "f1_9": float(f1_9),
        "f1_11_all": subject_macro_f1(truth, pred),
        "other_p": p,
        "other_r": r,
        "val_f1_11": subject_macro_f1(
            run["val_truth"][run["val_truth"] != OTHER_STYLE],
            run["val_predicted"][run["val_truth"] != OTHER_STYLE],
        )
        if len(run["val_truth"])
        else np.nan,
        "val_other_p": vp,
        "ece": calibration_error(run, labels),
        "rules": rule_counts(run),
    }


def rule_counts(run: dict[str, np.ndarray]) -> str:
    """Which `other` rule (and tau) the folds chose, e.g. "max 0.25 x12, argmax x3"."""
    if "rules" not in run:
        return "max (fixed)" if OTHER_STYLE in run["classes"] else "-"
    extra = run.get("weight_floor", np.zeros((len(run["rules"]), 2)))
    chosen = [
        (r if r == "argmax" else f"{r} {t:.2f}")
        + (f" s {floor:.2f}" if r == "open" else "")
        + (f" w {w:g}" if w else "")
        for r, t, (w, floor) in zip(run["rules"], run["params"][:, 2], extra, strict=True)
    ]
    values, counts = np.unique(chosen, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return ", ".join(f"{values[i]} x{counts[i]}" for i in order)


def calibration_error(run: dict[str, np.ndarray], labels: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of the most probable class (all test photos, 10 bins): the
    mean gap between how sure the head says it is and how often it is right."""
    tested = run["tested"]
    probs = run["probs"][tested]
    right = run["classes"][probs.argmax(1)] == labels[tested]
    top = probs.max(1)
    edges = np.minimum((top * bins).astype(int), bins - 1)
    gaps = [
        abs(top[edges == b].mean() - right[edges == b].mean()) * (edges == b).mean()
        for b in range(bins)
        if (edges == b).any()
    ]
    return float(np.sum(gaps))


def pick(table: dict[str, dict[str, float]]) -> str:
    """The pre-registered rule: best inner-validation score among candidates whose inner
    `other` precision reaches the floor (else among all); within TIE, the earlier (cheaper).
    Round five's candidates (three inner splits: a score on another scale) are left to
    `pick_round_five`."""
    cands = [
        n
        for n in table
        if n != BASELINE and not n.endswith(EXPLORATORY) and CANDIDATES[n].inner_splits == 1
    ]
    eligible = [n for n in cands if table[n]["val_other_p"] >= OTHER_PRECISION_FLOOR] or cands
    best = max(table[n]["val_f1_11"] for n in eligible)
    return next(n for n in eligible if table[n]["val_f1_11"] >= best - TIE)


def pick_over(
    table: dict[str, dict[str, float]], shipped: str, challengers: tuple[str, ...], margin: float
) -> str:
    """Third and fourth amendments: a challenger replaces the shipped candidate only if its
    inner score beats it by more than the margin (the `other` precision floor first, as in
    `pick`); within TIE of the best, the earlier (cheaper) wins."""
    present = [n for n in (shipped, *challengers) if n in table]
    if shipped not in table or len(present) < 2:
        return shipped
    eligible = [n for n in present if table[n]["val_other_p"] >= OTHER_PRECISION_FLOOR] or present
    old = table[shipped]["val_f1_11"]
    if shipped in eligible:
        eligible = [n for n in eligible if n == shipped or table[n]["val_f1_11"] > old + margin]
    best = max(table[n]["val_f1_11"] for n in eligible)
    return next(n for n in eligible if table[n]["val_f1_11"] >= best - TIE)


def passes_round_five(table: dict[str, dict[str, float]], challenger: str) -> bool:
    """Fifth amendment: the challenger's inner score beats A6m's (A6 on the same three inner
    splits) by more than ROUND_FIVE_MARGIN and its loso held-out macro-F1 is not below A6m's."""
    if ROUND_FIVE[0] not in table or challenger not in table:
        return False
    base, new = table[ROUND_FIVE[0]], table[challenger]
    inner_lead = new["val_f1_11"] > base["val_f1_11"] + ROUND_FIVE_MARGIN
    return bool(inner_lead and new["f1_11"] >= base["f1_11"])


def pick_round_five(table: dict[str, dict[str, float]], shipped: str) -> str:
    """A9 replaces `shipped` if it passes round five's rule. A6m is a measuring device, never
    shipped; A5 is judged by the same rule but cannot ship this round (`passes_round_five`)."""
    return ROUND_FIVE[1] if passes_round_five(table, ROUND_FIVE[1]) else shipped


def print_false_other(run: dict[str, np.ndarray], labels: np.ndarray, sources: np.ndarray) -> None:
    """Where the photos wrongly called `other` come from, and `other` recall per `other` source
    (diagnostic, third amendment)."""
    tested, predicted = run["tested"], run["predicted"]
    called = tested & (predicted == OTHER_STYLE)
    wrong = called & (labels != OTHER_STYLE)
    print(
        f"\n{int(wrong.sum())} of {int(called.sum())} photos called `other` are style photos; "
        "by held-out source (share of that source's style photos called `other`):\n"
    )
    print("| source | style photos called `other` | of | share |\n|---|---|---|---|")
    styled = tested & (labels != OTHER_STYLE)
    for source in sorted(np.unique(sources[wrong]), key=lambda x: -(wrong & (sources == x)).sum()):
        n, of = int((wrong & (sources == source)).sum()), int((styled & (sources == source)).sum())
        print(f"| {source} | {n} | {of} | {n / of:.2f} |")
    print("\n| `other` source | n | recall | given instead (top 3) |\n|---|---|---|---|")
    for source in np.unique(sources[labels == OTHER_STYLE]):
        rows = tested & (sources == source) & (labels == OTHER_STYLE)
        values, counts = np.unique(predicted[rows & (predicted != OTHER_STYLE)], return_counts=True)
        top = ", ".join(f"{values[i]} {counts[i]}" for i in np.argsort(-counts)[:3])
        recall = (predicted[rows] == OTHER_STYLE).mean()
        print(f"| {source} | {int(rows.sum())} | {recall:.2f} | {top} |")


def print_temperature_effect(
    run: dict[str, np.ndarray], labels: np.ndarray, folds: list[np.ndarray]
) -> None:
    """Calibration error of the pooled held-out predictions with T = 1 and with each fold's
    fitted T (the saved probabilities have it folded in)."""
    raw = run["probs"].copy()
    for test, t in zip(folds, run["params"][:, 1], strict=True):
        z = t * np.log(np.maximum(raw[test], 1e-12))
        z -= z.max(axis=1, keepdims=True)
        raw[test] = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    before = calibration_error({**run, "probs": raw}, labels)
    after = calibration_error(run, labels)
    temps = run["params"][:, 1]
    print(
        f"\ncalibration error of the held-out predictions: {before:.3f} with T = 1, "
        f"{after:.3f} with the folds' T (median T {np.median(temps):.2f}, "
        f"range {temps.min():.2f}-{temps.max():.2f})"
    )


def print_candidates(protocol: str, table: dict[str, dict[str, float]]) -> None:
    print(f"\n### Protocol `{protocol}`: every candidate\n")
    print(
        "| candidate | macro-F1, 11 styles | 9 styles held out by source | 11 styles, `other` "
        "photos counted | `other` P | `other` R | selection score (inner validation) | "
        "inner `other` P | calibration error | `other` rule of the folds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, s in table.items():  # "X argmax": exploratory, see argmax_variant
        print(
            f"| {name} | {s['f1_11']:.3f} | {s['f1_9']:.3f} | {s['f1_11_all']:.3f} | "
            f"{s['other_p']:.2f} | {s['other_r']:.2f} | {s['val_f1_11']:.3f} | "
            f"{s['val_other_p']:.2f} | {s['ece']:.3f} | {s['rules']} |"
        )


def print_per_style(runs: dict[str, dict[str, np.ndarray]], labels: np.ndarray) -> None:
    names = list(runs)
    print("\n| class | n | " + " | ".join(f"{n} P | {n} R | {n} F1" for n in names) + " |")
    print("|---|---|" + "---|---|---|" * len(names))
    tested = runs[names[0]]["tested"]
    for cls in (*HEAD_CLASSES, OTHER_STYLE):
        n = int((labels[tested] == cls).sum())
        cells = []
        for name in names:
            p, r, f, _ = precision_recall_fscore_support(
                labels[tested], runs[name]["predicted"][tested], labels=[cls], zero_division=0
            )
            cells.append(f"{p[0]:.2f} | {r[0]:.2f} | {f[0]:.2f}")
        print(f"| {cls} | {n} | " + " | ".join(cells) + " |")


def print_per_source(
    runs: dict[str, dict[str, np.ndarray]], labels: np.ndarray, sources: np.ndarray
) -> None:
    """Share of each held-out source's photos given their true label (recall per source)."""
    names = list(runs)
    print("\n| held-out source | label | n | " + " | ".join(names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    for source in np.unique(sources):
        for label in np.unique(labels[sources == source]):
            rows = (sources == source) & (labels == label) & runs[names[0]]["tested"]
            if label in (*SINGLE_SOURCE, "sad_mood") or not rows.any():
                continue
            cells = [f"{(runs[n]['predicted'][rows] == label).mean():.2f}" for n in names]
            print(f"| {source} | {label} | {int(rows.sum())} | " + " | ".join(cells) + " |")


def print_threshold_sweep(run: dict[str, np.ndarray], labels: np.ndarray) -> None:
    """Exploratory, on the held-out predictions (so never used to choose tau): what `other`
    precision / recall and the 11-style macro-F1 would be at other thresholds."""
    tested = run["tested"]
    truth, probs, classes = labels[tested], run["probs"][tested], tuple(run["classes"])
    print("\n| rule | tau | `other` P | `other` R | macro-F1, 11 styles |\n|---|---|---|---|---|")
    rules = ("max", "other_p") if OTHER_STYLE in classes else ("max",)
    options = [("argmax", 0.0)] + [(r, t) for r in rules for t in TAU_GRID[::2]]
    for rule, tau in options:
        predicted = decide(probs, classes, tau, rule)
        p, r = other_pr(truth, predicted)
        styled = truth != OTHER_STYLE
        f1 = subject_macro_f1(truth[styled], predicted[styled])
        print(f"| {rule} | {tau:.2f} | {p:.2f} | {r:.2f} | {f1:.3f} |")


def draw_confusion(run: dict[str, np.ndarray], labels: np.ndarray, title: str, out: Path) -> None:
    tested = run["tested"]
    cm = confusion_matrix(labels[tested], run["predicted"][tested], labels=list(CLASSES))
    norm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(9, 8))
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(CLASSES)):
        for j in range(len(CLASSES)):
            if cm[i, j]:
                colour = "white" if norm[i, j] > 0.5 else "black"
                ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=7, color=colour)
    ax.set_xticks(range(len(CLASSES)), CLASSES, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(CLASSES)), CLASSES, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shipped", help="override the rule's pick (the card must say so)")
    args = parser.parse_args()
    items = list_items()
    labels = np.array([i.label for i in items])
    sources = np.array([i.source for i in items])
    folds_of = Data(labels, sources, fold_groups(labels, sources), {}, {})
    runs, tables = {}, {}
    for protocol in PROTOCOLS:
        runs[protocol] = {n: r for n in CANDIDATES if (r := load_run(n, protocol)) is not None}
        tables[protocol] = {n: scores(r, labels) for n, r in runs[protocol].items()}
    picked = pick(tables["loso"]) if len(tables["loso"]) > 1 else None
    if picked and tables["sources5"]:
        picked = pick_over(tables["sources5"], picked, ROUND_THREE[1:], ROUND_THREE_MARGIN)
    if picked:
        picked = pick_over(tables["loso"], picked, ROUND_FOUR[1:], ROUND_FOUR_MARGIN)
    shipped = args.shipped or picked
    if shipped:
        shipped = pick_round_five(tables["loso"], shipped)
    for protocol in PROTOCOLS:
        if len(runs[protocol]) < 2:
            print(f"\n(protocol {protocol}: runs missing, skipped)")
            continue
        table = tables[protocol]
        table.update(
            {
                f"{n}{EXPLORATORY}": scores(argmax_variant(r), labels)
                for n, r in runs[protocol].items()
                if OTHER_STYLE in r["classes"] and not CANDIDATES[n].chooses_rule
            }
        )
        print_candidates(protocol, table)
        if protocol == "loso":
            print(
                f"\nThe pre-registered rules up to round four pick {picked}; after round "
                f"five's rule ({ROUND_FIVE[1]} vs {ROUND_FIVE[0]}), shipped: {shipped}."
            )
            if SECOND_BACKBONE in table:
                verdict = "passes" if passes_round_five(table, SECOND_BACKBONE) else "fails"
                print(f"{SECOND_BACKBONE} (not shippable this round) {verdict} the same rule.")
        if shipped not in runs[protocol]:
            continue
        run = runs[protocol][shipped]
        if protocol in TABLE_ONLY:
            for name in dict.fromkeys((shipped, *ROUND_FOUR, *ROUND_FIVE)):
                if name in runs[protocol]:
                    print(f"\n#### `{protocol}`: {name}'s `other` outcome by source")
                    print_false_other(runs[protocol][name], labels, sources)
            continue
        shown = (BASELINE, ROUND_ONE, *ROUND_THREE, *ROUND_FOUR, *ROUND_FIVE, shipped)
        some = {n: runs[protocol][n] for n in dict.fromkeys(shown) if n in runs[protocol]}
        print(f"\n#### `{protocol}`: per class, baseline {BASELINE} beside shipped {shipped}")
        print_per_style(some, labels)
        if protocol != "random":
            print(f"\n#### `{protocol}`: each held-out source, share given its true label")
            print_per_source(some, labels, sources)
            print(f"\n#### `{protocol}`: {shipped} at other thresholds (exploratory, test folds)")
            print_threshold_sweep(run, labels)
            print(f"\n#### `{protocol}`: {shipped}'s `other` outcome by source")
            print_false_other(run, labels, sources)
            print_temperature_effect(run, labels, outer_folds(folds_of, protocol))
        out = MODELS_DIR / f"vision_confusion_{protocol}.png"
        title = f"{shipped} on `{protocol}` (counts; colour = row share)"
        draw_confusion(run, labels, title, out)
        print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
