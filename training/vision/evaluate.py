"""Print the model card's tables and draw its confusion matrices.

    uv run python -m training.vision.evaluate

For both protocols (splits.py), on test photos that no training step saw: baselines (majority
class, the ImageNet-label map alone), the frozen backbone + linear head alone (the vision
model's image-only style output), the combiner variants, and the shipped path (full combiner
+ the mood gate of analyzers/style.py). The face cue comes from the faces analyzer's
detectors (faces_cue.py). No test photo has hashtags, so the figures are for the path without
text: the hashtag/caption cue is not measured here.
Writes var/vision/metrics.json and analyzers/models/vision_confusion_<protocol>.png.
"""

from __future__ import annotations

import json
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from analyzers.style import HEAD_CLASSES, MOOD, TEXT_BONUS
from analyzers.types import STYLE_IDS
from training.vision.dataset import OTHER
from training.vision.embed import load_features
from training.vision.faces_cue import load_face_cues
from training.vision.model import (
    MOOD_THRESHOLD,
    Combiner,
    Head,
    class_ids,
    features,
    imagenet_evidence_from_logits,
)
from training.vision.paths import MODELS_DIR, VAR_DIR
from training.vision.splits import PROTOCOLS, test_mask
from training.vision.train import VARIANTS, combiner_path, head_path

LABELS = [c if c != MOOD else "sad_mood (depressed/lonely)" for c in HEAD_CLASSES]


def load_combiner_proba(protocol: str, variant: str, x: np.ndarray) -> np.ndarray:
    return Combiner.load(combiner_path(protocol, variant)).proba(x)


def gate_mood(probs: np.ndarray) -> np.ndarray:
    """The shipped rule: the mood class wins only at or above MOOD_THRESHOLD."""
    pred = probs[:, :-1].argmax(1)
    return np.where(probs[:, -1] >= MOOD_THRESHOLD, len(HEAD_CLASSES) - 1, pred)


def with_text_cue(probs: np.ndarray, named: np.ndarray) -> np.ndarray:
    """The shipped path when each photo's hashtags name one style (`named`, class ids): its
    log-odds go up by TEXT_BONUS, as in StyleAnalyzer, before the mood gate."""
    logits = np.log(np.clip(probs, 1e-12, 1.0))
    logits[np.arange(len(named)), named] += TEXT_BONUS
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return gate_mood(shifted / shifted.sum(axis=1, keepdims=True))


def text_cue_sensitivity(probs: np.ndarray, y: np.ndarray) -> dict[str, dict[str, float]]:
    """Simulated, not measured (no labelled photo has a caption): the shipped path if every
    photo's hashtags named its true style, or one wrong style drawn at random (seeded)."""
    wrong = (y + np.random.default_rng(0).integers(1, len(HEAD_CLASSES), len(y))) % len(
        HEAD_CLASSES
    )
    return {
        "hashtag names the true style": summary(y, with_text_cue(probs, y)),
        "hashtag names a wrong style": summary(y, with_text_cue(probs, wrong)),
    }


def imagenet_map_prediction(evidence: np.ndarray, majority: int) -> np.ndarray:
    cols = [STYLE_IDS.index(c) for c in HEAD_CLASSES[:-1]]
    ev = evidence[:, cols]
    return np.where(ev.max(1) > 0, ev.argmax(1), majority)


