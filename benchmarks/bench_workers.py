"""Reports per second of the distributed mode with 1 and with 2 workers.

Each run starts the real thing as processes: a playground, Redis (no persistence), `digbot run`
as the ingress and N `digbot worker`s (one analysis thread each) over one SQLite file; then
`--photos` people each send one photo at once, and the clock runs from the first send to the
last selfie card. Worker start-up (imports, models, warm-up) is outside the measurement.

On a machine with 2 cores (shared with other work: the load average is printed) a second worker
shares the same cores, so the ratio says how much of the CPU one worker leaves idle (waiting on
Telegram, Redis and the database), not how the mode scales; on a machine with a core per worker
thread the workers do not compete, and reports/s grows with workers until the database or
Telegram's 30 messages/s per token is the limit (docs/deploy.md).

    uv run python -m benchmarks.bench_workers [--photos 24] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from playground.client import PlaygroundClient
from tests.e2e.bot_process import Cluster, distributed_config
from tests.e2e.replies import REPORT, matching
from tests.fixtures.instagram_fixture import sample_jpeg
from tests.servers import free_port


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throwaway redis-server keeping nothing on disk."""
    port = free_port()
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (Debian: apt-get install redis-server)")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    try:
        while (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True
            ).stdout.strip()
            != b"PONG"
        ):
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait()


def _pings(client: Redis) -> bool:
    try:
        return bool(client.ping())
    except RedisConnectionError:
        return False


async def _photos_at_once(base_url: str, people: int) -> float:
    """Seconds from the first photo sent to the last selfie card received."""
    client = PlaygroundClient(base_url)
    try:
        started = time.perf_counter()
        sent = [
            await client.send_photos(chat, [sample_jpeg(chat)]) for chat in range(1, people + 1)
        ]
        await asyncio.gather(
            *(
                client.wait_for(chat, matching(REPORT), after=s[-1]["message_id"], timeout=900)
                for chat, s in zip(range(1, people + 1), sent, strict=True)
            )
        )
        return time.perf_counter() - started
    finally:
        await client.close()


def measure(workers: int, photos: int) -> float:
    """Reports/s with `workers` worker processes."""
    with tempfile.TemporaryDirectory(prefix="digbot-bench-") as tmp:
        folder = Path(tmp)
        with redis_server(folder) as redis:
            port = free_port()
            config = distributed_config(
                folder,
                api_base=f"http://127.0.0.1:{port}",
                database=str(folder / "digbot.sqlite"),
                redis=redis,
            )
            cluster = Cluster(config, folder, port, workers=workers)
            cluster.start()
            try:
                return photos / asyncio.run(_photos_at_once(cluster.base_url, photos))
            finally:
                cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=24)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    results = []
    for workers in args.workers:
        rate = measure(workers, args.photos)
        load = os.getloadavg()[0]
        results.append((workers, rate, load))
    base = results[0][1]
    print(f"{args.photos} photos at once, one analysis thread per worker, {os.cpu_count()} cores")
    print("| workers | reports/s | vs first | load (1 min) |")
    print("|---:|---:|---:|---:|")
    for workers, rate, load in results:
        print(f"| {workers} | {rate:.2f} | {rate / base:.2f}× | {load:.1f} |")


if __name__ == "__main__":
    main()
