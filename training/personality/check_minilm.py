"""Check analyzers/minilm.py against Hugging Face transformers' BertModel (torch) on the same files.

torch is not a project dependency, so the reference runs in a throwaway venv:

    uv venv /tmp/torchref && VIRTUAL_ENV=/tmp/torchref uv pip install torch transformers numpy
    uv run python -m training.personality.check_minilm /tmp/torchref/bin/python

It embeds a few sentences and essay openings with both and prints the largest difference
(measured 2026-11-23: max |diff| 1.7e-07, min cosine 0.99999994 with torch 2.13.0 CPU and
transformers 4.57.6).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from analyzers.minilm import MiniLM, default_model_dir
from training.personality.data import load_essays

REFERENCE = """
import json, sys, numpy as np, torch
from transformers import BertModel, BertTokenizerFast
tok = BertTokenizerFast.from_pretrained(sys.argv[1])
model = BertModel.from_pretrained(sys.argv[1]).eval()
out = []
with torch.no_grad():
    for text in json.load(open(sys.argv[2])):
        h = model(**tok(text, return_tensors="pt")).last_hidden_state[0].mean(0)
        out.append((h / h.norm()).numpy())
np.save(sys.argv[3], np.array(out))
"""


def main(python: str) -> None:
    texts = [
        "A man is eating food.",
        "A man is eating a piece of bread.",
        "The girl is carrying a baby.",
        "Stock markets fell sharply on Monday.",
        "lol 😂 #lovemylife",
        *(" ".join(t.split()[:150]) for t in load_essays().texts[:5]),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "texts.json").write_text(json.dumps(texts))
        (Path(tmp) / "ref.py").write_text(REFERENCE)
        args = [python, "ref.py", str(default_model_dir()), "texts.json", "ref.npy"]
        subprocess.run(args, cwd=tmp, check=True)
        reference = np.load(Path(tmp) / "ref.npy")
    ours = MiniLM().embed(texts)
    print(f"max |diff| {np.abs(ours - reference).max():.2e}")
    print(f"min cosine {(ours * reference).sum(1).min():.8f}")
    print(f"cosine(paraphrase) {ours[0] @ ours[1]:.3f}, cosine(unrelated) {ours[0] @ ours[3]:.3f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/torchref/bin/python")
