"""Alembic migrations, configured in code (no alembic.ini at run time).

``upgrade(engine)`` brings any older database to the newest revision in one transaction; the
first revision creates the schema, so a new file and an old file take the same path.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

SCRIPT_DIR = Path(__file__).resolve().parent


def _config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head() or ""


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade (or create) the schema to ``revision`` in one transaction."""
    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Only for tests and for support staff reproducing an older file."""
    with engine.begin() as conn:
        command.downgrade(_config(conn), revision)
