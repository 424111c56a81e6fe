"""Argument parsing and dispatch for ``python main.py <command> …``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from cli import COMMAND_MODULES
from cli.errors import CommandError
from outcomedesk_version import PROGRAM_NAME, PROGRAM_VERSION


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description=f"{PROGRAM_NAME} {PROGRAM_VERSION}: without a command, opens the program.",
    )
    parser.add_argument("--version", action="version", version=f"{PROGRAM_NAME} {PROGRAM_VERSION}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
