"""Argument parsing and dispatch for ``python main.py <command> …``."""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from cli import COMMAND_MODULES
from cli.errors import CommandError
from outcomedesk_version import PROGRAM_NAME, PROGRAM_VERSION


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (what is wrong, where to read more),
    exit 2, like every other command error; ``--help`` still prints the full usage."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"error: {self.prog}: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="main.py",
        description=f"{PROGRAM_NAME} {PROGRAM_VERSION}: without a command, opens the program.",
    )
    parser.add_argument("--version", action="version", version=f"{PROGRAM_NAME} {PROGRAM_VERSION}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


@contextmanager
def interrupt_only_here() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt in this process only. The terminal sends SIGINT to the
    whole process group, also to the worker processes a command forks (``report --all``); they
    inherit this handler and ignore it, so they print no tracebacks, and this process stops the
    work and shuts its pool down. The previous handler is restored afterwards."""
    previous = signal.getsignal(signal.SIGINT)
    usable = threading.current_thread() is threading.main_thread()
    if not usable or previous is not signal.default_int_handler:
        yield  # SIGINT ignored by the caller (nohup, a background job) or not ours to set
        return
    owner = os.getpid()

    def on_sigint(signum: int, frame: object) -> None:
        if os.getpid() == owner:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        with interrupt_only_here():
            return int(args.handler(args) or 0)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
