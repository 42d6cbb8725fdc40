"""Run the pre-registered candidates on the `loso` and `random` protocols (PREREGISTRATION.md).

    uv run python -m training.vision.experiment [--candidates A2r,A6,A3] \
        [--protocols loso,random,other_out]

For every candidate and protocol, saves var/vision/run_<candidate>_<protocol>.npz: the outer
test predictions of every photo (loso and other_out: each photo is tested once; random: the
test split), the pooled inner-validation truths and predictions (what the selection rule
scores), and each fold's C, temperature, `other` rule and tau. `evaluate.py` prints the tables
from these files.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import time
from dataclasses import dataclass

import numpy as np

from analyzers.style import HEAD_CLASSES
from analyzers.types import OTHER_STYLE
from training.vision.dataset import list_items
from training.vision.finetune import embed_top, fine_tune, load_features17
from training.vision.heads import (
    C_GRID,
    CLASSES,
    Head,
    choose_rule,
    choose_tau,
    decide,
    fit_head,
    fit_temperature,
    softmax,
    subject_macro_f1,
    sure_excess,
)
from training.vision.loso import (
    collection_parts,
    fold_groups,
    inner_validation,
    other_out_parts,
    source_folds,
)
from training.vision.openset import OFF, choose_open, decide_open, kth_similarity, style_bank
from training.vision.paths import VAR_DIR
from training.vision.prior import DECISION_WEIGHTS, decision_prior_matrix, prior_of
from training.vision.splits import random_test_mask
from training.vision.tail import load_embeddings, load_paths


@dataclass(frozen=True)
class Candidate:
    name: str
    test_view: str
    train_views: tuple[str, ...]
    learns_other: bool
    """False for the baseline: trained without `other` photos, always answers a style."""
    uses_prior: bool = False
    """The fixed ImageNet prior as extra inputs (A6)."""
    chooses_rule: bool = False
    """The `other` rule chosen on inner validation (second amendment); else always `max`."""
    fine_tunes: bool = False
    """The 1x1 conv fine-tuned per fold before the head (A4, third amendment)."""
    decision_prior: str = ""
    """A fixed term added to the styles a prior group names: "log" (w * log(group mass); A7,
    A8; fourth amendment) or "sure" (w * `sure_excess`; A9, fifth amendment)."""
    open_set: bool = False
    """No `other` class: `other` when unsure or far from the style bank (A8)."""
    inner_splits: int = 1
    """Inner by-group splits per fold, pooled (A6m, A9: 3; fifth amendment)."""
    c_grid: tuple[float, ...] = C_GRID

    @property
    def classes(self) -> tuple[str, ...]:
        return CLASSES if self.learns_other else HEAD_CLASSES


A6_THREE_SPLITS = Candidate(
    "", "pad", ("pad",), True, uses_prior=True, chooses_rule=True, inner_splits=3, c_grid=(0.01,)
)
"""A6 with three pooled inner splits and C fixed at 0.01 (fifth amendment)."""
BOTH = "pad+lite0_pad"
"""A5's view: MobileNetV2's and EfficientNet-Lite0's embeddings of the padded photo side by
side (`tail.load_embeddings`); its ImageNet prior is MobileNetV2's."""

CANDIDATES = {
    c.name: c
    for c in (
        Candidate("B", "centre", ("centre",), learns_other=False),
        Candidate("A1", "centre", ("centre",), learns_other=True),
        Candidate("A2", "pad", ("pad",), learns_other=True),
        Candidate("A2r", "pad", ("pad",), learns_other=True, chooses_rule=True),
        Candidate("A6", "pad", ("pad",), True, uses_prior=True, chooses_rule=True),
        Candidate("A3", "pad", ("pad", "aug1", "aug2"), True, chooses_rule=True),
        Candidate("A4", "pad", ("pad",), True, uses_prior=True, chooses_rule=True, fine_tunes=True),
        Candidate(
            "A7", "pad", ("pad",), True, uses_prior=True, chooses_rule=True, decision_prior="log"
        ),
        Candidate(
            "A8", "pad", ("pad",), False, uses_prior=True, decision_prior="log", open_set=True
        ),
        dataclasses.replace(A6_THREE_SPLITS, name="A6m"),
        dataclasses.replace(A6_THREE_SPLITS, name="A9", decision_prior="sure"),
        dataclasses.replace(A6_THREE_SPLITS, name="A5", test_view=BOTH, train_views=(BOTH,)),
    )
}


