"""Backup files on plain SQLite (store/backup.py), independent of the store API.

Issue 4 §3: online backups (SQLite's backup API) while the database is in use, rotation that
keeps N, a daily copy, restore that reproduces the data exactly, damaged backups refused.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat

import pytest

from store import backup as bk


def _make_db(path, rows=50):
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, x REAL, b BLOB)")
    # restore accepts only files with the study's tables
    con.execute("CREATE TABLE alembic_version (version_num TEXT PRIMARY KEY)")
    con.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY)")
    con.executemany(
        "INSERT INTO t (v, x, b) VALUES (?, ?, ?)",
        [(f"值 {i}", i / 3, bytes([i % 256]) * 3) for i in range(rows)],
    )
    con.commit()
    return con


def _dump(path):
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_online_backup_sees_committed_wal_content_while_open(tmp_path):
    db = tmp_path / "study.db"
    con = _make_db(db)  # still open: committed rows live in the -wal file
    con.execute("INSERT INTO t (v) VALUES ('last')")
    con.commit()
    assert (tmp_path / "study.db-wal").exists()
    info = bk.backup_sqlite(db, tmp_path / "copy.sqlite")
    assert info.tables == {"t": 51, "alembic_version": 0, "audit": 0}
    assert _dump(info.path) == list(con.iterdump())
    mode = stat.S_IMODE(info.path.stat().st_mode)
    assert mode & 0o077 == 0, oct(mode)
    assert not (tmp_path / "copy.sqlite-wal").exists()  # self-contained file
    assert not list(tmp_path.glob("*.part"))
    con.close()


def test_rotation_keeps_the_newest_n(tmp_path):
    db = tmp_path / "study.db"
    _make_db(db).close()
    t0 = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
    made = [bk.rotate_backup(db, "close", keep=3, now=t0 + dt.timedelta(hours=i)) for i in range(5)]
    kept = [p for _, _, p in bk.list_backups(db)]
    assert kept == made[-3:]
    assert all(p.parent == tmp_path / "study.db.backups" for p in kept)


def test_daily_backup_only_once_per_utc_day(tmp_path):
    db = tmp_path / "study.db"
    _make_db(db).close()
    day = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)
    assert bk.backup_if_due(db, now=day) is not None
    assert bk.backup_if_due(db, now=day + dt.timedelta(hours=10)) is None
    assert bk.backup_if_due(db, now=day + dt.timedelta(days=1)) is not None
    reasons = [r for _, r, _ in bk.list_backups(db)]
    assert reasons == ["daily", "daily"]


def test_restore_reproduces_the_data_exactly_and_keeps_a_safety_copy(tmp_path):
    db = tmp_path / "study.db"
    con = _make_db(db)
    con.close()
    before = _dump(db)
    saved = bk.backup(db, tmp_path / "saved.sqlite")
    con = sqlite3.connect(db)
    con.execute("DELETE FROM t WHERE id % 2 = 0")
    con.execute("UPDATE t SET v = 'changed'")
    con.commit()
    con.close()
    changed = _dump(db)
    bk.restore(saved.path, db)
    assert _dump(db) == before
    (pre,) = [p for _, r, p in bk.list_backups(db) if r == "pre-restore"]
    assert _dump(pre) == changed


def test_restore_into_a_new_file(tmp_path):
    db = tmp_path / "study.db"
    _make_db(db).close()
    saved = bk.backup(db, tmp_path / "saved.sqlite")
    target = tmp_path / "elsewhere" / "new.db"
    bk.restore(saved.path, target)
    assert _dump(target) == _dump(db)
    assert stat.S_IMODE(target.stat().st_mode) & 0o077 == 0


def test_damaged_backup_is_refused_and_target_untouched(tmp_path):
    db = tmp_path / "study.db"
    _make_db(db).close()
    before = _dump(db)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(bk.BackupError, match=r"bad\.sqlite"):
        bk.restore(bad, db)
    not_db = tmp_path / "notes.txt"
    not_db.write_text("not a database")
    with pytest.raises(bk.BackupError, match=r"notes\.txt"):
        bk.restore(not_db, db)
    with pytest.raises(bk.BackupError, match="not found"):
        bk.restore(tmp_path / "missing.sqlite", db)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.close()
    with pytest.raises(bk.BackupError, match="not an OutcomeDesk backup"):
        bk.restore(other, db)
    assert _dump(db) == before


def test_a_damaged_database_can_be_restored_and_its_bytes_are_kept(tmp_path):
    db = tmp_path / "study.db"
    _make_db(db).close()
    good = _dump(db)
    saved = bk.backup(db, tmp_path / "saved.sqlite")
    damaged = bytearray(db.read_bytes())
    damaged[100:4096] = b"\xff" * (4096 - 100)  # the schema page is overwritten
    db.write_bytes(bytes(damaged))
    bk.restore(saved.path, db)
    assert _dump(db) == good
    raw = [p for p in (tmp_path / "study.db.backups").iterdir() if "damaged" in p.name]
    assert raw and raw[0].read_bytes() == bytes(damaged)


def test_backup_refuses_to_overwrite_the_database_itself(tmp_path):
    db = tmp_path / "study.db"
    _make_db(db).close()
    with pytest.raises(bk.BackupError, match="must not be the database"):
        bk.backup(db, db)
    with pytest.raises(bk.BackupError, match="not found"):
        bk.backup(tmp_path / "none.db", tmp_path / "x.sqlite")
