"""``--db`` targets that are not a usable study, and refused roles: one line, the right exit code
(2 cannot open, 4 refused), no traceback, and the file given is left exactly as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import assert_one_clear_line, run_cli, run_subprocess, sha256


def export_args(db: object, out: Path) -> list[object]:
    return ["export", "--db", db, "--user", "statistician", "--format", "csv", "-o", out]


@pytest.mark.parametrize(
    ("url", "expect"),
    [
        ("mysql://someone@localhost/study", "unsupported database URL"),
        ("http://example.com/study", "unsupported database URL"),
        ("postgresql+asyncpg://localhost/study", "unsupported database URL"),
        ("://", "unsupported database URL"),
        ("postgresql://localhost:notaport/study", "not a valid postgresql:// URL"),
    ],
)
def test_a_url_that_is_not_postgresql_is_one_line(url: str, expect: str, tmp_path: Path) -> None:
    """Before: SQLAlchemy's ModuleNotFoundError / NoSuchModuleError / ArgumentError / ValueError
    as a traceback (exit 1)."""
    res = run_cli(*export_args(url, tmp_path / "e.csv"), user="statistician")
    assert_one_clear_line(res, 2, expect)
    assert not (tmp_path / "e.csv").exists()


def test_an_unreachable_postgresql_url_does_not_print_its_password(tmp_path: Path) -> None:
    """Before: 'error: postgresql://u:s3cret-pw@…: cannot connect …' (the password in clear)."""
    url = "postgresql://someone:s3cret-pw@127.0.0.1:1/study"
    res = run_cli(*export_args(url, tmp_path / "e.csv"), user="statistician")
    line = assert_one_clear_line(res, 2, "cannot connect", "127.0.0.1")
    assert "s3cret-pw" not in line and "s3cret-pw" not in res.out


def test_an_empty_file_is_not_turned_into_a_study(tmp_path: Path) -> None:
    """Before: the store created an empty study inside the 0-byte file (94 kB written), then
    'this database has no users yet' (exit 4)."""
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    res = run_cli(*export_args(db, tmp_path / "e.csv"), user="statistician")
    assert_one_clear_line(res, 2, "empty.db", "empty file")
    assert db.stat().st_size == 0
    assert not (tmp_path / "empty.db.backups").exists()


def test_another_programs_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    """Before: 'database error on other.db: table users already exists' and the file's header
    rewritten (switched to WAL journal mode)."""
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE users (id INTEGER, name TEXT)")
    conn.execute("INSERT INTO users VALUES (1, 'x')")
    conn.commit()
    conn.close()
    before = sha256(db)
    res = run_cli(*export_args(db, tmp_path / "e.csv"), user="statistician")
    assert_one_clear_line(res, 2, "other.db", "not an OutcomeDesk study database", "users")
    assert sha256(db) == before
    assert not (tmp_path / "e.csv").exists()


def test_a_folder_as_database(tmp_path: Path) -> None:
    folder = tmp_path / "study.db"
    folder.mkdir()
    res = run_cli(*export_args(folder, tmp_path / "e.csv"), user="statistician")
    assert_one_clear_line(res, 2, "study.db", "folder")
    assert list(folder.iterdir()) == []


def test_an_unreadable_database_says_so(demo_db: Path, tmp_path: Path) -> None:
    """Before: 'is read-only (…)' for a file that cannot even be read."""
    before = sha256(demo_db)
    demo_db.chmod(0)
    try:
        res = run_subprocess(
            *export_args(demo_db, tmp_path / "e.csv"), user="statistician", unprivileged=True
        )
    finally:
        demo_db.chmod(0o600)
    assert_one_clear_line(res, 2, "demo.db", "cannot be read", "permission denied")
    assert sha256(demo_db) == before


@pytest.mark.parametrize(
    ("user", "password"),
    [("statistician", "wrong"), ("nobody", "demo-statistician-1"), ("statistician", "")],
)
def test_refused_logins_exit_4(demo_db: Path, tmp_path: Path, user: str, password: str) -> None:
    """Wrong password, unknown user, an empty OUTCOMEDESK_PASSWORD (already fine; kept)."""
    args = ["export", "--db", demo_db, "--user", user, "--format", "csv", "-o", tmp_path / "e.csv"]
    res = run_cli(*args, password=password)
    assert_one_clear_line(res, 4, "refused")
    assert not (tmp_path / "e.csv").exists()


def test_import_by_a_role_that_may_not_is_refused_before_validating(
    demo_db: Path, tmp_path: Path
) -> None:
    """docs/roles.md: a statistician only reads and exports. Before: 'import --dry-run' called
    the file valid (exit 0) and the real import failed at its first row; now exit 4 at once."""
    path = tmp_path / "visits.csv"
    path.write_text("participant,visit,eqvas\nBJ-001,BL,50\n", encoding="utf-8")
    for extra in (["--dry-run"], []):
        res = run_cli("import", "--db", demo_db, "--user", "statistician", path, *extra,
                      user="statistician")  # fmt: skip
        assert_one_clear_line(res, 4, "statistician", "nothing written")


def test_a_busy_database_is_not_a_refused_login(demo_db: Path, tmp_path: Path) -> None:
    """Another program holds the write lock past the store's busy timeout (10 s). Before:
    'login as statistician refused: … is busy' with exit 4, as if the password were wrong;
    now exit 2 (the database cannot be used now) and no 'refused'."""
    holder = sqlite3.connect(demo_db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        res = run_cli(*export_args(demo_db, tmp_path / "e.csv"), user="statistician")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    line = assert_one_clear_line(res, 2, "busy")
    assert "refused" not in line
    assert not (tmp_path / "e.csv").exists()


def test_ctrl_c_at_the_password_prompt(demo_db: Path, tmp_path: Path, monkeypatch) -> None:
    """Before: Ctrl-C at the prompt was 'no password given', exit 4 (a refused login); it is
    the user stopping the command: 'interrupted', exit 130, like Ctrl-C anywhere else."""
    import getpass
    import sys

    def press_ctrl_c(prompt: str = "") -> str:
        raise KeyboardInterrupt

    monkeypatch.delenv("OUTCOMEDESK_PASSWORD", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(getpass, "getpass", press_ctrl_c)
    res = run_cli(*export_args(demo_db, tmp_path / "e.csv"))
    assert_one_clear_line(res, 130, "interrupted")
    assert not (tmp_path / "e.csv").exists()
