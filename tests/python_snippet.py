"""Run a Python snippet in a new interpreter of the project, for tests about what a fresh
process imports or loads (a test process has imported everything already)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from bot.settings import PROJECT_ROOT


def snippet_result(
    code: str, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> Any:
    """The JSON the snippet prints last; the snippet must exit 0."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    return json.loads(done.stdout.decode().splitlines()[-1])
