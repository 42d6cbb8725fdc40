"""Run the playground alone: `uv run python -m playground [--host H] [--port P] [--token T]`."""

from __future__ import annotations

import argparse

from aiohttp import web

from playground.server import DEFAULT_TOKEN, Playground


def main() -> None:
    parser = argparse.ArgumentParser(description="Local Telegram Bot API server + web chat page")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    args = parser.parse_args()
    playground = Playground(args.token, args.host, args.port)
    print(f"chat page: {playground.base_url}/   bot token: {args.token}")
    web.run_app(playground.app, host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