@dataclass(frozen=True)
class Data:
    labels: np.ndarray
    sources: np.ndarray
    groups: np.ndarray
    embeddings: dict[str, np.ndarray]
    priors: dict[str, np.ndarray]

    def inputs(self, cand: Candidate, view: str, rows: np.ndarray) -> tuple[np.ndarray, ...]:
        """The head's inputs for these rows of one view: (embeddings,) or (embeddings, prior)."""
        if cand.uses_prior:
            return self.embeddings[view][rows], self.priors[view][rows]
        return (self.embeddings[view][rows],)


def load_data(views: set[str]) -> Data:
    items = list_items()
    if not np.array_equal(load_paths(), [str(i.path) for i in items]):
        raise RuntimeError("the cached views are for another list of photos: rerun embed_views")
    labels = np.array([i.label for i in items])
    sources = np.array([i.source for i in items])
    embeddings = {v: load_embeddings(v) for v in sorted(views)}
    priors = {v: prior_of(load_embeddings(v.split("+")[0])) for v in embeddings}
    return Data(labels, sources, fold_groups(labels, sources), embeddings, priors)


@dataclass(frozen=True)
class Fitted:
    head: Head
    """Temperature already folded in."""
    tau: float
    rule: str
    c: float
    temperature: float
    val_truth: np.ndarray
    val_predicted: np.ndarray
    weight: float = 0.0
    """A7 / A8's w (already in `head`)."""
    floor: float = OFF
    """A8's similarity floor."""
    bank: np.ndarray | None = None
    """A8's bank of style training photos (`openset.style_bank`)."""

    def decide(self, cand: Candidate, data: Data, rows: np.ndarray) -> np.ndarray:
        """The outcome of these rows of the candidate's test view."""
        probs = softmax(self.head.logits(*data.inputs(cand, cand.test_view, rows)))
        if self.bank is None:
            return decide(probs, cand.classes, self.tau, self.rule)
        similarity = kth_similarity(data.embeddings[cand.test_view][rows], self.bank)
        return decide_open(probs, similarity, cand.classes, self.tau, self.floor)


def training_rows(cand: Candidate, data: Data, rows: np.ndarray) -> np.ndarray:
    if not cand.learns_other:
        rows = rows[data.labels[rows] != OTHER_STYLE]
    return rows


def inner_split(cand: Candidate, data: Data, rows: np.ndarray, seed: int) -> tuple[np.ndarray, ...]:
    """(inner-training rows, inner-validation rows) of one by-group split of `rows`; the
    open-set candidate keeps its `other` photos in the validation part (to choose tau and the
    floor), the baseline has none in either."""
    if not cand.open_set:
        rows = training_rows(cand, data, rows)
    val_mask = inner_validation(data.labels[rows], data.groups[rows], seed)
    return training_rows(cand, data, rows[~val_mask]), rows[val_mask]


def tuned(cand: Candidate, data: Data, rows: np.ndarray, seed: int) -> Data:
    """`data` with the test view's embeddings from the 1x1 conv fine-tuned on `rows`' inner
    split (A4); the ImageNet prior stays the frozen network's."""
    inner, val = inner_split(cand, data, rows, seed)
    frozen = data.embeddings[cand.test_view]
    features = load_features17(cand.test_view)
    top, epoch = fine_tune(features, data.labels, inner, val, frozen, cand.classes)
    print(f"    kept epoch {epoch}", flush=True)
    embeddings = {**data.embeddings, cand.test_view: embed_top(top, features)}
    return dataclasses.replace(data, embeddings=embeddings)


