"""Alembic environment: runs migrations with a plain synchronous connection."""

from typing import Any

from alembic import context
from sqlalchemy import create_engine, pool

from storage.models import Base

config = context.config

OWNED_ELSEWHERE = {"apscheduler_jobs"}
"""Tables other libraries create and migrate themselves (APScheduler's job store)."""


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (type_ == "table" and name in OWNED_ELSEWHERE)


engine = create_engine(config.get_main_option("sqlalchemy.url") or "", poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
