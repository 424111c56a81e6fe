"""``python main.py import --db PATH --user NAME FILE [--dry-run] [--accept-warnings REASON]``.

Imports legacy or paper-collected data in the export's own long layout (xlsx or CSV). Every cell
is validated first; nothing is written unless the whole file is valid (one transaction).
"""

from __future__ import annotations

import argparse
import sys

from cli.args import path_arg
from cli.auth import EXIT_AUTH, add_db_user_arguments, open_session
from cli.errors import CommandError

LISTED = 50


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="import a long-layout xlsx/CSV (all-or-nothing, validated)",
        description="Validate every cell of FILE (the export's long layout) with the program's "
        "definitions and flags, then write all of it in one transaction, or nothing.",
    )
    add_db_user_arguments(p)
    p.add_argument("file", type=path_arg, help=".xlsx or .csv in the export's long layout")
    p.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    p.add_argument(
        "--accept-warnings",
        metavar="REASON",
        help="confirm every warning (implausible values) with this reason",
    )
    p.set_defaults(handler=run)


def _list(problems) -> None:
    for p in problems[:LISTED]:
        print(f"  {p}", file=sys.stderr)
    if len(problems) > LISTED:
        print(f"  … and {len(problems) - LISTED} more", file=sys.stderr)


def _first(problems) -> str:
    """', first at row R, column C' — where the listed problems start (the summary line alone
    says where to look)."""
    where = []
    p = problems[0] if problems else None
    if p is not None and p.row is not None:
        where.append(f"row {p.row}")
    if p is not None and p.column:
        where.append(f"column {p.column}")
    return f", first at {', '.join(where)}" if where else ""


def run(args: argparse.Namespace) -> int:
    from reports.importer import (
        STORE_ACTIONS,
        ImportFileError,
        ImportRefused,
        apply_plan,
        context_from_store,
        dry_run_plan,
        plan_file,
    )
    from store.errors import PermissionDenied, StoreError

    if args.accept_warnings is not None and not args.accept_warnings.strip():
        raise CommandError("--accept-warnings needs a reason (text)")
    store, session = open_session(args.db, args.user)
    try:
        try:  # the role first: a dry run must not call a file valid that the user may not import
            for action in STORE_ACTIONS:
                store.require(session, action)
        except PermissionDenied as exc:
            raise CommandError(f"{exc}; nothing written", EXIT_AUTH) from None
        try:
            context = context_from_store(store, session)
            plan = plan_file(args.file, context, instruments=store.instruments)
        except ImportFileError as exc:
            raise CommandError(f"{exc}; nothing written") from None
        errors, warnings = plan.errors, plan.warnings
        if errors:
            print(
                f"error: {args.file.name}: {len(errors)} error(s), {len(warnings)} warning(s)"
                f"{_first(errors)}; nothing written",
                file=sys.stderr,
            )
            _list(errors + warnings)
            return 1
        if warnings and not args.accept_warnings:
            print(
                f"error: {args.file.name}: {len(warnings)} warning(s) need --accept-warnings "
                f"REASON{_first(warnings)}; nothing written",
                file=sys.stderr,
            )
            _list(warnings)
            return 1
        summary = (
            f"{plan.rows} row(s), {len(plan.new_participants)} new participant(s), "
            f"{plan.value_count} value(s), {len(warnings)} warning(s) accepted"
            if warnings
            else f"{plan.rows} row(s), {len(plan.new_participants)} new participant(s), "
            f"{plan.value_count} value(s)"
        )
        scores = [s for inst in store.instruments for s in inst.score_names]
        write = dry_run_plan if args.dry_run else apply_plan
        try:
            write(store, session, plan, args.accept_warnings, scores)
        except ImportRefused as exc:
            print(f"error: {args.file.name}: {exc}", file=sys.stderr)
            _list(exc.problems)
            return 1
        except StoreError as exc:
            raise CommandError(f"{exc}; nothing written") from None
    finally:
        store.close()
    if args.dry_run:
        print(f"dry run: {args.file.name} is valid: {summary}; nothing written")
        return 0
    print(f"imported {args.file.name}: {summary}; audited as '{plan.reason}'")
    return 0
