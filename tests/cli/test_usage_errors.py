"""A mistyped command line is one line on stderr (what is wrong and where to read more), exit 2,
like every other command error; --help still prints the whole usage."""

from __future__ import annotations

import pytest

from tests.cli.conftest import assert_one_clear_line, run_cli


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["demo", "--db", "x.db", "--seed", "abc"], "--seed"),
        (["bogus"], "invalid choice"),
        (["export", "--db", "x.db"], "--user"),
        (["audit", "verify"], "--db"),
        (["report", "--db", "x", "--user", "u", "-o", "x.pdf"], "--participant"),
        (["export", "--db", "x", "--user", "u", "--format", "pdf", "-o", "x.pdf"], "--format"),
    ],
)
def test_usage_error_is_one_line(args: list[str], expect: str) -> None:
    """Before: argparse's two lines (the usage, then 'main.py demo: error: …')."""
    line = assert_one_clear_line(run_cli(*args), 2, expect, "--help")
    assert line.startswith("error: main.py")


def test_help_is_still_the_full_usage() -> None:
    res = run_cli("export", "--help")
    assert res.code == 0 and "usage:" in res.out and "--layout" in res.out
