"""Open a study database and log in, for every command that touches study data.

DESIGN.md "Commands": each command authenticates as a user (``--user``); the password comes from
the ``OUTCOMEDESK_PASSWORD`` environment variable or, on a terminal, a hidden prompt. Logins are
audited by the store (success and failure) and lockout applies as in the GUI.

    from cli.auth import add_db_user_arguments, open_session
    store, session = open_session(args.db, args.user)      # CommandError on any problem
    try: ...
    finally: store.close()
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cli.args import db_arg
from cli.errors import CommandError

PASSWORD_ENV = "OUTCOMEDESK_PASSWORD"
EXIT_OPEN = 2  # the database cannot be opened
EXIT_AUTH = 4  # login refused


def add_db_user_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=db_arg,
        required=True,
        help="study database: a file path or a postgresql:// URL",
    )
    parser.add_argument(
        "--user",
        required=True,
        help=f"user name; the password is read from ${PASSWORD_ENV} or asked for",
    )


def read_password(user: str) -> str:
    """The password from $OUTCOMEDESK_PASSWORD, else a hidden prompt on a terminal."""
    password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise CommandError(
            f"no password: set {PASSWORD_ENV} or run the command in a terminal", EXIT_AUTH
        )
    try:
        return getpass.getpass(f"password for {user}: ")
    except EOFError:  # Ctrl-D: no password
        raise CommandError("no password given", EXIT_AUTH) from None
    except KeyboardInterrupt:  # Ctrl-C: the user stopped the command (exit 130, not 'refused')
        print(file=sys.stderr)  # getpass leaves the cursor after the prompt
        raise


URL_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
SQLITE_MAGIC = b"SQLite format 3\x00"


def is_url(db: str) -> bool:
    return "://" in str(db)


def shown_db(db: str) -> str:
    """``db`` as it may be printed: a URL's password is replaced by ***."""
    if not is_url(db):
        return str(db)
    try:
        from sqlalchemy.engine import make_url

        return make_url(str(db)).render_as_string(hide_password=True)
    except Exception:  # unparsable: print nothing of what follows the scheme's user part
        scheme = str(db).split("://", 1)[0]
        return f"{scheme}://…"


def check_url(db: str) -> None:
    """Refuse a URL that is not a PostgreSQL URL, or not one at all (CommandError, exit 2)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    scheme = str(db).split("://", 1)[0].lower()
    if scheme not in URL_SCHEMES:
        raise CommandError(
            f"--db {shown_db(db)}: unsupported database URL '{scheme or '(none)'}://' "
            "(give an SQLite file path or a postgresql://user@host/database URL)",
            EXIT_OPEN,
        )
    try:
        url = make_url(str(db))
    except (ArgumentError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else "malformed"
        raise CommandError(
            f"--db {shown_db(db)}: not a valid postgresql:// URL ({detail})", EXIT_OPEN
        ) from None
    if not url.database:
        raise CommandError(
            f"--db {shown_db(db)}: the URL names no database (postgresql://user@host/DATABASE)",
            EXIT_OPEN,
        )


def check_study_file(path: Path) -> None:
    """Refuse, before SQLite or the store touch it, a path that cannot be a study database:
    a folder, an unreadable file, an empty file (the store would turn it into a new empty study)
    or another program's SQLite database (the store would start writing into it)."""
    shown = str(path)
    if path.is_dir():
        raise CommandError(f"{shown}: is a folder, not a study database file", EXIT_OPEN)
    if not os.access(path, os.R_OK):
        raise CommandError(f"{shown}: cannot be read (permission denied)", EXIT_OPEN)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise CommandError(f"{shown}: cannot be read ({exc.strerror or exc})", EXIT_OPEN) from None
    if size == 0:
        raise CommandError(
            f"{shown}: is an empty file, not a study database (create one with the program "
            "or 'main.py demo')",
            EXIT_OPEN,
        )
    if head != SQLITE_MAGIC:
        return  # the store names a damaged or non-database file and how to restore
    refuse_foreign(shown, sqlite_tables(path))


