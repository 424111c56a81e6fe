"""Opening something that is not an OutcomeDesk study (issue 4 §3, "a clear message"): another
program's database is refused, on both engines, and left exactly as it was — no study tables
created among its own, and for SQLite not even its journal mode switched to WAL. An empty
PostgreSQL database is a new study only when asked to create one."""

from __future__ import annotations

import re
import sqlite3

import pytest
import sqlalchemy as sa

from store.api import Store
from store.errors import NotAStudy


def _tables(url_or_path: str) -> set[str]:
    url = url_or_path if "://" in url_or_path else f"sqlite:///{url_or_path}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_another_programs_sqlite_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "accounts.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL)")
    con.execute("INSERT INTO users (name) VALUES ('x')")
    con.commit()
    con.close()
    before = path.read_bytes()
    for create in (False, True):
        with pytest.raises(NotAStudy, match=r"accounts\.db is not an OutcomeDesk .*orders, users"):
            Store.open(str(path), create=create)
    assert path.read_bytes() == before  # not a byte changed (journal mode, schema, data)
    assert not path.with_name("accounts.db-wal").exists()
    assert _tables(str(path)) == {"users", "orders"}


@pytest.mark.postgres
def test_another_programs_postgres_database_is_refused_and_untouched(pg_cluster):
    url = pg_cluster.new_database()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE users (id serial PRIMARY KEY, name text)"))
    engine.dispose()
    with_password = url.replace("://outcomedesk@", "://outcomedesk:s3cret-pw@", 1)
    assert with_password != url  # (the test cluster trusts local connections)
    for create in (False, True):
        with pytest.raises(NotAStudy, match=r"not an OutcomeDesk study.*users") as err:
            Store.open(with_password, create=create)
        assert "s3cret-pw" not in str(err.value)  # the message does not show the password
    assert _tables(url) == {"users"}


@pytest.mark.postgres
def test_an_empty_postgres_database_is_a_study_only_when_creating(pg_cluster):
    url = pg_cluster.new_database()
    with pytest.raises(NotAStudy, match="empty database"):
        Store.open(url, create=False)
    assert _tables(url) == set()
    with Store.open(url, create=True) as store:
        assert store.needs_admin()
    with Store.open(url, create=False) as store:  # now it is one
        assert store.needs_admin()


def test_a_study_from_a_newer_program_version_is_refused_and_untouched(target):
    """A schema revision this program does not know (the study was written by a newer version):
    one line saying so and what to do, instead of Alembic's "Can't locate revision", and the
    file is not migrated or written."""
    from outcomedesk_version import PROGRAM_VERSION
    from store.errors import NewerDatabase

    with Store.open(target) as store:
        store.create_first_admin("admin", "admin-pass-1")
    url = target if "://" in target else f"sqlite:///{target}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    engine.dispose()
    with pytest.raises(NewerDatabase, match="newer version") as err:
        Store.open(target, create=False)
    assert "0099_from_the_future" in str(err.value) and PROGRAM_VERSION in str(err.value)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        stamp = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        users = conn.execute(sa.text("SELECT count(*) FROM users")).scalar_one()
    engine.dispose()
    assert stamp == "0099_from_the_future" and users == 1


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("mysql://user@host/db", "'mysql://…' is not a database this program can use"),
        ("://nothing", "is not a database this program can use"),
        ("postgresql://user@127.0.0.1:notaport/db", "the database URL is not valid"),
    ],
)
def test_a_url_the_store_cannot_use_is_one_clear_line(target, says):
    """Only study files and postgresql:// URLs: another scheme, or a URL that does not parse,
    was a SQLAlchemy traceback (a crash dialog in the GUI's Open database…)."""
    from store.errors import NotFound

    with pytest.raises(NotFound, match=re.escape(says)):
        Store.open(target, create=False)


def test_an_empty_file_is_a_study_only_when_creating(tmp_path):
    """A 0-byte file (e.g. made by another program, or a copy that failed) is not opened as a
    study; asked to create one (a new study's path), the program makes it one."""
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(NotAStudy, match="is an empty file"):
        Store.open(str(path), create=False)
    assert path.stat().st_size == 0
    with Store.open(str(path), create=True) as store:
        assert store.needs_admin()
    with Store.open(str(path), create=False) as store:
        assert store.needs_admin()
