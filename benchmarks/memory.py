"""Resident memory of a process tree, counted fairly: PSS (shared pages split among sharers)."""

from __future__ import annotations

from pathlib import Path


def _pss_mb(pid: int | str) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:  # the process has just exited
        pass
    return 0.0


def descendants(pid: int | str) -> list[str]:
    found: list[str] = []
    pending = [str(pid)]
    while pending:
        current = pending.pop()
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            found += children
            pending += children
    return found


def tree_pss_mb(pid: int | str = "self", exclude: tuple[int, ...] = ()) -> tuple[float, float]:
    """(PSS of `pid`, PSS of its descendants but `exclude` and theirs), in MB."""
    skipped = {str(e) for e in exclude}
    for excluded in exclude:
        skipped.update(descendants(excluded))
    children = [c for c in descendants(pid) if c not in skipped]
    return _pss_mb(pid), sum(_pss_mb(c) for c in children)
