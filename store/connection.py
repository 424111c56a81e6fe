"""Opening the database safely: SQLite file checks and pragmas, or a PostgreSQL URL.

SQLite (the default, https://www.sqlite.org/pragma.html, https://www.sqlite.org/wal.html):
WAL journal, synchronous=FULL (a committed transaction survives a power cut), foreign keys on,
a busy timeout, a new file created with owner-only permissions (0600), ``quick_check`` at open,
and refusal of network file systems, where SQLite's file locking is unreliable
(https://www.sqlite.org/useovernet.html). Write transactions start with BEGIN IMMEDIATE so two
writers never deadlock on a lock upgrade. PostgreSQL: the same code through psycopg 3.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Table, create_engine, event, insert, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from store.errors import (
    DatabaseDamaged,
    NotAStudy,
    NotFound,
    ReadOnlyDatabase,
    StoreError,
    UnsafeLocation,
)
from store.migrations import VERSION_TABLE

MOUNTS_FILE = "/proc/mounts"
# File systems where SQLite's POSIX locks are unreliable or absent (sqlite.org/useovernet.html).
NETWORK_FS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smbfs",
        "smb3",
        "sshfs",
        "fuse.sshfs",
        "afs",
        "9p",
        "ncpfs",
        "coda",
        "davfs",
        "fuse.davfs2",
        "glusterfs",
        "fuse.glusterfs",
        "ceph",
        "fuse.ceph",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "lustre",
        "gpfs",
        "fuse.cryfs",
    }
)


def is_url(target: str) -> bool:
    return "://" in str(target)


def _unescape_mount(path: str) -> str:
    """/proc/mounts escapes space, tab, newline and backslash as octal (\\040 …)."""
    out, i = [], 0
    while i < len(path):
        if path[i] == "\\" and path[i + 1 : i + 4].isdigit() and len(path[i + 1 : i + 4]) == 3:
            out.append(chr(int(path[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(path[i])
            i += 1
    return "".join(out)


def filesystem_type(path: str | Path, mounts_text: str | None = None) -> str | None:
    """The type of the file system holding ``path`` (longest matching mount point)."""
    if mounts_text is None:
        try:
            mounts_text = Path(MOUNTS_FILE).read_text()
        except OSError:
            return None
    real = os.path.realpath(path)
    best, best_type = "", None
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount, fstype = _unescape_mount(parts[1]), parts[2]
        prefix = mount.rstrip("/") + "/"
        if (real == mount or real.startswith(prefix) or mount == "/") and len(mount) >= len(best):
            best, best_type = mount, fstype
    return best_type


def check_location(path: Path, mounts_text: str | None = None) -> None:
    """Refuse a path on a network file system (UnsafeLocation, with the reason)."""
    where = path if path.exists() else path.parent
    fstype = filesystem_type(where, mounts_text)
    if fstype and (fstype in NETWORK_FS or fstype.split(".")[0] in {"nfs", "cifs", "smb3"}):
        raise UnsafeLocation(
            f"{path} is on a network file system ({fstype}); SQLite's file locking is not "
            "reliable there and the database could be corrupted. Keep the file on a local disk, "
            "or use a PostgreSQL server (--db postgresql://…) to share data between computers."
        )


def file_writable(path: Path) -> bool:
    """False when the file or its folder is not writable, by permission bits or access()."""
    try:
        st = path.stat()
    except OSError:
        return False
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return False  # honour a read-only file even for root, who bypasses access()
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def read_only_message(path: Path) -> str:
    return (
        f"{path} is read-only (file or folder permissions, or read-only media); OutcomeDesk must "
        "write to it (audit trail, logins). Copy it to a writable folder or fix its permissions."
    )


def create_file(path: Path) -> None:
    """Create an empty database file with owner-only permissions (0600)."""
    if not path.parent.is_dir():
        raise NotFound(f"folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise ReadOnlyDatabase(f"cannot create {path}: the folder is not writable")
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def refuse_foreign(target: str, tables: Iterable[str]) -> None:
    """NotAStudy when ``tables`` are another program's: a database with tables but without the
    stamp of OutcomeDesk's migrations is not ours, and is neither migrated nor written."""
    names = sorted(set(tables))
    if names and VERSION_TABLE not in names:  # stamped by our migrations from the first version
        listed = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        raise NotAStudy(
            f"{target} is not an OutcomeDesk study database (it holds another program's "
            f"tables: {listed}); nothing was changed"
        )


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 10000")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    mode = "IMMEDIATE" if conn.get_execution_options().get("write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def _wal_of(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def open_sqlite(path: Path, create: bool) -> Engine:
    """Checks of DESIGN.md "SQLite is the embedded default"; returns a configured engine."""
    path = Path(path).expanduser().absolute()
    if path.is_dir():
        raise NotFound(f"{path} is a folder, not a study database: choose the database file")
    check_location(path)
    new = not path.exists()
    if new:
        if not create:
            raise NotFound(f"database {path} does not exist")
        create_file(path)
    elif not os.access(path, os.R_OK):
        raise ReadOnlyDatabase(f"{path} cannot be read (permission denied); nothing was changed")
    elif not file_writable(path):
        raise ReadOnlyDatabase(read_only_message(path))
    elif not create and path.stat().st_size == 0 and not _wal_of(path).exists():
        raise NotAStudy(f"{path} is an empty file, with no OutcomeDesk study in it")
    engine = sqlite_engine(path)
    try:
        raw = engine.raw_connection()  # outside any transaction (journal_mode needs that)
        try:
            cur = raw.cursor()
            if not new:  # read only: another program's database must be left as it is
                found = cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                refuse_foreign(str(path), [r[0] for r in found.fetchall()])
            mode = cur.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise DatabaseDamaged(f"{path}: cannot switch to WAL journal mode ({mode})")
            if not new:
                rows = [r[0] for r in cur.execute("PRAGMA quick_check").fetchall()]
                if rows != ["ok"]:
                    detail = "; ".join(str(r) for r in rows[:3])
                    raise DatabaseDamaged(
                        f"{path} is damaged (SQLite quick_check: {detail}). Do not write to it: "
                        "restore the newest backup (python main.py restore) and report it."
                    )
            cur.close()
        finally:
            raw.close()
    except (OperationalError, DBAPIError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        orig = getattr(exc, "orig", exc)
        if isinstance(orig, sqlite3.DatabaseError) and (
            "not a database" in str(orig) or "malformed" in str(orig)
        ):
            raise DatabaseDamaged(
                f"{path} is not an OutcomeDesk database or is damaged ({orig}); restore the "
                "newest backup (python main.py restore)."
            ) from None
        if "readonly" in str(orig) or "read-only" in str(orig):
            raise ReadOnlyDatabase(read_only_message(path)) from None
        raise DatabaseDamaged(f"cannot open {path}: {orig}") from None
    except StoreError:
        engine.dispose()
        raise
    return engine


POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def open_postgres(url: str) -> Engine:
    """A checked connection to a PostgreSQL server (the only server the store supports)."""
    if not url.startswith(POSTGRES_SCHEMES):
        scheme = url.split("://", 1)[0] or "(none)"
        raise NotFound(
            f"'{scheme}://…' is not a database this program can use: give a study file or a "
            "postgresql:// URL"
        )
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    try:
        engine = create_engine(url, future=True, pool_pre_ping=True)
    except (ArgumentError, ValueError) as exc:  # e.g. a port that is not a number
        raise NotFound(f"the database URL is not valid: {exc}") from None
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        engine.dispose()
        safe = engine.url.render_as_string(hide_password=True)
        raise NotFound(
            f"cannot connect to {safe}: {str(exc.orig).strip().splitlines()[0]}"
        ) from None
    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction (BEGIN IMMEDIATE on SQLite); commits or rolls back as a whole."""
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        yield conn


_INSERT_SQL: dict[tuple[str, str, tuple[str, ...]], tuple[str, tuple[int, ...] | None]] = {}


def insert_many(
    conn: Connection, table: Table, columns: tuple[str, ...], rows: Sequence[Sequence]
) -> None:
    """INSERT ``rows`` (value tuples in ``columns`` order) with one driver executemany.

    The statement is compiled once per dialect, table and columns; the values go to the driver
    as they are (no per-row parameter processing by SQLAlchemy), so this is only for columns
    whose values the driver takes natively: text, integers, floats, None. Database errors are
    raised as SQLAlchemy's, as from ``conn.execute``."""
    if not rows:
        return
    key = (conn.dialect.name, table.name, columns)
    prepared = _INSERT_SQL.get(key)
    if prepared is None:
        compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(columns))
        order = None  # named parameters (e.g. psycopg's %(name)s)
        if compiled.positional:  # e.g. SQLite's ?: the value tuples in the statement's order
            order = tuple(columns.index(k) for k in compiled.positiontup or ())
        prepared = _INSERT_SQL[key] = (str(compiled), order)
    sql, order = prepared
    if order is None:
        conn.exec_driver_sql(sql, [dict(zip(columns, r, strict=True)) for r in rows])
    elif order == tuple(range(len(columns))):
        conn.exec_driver_sql(sql, [tuple(r) for r in rows])
    else:
        conn.exec_driver_sql(sql, [tuple(r[i] for i in order) for r in rows])
