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

from cli.errors import CommandError

PASSWORD_ENV = "OUTCOMEDESK_PASSWORD"
EXIT_OPEN = 2  # the database cannot be opened
EXIT_AUTH = 4  # login refused


def add_db_user_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", required=True, help="study database: a file path or a postgresql:// URL"
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
    except (EOFError, KeyboardInterrupt):
        raise CommandError("no password given", EXIT_AUTH) from None


def open_store(db: str, create: bool = False):
    """Open an existing study database (CommandError with the store's one-line reason)."""
    from store.api import Store
    from store.errors import StoreError

    if "://" not in str(db) and not create and not Path(db).exists():
        raise CommandError(f"{db}: no such study database", EXIT_OPEN)
    try:
        return Store.open(db, create=create)
    except StoreError as exc:
        raise CommandError(f"{db}: {exc}", EXIT_OPEN) from None


def login(store, user: str, password: str | None = None):
    """Log in to an open store; CommandError (exit 4) when refused."""
    from store.errors import StoreError

    if store.needs_admin():
        raise CommandError(
            "this database has no users yet: start the program once to create the administrator",
            EXIT_AUTH,
        )
    if password is None:
        password = read_password(user)
    try:
        return store.login(user, password)
    except StoreError as exc:
        raise CommandError(f"login as {user} refused: {exc}", EXIT_AUTH) from None


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
