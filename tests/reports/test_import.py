"""Import of the export's own long layout: round trip, validation, all-or-nothing, bad files.

Issue 7 §2: every cell validated with the same definitions and flag engine as the form; errors
listed with row and column; nothing written unless the whole file is valid (one transaction);
warnings need --accept-warnings; every value audited with reason "import <file> sha256=…";
malformed files give one clear error and leave the database unchanged.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cli.main import run
from reports.importer import ImportFileError, StudyContext, build_plan, read_table
from store.api import Store
from tests.reports.export_fixtures import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _export(db: Path, out: Path, fmt: str) -> str:
    import contextlib

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = run(["export", "--db", str(db), "--user", "stat", "--format", fmt, "-o", str(out)])
    assert rc == 0
    return buf.getvalue().strip().rsplit(" ", 1)[-1]


def _import(db: Path, file: Path, *extra: str) -> int:
    return run(["import", "--db", str(db), "--user", "dm", str(file), *extra])


def _snapshot(db: Path) -> tuple[int, int, str]:
    """(participants, audit rows, answers frame digest) — 'the database is unchanged'."""
    store = Store.open(db, create=False)
    try:
        s = store.login("stat", PASSWORD)
        parts = len(store.participants(s))
        frame = store.answers_frame(s)
        audit = [a for a in store.audit_trail(s) if a.action not in ("login", "login_failed")]
    finally:
        store.close()
    digest = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
    return parts, len(audit), digest


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_gives_the_same_checksum(
    study_db: Path, empty_db: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"e.{fmt}"
    first = _export(study_db, out, fmt)
    assert _import(empty_db, out) == 1  # the fixture's confirmed warnings need acceptance
    assert _import(empty_db, out, "--dry-run", "--accept-warnings", "checked") == 0
    assert _snapshot(empty_db)[0] == 0  # a dry run writes nothing
    assert _import(empty_db, out, "--accept-warnings", "legacy data checked") == 0
    again = _export(empty_db, tmp_path / f"back.{fmt}", fmt)
    assert again == first
    sha = hashlib.sha256(out.read_bytes()).hexdigest()
    store = Store.open(empty_db, create=False)
    try:
        s = store.login("stat", PASSWORD)
        answers = [a for a in store.audit_trail(s) if a.entity == "answer"]
        conf = store.confirmations(s)
    finally:
        store.close()
    assert answers and all(a.reason == f"import {out.name} sha256={sha}" for a in answers)
    assert conf and all(c.reason.startswith("legacy data checked") for c in conf)


def _csv_with(tmp_path: Path, study_db: Path, edit) -> Path:
    src = tmp_path / "src.csv"
    _export(study_db, src, "csv")
    frame = pd.read_csv(src, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = edit(frame)
    out = tmp_path / "edited.csv"
    frame.to_csv(out, index=False, encoding="utf-8-sig")
    return out


def test_every_problem_is_listed_with_row_and_column_and_nothing_is_written(
    study_db: Path, empty_db: Path, tmp_path: Path, capsys
) -> None:
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f.loc[0, "sf36_01"] = "9"  # not an allowed code
        f.loc[1, "tug_1_s"] = "fast"  # wrong type
        f.loc[2, "visit"] = "M9"  # unknown visit
        f = pd.concat([f, f.iloc[[3]]], ignore_index=True)  # duplicate row
        f["shoe_size"] = ""  # unknown column
        return f

    bad = _csv_with(tmp_path, study_db, edit)
    before = _snapshot(empty_db)
    assert _import(empty_db, bad, "--accept-warnings", "x") == 1
    err = capsys.readouterr().err
    assert "column shoe_size: unknown column" in err
    assert _snapshot(empty_db) == before
    ok = bad.with_name("ok.csv")
    pd.read_csv(bad, dtype=str, keep_default_na=False, encoding="utf-8-sig").drop(
        columns="shoe_size"
    ).to_csv(ok, index=False, encoding="utf-8-sig")
    assert _import(empty_db, ok, "--accept-warnings", "x") == 1
    err = capsys.readouterr().err
    assert "row 2, column sf36_01: sf36_01: code 9 is not one of the allowed codes" in err
    assert "row 3, column tug_1_s: tug_1_s: 'fast' is not a number" in err
    assert "row 4, column visit: unknown visit 'M9'" in err
    assert "row 14, column visit: duplicate row" in err and "already in row 5" in err
    assert "nothing written" in err
    assert _snapshot(empty_db) == before


def test_store_refusal_mid_file_rolls_back_everything(
    study_db: Path, empty_db: Path, tmp_path: Path, capsys
) -> None:
    """The last row passes the file checks but the store refuses it (a visit date in the future):
    the participants and answers of the earlier rows must not stay behind."""

    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f.loc[len(f) - 2, "visit_date"] = "2099-01-01"
        return f

    bad = _csv_with(tmp_path, study_db, edit)
    before = _snapshot(empty_db)
    assert _import(empty_db, bad, "--accept-warnings", "x") == 1
    err = capsys.readouterr().err
    assert "future" in err and "nothing written" in err
    assert _snapshot(empty_db) == before


def test_formula_injection_cells_are_refused(study_db: Path, empty_db: Path, tmp_path: Path):
    src = tmp_path / "src.xlsx"
    _export(study_db, src, "xlsx")
    wb = openpyxl.load_workbook(src)
    ws = wb["data"]
    header = [c.value for c in ws[1]]
    ws.cell(row=3, column=header.index("site") + 1).value = "=cmd|' /C calc'!A0"
    bad = tmp_path / "inject.xlsx"
    wb.save(bad)
    before = _snapshot(empty_db)
    proc = _cli("import", "--db", str(empty_db), "--user", "dm", str(bad), "--accept-warnings", "x")
    assert proc.returncode == 1
    assert "row 3, column site: formula-like cell '=cmd|' /C calc'!A0' refused" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _snapshot(empty_db) == before


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, OUTCOMEDESK_PASSWORD=PASSWORD)
    return subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _truncated_xlsx(tmp_path: Path, study_db: Path) -> Path:
    src = tmp_path / "full.xlsx"
    _export(study_db, src, "xlsx")
    data = src.read_bytes()
    out = tmp_path / "truncated.xlsx"
    out.write_bytes(data[: len(data) // 2])
    return out


def _gbk_csv(tmp_path: Path, study_db: Path) -> Path:
    src = tmp_path / "utf8.csv"
    _export(study_db, src, "csv")
    text = src.read_bytes().decode("utf-8-sig")
    out = tmp_path / "gbk.csv"
    out.write_bytes(text.replace("complete", "完成").encode("gbk"))
    return out


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("empty.csv", "the file is empty"),
        ("empty.xlsx", "the file is empty"),
        ("truncated.xlsx", "damaged or truncated xlsx workbook"),
        ("gbk.csv", "not UTF-8 text"),
        ("garbage.xlsx", "not an xlsx workbook"),
        ("garbage.csv", "binary data, not a CSV text file"),
        ("header_only.csv", "has a header but no data rows"),
        ("notes.txt", "unsupported file type"),
    ],
)
def test_malformed_files_give_one_clear_error(
    case: str, message: str, study_db: Path, empty_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / case
    if case.startswith("empty"):
        path.write_bytes(b"")
    elif case == "truncated.xlsx":
        path = _truncated_xlsx(tmp_path, study_db)
    elif case == "gbk.csv":
        path = _gbk_csv(tmp_path, study_db)
    elif case.startswith("garbage"):
        path.write_bytes(os.urandom(50 * 1024 * 1024))  # 50 MB of garbage
    elif case == "header_only.csv":
        path.write_text("participant,visit,sf36_01\n", encoding="utf-8")
    else:
        path.write_text("hello", encoding="utf-8")
    before = _snapshot(empty_db)
    proc = _cli("import", "--db", str(empty_db), "--user", "dm", str(path))
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 2
    assert _snapshot(empty_db) == before


def test_plan_checks_participants_against_the_study(tmp_path: Path) -> None:
    csv = tmp_path / "p.csv"
    csv.write_text(
        "participant,visit,site,sex,birth_date,day1_date\n"
        "P1,BL,S01,1,1950-02-03,2024-01-01\n"
        "P2,BL,S09,2,1950-02-03,2024-01-01\n"
        "P3,BL,S01,,,\n"
        "P4,BL,S01,1,1950-02-30,2024-01-01\n"
        "K1,BL,S01,2,1950-02-03,2024-01-01\n",
        encoding="utf-8",
    )
    ctx = StudyContext(
        ("BL", "W1"),
        frozenset({"S01"}),
        {"K1": {"site": "S01", "sex": "M", "birth_date": "1950-02-03", "day1_date": None}},
    )
    frame, data = read_table(csv)
    plan = build_plan(frame, ctx, csv.name, hashlib.sha256(data).hexdigest())
    text = "\n".join(str(p) for p in plan.errors)
    assert [p.code for p in plan.new_participants] == ["P1"]
    assert plan.new_participants[0].sex == "M"  # code 1 → the declared choice's alias
    assert "row 3, column site: unknown site 'S09'" in text
    assert "row 4, column participant: unknown participant P3" in text
    assert "row 5, column birth_date: '1950-02-30' is not a date" in text
    assert "row 6, column sex: K1: F differs from the study's value M" in text


def test_read_table_rejects_a_directory(tmp_path: Path) -> None:
    d = tmp_path / "d.csv"
    d.mkdir()
    with pytest.raises(ImportFileError, match="is a directory"):
        read_table(d)


def test_height_measured_at_a_visit_round_trips(
    study_db: Path, empty_db: Path, tmp_path: Path
) -> None:
    """Height/weight are participant attributes at enrolment and answers when measured at a visit
    (store.answers_frame: the visit's value wins); the import keeps that distinction."""

    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f.loc[1, "height_cm"] = str(float(f.loc[1, "height_cm"]) + 1.5)
        return f

    src = _csv_with(tmp_path, study_db, edit)
    assert _import(empty_db, src, "--accept-warnings", "measured again") == 0
    back = tmp_path / "back.csv"
    _export(empty_db, back, "csv")
    a = pd.read_csv(src, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    b = pd.read_csv(back, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(b["height_cm"]) == list(a["height_cm"])
    assert b.loc[1, "height_cm"] != b.loc[0, "height_cm"]
