"""Backups and restore of a study database (issue 4 §3 "Backups").

SQLite (the default): copies are taken with SQLite's online backup API (``sqlite3.Connection
.backup``), which produces a consistent snapshot while other connections keep reading and
writing, WAL content included. Every copy is checked with ``PRAGMA integrity_check`` before it
replaces anything, is written to a temporary name first and renamed into place (a crash never
leaves half a backup under a backup's name), and is created owner-only (0600).

Rotation: ``rotate_backup`` keeps the newest ``keep`` automatic copies in ``<db>.backups/`` next to
the database (``<db name>-YYYYmmddTHHMMSSfffffZ-<reason>.sqlite``). Importing this module adds a
``Store.close_hooks`` entry, so every ``Store.close()`` of an SQLite study takes one (reason
``close``); a long-running program calls ``automatic_backup(store, "daily")`` from a timer, which
copies at most once per UTC day (``backup_if_due``).

PostgreSQL: a *logical* copy through SQLAlchemy, table by table in primary-key order, into a file
in SQLite format with the same tables and the same rows (the ``alembic_version`` row included).
The backup file is therefore one format for both engines: it can be opened with any SQLite tool,
restored into a PostgreSQL database or into an SQLite file. ``pg_dump`` is deliberately not used:
it is not always installed on a clinic PC that talks to a shared server, its output must match
the server's major version, and it could not be checked with the same ``audit verify`` path.

Restore replaces the whole content of the target with the backup (after taking a safety copy of
the SQLite target, reason ``pre-restore``). A PostgreSQL target must be empty (freshly migrated):
its audit trail is append-only, so restoring over existing rows would need to delete audited
history, which the store never does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from store.errors import StoreError

DEFAULT_KEEP = 14  # automatic copies kept per database (two weeks of daily backups)
BACKUP_SUFFIX = ".sqlite"
_NAME_RE = re.compile(r"-(\d{8}T\d{6}(?:\d{6})?Z)-([a-z-]+)\.sqlite$")
_BATCH = 2000  # rows per INSERT batch in a logical copy


class BackupError(StoreError):
    """A backup or restore could not be done; the message says what and where (one line)."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    size_bytes: int
    tables: dict[str, int]  # table name → row count in the copy


# --------------------------------------------------------------------------------------------
# Paths and URLs


def is_postgres_url(db: str | os.PathLike[str]) -> bool:
    return str(db).startswith(("postgresql:", "postgresql+", "postgres:"))


def sqlite_path(db: str | os.PathLike[str]) -> Path:
    """The file path of an SQLite database given as a path or an ``sqlite:///`` URL."""
    text = str(db)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :]
    return Path(text)


def backup_dir_for(db: str | os.PathLike[str]) -> Path:
    """Where automatic backups of ``db`` live: ``<db>.backups`` beside an SQLite file."""
    path = sqlite_path(db)
    return path.with_name(path.name + ".backups")


def _stamp(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _parse_stamp(text: str) -> dt.datetime:
    fmt = "%Y%m%dT%H%M%S%fZ" if len(text) > 16 else "%Y%m%dT%H%M%SZ"
    return dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC)


# --------------------------------------------------------------------------------------------
# SQLite online backups


def _connect_existing(path: Path) -> sqlite3.Connection:
    if not path.exists():
        raise BackupError(f"database file not found: {path}")
    # read-write mode on purpose: a read-only connection cannot open a WAL database whose
    # -shm file is missing; the backup only reads.
    return sqlite3.connect(path, timeout=30)


def _check_integrity(con: sqlite3.Connection, what: str) -> None:
    try:
        rows = con.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{what} is not a readable SQLite database ({exc})") from exc
    if rows != [("ok",)]:
        first = rows[0][0] if rows else "no answer"
        raise BackupError(f"{what} failed the integrity check: {first}")


