"""backup/restore with bad paths and damaged backups: one line, non-zero exit, no traceback, and
the study keeps its content (docs: README "Backups")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import assert_one_clear_line, run_cli, run_subprocess, study_content


def backup(db: Path, out: Path):
    return run_cli("backup", "--db", db, "--user", "datamanager", "-o", out, user="datamanager")


def restore(db: Path, src: Path):
    return run_cli("restore", "--db", db, "--user", "datamanager", "-i", src, user="datamanager")


def test_backup_onto_a_folder(demo_db: Path, tmp_path: Path) -> None:
    """Before: IsADirectoryError traceback from os.replace, after the backup had been made."""
    folder = tmp_path / "backups"
    folder.mkdir()
    assert_one_clear_line(backup(demo_db, folder), 2, "backups", "folder")
    assert list(folder.iterdir()) == []


def test_backup_never_replaces_a_study_in_use(demo_db: Path, tmp_path: Path) -> None:
    """Before: 'backup -o other_study.db' silently replaced another study database (one the
    program had opened: it has its rotating <file>.backups/ folder) with this study's copy. An
    older backup file (no such folder) may still be replaced, as a nightly job does."""
    other = tmp_path / "other" / "study.db"
    other.parent.mkdir()
    shutil.copy(demo_db, other)
    (tmp_path / "other" / "study.db.backups").mkdir()
    before = other.read_bytes()
    assert_one_clear_line(backup(demo_db, other), 2, "study.db", "in use")
    assert other.read_bytes() == before
    nightly = tmp_path / "nightly.bak"
    assert backup(demo_db, nightly).code == 0
    assert backup(demo_db, nightly).code == 0


def test_restore_into_a_folder(demo_db: Path, tmp_path: Path) -> None:
    """Before: IsADirectoryError traceback from the safety copy."""
    good = tmp_path / "good.bak"
    assert backup(demo_db, good).code == 0
    folder = tmp_path / "study.db"
    folder.mkdir()
    assert_one_clear_line(restore(folder, good), 2, "study.db", "folder")
    assert list(folder.iterdir()) == []


def test_restore_into_a_missing_folder_creates_nothing(demo_db: Path, tmp_path: Path) -> None:
    """Before: the folder tree was created and a study restored into it (a typo in --db)."""
    good = tmp_path / "good.bak"
    assert backup(demo_db, good).code == 0
    target = tmp_path / "typo" / "study.db"
    assert_one_clear_line(restore(target, good), 2, "does not exist")
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "other-sqlite"])
def test_restore_from_a_damaged_backup_keeps_the_study(
    demo_db: Path, tmp_path: Path, damage: str
) -> None:
    """Already fine (regression test): a damaged backup is refused and the study is unchanged."""
    good = tmp_path / "good.bak"
    assert backup(demo_db, good).code == 0
    bad = tmp_path / f"{damage}.bak"
    if damage == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif damage == "garbage":
        bad.write_bytes(bytes(range(256)) * 64)
    elif damage == "empty":
        bad.write_bytes(b"")
    else:
        import sqlite3

        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE users (id INTEGER)")
        conn.commit()
        conn.close()
    before = study_content(demo_db)
    res = restore(demo_db, bad)
    assert_one_clear_line(res, 1, bad.name)
    assert study_content(demo_db) == before
    verify = run_cli("audit", "verify", "--db", demo_db, "--user", "datamanager",
                     user="datamanager")  # fmt: skip
    assert verify.code == 0, verify.err


def test_restore_does_not_print_a_postgresql_password(tmp_path: Path) -> None:
    """The URL is checked before anything is opened; its password never reaches the terminal."""
    good = tmp_path / "x.bak"
    shutil.copyfile(__file__, good)
    url = "mysql://someone:s3cret-pw@localhost/study"
    res = restore(url, good)  # type: ignore[arg-type]
    line = assert_one_clear_line(res, 2, "unsupported database URL")
    assert "s3cret-pw" not in line


def test_backup_into_a_read_only_folder(demo_db: Path, tmp_path: Path) -> None:
    """Before: PermissionError traceback from the store's temporary file."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        args = ["backup", "--db", demo_db, "--user", "datamanager", "-o", folder / "b.bak"]
        res = run_subprocess(*args, user="datamanager", unprivileged=True)
    finally:
        folder.chmod(0o755)
    assert_one_clear_line(res, 2, "b.bak", "not writable")
    assert list(folder.iterdir()) == []


def test_restore_from_an_unreadable_backup(demo_db: Path, tmp_path: Path) -> None:
    """Before: PermissionError traceback (after the login was checked)."""
    good = tmp_path / "good.bak"
    assert backup(demo_db, good).code == 0
    good.chmod(0)
    before = study_content(demo_db)
    try:
        res = run_subprocess("restore", "--db", demo_db, "--user", "datamanager", "-i", good,
                             user="datamanager", unprivileged=True)  # fmt: skip
    finally:
        good.chmod(0o600)
    assert_one_clear_line(res, 2, "good.bak", "cannot be read")
    assert study_content(demo_db) == before
