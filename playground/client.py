"""An async client of the playground's person API, for tests and scripts (real HTTP)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aiohttp

POLL_SECONDS = 25.0  # one long-poll request never waits longer than this


class PlaygroundError(Exception):
    """The person API refused a request (its status and Telegram-style description)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(f"{status}: {description}")
        self.status = status
        self.description = description


def transcript(messages: list[dict[str, Any]]) -> str:
    """Human-readable lines, one per message, for failure messages."""
    lines = []
    for m in messages:
        media = f" [{len(m['photos'])} photo]" if m["photos"] else ""
        if m["document"]:
            media += f" [document {m['document']['file_name']}]"
        buttons = [b["text"] for row in m["buttons"] for b in row]
        lines.append(
            f"#{m['message_id']} {m['sender']}:{media} {m['text']!r}"
            + (f" buttons={buttons}" if buttons else "")
        )
    return "\n".join(lines) or "(no messages)"


class PlaygroundClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _call(self, verb: str, path: str, **kwargs: Any) -> dict[str, Any]:
        async with self.session.request(verb, self.base_url + path, **kwargs) as response:
            body = await response.json()
        if not body.get("ok"):
            raise PlaygroundError(response.status, body.get("description", json.dumps(body)))
        return dict(body)

    # --- writing as the person ---------------------------------------------------------------

    async def send_text(self, chat_id: int, text: str) -> dict[str, Any]:
        body = await self._call("POST", f"/api/chats/{chat_id}/messages", json={"text": text})
        return dict(body["messages"][0])

    async def send_photos(
        self, chat_id: int, photos: list[bytes], caption: str | None = None
    ) -> list[dict[str, Any]]:
        """One photo, or an album (one media_group_id) when several are given."""
        form = aiohttp.FormData()
        for index, data in enumerate(photos):
            form.add_field("photo", data, filename=f"photo{index}.jpg", content_type="image/jpeg")
        if caption is not None:
            form.add_field("caption", caption)
        body = await self._call("POST", f"/api/chats/{chat_id}/messages", data=form)
        return list(body["messages"])

    async def send_document(
        self,
        chat_id: int,
        data: bytes,
        filename: str,
        mime_type: str,
        caption: str | None = None,
    ) -> dict[str, Any]:
        form = aiohttp.FormData()
        form.add_field("document", data, filename=filename, content_type=mime_type)
        if caption is not None:
            form.add_field("caption", caption)
        body = await self._call("POST", f"/api/chats/{chat_id}/messages", data=form)
        return dict(body["messages"][0])

    async def send_video(
        self, chat_id: int, data: bytes, *, animation: bool = False, filename: str = "clip.mp4"
    ) -> dict[str, Any]:
        """A video (or, with `animation`, a GIF-like animation) as the person's message."""
        form = aiohttp.FormData()
        kind = "animation" if animation else "video"
        form.add_field(kind, data, filename=filename, content_type="video/mp4")
        body = await self._call("POST", f"/api/chats/{chat_id}/messages", data=form)
        return dict(body["messages"][0])

    async def press(self, chat_id: int, message_id: int, data: str) -> dict[str, Any]:
        """Tap an inline button; returns {"ok", "callback_query_id"}."""
        payload = {"message_id": message_id, "data": data}
        return await self._call("POST", f"/api/chats/{chat_id}/callbacks", json=payload)

    # `timeout` parameters below are long-poll durations the server honours (its API's own
    # name), not client-side cancellation, hence the ASYNC109 exemptions.
    async def callback(
        self,
        chat_id: int,
        callback_id: str,
        timeout: float = 0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """A pressed button's record {answered, text, show_alert, ...}; waits up to `timeout`."""
        path = f"/api/chats/{chat_id}/callbacks/{callback_id}"
        body = await self._call("GET", path, params={"timeout": str(timeout)})
        return dict(body["callback"])

    async def block(self, chat_id: int) -> None:
        await self._call("POST", f"/api/chats/{chat_id}/block")

    async def unblock(self, chat_id: int) -> None:
        await self._call("DELETE", f"/api/chats/{chat_id}/block")

    # --- reading the chat --------------------------------------------------------------------

    async def _feed(
        self, chat_id: int, after: int, wait: float, since: int | None = None
    ) -> dict[str, Any]:
        params = {"after": str(after), "timeout": str(wait)}
        if since is not None:
            params["since"] = str(since)
        return await self._call("GET", f"/api/chats/{chat_id}/messages", params=params)

    async def messages(
        self,
        chat_id: int,
        after: int = 0,
        timeout: float = 0,  # noqa: ASYNC109
    ) -> list[dict[str, Any]]:
        """Every message after `after`, both directions; waits up to `timeout` for one to exist."""
        return list((await self._feed(chat_id, after, timeout))["messages"])

    async def wait_for(
        self,
        chat_id: int,
        predicate: Callable[[list[dict[str, Any]]], bool],
        after: int = 0,
        timeout: float = 60,  # noqa: ASYNC109
    ) -> list[dict[str, Any]]:
        """Long-poll until predicate(bot messages after `after`) holds; returns those messages.

        Edits and deletions count as changes. Raises TimeoutError carrying the transcript.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            feed = await self._feed(chat_id, after, 0)
            bot_messages = [m for m in feed["messages"] if m["sender"] == "bot"]
            if predicate(bot_messages):
                return bot_messages
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"chat {chat_id}: condition not met in {timeout:g} s; transcript:\n"
                    + transcript(feed["messages"])
                )
            await self._feed(chat_id, after, min(remaining, POLL_SECONDS), since=feed["rev"])

    async def download(self, url: str) -> bytes:
        """Bytes of a photo/document URL from a message view (relative to the playground)."""
        async with self.session.get(self.base_url + url) as response:
            response.raise_for_status()
            return await response.read()

    # --- faults ------------------------------------------------------------------------------

    async def set_faults(
        self,
        methods: list[str],
        kind: str,
        *,
        rate: float | None = None,
        count: int | None = None,
        retry_after: int = 1,
        seed: int | None = None,
    ) -> dict[str, Any]:
        """Add a fault rule (rules accumulate); exactly one of `rate` and `count`."""
        rule: dict[str, Any] = {"methods": methods, "kind": kind, "retry_after": retry_after}
        rule.update(
            {k: v for k, v in (("rate", rate), ("count", count), ("seed", seed)) if v is not None}
        )
        return await self._call("POST", "/api/faults", json=rule)

    async def clear_faults(self) -> dict[str, Any]:
        """Remove every rule and reset the counts; returns the counts as they were."""
        return await self._call("DELETE", "/api/faults")

    async def fault_stats(self) -> dict[str, Any]:
        """{"rules": [...], "injected": {method: {kind: n}}, "total": n}."""
        return await self._call("GET", "/api/faults")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
