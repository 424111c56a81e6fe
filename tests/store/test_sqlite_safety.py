"""SQLite file safety (DESIGN.md "SQLite is the embedded default"; sqlite.org/pragma.html,
sqlite.org/wal.html, sqlite.org/useovernet.html): permissions, pragmas, damaged files, network
file systems, read-only files (clear error, nothing half-written)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat

import pytest

from store import connection
from store.api import Store
from store.connection import filesystem_type
from store.errors import DatabaseDamaged, NotFound, ReadOnlyDatabase, UnsafeLocation
from tests.store.conftest import PASSWORDS

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
server:/export /mnt/study nfs4 rw,vers=4.2 0 0
//fs/share /mnt/smb cifs rw 0 0
user@host:/data /home/u/remote fuse.sshfs rw 0 0
/dev/sdb1 /mnt/study/local ext4 rw 0 0
/dev/sdc1 /mnt/with\\040space ext4 rw 0 0
"""


def _new(path):
    st = Store.open(str(path))
    st.create_first_admin("admin", PASSWORDS["administrator"])
    admin = st.login("admin", PASSWORDS["administrator"])
    st.add_site(admin, "SH", "Shanghai")
    st.create_user(admin, "asr", PASSWORDS["assessor"], "assessor")
    s = st.login("asr", PASSWORDS["assessor"])
    st.add_participant(s, "SH-001", "SH", "F", "1950-03-04", 160, 55.5, dt.date(2026, 1, 10))
    return st, s


def test_new_file_is_owner_only_and_pragmas_are_set(tmp_path):
    path = tmp_path / "study.db"
    st, _ = _new(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with st.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    st.close()
    for extra in ("-wal", "-shm"):
        p = tmp_path / f"study.db{extra}"
        if p.exists():
            assert stat.S_IMODE(os.stat(p).st_mode) & 0o077 == 0


def test_missing_file_without_create(tmp_path):
    with pytest.raises(NotFound, match="does not exist"):
        Store.open(str(tmp_path / "none.db"), create=False)
    assert not (tmp_path / "none.db").exists()


def test_filesystem_type_from_mounts():
    assert filesystem_type("/mnt/study/x.db", MOUNTS) == "nfs4"
    assert filesystem_type("/mnt/study/local/x.db", MOUNTS) == "ext4"
    assert filesystem_type("/mnt/smb/a/b.db", MOUNTS) == "cifs"
    assert filesystem_type("/home/u/remote/s.db", MOUNTS) == "fuse.sshfs"
    assert filesystem_type("/mnt/with space/s.db", MOUNTS) == "ext4"
    assert filesystem_type("/home/u/s.db", MOUNTS) == "ext4"


@pytest.mark.parametrize("fstype", ["nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p"])
def test_network_file_system_is_refused(tmp_path, monkeypatch, fstype):
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\nsrv:/x {tmp_path} {fstype} rw 0 0\n")
    monkeypatch.setattr(connection, "MOUNTS_FILE", str(mounts))
    with pytest.raises(UnsafeLocation, match="network file system") as exc:
        Store.open(str(tmp_path / "study.db"))
    assert fstype in str(exc.value) and "PostgreSQL" in str(exc.value)
    assert not (tmp_path / "study.db").exists()


def test_a_folder_or_nothing_is_named_as_such(tmp_path):
    """A folder chosen instead of the study file, or an empty name: one line saying so (it was
    "cannot open …: unable to open database file", reported as a damaged database)."""
    with pytest.raises(NotFound, match="is a folder, not a study database"):
        Store.open(str(tmp_path), create=False)
    with pytest.raises(NotFound, match="is a folder"):
        Store.open(str(tmp_path), create=True)
    for empty in ("", "   "):
        with pytest.raises(NotFound, match="no database was given"):
            Store.open(empty)
    assert list(tmp_path.iterdir()) == []  # nothing created


def test_not_a_database(tmp_path):
    path = tmp_path / "study.db"
    path.write_bytes(b"this is a spreadsheet, not a database" * 200)
    with pytest.raises(DatabaseDamaged, match="restore"):
        Store.open(str(path))


def test_damaged_database_is_reported_at_open(tmp_path):
    path = tmp_path / "study.db"
    st, s = _new(path)
    for i in range(40):
        st.add_participant(s, f"SH-{i + 100}", "SH", "M", "1951-01-01", 170, 70, "2026-01-01")
    st.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = con.execute("PRAGMA page_size").fetchone()[0]
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    con.close()
    assert pages > 4
    with open(path, "r+b") as f:  # overwrite interior b-tree pages with garbage
        for p in range(2, pages - 1):
            f.seek(p * page + 8)
            f.write(b"\xff" * 64)
    with pytest.raises(DatabaseDamaged) as exc:
        Store.open(str(path))
    assert "restore" in str(exc.value)


def test_read_only_file_is_refused_at_open(tmp_path):
    path = tmp_path / "study.db"
    st, _ = _new(path)
    st.close()
    size = path.stat().st_size
    os.chmod(path, 0o400)
    try:
        with pytest.raises(ReadOnlyDatabase, match="read-only"):
            Store.open(str(path))
    finally:
        os.chmod(path, 0o600)
    assert path.stat().st_size == size


def test_file_made_read_only_while_open_writes_nothing(tmp_path):
    path = tmp_path / "study.db"
    st, s = _new(path)
    v = st.visit(s, "SH-001", "BL")
    ver = st.save_answers(s, "SH-001", "BL", {"eqvas": 60}, expected_version=v.row_version)
    os.chmod(path, 0o400)
    try:
        with pytest.raises(ReadOnlyDatabase, match="read-only"):
            st.save_answers(s, "SH-001", "BL", {"eqvas": 61, "sf36_01": 2}, expected_version=ver)
        assert st.answers(s, "SH-001", "BL")["eqvas"].value == 60.0  # reads still work
    finally:
        os.chmod(path, 0o600)
    answers = st.answers(s, "SH-001", "BL")
    assert answers["eqvas"].value == 60.0 and "sf36_01" not in answers
    assert st.visit(s, "SH-001", "BL").row_version == ver
    st.close()
    st = Store.open(str(path))
    dm_admin = st.login("admin", PASSWORDS["administrator"])
    assert st.verify_audit(dm_admin).ok
    st.close()
