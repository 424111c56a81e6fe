"""``python main.py demo --db PATH``: create the demo study (store/demo.py) in a new database.

30 synthetic participants on the model trial's schedule, complete plausible answers, the trial's
flow of missed visits and one withdrawal, and one demo account per role whose passwords are
printed here and listed in the README. Demo data only: never enter real participants into it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cli.args import db_arg
from cli.auth import check_url, is_url, shown_db
from cli.errors import CommandError

EXIT_EXISTS = 3


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "demo", help="create a demo study (30 synthetic participants, demo accounts)"
    )
    p.add_argument(
        "--db", type=db_arg, required=True, help="new database file (or an empty postgresql:// DB)"
    )
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the fixed one)")
    p.add_argument("--quiet", action="store_true", help="print only the summary and accounts")
    p.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from store import backup  # noqa: F401  (registers the rotating backup at close)
    from store.demo import DEMO_SEED, create_demo
    from store.errors import StoreError

    target = str(args.db)
    if is_url(target):
        check_url(target)
    else:
        path = Path(target)
        if path.exists():
            raise CommandError(
                f"{path} already exists; the demo is created in a new database file",
                EXIT_EXISTS,
            )
        if not path.parent.is_dir():
            raise CommandError(f"--db {path}: folder {path.parent} does not exist")
    started = time.monotonic()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"demo: {message}", file=sys.stderr, flush=True)

    try:
        summary = create_demo(target, DEMO_SEED if args.seed is None else args.seed, progress)
    except BaseException as exc:
        if "://" not in target:  # never leave a half-built demo behind
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(target + suffix).unlink(missing_ok=True)
        if isinstance(exc, StoreError):
            raise CommandError(f"demo: {exc}") from None
        raise
    took = time.monotonic() - started
    print(
        f"demo study created in {shown_db(target)} ({took:.0f} s): "
        f"{summary.participants} participants, "
        f"{summary.visits_complete} complete and {summary.visits_missed} missed visits, "
        f"{summary.values_saved:,} values"
    )
    print("Demo accounts (DEMO ONLY: publicly known passwords, never use them for real data):")
    width = max(len(u) for u, _, _ in summary.users)
    for user, role, password in summary.users:
        print(f"  {user:<{width}}  {password:<22}  {role}")
    return 0
