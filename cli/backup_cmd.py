"""``python main.py backup`` and ``python main.py restore``: copies of a study database.

    python main.py backup  --db PATH|URL --user NAME -o FILE
    python main.py restore --db PATH|URL --user NAME -i FILE

A backup file is one SQLite-format file for both engines (store/backup.py): for SQLite an online
copy (the program may stay open meanwhile), for PostgreSQL a logical copy. Only a data manager or
an administrator may back up or restore (docs/roles.md, action ``backup``); both are audited.

Restore checks the backup first, keeps a safety copy of the current SQLite file (``pre-restore``
in ``<db>.backups/``), replaces the content, audits the restore in the restored database and runs
``audit verify`` on it. The user is authenticated against the current database when it opens and
has users; otherwise (a damaged file, a new empty PostgreSQL database) against a private copy of
the backup itself, so a damaged database can be restored.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from cli.args import path_arg
from cli.auth import (
    EXIT_AUTH,
    EXIT_OPEN,
    add_db_user_arguments,
    check_url,
    is_url,
    login,
    open_store,
    postgres_tables,
    read_password,
    refuse_foreign,
    shown_db,
    sqlite_tables,
)
from cli.errors import CommandError

EXIT_FAILED = 1


def register(subparsers) -> None:
    b = subparsers.add_parser(
        "backup", help="copy the study database into one backup file (SQLite format)"
    )
    add_db_user_arguments(b)
    b.add_argument("-o", "--output", type=path_arg, required=True, help="backup file to write")
    b.set_defaults(handler=run_backup)
    r = subparsers.add_parser(
        "restore", help="replace the study database's content with a backup file"
    )
    add_db_user_arguments(r)
    r.add_argument("-i", "--input", type=path_arg, required=True, help="backup file to restore")
    r.set_defaults(handler=run_restore)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _require_backup_role(store, session) -> None:
    from store.errors import StoreError

    try:
        store.require(session, "backup")
    except StoreError as exc:
        raise CommandError(str(exc), EXIT_AUTH) from None


def _refuse_live_study(out: Path) -> None:
    """A backup may replace an older backup file, never a study database someone works in:
    one the program has opened has its rotating ``<file>.backups/`` folder or a ``-wal`` file."""
    if not out.is_file():
        return
    signs = [p for p in (Path(f"{out}.backups"), Path(f"{out}-wal")) if p.exists()]
    if signs:
        raise CommandError(
            f"-o {out}: is a study database in use (it has {signs[0].name}); a backup never "
            "replaces a study: give a new file name"
        )


def run_backup(args: argparse.Namespace) -> int:
    from store import backup as bk
    from store.errors import StoreError

    out = Path(args.output)
    if out.is_dir():
        raise CommandError(f"-o {out}: is a folder; give the backup file's name")
    if not out.parent.is_dir():
        raise CommandError(f"-o {out}: folder {out.parent} does not exist")
    if not os.access(out.parent, os.W_OK | os.X_OK):
        raise CommandError(f"-o {out}: folder {out.parent} is not writable")
    _refuse_live_study(out)
    store = open_store(args.db)
    try:
        session = login(store, args.user)
        _require_backup_role(store, session)
        try:
            store.record_event(session, "backup", f"backup to {out.name}")
            info = bk.backup(args.db, out)
        except StoreError as exc:
            raise CommandError(f"backup failed: {exc}", EXIT_FAILED) from None
        except OSError as exc:  # the disk filled up, the folder became unwritable …
            raise CommandError(
                f"-o {out}: backup failed ({exc.strerror or exc})", EXIT_FAILED
            ) from None
    finally:
        store.close()
    rows = sum(info.tables.values())
    print(
        f"backup: {info.path} ({info.size_bytes:,} bytes, {len(info.tables)} tables, "
        f"{rows:,} rows, sha256 {_sha256(info.path)[:16]}…)"
    )
    return 0


def _holds_a_study(db: str) -> bool:
    """True when ``db`` exists and has the store's schema (or is an SQLite file the store may
    find damaged); opening an empty PostgreSQL database through the store would create a study
    in it and make it unfit for a restore. Another program's database is refused: a restore
    never replaces it."""
    if not is_url(db):
        path = Path(db)
        if path.is_file():
            refuse_foreign(db, sqlite_tables(path))
        return path.exists()
    check_url(db)
    tables = postgres_tables(db)
    refuse_foreign(db, tables)
    from store.migrations import VERSION_TABLE  # every study is stamped by its migrations

    return VERSION_TABLE in tables


def _authenticate_for_restore(db: str, backup_file: Path, user: str, password: str) -> str:
    """Where the user was authenticated: 'database' or 'backup'. CommandError when refused."""
    from store.api import Store
    from store.errors import DatabaseDamaged, NotFound, StoreError

    holds = _holds_a_study(db)  # another program's or an unreachable database: refused here
    try:
        store = open_store(db) if holds else None
    except CommandError:
        store = None  # damaged or unreadable: authenticate against the backup instead
    if store is not None:
        try:
            if not store.needs_admin():
                session = login(store, user, password)
                _require_backup_role(store, session)
                return "database"
        finally:
            store.close()
    with tempfile.TemporaryDirectory(prefix="outcomedesk-restore-") as tmp:
        copy = Path(tmp) / "backup-check.db"
        shutil.copyfile(backup_file, copy)
        try:
            bstore = Store.open(copy, create=False)
        except (DatabaseDamaged, NotFound, StoreError) as exc:
            raise CommandError(f"-i {backup_file}: not a usable backup: {exc}", EXIT_OPEN) from None
        try:
            session = login(bstore, user, password)
            _require_backup_role(bstore, session)
        finally:
            bstore.close()  # its automatic backup lands in the temporary folder too
    return "backup"


def run_restore(args: argparse.Namespace) -> int:
    from store import backup as bk
    from store.errors import StoreError

    src = Path(args.input)
    if src.is_dir():
        raise CommandError(f"-i {src}: is a folder; give the backup file")
    if not src.is_file():
        raise CommandError(f"-i {src}: no such backup file")
    if not os.access(src, os.R_OK):
        raise CommandError(f"-i {src}: cannot be read (permission denied)")
    if is_url(args.db):
        check_url(args.db)
    else:
        target = Path(args.db)
        if target.is_dir():
            raise CommandError(f"--db {target}: is a folder, not a study database file", EXIT_OPEN)
        if not target.parent.is_dir():
            raise CommandError(f"--db {target}: folder {target.parent} does not exist", EXIT_OPEN)
    password = read_password(args.user)
    where = _authenticate_for_restore(args.db, src, args.user, password)
    digest = _sha256(src)
    try:
        info = bk.restore(src, args.db)
    except StoreError as exc:
        raise CommandError(f"restore failed: {exc}", EXIT_FAILED) from None
    except OSError as exc:
        raise CommandError(f"restore failed ({exc.strerror or exc})", EXIT_FAILED) from None
    store = open_store(args.db)
    try:
        session = login(store, args.user, password)
        store.record_event(
            session,
            "restore",
            f"restored from {src.name} (sha256 {digest}); user checked against the {where}",
        )
        result = store.verify_audit(session)
    except StoreError as exc:
        raise CommandError(f"restored, but the check failed: {exc}", EXIT_FAILED) from None
    finally:
        store.close()
    rows = sum(info.tables.values())
    print(
        f"restore: {shown_db(args.db)} now holds {src} ({len(info.tables)} tables, {rows:,} rows)"
    )
    if not result.ok:
        print(f"restore: audit verify FAILED: {result.message}")
        return EXIT_FAILED
    print(f"restore: audit verify: {result.message}")
    return 0
