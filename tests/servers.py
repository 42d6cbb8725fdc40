"""Real PostgreSQL and Redis servers for tests, started from Debian's packages.

Registered as a pytest plugin by tests/conftest.py. Each server runs once per test session on a
free port in a temporary folder and is stopped afterwards; a test that asks for one skips with
the reason when the binaries are missing (`.ci/run` installs `postgresql` and `redis-server`).

- `postgres_server`: the server; `postgres_server.fresh_database()` makes an empty database.
- `postgres_url`: an empty database of its own for one test (`postgresql+asyncpg://…`).
- `redis_url`: `redis://127.0.0.1:<port>/0`.
- `database`: the `[storage] database` a test's settings use: a SQLite file, or a fresh
  PostgreSQL database with `DIGBOT_TEST_DATABASE=postgresql` (the end-to-end tests on
  PostgreSQL); a test marked `both_backends` runs on each.

PostgreSQL refuses to run as root: as root, `initdb` and `pg_ctl` run as the `postgres` user the
package creates, in a folder that user owns. Durability is off (`fsync`, `synchronous_commit`,
`full_page_writes`): these servers hold test data for minutes.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

START_TIMEOUT = 30.0
"""Seconds a server may take to accept connections before the fixture fails."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_bin() -> Path | None:
    """The folder of `initdb` and `pg_ctl`: Debian's newest, or the one on PATH."""
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    found = debian[-1] if debian else shutil.which("initdb")
    return Path(found).parent if found else None


@dataclass(frozen=True)
class PostgresServer:
    """A running server that trusts local connections as the `postgres` role."""

    bin: Path
    port: int
    host: str = "127.0.0.1"
    user: str = "postgres"

    def url(self, database: str = "postgres", driver: str = "asyncpg") -> str:
        return f"postgresql+{driver}://{self.user}@{self.host}:{self.port}/{database}"

    def _client(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), "-h", self.host, "-p", str(self.port)]
        subprocess.run([*command, "-U", self.user, *args], check=True, capture_output=True)

    def create_database(self) -> str:
        """A new empty database; returns its name."""
        name = f"test_{uuid.uuid4().hex[:12]}"
        self._client("createdb", name)
        return name

    def drop_database(self, name: str) -> None:
        """Drop `name`, closing whatever connections a test left open to it."""
        self._client("dropdb", "--force", "--if-exists", name)

    @contextmanager
    def fresh_database(self) -> Iterator[str]:
        """`with server.fresh_database() as url:` an empty database, dropped afterwards."""
        name = self.create_database()
        try:
            yield self.url(name)
        finally:
            self.drop_database(name)


def _as_postgres_user(command: list[str]) -> list[str]:
    """`command` run as the `postgres` user when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _postgres_owner() -> tuple[int, int] | None:
    """The uid and gid the data folder must belong to, or None to keep ours."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no `postgres` user to run PostgreSQL as")
    if shutil.which("runuser") is None:
        pytest.skip("running as root and `runuser` is missing to run PostgreSQL as `postgres`")
    return entry.pw_uid, entry.pw_gid


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session, on a free port, in a temporary folder."""
    binaries = postgres_bin()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    owner = _postgres_owner()
    root = Path(tempfile.mkdtemp(prefix="digbot-pg-"))
    if owner is not None:
        os.chown(root, *owner)
    data, log = root / "data", root / "server.log"
    server = PostgresServer(bin=binaries, port=free_port())
    run = [str(binaries / "initdb"), "-D", str(data), "-U", server.user, "-A", "trust"]
    subprocess.run(
        _as_postgres_user([*run, "-E", "UTF8", "--locale=C", "--no-sync"]),
        check=True,
        capture_output=True,
    )
    options = (
        f"-h {server.host} -p {server.port} -k {root} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-w"]
    subprocess.run(
        _as_postgres_user([*pg_ctl, "-t", str(int(START_TIMEOUT)), "-o", options, "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield server
    finally:
        subprocess.run(_as_postgres_user([*pg_ctl, "-m", "fast", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """An empty PostgreSQL database for one test, dropped afterwards."""
    with postgres_server.fresh_database() as url:
        yield url


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis server for the whole session, on a free port, keeping nothing on disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("Redis is not installed (Debian: apt-get install redis-server)")
    root = Path(tempfile.mkdtemp(prefix="digbot-redis-"))
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(root)]
    process = subprocess.Popen(
        [*command, "--save", "", "--appendonly", "no", "--logfile", str(root / "server.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers_ping(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (root / "server.log").read_text(errors="replace")
                raise RuntimeError(f"redis-server did not start on port {port}:\n{log}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


BACKENDS = ("sqlite", "postgresql")
"""The database backends a test marked `both_backends` runs on."""


def database_for(backend: str, request: pytest.FixtureRequest, folder: Path) -> str:
    """`[storage] database` for a test: a SQLite file in `folder`, or an empty PostgreSQL
    database on the session's server, dropped after the test."""
    if backend == "sqlite":
        return str(folder / "digbot.sqlite")
    if backend != "postgresql":
        raise ValueError(f"unknown test database backend {backend!r}: one of {BACKENDS}")
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database()
    request.addfinalizer(lambda: server.drop_database(name))
    return server.url(name)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked `both_backends` that uses the `database` fixture runs once per backend."""
    if "database" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_backends"
    ):
        metafunc.parametrize("database", BACKENDS, indirect=True)


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The test's `[storage] database`: SQLite, or PostgreSQL when $DIGBOT_TEST_DATABASE is
    `postgresql`; both, one after the other, for a test marked `both_backends`."""
    default = os.environ.get("DIGBOT_TEST_DATABASE") or "sqlite"
    return database_for(getattr(request, "param", default), request, tmp_path)
