"""The quick "is this file at the head revision?" check of ``Store.open`` (store/migrations).

Start-up reads the head from the revision files as text instead of importing Alembic; it must
agree with Alembic's own ScriptDirectory, and the stamp read with plain SQL must agree with
Alembic's MigrationContext, on a new and on an older (revision 0001) database.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from store.api import Store
from store.migrations import (
    alembic_head_revision,
    chain_head_revision,
    current_revision,
    downgrade,
    head_revision,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_text_head_is_alembics_head():
    assert chain_head_revision() == alembic_head_revision() == head_revision() != ""


def test_the_stamp_read_with_sql_is_alembics(tmp_path):
    path = tmp_path / "s.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert current_revision(conn) is None  # a new file: no stamp yet
    Store.open(str(path)).close()
    for revision in (head_revision(), "0001"):
        if revision == "0001":
            downgrade(engine, "0001")
        with engine.connect() as conn:
            assert current_revision(conn) == revision
            assert MigrationContext.configure(conn).get_current_revision() == revision
    engine.dispose()


def test_opening_an_up_to_date_file_does_not_import_alembic(tmp_path):
    path = tmp_path / "s.db"
    Store.open(str(path)).close()
    code = (
        "import sys; from store.api import Store; "
        f"Store.open({str(path)!r}, create=False).close(); "
        "print(sorted(m for m in ('alembic', 'mako', 'pygments') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