def fit(cand: Candidate, data: Data, rows: np.ndarray, seed: int) -> Fitted:
    """C, T, w and the `other` rule from the candidate's inner by-group splits of `rows`
    (seeds seed, seed + 1000, ...; their validation parts pooled), then the head on all of
    `rows`."""
    splits = [inner_split(cand, data, rows, seed + 1000 * j) for j in range(cand.inner_splits)]
    rows = training_rows(cand, data, rows)
    val = np.concatenate([v for _, v in splits])
    x_val, y_val = data.inputs(cand, cand.test_view, val), data.labels[val]
    styled = y_val != OTHER_STYLE if cand.open_set else np.ones(len(val), bool)
    logits_of = {
        c: np.concatenate(
            [
                _fit(cand, data, i, c).logits(*data.inputs(cand, cand.test_view, v))
                for i, v in splits
            ]
        )
        for c in cand.c_grid
    }
    scores = {
        c: subject_macro_f1(
            y_val[styled], np.asarray(cand.classes)[z.argmax(1)][styled], cand.learns_other
        )
        for c, z in logits_of.items()
    }
    c = max(scores, key=scores.__getitem__)
    logits = logits_of[c]
    if not (cand.learns_other or cand.open_set):
        val_pred = decide(softmax(logits), cand.classes, 0.0, "max")
        return Fitted(_fit(cand, data, rows, c), 0.0, "max", c, 1.0, y_val, val_pred)
    t = fit_temperature(logits[styled], y_val[styled], cand.classes)
    z, w = logits / t, 0.0
    head = _fit(cand, data, rows, c).scaled(t)
    if cand.decision_prior:
        matrix = decision_prior_matrix(cand.classes)
        fixed = sure_excess(x_val[1]) if cand.decision_prior == "sure" else x_val[1]
        w = choose_weight(z, fixed @ matrix, y_val, cand.classes)
        z = z + fixed @ (w * matrix)
        add = head.plus_sure if cand.decision_prior == "sure" else head.plus_prior
        head = add(w * matrix)
    probs = softmax(z)
    if cand.open_set:
        emb, labels = data.embeddings[cand.test_view], data.labels
        similarity = np.concatenate(
            [kth_similarity(emb[v], style_bank(emb[i], labels[i], seed)) for i, v in splits]
        )
        tau, floor = choose_open(probs, similarity, y_val, cand.classes)
        val_pred = decide_open(probs, similarity, cand.classes, tau, floor)
        bank = style_bank(emb[rows], data.labels[rows], seed)
        return Fitted(head, tau, "open", c, t, y_val, val_pred, w, floor, bank)
    if cand.chooses_rule:
        rule, tau = choose_rule(probs, y_val, cand.classes)
    else:
        rule, tau = "max", choose_tau(probs, y_val, cand.classes)
    val_pred = decide(probs, cand.classes, tau, rule)
    return Fitted(head, tau, rule, c, t, y_val, val_pred, w)


def choose_weight(
    logits: np.ndarray, fixed: np.ndarray, labels: np.ndarray, classes: tuple[str, ...]
) -> float:
    """A7's w: the best macro-F1 over the subject styles + `other` of the argmax of
    logits + w * fixed over DECISION_WEIGHTS (the smaller wins ties)."""
    f1 = [
        subject_macro_f1(labels, np.asarray(classes)[(logits + w * fixed).argmax(1)], True)
        for w in DECISION_WEIGHTS
    ]
    return DECISION_WEIGHTS[int(np.argmax(f1))]


_HEADS: dict[tuple[object, ...], Head] = {}


