"""Everything the bot keeps: SQLite (or any SQLAlchemy database) through SQLAlchemy 2."""
