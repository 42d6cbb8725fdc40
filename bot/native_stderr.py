"""Native libraries' stderr lines into Python logging, at DEBUG unless they report an error.

mediapipe (absl's C++ log: "W0000 00:00:… inference_feedback_manager.cc:114] …") and LiteRT
("INFO: Created TensorFlow Lite XNNPACK delegate for CPU.") write straight to file descriptor 2,
and no environment variable turns either off (TF_CPP_MIN_LOG_LEVEL, GLOG_minloglevel,
ABSL_MIN_LOG_LEVEL and TFLITE_LOG_SEVERITY were tried). So descriptor 2 becomes a pipe whose
lines a daemon thread logs under the `native` logger: absl's error and fatal lines
("E…"/"F…") at ERROR, everything else at DEBUG, hidden unless `[logging] level = "DEBUG"`.
Python's own stderr (`sys.stderr`: logging, tracebacks, faulthandler) moves to a copy of the
original descriptor 2, so it never passes through the pipe.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from typing import TextIO

log = logging.getLogger("native")

_ABSL_ERROR = re.compile(r"^[EF]\d{4} ")


def capture_native_stderr() -> TextIO:
    """Redirect descriptor 2 into the `native` logger; returns the new `sys.stderr`."""
    terminal = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="backslashreplace")
    sys.stderr = terminal
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    threading.Thread(target=_forward, args=(read_end,), name="native-stderr", daemon=True).start()
    return terminal


def _forward(read_end: int) -> None:
    with os.fdopen(read_end, encoding="utf-8", errors="backslashreplace") as lines:
        for line in lines:
            text = line.rstrip("\n")
            if text:
                log.log(logging.ERROR if _ABSL_ERROR.match(text) else logging.DEBUG, "%s", text)
