"""A fresh clone sets itself up and passes its tests with nothing but the README's command."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow


@pytest.mark.timeout(1200)
def test_fresh_clone_runs_make_test(tmp_path: Path) -> None:
    if os.environ.get("DIGBOT_IN_CLONE_TEST"):
        pytest.skip("already inside the fresh-clone test")
    if not (PROJECT_ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme
    clone = tmp_path / "digbot"
    subprocess.run(["git", "clone", "--quiet", str(PROJECT_ROOT), str(clone)], check=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIRTUAL_ENV", "UV_PROJECT", "PYTEST"))
    }
    # The clone runs the fast part of its suite without the end-to-end tests: those, and the
    # slow tests (this one included), are what the outer run is already doing; the clone
    # proves the two commands set everything up.
    addopts = "-m 'not slow' --ignore=tests/e2e -q -p no:cacheprovider"
    env |= {"DIGBOT_IN_CLONE_TEST": "1", "PYTEST_ADDOPTS": addopts}
    result = subprocess.run(
        ["make", "test"], cwd=clone, env=env, capture_output=True, text=True, timeout=1100
    )
    tail = result.stdout[-3000:] + result.stderr[-1500:]
    assert result.returncode == 0, tail
    assert " passed" in result.stdout, tail
