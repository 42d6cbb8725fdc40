"""Where APScheduler keeps the subscription jobs."""

from __future__ import annotations

from pathlib import Path

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy import make_url

from storage.database import sync_url


def jobstore_url(database_url: str) -> str:
    """Where the jobs live: beside a SQLite database in a file of their own, else in it.

    APScheduler writes its job store synchronously, on the event loop. Sharing the app's SQLite
    file, such a write can wait on a transaction that only the blocked loop could finish: a
    review measured 5 s stalls ending in "database is locked" in 5 of 30 interleavings. A
    second file has its own lock; PostgreSQL has row locks and needs no such care.
    """
    url = make_url(sync_url(database_url))
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return sync_url(database_url)
    jobs = Path(url.database).with_suffix(".jobs.sqlite")
    return url.set(database=str(jobs)).render_as_string(hide_password=False)


def job_store(database_url: str) -> SQLAlchemyJobStore:
    """The job store of the app whose database is `database_url`."""
    return SQLAlchemyJobStore(url=jobstore_url(database_url))
