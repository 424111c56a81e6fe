"""Alembic migrations, configured in code (no alembic.ini at run time).

``upgrade(engine)`` brings any older database to the newest revision in one transaction; the
first revision creates the schema, so a new file and an old file take the same path.

Start-up: Alembic (with Mako and Pygments) costs about 0.13 s to import, so the check every
``Store.open`` makes — is this file at the head revision? — reads the ``alembic_version`` table
with plain SQL and the head from the revision files' ``revision`` / ``down_revision`` lines;
Alembic itself is imported only to migrate, or when the revision files are not one plain chain.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_DIR = Path(__file__).resolve().parent
VERSION_TABLE = "alembic_version"  # Alembic's default; env.py does not change it
_ASSIGN = r"^{name}\s*(?::[^=\n]*)?=\s*(?:None|[\"']([^\"'\n]+)[\"'])\s*$"
_REVISION = re.compile(_ASSIGN.format(name="revision"), re.M)
_DOWN_REVISION = re.compile(_ASSIGN.format(name="down_revision"), re.M)


def _config(conn: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_DIR))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def alembic_head_revision() -> str:
    """The head as Alembic computes it (ScriptDirectory)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def chain_head_revision() -> str | None:
    """The head of the revision files read as text: the one revision no other file names as
    its ``down_revision``. None when a file does not read plainly (e.g. a tuple of down
    revisions for a merge) or when there is not exactly one head."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in sorted((SCRIPT_DIR / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if rev is None or rev.group(1) is None or down is None:
            return None
        revisions.add(rev.group(1))
        if down.group(1) is not None:
            downs.add(down.group(1))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 and downs <= revisions else None


def known_revisions() -> set[str]:
    """Every revision this program can migrate from (its revision files)."""
    found: set[str] = set()
    for path in sorted((SCRIPT_DIR / "versions").glob("*.py")):
        rev = _REVISION.search(path.read_text(encoding="utf-8"))
        if rev is None or rev.group(1) is None:  # not plain text: ask Alembic
            from alembic.script import ScriptDirectory

            script = ScriptDirectory.from_config(_config())
            return {s.revision for s in script.walk_revisions()}
        found.add(rev.group(1))
    return found


def head_revision() -> str:
    return chain_head_revision() or alembic_head_revision()


def current_revision(conn: Connection) -> str | None:
    """The revision stamped in the database (None for a new file), as Alembic reads it."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:  # several heads stamped: let Alembic report it
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()
    return rows[0] if rows else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade (or create) the schema to ``revision`` in one transaction."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Only for tests and for support staff reproducing an older file."""
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(_config(conn), revision)
