"""A button acts only for the person it was shown to.

In a group anyone can press any button, and a modified client can forge a press; a button that
acts for a person carries their user id (`owner`, see `handlers.keyboards`). Every runtime asks
`refuse_others` before the press's conversation runs: anyone else gets a short answer and
nothing happens. Buttons without an owner (none act for a person) pass.
"""

from __future__ import annotations

from handlers import texts
from handlers.chat import Press


async def refuse_others(data: object, presser: int, press: Press) -> bool:
    """True (and the press answered) when `data` names an owner other than `presser`."""
    owner = getattr(data, "owner", None)
    if owner is None or owner == presser:
        return False
    await press.answer(texts.NOT_YOUR_BUTTON, alert=True)
    return True
