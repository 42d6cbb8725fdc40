"""The playground's HTTP server: Bot API routes, file downloads, the person API and the web page."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from playground.botapi import bot_user, lookup
from playground.errors import (
    MAX_REQUEST,
    ApiError,
    bad_request,
    not_found,
    server_error,
    too_large,
    too_many_requests,
    unauthorized,
)
from playground.faults import Faults
from playground.params import Params
from playground.people import PersonApi
from playground.state import State

DEFAULT_TOKEN = "123456789:PLAYGROUND-TOKEN"  # aiogram only accepts "<digits>:<secret>" tokens
STATIC = Path(__file__).parent / "static"


@web.middleware
async def api_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Answer ApiError (and malformed JSON bodies) in Telegram's error envelope."""
    try:
        return await handler(request)
    except json.JSONDecodeError:
        error = bad_request("can't parse JSON body")
    except web.HTTPRequestEntityTooLarge:
        error = too_large()
    except ApiError as exc:
        error = exc
    return web.json_response(error.payload(), status=error.code)


class Playground:
    """A local Telegram Bot API server with a web chat page; state lives in memory."""

    def __init__(
        self, token: str = DEFAULT_TOKEN, host: str = "127.0.0.1", port: int = 8080
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.state = State(bot_user(token))
        self.faults = Faults()
        self.app = web.Application(client_max_size=MAX_REQUEST, middlewares=[api_errors])
        self.app.add_routes(
            [
                web.route("*", "/bot{token}/{method}", self.bot_method),
                web.get("/file/bot{token}/{path:.+}", self.bot_file),
                web.get("/health", self.health),
                web.get("/", self.index),
                web.static("/static", STATIC),
                *PersonApi(self.state, self.faults).routes(),
            ]
        )
        self.app.on_shutdown.append(self._wake_polls)
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        self.state.closing = False
        # No access log: its request lines carry the bot token in the URL path.
        self._runner = web.AppRunner(self.app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the real port when 0 was asked for

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _wake_polls(self, app: web.Application) -> None:
        self.state.closing = True
        self.state.notify()

    async def bot_method(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            raise unauthorized()
        name, handler = lookup(request.match_info["method"])
        rule = self.faults.pick(name)
        if rule is not None:
            if rule.kind == "drop":
                return await _drop(request)
            raise too_many_requests(rule.retry_after) if rule.kind == "429" else server_error()
        result = await handler(self.state, await Params.read(request))
        return web.json_response({"ok": True, "result": result})

    async def bot_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            raise unauthorized()
        stored = self.state.files_by_path.get(request.match_info["path"])
        if stored is None:
            raise not_found()
        return web.Response(body=stored.data, content_type=stored.mime_type)

    async def health(self, request: web.Request) -> web.Response:
        state = self.state
        return web.json_response(
            {
                "ok": True,
                "chats": len(state.chats),
                "messages": sum(len(c.messages) for c in state.chats.values()),
                "pending_updates": len(state.updates),
                "files": len(state.files),
                "faults_injected": self.faults.stats()["total"],
            }
        )

    async def index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html")


async def _drop(request: web.Request) -> web.StreamResponse:
    """Close the connection without answering, like a network failure mid-request."""
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=500)  # never reaches the client: the socket is already closed
