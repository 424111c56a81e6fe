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


@pytest.mark.parametrize(
    "args",
    [
        ["score", "in.csv", "-o", ""],
        ["report", "--db", "x.db", "--user", "u", "--all", "-o", ""],
        ["export", "--db", "", "--user", "u", "--format", "csv", "-o", "e.csv"],
        ["import", "--db", "x.db", "--user", "u", ""],
        ["backup", "--db", "x.db", "--user", "u", "-o", " "],
        ["demo", "--db", ""],
    ],
)
def test_an_empty_path_is_a_usage_error(args: list[str], tmp_path, monkeypatch) -> None:
    """An empty value (an unset shell variable: -o "$OUT") meant the current folder. Before:
    'report --all -o ""' wrote every participant's PDF into it (after opening the study);
    'score in.csv -o ""' was a ValueError traceback."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.csv").write_text("eqvas\n50\n", encoding="utf-8")
    assert_one_clear_line(run_cli(*args), 2, "empty")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_score_output_without_a_file_name(tmp_path, monkeypatch) -> None:
    """Regression guard: the flag file's name is derived from -o only after -o is known to name
    a .csv/.xlsx file ('-o .' has no name: Path.with_name raised ValueError)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.csv").write_text("eqvas\n50\n", encoding="utf-8")
    assert_one_clear_line(run_cli("score", "in.csv", "-o", "."), 2, "unsupported output type")


def test_an_empty_site_is_not_every_site(demo_db, tmp_path) -> None:
    """Before: 'export --site ""' (an unset variable) exported every site's participants, and
    'crf --visit ""' printed the whole schedule instead of one visit."""
    out = tmp_path / "e.csv"
    res = run_cli("export", "--db", demo_db, "--user", "statistician", "--format", "csv",
                  "--site", "", "-o", out, user="statistician")  # fmt: skip
    assert_one_clear_line(res, 2, "--site", "empty")
    assert not out.exists()
    pdf = tmp_path / "c.pdf"
    res = run_cli("crf", "--db", demo_db, "--user", "statistician", "--participant", "SH-001",
                  "--visit", "", "-o", pdf, user="statistician")  # fmt: skip
    assert_one_clear_line(res, 2, "--visit", "empty")
    assert not pdf.exists()
