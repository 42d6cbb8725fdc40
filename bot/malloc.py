"""Tell glibc's allocator to give freed memory back to the system.

By default glibc raises its mmap threshold each time a large block is freed (up to 32 MB), so
after the first reports every decoded photo, model input and chart buffer comes from the heap
arenas of the thread that asked, and what a burst of analyses frees stays in the process:
the bot's process held 1,021 MB PSS after benchmarks/bench_load.py's flood (load ~6), 843 MB
with both thresholds fixed at 128 KiB from the process's start (`MALLOC_MMAP_THRESHOLD_`,
`MALLOC_TRIM_THRESHOLD_` in its environment), 886 MB with them fixed by this module once the
bot starts (after its imports). Blocks above the threshold are mapped and unmapped on their
own; the heap is trimmed above the same size. Where there is no glibc, nothing changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
GIVE_BACK_ABOVE = 128 * 1024
"""Bytes: glibc's own starting mmap threshold, kept fixed instead of growing."""


def give_back_freed_memory() -> bool:
    """Fix glibc's mmap and trim thresholds at GIVE_BACK_ABOVE; False without glibc."""
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return all(
        mallopt(option, GIVE_BACK_ABOVE) == 1 for option in (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD)
    )