def _fit(cand: Candidate, data: Data, rows: np.ndarray, c: float) -> Head:
    """The head on these rows, memoised for the frozen embeddings: A6m and A9 share every
    fitted head (only their fixed term and rule differ)."""
    if cand.fine_tunes:
        return _fit_head(cand, data, rows, c)
    key = (
        cand.train_views,
        cand.uses_prior,
        cand.classes,
        c,
        hashlib.sha1(rows.tobytes()).hexdigest(),
    )
    if key not in _HEADS:
        _HEADS[key] = _fit_head(cand, data, rows, c)
    return _HEADS[key]


def _fit_head(cand: Candidate, data: Data, rows: np.ndarray, c: float) -> Head:
    views = [data.inputs(cand, v, rows) for v in cand.train_views]
    x = np.concatenate([v[0] for v in views])
    prior = np.concatenate([v[1] for v in views]) if cand.uses_prior else None
    y = np.tile(data.labels[rows], len(cand.train_views))
    return fit_head(x, y, c, cand.classes, prior)


def outer_folds(data: Data, protocol: str) -> list[np.ndarray]:
    """The test mask of every outer fold of a protocol."""
    if protocol == "loso":
        return [data.groups == g for g in np.unique(data.groups)]
    parts_of = {
        "other_out": lambda: other_out_parts(data.labels, data.sources),
        "other_collections": lambda: collection_parts(data.labels, data.sources),
        "sources5": lambda: source_folds(data.labels, data.groups),
    }
    if protocol in parts_of:
        parts = parts_of[protocol]()
        return [parts == k for k in np.unique(parts)]
    return [random_test_mask(data.labels, data.sources)]


def run(cand: Candidate, data: Data, protocol: str) -> None:
    n = len(data.labels)
    folds = outer_folds(data, protocol)
    predicted = np.full(n, "", dtype=object)
    probs = np.zeros((n, len(cand.classes)), np.float32)
    val_truth, val_pred, params, rules, extra = [], [], [], [], []
    start = time.perf_counter()
    for k, test in enumerate(folds):
        train = np.flatnonzero(~test)
        fold_data = tuned(cand, data, train, seed=k) if cand.fine_tunes else data
        fitted = fit(cand, fold_data, train, seed=k)
        x_test = fold_data.inputs(cand, cand.test_view, np.flatnonzero(test))
        probs[test] = softmax(fitted.head.logits(*x_test))
        predicted[test] = fitted.decide(cand, fold_data, np.flatnonzero(test))
        val_truth.append(fitted.val_truth)
        val_pred.append(fitted.val_predicted)
        params.append((fitted.c, fitted.temperature, fitted.tau))
        rules.append(fitted.rule)
        extra.append((fitted.weight, fitted.floor))
        print(
            f"  {cand.name} {protocol} fold {k + 1}/{len(folds)}: C {fitted.c}, rule "
            f"{fitted.rule} {fitted.tau}, w {fitted.weight}, floor {fitted.floor} "
            f"({time.perf_counter() - start:.0f} s)",
            flush=True,
        )
    tested = np.logical_or.reduce(folds)
    np.savez(
        VAR_DIR / f"run_{cand.name}_{protocol}.npz",
        tested=tested,
        predicted=predicted.astype(str),
        probs=probs,
        classes=np.array(cand.classes),
        val_truth=np.concatenate(val_truth),
        val_predicted=np.concatenate(val_pred).astype(str),
        params=np.array(params),
        rules=np.array(rules),
        weight_floor=np.array(extra),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", default=",".join(CANDIDATES))
    parser.add_argument("--protocols", default="loso,random")
    args = parser.parse_args()
    cands = [CANDIDATES[c] for c in args.candidates.split(",")]
    data = load_data({v for c in cands for v in (c.test_view, *c.train_views)})
    for cand in cands:
        for protocol in args.protocols.split(","):
            run(cand, data, protocol)


if __name__ == "__main__":
    main()
