"""``--db postgresql://…`` naming a database that holds no study: refused in one line before the
store opens it, and the database is left exactly as it was (a real PostgreSQL server, the store
tests' throw-away cluster)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import assert_one_clear_line, pg_execute, pg_tables, run_cli

pytestmark = pytest.mark.postgres


def export_to(url: str, tmp_path: Path):
    return run_cli("export", "--db", url, "--user", "statistician", "--format", "csv",
                   "-o", tmp_path / "e.csv", user="statistician")  # fmt: skip


def test_an_empty_postgresql_database_is_not_turned_into_a_study(pg_cluster, tmp_path) -> None:
    """Before: the store created a whole study schema (11 tables) in the empty database, then
    'this database has no users yet' (exit 4)."""
    url = pg_cluster.new_database()
    res = export_to(url, tmp_path)
    assert_one_clear_line(res, 2, "empty database", "nothing was changed")
    assert pg_tables(url) == set()
    assert not (tmp_path / "e.csv").exists()


def test_another_programs_postgresql_database_is_refused(pg_cluster, tmp_path) -> None:
    """Before: a 110-line traceback (psycopg DuplicateTable: relation "users" already exists)
    from the store trying to create its tables there."""
    url = pg_cluster.new_database()
    pg_execute(url, "CREATE TABLE users (id int, name text); CREATE TABLE invoices (id int)")
    res = export_to(url, tmp_path)
    assert_one_clear_line(res, 2, "not an OutcomeDesk study database", "invoices, users")
    assert pg_tables(url) == {"users", "invoices"}


def test_restore_into_another_programs_postgresql_database(
    pg_cluster, demo_db: Path, tmp_path: Path
) -> None:
    """Before: 'restore failed: restore failed: (psycopg.errors.DuplicateTable) relation "users"
    already exists'. Now refused before anything is read or written, naming the tables; a
    restore into a new, empty database still works (README "Backups")."""
    good = tmp_path / "good.bak"
    res = run_cli("backup", "--db", demo_db, "--user", "datamanager", "-o", good,
                  user="datamanager")  # fmt: skip
    assert res.code == 0, res.err
    url = pg_cluster.new_database()
    pg_execute(url, "CREATE TABLE users (id int, name text)")
    res = run_cli("restore", "--db", url, "--user", "datamanager", "-i", good,
                  user="datamanager")  # fmt: skip
    assert_one_clear_line(res, 2, "not an OutcomeDesk study database", "users")
    assert pg_tables(url) == {"users"}
    empty = pg_cluster.new_database()
    res = run_cli("restore", "--db", empty, "--user", "datamanager", "-i", good,
                  user="datamanager")  # fmt: skip
    assert res.code == 0, res.err
    assert "audit verify: intact" in res.out
