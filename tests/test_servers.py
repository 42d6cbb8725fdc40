"""The test servers start, answer, and give each test a database of its own."""

from __future__ import annotations

import socket
import subprocess
from urllib.parse import urlparse

from tests.servers import PostgresServer


def _psql(server: PostgresServer, database: str, sql: str) -> str:
    command = [str(server.bin / "psql"), "-h", server.host, "-p", str(server.port)]
    command += ["-U", server.user, "-d", database, "-At", "-c", sql]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def test_each_fresh_database_starts_empty(postgres_server: PostgresServer) -> None:
    with postgres_server.fresh_database() as first:
        name = urlparse(first).path.lstrip("/")
        _psql(postgres_server, name, "CREATE TABLE kept (id int)")
        with postgres_server.fresh_database() as second:
            other = urlparse(second).path.lstrip("/")
            assert other != name
            tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            assert _psql(postgres_server, other, tables) == "0"
            assert _psql(postgres_server, name, tables) == "1"
    listed = _psql(postgres_server, "postgres", "SELECT datname FROM pg_database")
    assert name not in listed.split()


def test_redis_answers(redis_url: str) -> None:
    address = urlparse(redis_url)
    assert address.hostname and address.port
    with socket.create_connection((address.hostname, address.port), timeout=5) as connection:
        connection.sendall(b"SET k v\r\nGET k\r\nCONFIG GET save\r\n")
        expected = b"+OK\r\n$1\r\nv\r\n*2\r\n$4\r\nsave\r\n$0\r\n\r\n"
        reply = b""
        while len(reply) < len(expected):
            reply += connection.recv(256)
    assert reply == expected  # the value, and no snapshots ("save" is empty)