def _table_counts(con: sqlite3.Connection) -> dict[str, int]:
    names = [
        r[0]
        for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _private_tempfile(directory: Path, prefix: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".part", dir=directory)
    os.close(fd)
    os.chmod(name, 0o600)
    return Path(name)


def backup_sqlite(db: str | os.PathLike[str], dest: str | os.PathLike[str]) -> BackupInfo:
    """Copy the SQLite database ``db`` to ``dest`` with the online backup API.

    The copy is a single self-contained file (rollback-journal mode, no ``-wal`` beside it),
    integrity-checked, owner-only, and appears under ``dest`` only when complete.
    """
    src_path = sqlite_path(db)
    dest_path = Path(dest)
    if dest_path.resolve() == src_path.resolve():
        raise BackupError("the backup file must not be the database itself")
    tmp = _private_tempfile(dest_path.parent, "." + dest_path.name + ".")
    try:
        src = _connect_existing(src_path)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)
                out.execute("PRAGMA journal_mode=DELETE")
                _check_integrity(out, f"the new backup {dest_path}")
                tables = _table_counts(out)
            finally:
                out.close()
        finally:
            src.close()
        os.replace(tmp, dest_path)
    except sqlite3.Error as exc:
        raise BackupError(f"backup of {src_path} failed: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(dest_path.parent)
    return BackupInfo(dest_path, dest_path.stat().st_size, tables)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def list_backups(db: str | os.PathLike[str]) -> list[tuple[dt.datetime, str, Path]]:
    """Automatic backups of ``db``, oldest first: (UTC time, reason, path)."""
    folder = backup_dir_for(db)
    stem = sqlite_path(db).name
    found = []
    if folder.is_dir():
        for p in folder.iterdir():
            m = _NAME_RE.search(p.name)
            if m and p.name.startswith(stem + "-") and len(p.name) == len(stem) + len(m.group(0)):
                found.append((_parse_stamp(m.group(1)), m.group(2), p))
    return sorted(found)


def rotate_backup(
    db: str | os.PathLike[str],
    reason: str = "close",
    keep: int = DEFAULT_KEEP,
    now: dt.datetime | None = None,
) -> Path:
    """Take an automatic backup of ``db`` into ``<db>.backups/`` and keep the newest ``keep``."""
    if keep < 1:
        raise BackupError("keep must be at least 1")
    if not re.fullmatch(r"[a-z-]+", reason):
        raise BackupError(f"invalid backup reason {reason!r}")
    now = now or dt.datetime.now(dt.UTC)
    folder = backup_dir_for(db)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    dest = folder / f"{sqlite_path(db).name}-{_stamp(now)}-{reason}{BACKUP_SUFFIX}"
    backup_sqlite(db, dest)
    existing = list_backups(db)
    for _, _, old in existing[: max(0, len(existing) - keep)]:
        old.unlink(missing_ok=True)
    return dest


def backup_if_due(
    db: str | os.PathLike[str], keep: int = DEFAULT_KEEP, now: dt.datetime | None = None
) -> Path | None:
    """The daily backup: taken when no automatic backup exists for today's UTC date."""
    now = now or dt.datetime.now(dt.UTC)
    today = now.astimezone(dt.UTC).date()
    if any(ts.date() == today for ts, _, _ in list_backups(db)):
        return None
    return rotate_backup(db, "daily", keep, now)


def _safety_copy(dest_path: Path) -> None:
    """Keep the current content before a restore: an online copy, or for a damaged file the
    raw bytes (database, -wal) so nothing is ever lost by restoring."""
    try:
        rotate_backup(dest_path, "pre-restore", keep=DEFAULT_KEEP)
    except BackupError:
        folder = backup_dir_for(dest_path)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stem = f"{dest_path.name}-{_stamp(dt.datetime.now(dt.UTC))}-damaged"
        for suffix in ("", "-wal"):
            src = dest_path.with_name(dest_path.name + suffix)
            if src.exists():
                target = folder / (stem + BACKUP_SUFFIX.replace(".", "-raw.") + suffix)
                shutil.copyfile(src, target)
                os.chmod(target, 0o600)


def restore_sqlite(backup: str | os.PathLike[str], db: str | os.PathLike[str]) -> BackupInfo:
    """Replace the SQLite database ``db`` by the content of ``backup`` (checked first).

    The current content is kept first (``_safety_copy``). The backup is copied with the backup
    API into a new file beside ``db``, checked, switched to WAL, and renamed over ``db`` after
    the old ``-wal``/``-shm`` files are removed, so a damaged database can be restored too.
    No other program may use ``db`` meanwhile.
    """
    src_path = Path(backup)
    dest_path = sqlite_path(db)
    src = _connect_existing(src_path)
    try:
        _check_integrity(src, f"backup file {src_path}")
        tables = _table_counts(src)
        if "audit" not in tables or "alembic_version" not in tables:
            raise BackupError(f"{src_path} is not an OutcomeDesk backup (no study tables)")
        dest_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _private_tempfile(dest_path.parent, "." + dest_path.name + ".restore-")
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)
                out.execute("PRAGMA journal_mode=WAL")
                _check_integrity(out, f"restored copy {tmp}")
            finally:
                out.close()
            if dest_path.exists():
                _safety_copy(dest_path)
            for suffix in ("-wal", "-shm"):
                dest_path.with_name(dest_path.name + suffix).unlink(missing_ok=True)
            os.replace(tmp, dest_path)
            _fsync_dir(dest_path.parent)
        except sqlite3.Error as exc:
            raise BackupError(f"cannot restore into {dest_path}: {exc}") from exc
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        src.close()
    return BackupInfo(dest_path, dest_path.stat().st_size, tables)


