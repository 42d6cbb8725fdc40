"""mediapipe is imported without matplotlib (its drawing helpers import pyplot), and code that
imports matplotlib afterwards gets the real one."""

from __future__ import annotations

from tests.python_snippet import snippet_result

SNIPPET = """
import json, sys
from analyzers.mediapipe_import import import_mediapipe

import_mediapipe()
after_mediapipe = "matplotlib" in sys.modules
import matplotlib.pyplot as plt
from mediapipe.python.solutions import drawing_utils
try:
    drawing_utils.plt.figure
    refused = False
except ImportError:
    refused = True
print(json.dumps([after_mediapipe, callable(plt.figure), refused]))
"""


def test_mediapipe_comes_without_matplotlib_and_matplotlib_still_imports() -> None:
    after_mediapipe, real_pyplot, helpers_refused = snippet_result(SNIPPET)
    assert not after_mediapipe
    assert real_pyplot
    assert helpers_refused, "mediapipe's own plotting helper has no pyplot"
