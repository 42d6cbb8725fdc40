"""The job functions' one process-wide lookup: set at start, cleared at shutdown, and a late
shutdown of an old scheduler does not clear the runs of the one that replaced it."""

from __future__ import annotations

from typing import cast

import pytest

from service.subscriptions.runs import ReportRuns
from service.subscriptions.scheduler import ActiveRuns


def test_the_runs_set_are_found_until_cleared() -> None:
    active = ActiveRuns()
    old, new = cast(ReportRuns, object()), cast(ReportRuns, object())
    with pytest.raises(RuntimeError, match="no ReportScheduler"):
        active.get()
    active.set(old)
    active.set(new)
    active.clear(old)
    assert active.get() is new
    active.clear(new)
    with pytest.raises(RuntimeError, match="no ReportScheduler"):
        active.get()