def sqlite_tables(path: Path) -> set[str] | None:
    """The table names of an SQLite file, read without writing to it (None when SQLite cannot
    read it read-only: the store then gives its own reason)."""
    import sqlite3
    from urllib.parse import quote

    try:
        conn = sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return {r[0] for r in rows}
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def postgres_tables(db: str) -> set[str]:
    """The table names of a PostgreSQL database (CommandError when it cannot be reached)."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from store.connection import open_postgres
    from store.errors import StoreError

    try:
        engine = open_postgres(db)
    except StoreError as exc:
        raise CommandError(f"{shown_db(db)}: {exc}", EXIT_OPEN) from None
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()
        raise CommandError(
            f"{shown_db(db)}: cannot read the database ({detail[0] if detail else exc})",
            EXIT_OPEN,
        ) from None
    finally:
        engine.dispose()


def refuse_foreign(db: str, tables: set[str] | None) -> None:
    """CommandError when ``tables`` are another program's (no OutcomeDesk schema stamp)."""
    from store.migrations import VERSION_TABLE  # every study is stamped by its migrations

    if tables and VERSION_TABLE not in tables:
        listed = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        raise CommandError(
            f"{shown_db(db)}: not an OutcomeDesk study database (it holds another program's "
            f"tables: {listed}); nothing was changed",
            EXIT_OPEN,
        )


def check_postgres_study(db: str) -> None:
    """Refuse a PostgreSQL database that holds no OutcomeDesk study before the store opens it:
    the store would create a new study in an empty database, or try to create its tables among
    another program's (a traceback, 'relation "users" already exists')."""
    tables = postgres_tables(db)
    refuse_foreign(db, tables)
    if not tables:
        raise CommandError(
            f"{shown_db(db)}: an empty database, no OutcomeDesk study in it (create one with "
            "the program or 'main.py demo', or restore a backup into it); nothing was changed",
            EXIT_OPEN,
        )


def open_store(db: str, create: bool = False):
    """Open an existing study database (CommandError with the store's one-line reason)."""
    from store.api import Store
    from store.errors import StoreError

    if is_url(db):
        check_url(db)
        if not create:
            check_postgres_study(db)
    else:
        path = Path(db)
        if not create and not path.exists():
            raise CommandError(f"{db}: no such study database", EXIT_OPEN)
        if path.exists():
            check_study_file(path)
    try:
        return Store.open(db, create=create)
    except StoreError as exc:
        raise CommandError(f"{shown_db(db)}: {exc}", EXIT_OPEN) from None


def login(store, user: str, password: str | None = None):
    """Log in to an open store; CommandError (exit 4) when refused."""
    from store.errors import AccountLocked, AuthFailed, PermissionDenied, StoreError

    if store.needs_admin():
        raise CommandError(
            "this database has no users yet: start the program once to create the administrator",
            EXIT_AUTH,
        )
    if password is None:
        password = read_password(user)
    try:
        return store.login(user, password)
    except (AuthFailed, AccountLocked, PermissionDenied) as exc:
        raise CommandError(f"login as {user} refused: {exc}", EXIT_AUTH) from None
    except StoreError as exc:  # the database, not the user: busy, read-only, damaged …
        raise CommandError(f"cannot log in as {user}: {exc}", EXIT_OPEN) from None


def open_session(db: str, user: str, create: bool = False):
    """(store, session) for a command; closes the store again if the login fails."""
    store = open_store(db, create)
    try:
        return store, login(store, user)
    except BaseException:
        store.close()
        raise


@contextmanager
def authenticated(db: str, user: str) -> Iterator[tuple]:
    """``with authenticated(args.db, args.user) as (store, session): …`` closes the store."""
    store, session = open_session(db, user)
    try:
        yield store, session
    finally:
        store.close()
