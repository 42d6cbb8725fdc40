"""Where the vision training scripts read data and write caches, artifacts and references."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("DIGBOT_DATA", REPO.parent / "shared" / "data"))
IMAGES = DATA / "images"
VAR_DIR = REPO / "var" / "vision"
MODELS_DIR = REPO / "analyzers" / "models"
REFERENCE_DIR = REPO / "tests" / "analyzers" / "reference"