# --------------------------------------------------------------------------------------------
# Logical copies (PostgreSQL ↔ SQLite-format backup file) through SQLAlchemy


def _sqlite_file_engine(path: Path):
    """A plain engine on an SQLite file (no WAL: the backup is one self-contained file)."""
    import sqlalchemy as sa

    return sa.create_engine(f"sqlite:///{path}")


def _revision(engine) -> str | None:
    from store.migrations import current_revision

    with engine.connect() as conn:
        return current_revision(conn)


def _data_tables(src_engine, dest_engine):
    """The store's tables present in both databases, parents first, with their common columns
    (a file at an older revision lacks newer columns)."""
    import sqlalchemy as sa

    from store.schema import metadata

    have_src = sa.inspect(src_engine)
    have_dest = sa.inspect(dest_engine)
    out = []
    for table in metadata.sorted_tables:
        if not (have_src.has_table(table.name) and have_dest.has_table(table.name)):
            continue
        src_cols = {c["name"] for c in have_src.get_columns(table.name)}
        dest_cols = {c["name"] for c in have_dest.get_columns(table.name)}
        cols = [c for c in table.columns if c.name in src_cols and c.name in dest_cols]
        out.append((table, cols))
    return out


def _copy_rows(src_engine, dest_engine, *, require_empty_target: bool) -> dict[str, int]:
    """Copy every row of every store table, in primary-key order, in one target transaction."""
    import sqlalchemy as sa

    tables = _data_tables(src_engine, dest_engine)
    counts: dict[str, int] = {}
    with src_engine.connect() as src, dest_engine.begin() as dest:
        if src.dialect.name == "postgresql":  # one consistent snapshot of every table
            src.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        if require_empty_target:
            for table, _ in tables:
                n = dest.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                if n:
                    raise BackupError(
                        f"restore target is not empty (table {table.name} has {n} rows); "
                        "restore into a new, empty database"
                    )
        for table, cols in tables:
            order = list(table.primary_key.columns) or cols
            result = src.execution_options(yield_per=_BATCH).execute(
                sa.select(*cols).order_by(*order)
            )
            n = 0
            for chunk in result.partitions(_BATCH):
                dest.execute(sa.insert(table), [dict(r._mapping) for r in chunk])
                n += len(chunk)
            counts[table.name] = n
        if dest.dialect.name == "postgresql":
            _reset_sequences(dest, [t for t, _ in tables])
    return counts


def _reset_sequences(conn, tables) -> None:
    """After inserting explicit ids, move each serial/identity sequence past the largest id."""
    import sqlalchemy as sa

    for t in tables:
        for c in t.primary_key.columns:
            seq = conn.execute(
                sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": t.name, "c": c.name}
            ).scalar()
            if seq:
                conn.execute(
                    sa.text(
                        f'SELECT setval(:s, COALESCE((SELECT max("{c.name}") FROM "{t.name}"), 0)'
                        " + 1, false)"
                    ),
                    {"s": seq},
                )


def backup_postgres(url: str, dest: str | os.PathLike[str]) -> BackupInfo:
    """Logical copy of a PostgreSQL study into an SQLite-format file: the file is created by the
    same migrations (same revision, triggers included) and then filled table by table."""
    import sqlalchemy as sa

    from store.connection import open_postgres
    from store.migrations import upgrade

    dest_path = Path(dest)
    tmp = _private_tempfile(dest_path.parent, "." + dest_path.name + ".")
    src_engine = open_postgres(url)
    dest_engine = _sqlite_file_engine(tmp)
    try:
        revision = _revision(src_engine)
        if revision is None:
            raise BackupError(f"{url.split('@')[-1]} holds no OutcomeDesk study (no schema)")
        upgrade(dest_engine, revision)
        _copy_rows(src_engine, dest_engine, require_empty_target=True)
        dest_engine.dispose()
        con = sqlite3.connect(tmp)
        try:
            _check_integrity(con, f"the new backup {dest_path}")
            tables = _table_counts(con)
        finally:
            con.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest_path)
    except sa.exc.SQLAlchemyError as exc:
        raise BackupError(f"backup failed: {str(exc).splitlines()[0]}") from exc
    finally:
        src_engine.dispose()
        dest_engine.dispose()
        tmp.unlink(missing_ok=True)
    return BackupInfo(dest_path, dest_path.stat().st_size, tables)