def summary(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    non_mood = list(range(len(HEAD_CLASSES) - 1))
    return {
        "accuracy": float((pred == y).mean()),
        "macro_f1": float(f1_score(y, pred, labels=range(len(HEAD_CLASSES)), average="macro")),
        "macro_f1_without_mood": float(f1_score(y, pred, labels=non_mood, average="macro")),
    }


def per_class(y: np.ndarray, pred: np.ndarray) -> list[dict[str, float | str | int]]:
    p, r, f, s = precision_recall_fscore_support(
        y, pred, labels=range(len(HEAD_CLASSES)), zero_division=0
    )
    return [
        {"style": name, "precision": float(a), "recall": float(b), "f1": float(c), "n": int(d)}
        for name, a, b, c, d in zip(LABELS, p, r, f, s, strict=True)
    ]


def draw_confusion(y: np.ndarray, preds: dict[str, np.ndarray], title: str, out: str) -> None:
    fig, axes = plt.subplots(1, len(preds), figsize=(8 * len(preds), 7.5))
    for ax, (name, pred) in zip(np.atleast_1d(axes), preds.items(), strict=True):
        cm = confusion_matrix(y, pred, labels=range(len(HEAD_CLASSES)))
        norm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
        ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
        for (i, j), v in np.ndenumerate(cm):
            if v:
                colour = "white" if norm[i, j] > 0.5 else "black"
                ax.text(j, i, str(v), ha="center", va="center", fontsize=7, color=colour)
        ticks = range(len(HEAD_CLASSES))
        short = [label.split(" ")[0] for label in LABELS]
        ax.set_xticks(ticks, short, rotation=60, ha="right", fontsize=8)
        ax.set_yticks(ticks, short, fontsize=8)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(f"{title}: {name}", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)


def evaluate_protocol(
    f: dict[str, np.ndarray], evidence: np.ndarray, faces: np.ndarray, protocol: str
) -> dict[str, Any]:
    labels = f["labels"]
    test = test_mask(protocol, labels, f["sources"])
    train = ~test & (labels != OTHER)
    styled = test & (labels != OTHER)
    y = class_ids(labels[styled])
    counts = np.bincount(class_ids(labels[train]), minlength=len(HEAD_CLASSES))
    majority = int(counts.argmax())
    head = Head.load(head_path(protocol))
    head_probs = head.proba(f["embeddings"][styled])
    x = features(head_probs, evidence[styled], f["stats"][styled], faces[styled])
    preds = {
        "majority class": np.full(len(y), majority),
        "ImageNet-label map alone": imagenet_map_prediction(evidence[styled], majority),
        "backbone + linear head (image-only model)": head_probs.argmax(1),
    }
    for variant in VARIANTS:
        preds[f"combiner: {variant}"] = load_combiner_proba(protocol, variant, x).argmax(1)
    shipped_probs = load_combiner_proba(protocol, "full", x)
    shipped_name = "shipped: full combiner + mood gate"
    preds[shipped_name] = gate_mood(shipped_probs)
    compared = {
        "linear head alone": preds["backbone + linear head (image-only model)"],
        "shipped path": preds[shipped_name],
    }
    draw_confusion(
        y,
        compared,
        protocol,
        str(MODELS_DIR / f"vision_confusion_{protocol}.png"),
    )
    other = test & (labels == OTHER)
    other_probs = load_combiner_proba(
        protocol,
        "full",
        features(
            head.proba(f["embeddings"][other]), evidence[other], f["stats"][other], faces[other]
        ),
    )
    mood_pred = preds[shipped_name] == len(HEAD_CLASSES) - 1
    return {
        "train_photos": int(train.sum()),
        "test_photos": int(styled.sum()),
        "methods": {name: summary(y, pred) for name, pred in preds.items()},
        "text_cue_simulated": text_cue_sensitivity(shipped_probs, y),
        "per_class_head": per_class(y, preds["backbone + linear head (image-only model)"]),
        "per_class_shipped": per_class(y, preds[shipped_name]),
        "other_photos": int(other.sum()),
        "other_confident_share": float((other_probs[:, :-1].max(1) >= 0.5).mean()),
        "mood_predicted": int(mood_pred.sum()),
        "mood_predicted_correct": int((mood_pred & (y == len(HEAD_CLASSES) - 1)).sum()),
    }


def print_tables(protocol: str, m: dict[str, Any]) -> None:
    print(f"\n### Protocol `{protocol}`: {m['train_photos']} training, {m['test_photos']} test")
    print("\n| method | accuracy | macro-F1 (12) | macro-F1 without mood (11) |\n|---|---|---|---|")
    for name, s in m["methods"].items():
        acc, f1, f1m = s["accuracy"], s["macro_f1"], s["macro_f1_without_mood"]
        print(f"| {name} | {acc:.3f} | {f1:.3f} | {f1m:.3f} |")
    print(
        f"\nSimulated text cue (+{TEXT_BONUS:g} log-odds; no labelled photo has hashtags):\n"
        "\n| every photo's hashtag ... | accuracy | macro-F1 (12) | macro-F1 without mood (11) |"
        "\n|---|---|---|---|"
    )
    for name, s in m["text_cue_simulated"].items():
        acc, f1, f1m = s["accuracy"], s["macro_f1"], s["macro_f1_without_mood"]
        print(f"| {name} | {acc:.3f} | {f1:.3f} | {f1m:.3f} |")
    print("\n| style | n | head P | head R | head F1 | shipped P | shipped R | shipped F1 |")
    print("|---|---|---|---|---|---|---|---|")
    for h, s in zip(m["per_class_head"], m["per_class_shipped"], strict=True):
        print(
            f"| {h['style']} | {h['n']} | {h['precision']:.2f} | {h['recall']:.2f} | "
            f"{h['f1']:.2f} | {s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} |"
        )
    print(
        f"\n'other' test photos (no style): {m['other_photos']}; the shipped path gives "
        f"{m['other_confident_share']:.0%} of them a style with probability >= 0.5. "
        f"Mood reported on {m['mood_predicted']} test photos, {m['mood_predicted_correct']} "
        "of them from sad_mood."
    )


def main() -> None:
    f = load_features()
    evidence = imagenet_evidence_from_logits(f["logits"])
    faces = load_face_cues(f["paths"])
    metrics = {p: evaluate_protocol(f, evidence, faces, p) for p in PROTOCOLS}
    for protocol, m in metrics.items():
        print_tables(protocol, m)
    (VAR_DIR / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
