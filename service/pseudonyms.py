"""Chat and user ids in log lines, as keyed hashes.

A log line keeps a raw chat id after /forget has deleted every row about the person, and logs
are copied and kept elsewhere. A keyed hash still tells one chat's lines from another's in one
run, but without the key, which lives only in this process's memory (new at every start),
nobody can turn it back into the id or check a guess.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_KEY = secrets.token_bytes(32)


def pseudonym(chat_id: int | None) -> str:
    """A short keyed hash of `chat_id` for log lines ('-' for none)."""
    if chat_id is None:
        return "-"
    digest = hmac.new(_KEY, str(chat_id).encode(), hashlib.sha256).hexdigest()
    return f"c{digest[:12]}"
