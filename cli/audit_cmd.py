"""``python main.py audit verify --db PATH --user NAME``: check the audit trail.

Checks the SHA-256 hash chain of every audit row and that replaying the trail reproduces the
current participants, visits, answers and confirmations (DESIGN.md "Data model"). Exit 0 when
intact; 1 with the first mismatch on stderr; 2 when the database cannot be opened; 4 when the
login is refused or the user's role may not verify (as for backup, restore and import).
"""

from __future__ import annotations

import argparse
import sys

from cli.auth import EXIT_AUTH, add_db_user_arguments, authenticated
from cli.errors import CommandError


def register(subparsers) -> None:
    p = subparsers.add_parser("audit", help="audit trail: verify the hash chain and replay")
    sub = p.add_subparsers(dest="audit_command", metavar="ACTION")
    v = sub.add_parser("verify", help="check the hash chain and that replay reproduces the data")
    add_db_user_arguments(v)
    v.set_defaults(handler=run_verify)
    p.set_defaults(handler=_need_action)


def _need_action(args: argparse.Namespace) -> int:
    raise CommandError("audit: give an action, e.g. 'audit verify --db PATH --user NAME'")


def run_verify(args: argparse.Namespace) -> int:
    from store.errors import PermissionDenied, StoreError

    with authenticated(args.db, args.user) as (store, session):
        try:
            result = store.verify_audit(session)
        except PermissionDenied as exc:  # a refusal, as a refused login: exit 4
            raise CommandError(str(exc), EXIT_AUTH) from None
        except StoreError as exc:
            raise CommandError(str(exc)) from None
    if result.ok:
        print(f"audit verify: {result.message}")
        return 0
    print(f"audit verify: FAILED after {result.rows} rows: {result.message}", file=sys.stderr)
    return 1
