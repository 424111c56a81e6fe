"""Bad input and output files for import, export, score, report and crf: one clear line naming
the file (and row/column where there is one), a non-zero exit, no traceback, the study unchanged
and no output file left behind."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from tests.cli.conftest import (
    assert_one_clear_line,
    run_cli,
    run_subprocess,
    sha256,
    study_content,
)


@pytest.fixture()
def exported(demo_db: Path, tmp_path: Path) -> Path:
    """The demo study's long CSV export, as a data manager would edit it."""
    out = tmp_path / "export.csv"
    res = run_cli("export", "--db", demo_db, "--user", "datamanager", "--format", "csv",
                  "-o", out, user="datamanager")  # fmt: skip
    assert res.code == 0, res.err
    return out


@pytest.fixture
def exported_book(demo_db: Path, tmp_path: Path) -> Path:
    """The demo study's xlsx export, as a data manager would edit it in a spreadsheet."""
    book = tmp_path / "export.xlsx"
    res = run_cli("export", "--db", demo_db, "--user", "datamanager", "--format", "xlsx",
                  "-o", book, user="datamanager")  # fmt: skip
    assert res.code == 0, res.err
    return book


def edit_csv(src: Path, dst: Path, edits: dict[tuple[int, str], str]) -> Path:
    """Copy ``src`` with cells replaced; keys are (file row with header = 1, column name)."""
    with src.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    for (row, column), value in edits.items():
        rows[row - 1][rows[0].index(column)] = value
    with dst.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return dst


def import_(db: Path, path: Path, *extra: str):
    return run_cli("import", "--db", db, "--user", "datamanager", path, *extra, user="datamanager")


# ---------------------------------------------------------------------------------------- import


def test_import_of_an_unreadable_file(demo_db: Path, tmp_path: Path) -> None:
    """Before: PermissionError traceback from Path.read_bytes (exit 1)."""
    path = tmp_path / "visits.csv"
    path.write_text("participant,visit,eqvas\nSH-001,BL,50\n", encoding="utf-8")
    path.chmod(0)
    before = study_content(demo_db)
    try:
        res = run_subprocess("import", "--db", demo_db, "--user", "datamanager", path,
                             user="datamanager", unprivileged=True)  # fmt: skip
    finally:
        path.chmod(0o600)
    assert_one_clear_line(res, 2, "visits.csv", "cannot be read", "nothing written")
    assert study_content(demo_db) == before


@pytest.mark.parametrize("value", ["1e999", "-1e999", "1e308"])
def test_import_of_a_huge_number_as_clock_time(
    demo_db: Path, exported: Path, tmp_path: Path, value: str
) -> None:
    """Before: OverflowError traceback ('1e999' read as an infinite number of minutes) or a
    300-digit number in the message ('1e308'). Now: refused with its row and column, as typed,
    and every other (valid) edit of the file is not written either (all-or-nothing)."""
    bad = edit_csv(exported, tmp_path / "bad.csv", {(2, "eqvas"): "51", (3, "psqi_bedtime"): value})
    before = study_content(demo_db)
    res = import_(demo_db, bad)
    assert res.code == 1 and "Traceback" not in res.err, res.err
    assert res.err_lines[0].startswith("error: bad.csv: 1 error(s)")
    assert f"row 3, column psqi_bedtime: psqi_bedtime: '{value}' is not a 24-hour clock" in res.err
    assert study_content(demo_db) == before


def test_import_of_out_of_range_values_is_all_or_nothing(
    demo_db: Path, exported: Path, tmp_path: Path
) -> None:
    """Already fine (kept as a regression test): an edited export with impossible values is
    refused as a whole, each problem with its file row and column."""
    edits = {(2, "eqvas"): "150", (4, "sf36_01"): "9", (6, "psqi_bedtime"): "25:00",
             (3, "eqvas"): "60"}  # fmt: skip
    bad = edit_csv(exported, tmp_path / "bad.csv", edits)
    before = study_content(demo_db)
    res = import_(demo_db, bad)
    assert res.code == 1 and "Traceback" not in res.err
    assert "3 error(s)" in res.err_lines[0] and "nothing written" in res.err_lines[0]
    # the summary line alone says where the first problem is
    assert "first at row 2, column eqvas" in res.err_lines[0]
    for where in ("row 2, column eqvas", "row 4, column sf36_01", "row 6, column psqi_bedtime"):
        assert where in res.err
    assert study_content(demo_db) == before