def restore_postgres(backup: str | os.PathLike[str], url: str) -> BackupInfo:
    """Fill an empty PostgreSQL database (no schema, or a freshly migrated one without rows)
    from a backup file, in one transaction; the schema is migrated to the backup's revision."""
    import sqlalchemy as sa

    from store.connection import open_postgres
    from store.migrations import upgrade

    src_path = Path(backup)
    con = _connect_existing(src_path)
    try:
        _check_integrity(con, f"backup file {src_path}")
    finally:
        con.close()
    src_engine = _sqlite_file_engine(src_path)
    dest_engine = open_postgres(url)
    try:
        revision = _revision(src_engine)
        if revision is None:
            raise BackupError(f"{src_path} is not an OutcomeDesk backup (no schema revision)")
        target_rev = _revision(dest_engine)
        if target_rev is None:
            upgrade(dest_engine, revision)
        elif target_rev != revision:
            raise BackupError(
                f"the target database is at schema revision {target_rev}, the backup at "
                f"{revision}; restore into a new, empty database"
            )
        tables = _copy_rows(src_engine, dest_engine, require_empty_target=True)
    except sa.exc.SQLAlchemyError as exc:
        raise BackupError(f"restore failed: {str(exc).splitlines()[0]}") from exc
    finally:
        src_engine.dispose()
        dest_engine.dispose()
    return BackupInfo(src_path, src_path.stat().st_size, tables)


# --------------------------------------------------------------------------------------------
# One entry point per direction, whatever the engine


def backup(db: str | os.PathLike[str], dest: str | os.PathLike[str]) -> BackupInfo:
    """Back up ``db`` (an SQLite path or a PostgreSQL URL) into the SQLite-format file ``dest``."""
    if is_postgres_url(db):
        return backup_postgres(str(db), dest)
    return backup_sqlite(db, dest)


def restore(backup_file: str | os.PathLike[str], db: str | os.PathLike[str]) -> BackupInfo:
    """Restore ``backup_file`` into ``db`` (an SQLite path or an empty PostgreSQL database)."""
    if not Path(backup_file).is_file():
        raise BackupError(f"backup file not found: {backup_file}")
    if is_postgres_url(db):
        return restore_postgres(backup_file, str(db))
    return restore_sqlite(backup_file, db)


# --------------------------------------------------------------------------------------------
# Automatic backups of an open store (registered on import: Store.close_hooks)

_log = logging.getLogger("outcomedesk.backup")


def failure_note_for(db: str | os.PathLike[str]) -> Path:
    """``<db>.backup-failed`` beside the database (whose folder SQLite can always write): the
    last automatic backup failed. It names when and why; the next success removes it."""
    path = sqlite_path(db)
    return path.with_name(path.name + ".backup-failed")


def automatic_backup(store, reason: str = "close") -> Path | None:
    """The rotating backup of an SQLite store (``store.backup_keep`` copies, default
    ``DEFAULT_KEEP``). PostgreSQL servers are backed up by their administrator (or with
    ``python main.py backup``), not by every workstation that closes.

    A failed backup is logged, never raised: closing must not lose the session's data, which is
    already saved. It is also kept in ``store.backup_problem`` and in a note beside the database
    (``failure_note_for``), so that the next start tries again at once (not only the next day)
    and the program can tell its user that backups are not being made."""
    if not getattr(store, "is_sqlite", False) or getattr(store, "path", None) is None:
        return None
    keep = int(getattr(store, "backup_keep", DEFAULT_KEEP))
    note = failure_note_for(store.path)
    try:
        if reason == "daily" and not note.exists():
            made = backup_if_due(store.path, keep)
        else:
            made = rotate_backup(store.path, reason, keep)
    except (BackupError, OSError) as exc:
        _log.error("automatic backup of %s failed: %s", store.path, exc)
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        store.backup_problem = f"automatic backup failed ({when}): {exc}"
        with contextlib.suppress(OSError):
            note.write_text(store.backup_problem + "\n", encoding="utf-8")
        return None
    note.unlink(missing_ok=True)
    store.backup_problem = None
    return made


def _close_hook(store) -> None:
    automatic_backup(store, "close")


def register_close_hook() -> None:
    """Make ``Store.close()`` take the rotating backup (idempotent)."""
    from store.api import Store

    if _close_hook not in Store.close_hooks:
        Store.close_hooks.append(_close_hook)


register_close_hook()
