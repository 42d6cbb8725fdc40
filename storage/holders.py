"""Who holds a lease or claims outbox rows: `host:pid:random`, one per process and repository.

A holder on this machine whose process has exited holds nothing: its lease and its claims can
be taken at once, so a bot restarted after a crash (`make run`, one process) does not wait for
them to expire. Holders on other machines are trusted until their time runs out.
"""

from __future__ import annotations

import os
import secrets
import socket


def new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def gone_from_this_machine(holder: str) -> bool:
    """Whether `holder` was a process on this machine that has exited."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False
