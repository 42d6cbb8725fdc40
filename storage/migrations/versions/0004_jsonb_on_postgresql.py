"""JSON columns as JSONB on PostgreSQL (nothing changes on SQLite)

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_COLUMNS = (
    ("users", "settings"),
    ("posts", "features"),
    ("analyses", "model_versions"),
    ("analyses", "result"),
    ("snapshots", "data"),
)


def _retype(old: sa.types.TypeEngine[object], new: sa.types.TypeEngine[object]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in JSON_COLUMNS:
        op.alter_column(
            table,
            column,
            existing_type=old,
            type_=new,
            existing_nullable=False,
            postgresql_using=f"{column}::{new.compile(dialect=op.get_bind().dialect)}",
        )


def upgrade() -> None:
    _retype(sa.JSON(), JSONB())


def downgrade() -> None:
    _retype(JSONB(), sa.JSON())