def test_import_of_a_utf16_csv_says_utf16(demo_db: Path, exported: Path, tmp_path: Path) -> None:
    """Before: 'binary data, not a CSV text file' for what Excel saves as 'Unicode Text'."""
    path = tmp_path / "utf16.csv"
    path.write_bytes(exported.read_text(encoding="utf-8-sig").encode("utf-16"))
    before = study_content(demo_db)
    assert_one_clear_line(import_(demo_db, path), 2, "utf16.csv", "UTF-16", "UTF-8")
    assert study_content(demo_db) == before


# ---------------------------------------------------------------------------------------- export


def test_export_of_an_unknown_site(demo_db: Path, tmp_path: Path) -> None:
    """Before: 'e.csv: the csv writer failed (unknown site 'XX')' — the site check's own error
    was caught as a writer failure."""
    out = tmp_path / "e.csv"
    res = run_cli("export", "--db", demo_db, "--user", "statistician", "--format", "csv",
                  "--site", "XX", "-o", out, user="statistician")  # fmt: skip
    line = assert_one_clear_line(res, 2, "unknown site 'XX'", "BJ", "SH")
    assert "writer" not in line
    assert not out.exists()


def test_export_onto_a_folder(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.xlsx"
    out.mkdir()
    res = run_cli("export", "--db", demo_db, "--user", "statistician", "--format", "xlsx",
                  "-o", out, user="statistician")  # fmt: skip
    assert_one_clear_line(res, 2, "e.xlsx", "folder")
    assert list(out.iterdir()) == []


# ----------------------------------------------------------------------------------------- score


@pytest.fixture()
def scores_in(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("id,eqvas,sf36_01\nA,50,1\n", encoding="utf-8")
    return path


def test_score_refuses_a_duplicate_column(tmp_path: Path) -> None:
    """Before: pandas renamed the second 'eqvas' to 'eqvas.1'; the first was scored, the second
    passed through silently (which value is right?)."""
    path = tmp_path / "dup.csv"
    path.write_text("eqvas,sf36_01,eqvas\n50,1,60\n", encoding="utf-8")
    res = run_cli("score", path, "-o", tmp_path / "o.csv")
    assert_one_clear_line(res, 2, "dup.csv", "column 3", "'eqvas'", "column 1")
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("where", ["missing-folder", "folder", "input", "output"])
def test_score_flag_file_that_cannot_be_written(
    scores_in: Path, tmp_path: Path, where: str
) -> None:
    """Before: --flags in a missing folder or onto a folder was a traceback after the scored
    output had already been written; --flags naming the input or the output silently replaced
    it with the flags."""
    out = tmp_path / "out.csv"
    flags = {
        "missing-folder": tmp_path / "nope" / "f.csv",
        "folder": tmp_path / "f.csv",
        "input": scores_in,
        "output": out,
    }[where]
    if where == "folder":
        flags.mkdir()
    before = sha256(scores_in)
    res = run_cli("score", scores_in, "-o", out, "--flags", flags)
    assert_one_clear_line(res, 2, "--flags")
    assert not out.exists()
    assert sha256(scores_in) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_score_output_onto_its_input(tmp_path: Path) -> None:
    """Before: an xlsx input given as -o was replaced by the one-sheet scored workbook (its
    other sheets lost)."""
    wb = openpyxl.Workbook()
    wb.active.append(["eqvas", "sf36_01"])
    wb.active.append([50, 1])
    wb.create_sheet("notes").append(["keep me"])
    src = tmp_path / "visits.xlsx"
    wb.save(src)
    before = sha256(src)
    res = run_cli("score", src, "-o", tmp_path / "." / "visits.xlsx")
    assert_one_clear_line(res, 2, "visits.xlsx", "input file")
    assert sha256(src) == before


def test_score_names_the_sheet_it_read(tmp_path: Path) -> None:
    """Before: 'no recognised column' for a workbook whose first sheet is not the data."""
    wb = openpyxl.Workbook()
    wb.active.title = "notes"
    wb.active.append(["read me first"])
    wb.create_sheet("data").append(["eqvas"])
    src = tmp_path / "book.xlsx"
    wb.save(src)
    res = run_cli("score", src, "-o", tmp_path / "o.csv")
    assert_one_clear_line(res, 2, "book.xlsx", "sheet 'notes'", "no recognised column")


# ---------------------------------------------------------------------------------- report / crf


def test_report_all_into_a_missing_parent_creates_nothing(demo_db: Path, tmp_path: Path) -> None:
    """Before: the whole path (…/no/such/dir) was created, also when the login then failed."""
    target = tmp_path / "no" / "such" / "dir"
    res = run_cli("report", "--db", demo_db, "--user", "datamanager", "--all", "-o", target,
                  user="datamanager")  # fmt: skip
    assert_one_clear_line(res, 2, "no such folder")
    assert not (tmp_path / "no").exists()
    folder = tmp_path / "reports"
    res = run_cli("report", "--db", demo_db, "--user", "datamanager", "--all", "-o", folder,
                  password="wrong")  # fmt: skip
    assert_one_clear_line(res, 4, "refused")
    assert not folder.exists()


def test_report_jobs_must_be_a_count(demo_db: Path, tmp_path: Path) -> None:
    """Before: --jobs -1 was accepted silently (and meant one process)."""
    res = run_cli("report", "--db", demo_db, "--user", "datamanager", "--all", "--jobs", "-1",
                  "-o", tmp_path / "r", user="datamanager")  # fmt: skip
    assert res.code == 2 and "--jobs" in res.err and "negative" in res.err
    assert not (tmp_path / "r").exists()


def test_report_onto_a_folder(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    out.mkdir()
    res = run_cli("report", "--db", demo_db, "--user", "datamanager", "--participant",
                  "SH-001", "-o", out, user="datamanager")  # fmt: skip
    assert_one_clear_line(res, 2, "r.pdf", "folder")


def test_import_of_the_wide_layout_is_one_problem(demo_db: Path, tmp_path: Path) -> None:
    """Before: about 1,800 'unknown column' errors (one per <variable>_<visit> column) for an
    export made with --layout wide; now one problem saying which layout import reads."""
    wide = tmp_path / "wide.csv"
    res = run_cli("export", "--db", demo_db, "--user", "datamanager", "--format", "csv",
                  "--layout", "wide", "-o", wide, user="datamanager")  # fmt: skip
    assert res.code == 0, res.err
    before = study_content(demo_db)
    res = import_(demo_db, wide)
    assert res.code == 1 and "Traceback" not in res.err
    assert res.err_lines[0] == (
        "error: wide.csv: 1 error(s), 0 warning(s), first at row 1, column height_cm_BL; "
        "nothing written"
    )
    assert len(res.err_lines) == 2 and "wide layout" in res.err_lines[1]
    assert "--layout long" in res.err_lines[1] and "row 1" in res.err_lines[1]
    assert study_content(demo_db) == before


def test_import_of_an_xlsx_with_merged_cells(
    demo_db: Path, exported_book: Path, tmp_path: Path
) -> None:
    """Before: a merged range kept its value only in its first cell, so the next row's eqvas was
    silently read as blank (the dry run called the file valid with one value fewer)."""
    wb = openpyxl.load_workbook(exported_book)
    ws = wb["data"]
    col = [c.value for c in ws[1]].index("eqvas") + 1
    ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    edited = tmp_path / "merged.xlsx"
    wb.save(edited)
    letter = openpyxl.utils.get_column_letter(col)
    before = study_content(demo_db)
    res = import_(demo_db, edited, "--dry-run")
    assert_one_clear_line(res, 2, "merged.xlsx", "sheet 'data'", f"{letter}3:{letter}4", "merged")
    assert study_content(demo_db) == before


def test_import_of_a_number_typed_into_an_xlsx_time_cell(
    demo_db: Path, exported_book: Path, tmp_path: Path
) -> None:
    """The export's clock cells are Excel times (hh:mm). 23 typed into one is 23 *days*, shown
    as 00:00; openpyxl reads it as 1900-01-23 00:00. Before: cut to its time, 00:00, and only a
    PSQI efficiency warning followed (accepted with --accept-warnings, the wrong bedtime was
    saved). Now: refused with its row and column."""
    wb = openpyxl.load_workbook(exported_book)
    ws = wb["data"]
    ws.cell(3, [c.value for c in ws[1]].index("psqi_bedtime") + 1).value = 23
    edited = tmp_path / "typed.xlsx"
    wb.save(edited)
    before = study_content(demo_db)
    res = import_(demo_db, edited, "--accept-warnings", "checked on paper")
    assert res.code == 1 and "Traceback" not in res.err
    assert "1 error(s)" in res.err_lines[0]
    assert "row 3, column psqi_bedtime" in res.err and "not a 24-hour clock time" in res.err
    assert study_content(demo_db) == before


def test_import_of_an_edited_export_with_locked_visits(
    demo_db: Path, exported: Path, tmp_path: Path
) -> None:
    """The brief's round trip: export the demo, change one value of an open visit, import.
    Before: refused on the first (unchanged) locked Shanghai baseline, 'row 92: visit SH-001 BL
    is locked … before it can change', although nothing in it changed — an export could never
    be imported back. Now: unchanged locked rows are skipped, the edit is saved; a change to a
    locked visit is refused naming its row and column, with nothing written."""
    with exported.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    col = {name: i for i, name in enumerate(rows[0])}
    open_row = next(i for i, r in enumerate(rows[1:], start=2)
                    if r[col["participant"]] == "BJ-001" and r[col["visit"]] == "BL")  # fmt: skip
    locked_row = next(i for i, r in enumerate(rows[1:], start=2)
                      if r[col["participant"]] == "SH-001" and r[col["visit"]] == "BL")  # fmt: skip
    old = int(rows[open_row - 1][col["eqvas"]])
    new = 40 if old != 40 else 41

    bad = edit_csv(exported, tmp_path / "locked.csv", {(open_row, "eqvas"): str(new),
                   (locked_row, "eqvas"): str(new)})  # fmt: skip
    before = study_content(demo_db)
    res = import_(demo_db, bad)
    line = assert_one_clear_line(res, 1, f"row {locked_row}, column eqvas", "locked")
    assert "nothing written" in line
    assert study_content(demo_db) == before

    good = edit_csv(exported, tmp_path / "edited.csv", {(open_row, "eqvas"): str(new)})
    res = import_(demo_db, good)
    assert res.code == 0, res.err
    after = run_cli("export", "--db", demo_db, "--user", "datamanager", "--format", "csv",
                    "-o", tmp_path / "after.csv", user="datamanager")  # fmt: skip
    assert after.code == 0
    with (tmp_path / "after.csv").open(encoding="utf-8-sig", newline="") as fh:
        again = list(csv.reader(fh))
    assert again[open_row - 1][col["eqvas"]] == str(new)
    assert again[locked_row - 1] == rows[locked_row - 1]


def test_import_with_an_empty_key_cell(demo_db: Path, exported: Path, tmp_path: Path) -> None:
    """Before: an empty visit cell was reported as "unknown visit 'nan'", and an empty
    participant cell passed the dry run as a new participant coded 'nan' (pandas turned the
    blank into NaN) until the store refused "participant code 'nan'"."""
    bad = edit_csv(exported, tmp_path / "keys.csv", {(3, "visit"): "", (5, "participant"): ""})
    before = study_content(demo_db)
    res = import_(demo_db, bad, "--dry-run")
    assert res.code == 1 and "nan" not in res.err, res.err
    assert "row 3, column visit: visit code is empty" in res.err
    assert "row 5, column participant: participant code is empty" in res.err
    assert study_content(demo_db) == before


def test_import_of_a_truncated_csv(demo_db: Path, exported: Path, tmp_path: Path) -> None:
    """Before: a CSV cut off mid-row (an interrupted copy) imported its last row with the
    missing cells read as blank (written as 'no change'); now refused, naming the row."""
    data = exported.read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 1 + 60  # 60 bytes into a row, past its keys
    path = tmp_path / "cut.csv"
    path.write_bytes(data[:cut])
    row = data[:cut].count(b"\n") + 1
    before = study_content(demo_db)
    res = import_(demo_db, path, "--dry-run")
    assert_one_clear_line(res, 2, "cut.csv", f"row {row}", "truncated")
    assert study_content(demo_db) == before


@pytest.mark.parametrize(("sep", "shown"), [(";", "';'"), ("\t", "a tab")])
def test_a_csv_separated_by_semicolons_or_tabs(
    demo_db: Path, exported: Path, tmp_path: Path, sep: str, shown: str
) -> None:
    """A spreadsheet with a European locale saves 'CSV' with ';'. Before: import listed
    "unknown column 'participant;site;sex;…'" and two missing required columns, score said
    'no recognised column'; now one line naming the separator, for both."""
    path = tmp_path / "regional.csv"
    path.write_text(exported.read_text(encoding="utf-8-sig").replace(",", sep), encoding="utf-8")
    before = study_content(demo_db)
    assert_one_clear_line(import_(demo_db, path, "--dry-run"), 2, "regional.csv", shown)
    assert study_content(demo_db) == before
    res = run_cli("score", path, "-o", tmp_path / "o.csv")
    assert_one_clear_line(res, 2, "regional.csv", shown, "not commas")
    assert not (tmp_path / "o.csv").exists()


def test_a_password_protected_workbook(demo_db: Path, tmp_path: Path) -> None:
    """Excel saves a password-protected .xlsx (and an old .xls) as an OLE2 compound file
    (signature D0 CF 11 E0 A1 B1 1A E1, [MS-CFB] §2.2). Before: 'not an xlsx workbook (no zip
    signature)' / 'File is not a zip file'; now the likely cause and the remedy."""
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))
    before = study_content(demo_db)
    assert_one_clear_line(import_(demo_db, path), 2, "locked.xlsx", "password")
    assert study_content(demo_db) == before
    res = run_cli("score", path, "-o", tmp_path / "o.csv")
    assert_one_clear_line(res, 2, "locked.xlsx", "password")


def test_csv_export_whose_codebook_name_is_a_folder(demo_db: Path, tmp_path: Path) -> None:
    """A CSV export is two files, e.csv and e_codebook.csv. Before: e.csv was written (looking
    complete, not audited), then 'e.csv: cannot write (Is a directory)' — the wrong file named;
    now refused first, naming the codebook path, and nothing is written."""
    (tmp_path / "e_codebook.csv").mkdir()
    res = run_cli("export", "--db", demo_db, "--user", "statistician", "--format", "csv",
                  "-o", tmp_path / "e.csv", user="statistician")  # fmt: skip
    assert_one_clear_line(res, 2, "e_codebook.csv", "folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e_codebook.csv", "study"]


@pytest.mark.parametrize("failure", ["store", "interrupt"])
def test_an_export_that_cannot_be_audited_leaves_no_file(
    demo_db: Path, tmp_path: Path, monkeypatch, failure: str
) -> None:
    """Every export is audited (docs/roles.md). Before: when the audit record failed (the
    database busy or read-only) or Ctrl-C came between the write and the record, the complete
    export file stayed behind, unaudited; now it is removed (CSV: with its codebook)."""
    from store.api import Store
    from store.errors import StoreError

    def fail(self, session, action, detail):
        raise StoreError("database is busy") if failure == "store" else KeyboardInterrupt

    monkeypatch.setattr(Store, "record_event", fail)
    out = tmp_path / "e.csv"
    res = run_cli("export", "--db", demo_db, "--user", "statistician", "--format", "csv",
                  "-o", out, user="statistician")  # fmt: skip
    assert_one_clear_line(res, 2 if failure == "store" else 130)
    assert not out.exists() and not (tmp_path / "e_codebook.csv").exists()


def test_a_pdf_whose_print_cannot_be_audited_is_removed(
    demo_db: Path, tmp_path: Path, monkeypatch
) -> None:
    """Every print is audited. Before: a report whose audit record failed stayed on disk."""
    from store.api import Store
    from store.errors import StoreError

    def fail(self, session, action, detail):
        raise StoreError("database is busy")

    monkeypatch.setattr(Store, "record_event", fail)
    out = tmp_path / "r.pdf"
    res = run_cli("report", "--db", demo_db, "--user", "datamanager", "--participant",
                  "SH-001", "-o", out, user="datamanager")  # fmt: skip
    assert_one_clear_line(res, 2, "busy")
    assert list(tmp_path.glob("*.pdf")) == [] and list(tmp_path.glob(".*partial")) == []


def test_score_of_a_truncated_csv(tmp_path: Path) -> None:
    """Before: the cut-off last row was scored with its missing cells read as blank answers."""
    path = tmp_path / "cut.csv"
    path.write_bytes(b"id,eqvas,sf36_01,sf36_02\nA,50,1,2\nB,60")
    res = run_cli("score", path, "-o", tmp_path / "o.csv")
    assert_one_clear_line(res, 2, "cut.csv", "line 3", "truncated")
    assert not (tmp_path / "o.csv").exists()


def test_score_of_an_xlsx_formula_without_a_saved_result(tmp_path: Path) -> None:
    """openpyxl (and other scripts) write formulas without the result a spreadsheet program
    saves beside them (ECMA-376 Part 1 §18.3.1.4 <c>: <f> with an empty <v>). Before: such a
    cell was scored as a blank answer without a word; now refused naming the cell. A formula
    whose saved result is empty text (t="str") stays a blank answer, as in the spreadsheet."""
    wb = openpyxl.Workbook()
    wb.active.append(["id", "eqvas", "sf36_01"])
    wb.active.append(["A", "=40+10", 1])
    src = tmp_path / "script.xlsx"
    wb.save(src)
    res = run_cli("score", src, "-o", tmp_path / "o.csv")
    assert_one_clear_line(res, 2, "script.xlsx", "B2", "formula")
    assert not (tmp_path / "o.csv").exists()

    # as a spreadsheet program saves =IF(1>2,1,"") : the result, empty text, beside the formula
    import re
    import zipfile

    with zipfile.ZipFile(src) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode()
    saved = '<c r="B2" t="str"><f>IF(1&gt;2,1,"")</f><v></v></c>'
    parts[sheet] = re.sub(r'<c r="B2"[^>]*>.*?</c>', saved, xml).encode()
    computed = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(computed, "w") as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    res = run_cli("score", computed, "-o", tmp_path / "o.csv")
    assert res.code == 0, res.err


@pytest.mark.parametrize("value", ["23", "7", "1380"])
def test_import_of_a_bare_number_as_clock_time(
    demo_db: Path, exported: Path, tmp_path: Path, value: str
) -> None:
    """The codebook (CLOCK_NOTE): a CSV writes clock times as HH:MM. Before: a bare number was
    read as minutes after midnight — '23' typed for 23:00 was saved as 00:23, '7' as 00:07,
    with no error (at most a PSQI plausibility warning). Now refused by row and column."""
    bad = edit_csv(exported, tmp_path / "clock.csv", {(3, "psqi_bedtime"): value})
    before = study_content(demo_db)
    res = import_(demo_db, bad, "--accept-warnings", "checked")
    assert res.code == 1 and "1 error(s)" in res.err_lines[0], res.err
    assert f"row 3, column psqi_bedtime: psqi_bedtime: '{value}' is not a 24-hour clock" in res.err
    assert study_content(demo_db) == before


def test_score_strict_names_the_file_and_the_line(tmp_path: Path) -> None:
    """Before: 'error: 1 invalid cell(s); first at row 1, column eqvas …' — no file name, and
    'row 1' (the first data row) is the header's line in a spreadsheet or editor."""
    path = tmp_path / "visits.csv"
    path.write_text("id,eqvas\nA,50\nB,150\n", encoding="utf-8")
    res = run_cli("score", path, "-o", tmp_path / "o.csv", "--strict")
    assert_one_clear_line(res, 1, "visits.csv", "data row 2", "line 3", "column eqvas", "150")
    assert not (tmp_path / "o.csv").exists()


def test_a_dry_run_refuses_what_the_import_refuses(
    demo_db: Path, exported: Path, tmp_path: Path
) -> None:
    """Before: a new participant born in 2030 passed the dry run ('is valid') because only the
    file's values were checked, and the real import then refused it. The dry run now runs the
    import itself — every check the store makes — and rolls it back: the same refusal, the same
    row, nothing written; and a valid file's dry run still writes nothing."""
    with exported.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    col = {name: i for i, name in enumerate(rows[0])}
    new = list(rows[1])
    new[col["participant"]], new[col["birth_date"]] = "SH-099", "2030-01-01"
    path = tmp_path / "new.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0], new])
    before = study_content(demo_db)
    dry = import_(demo_db, path, "--dry-run", "--accept-warnings", "checked")
    real = import_(demo_db, path, "--accept-warnings", "checked")
    assert dry.code == real.code == 1, (dry.err, real.err)
    assert "row 2: birth date" in dry.err and "2030-01-01" in dry.err, dry.err
    assert dry.err.splitlines()[0] == real.err.splitlines()[0]
    assert study_content(demo_db) == before

    new[col["birth_date"]] = "1950-03-04"  # now valid: the dry run says so and writes nothing
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0], new])
    dry = import_(demo_db, path, "--dry-run", "--accept-warnings", "checked")
    assert dry.code == 0 and "is valid" in dry.out and "1 new participant" in dry.out, dry.err
    assert study_content(demo_db) == before
