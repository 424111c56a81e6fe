"""The written cells of every export, checked against the declarations (issue 7, colleagues'
report: "5.0", "1.0", "63.0" and "1386.0" in the CSV).

Expected texts are derived from the declarations (``Item.decimals``, ``Score.decimals``, choices,
``ItemType``) and from the values the test itself put in, never from numbers our export computed:
coded and integer values are written as integers, decimals with the declared number of decimals
(more only when the value carries more: an unrounded score), clock times as HH:MM (the codebook's
CLOCK_NOTE), dates as ISO dates; SPSS/Stata print formats carry the declared decimals.
"""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

from cli.main import run
from reports.export_csv import write_csv
from reports.export_frame import ExportInput, build_export
from scoring.model import ItemType
from scoring.registry import INSTRUMENTS, find_item, find_score
from tests.reports.fixture_instrument import INSTRUMENT
from tests.reports.readers import needs, pspp_output
from tests.reports.synth import answers_frame

VISITS = ("V0", "V1", "V2")
INTEGER = re.compile(r"^-?\d+$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _decimals_of(text: str) -> int:
    return len(text.partition(".")[2])


def _significant(text: str) -> int:
    digits = text.lstrip("-").replace(".", "").lstrip("0")
    return len(digits)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------------------------
# The test instrument: values the test chooses, texts the declarations prescribe


@pytest.fixture()
def chosen(tmp_path: Path) -> tuple[list[dict[str, str]], pd.DataFrame]:
    a = answers_frame([INSTRUMENT], 1, VISITS, seed=2, missing_rate=0.0)
    a["tx_q1"] = [2.0, 3.0, 1.0]
    a["tx_q2"] = [3.0, 3.0, 1.0]
    a["tx_steps"] = [45.0, 0.0, 7.0]
    a["tx_time_s"] = [6.5, 0.1 + 0.2, 12.345]  # declared, float noise, more than declared
    a["tx_bed"] = [22 * 60 + 30, 0.0, 23 * 60 + 59]
    table = build_export(ExportInput(a, visit_order=VISITS), instruments=[INSTRUMENT])
    write_csv(table, tmp_path / "t.csv")
    return _rows(tmp_path / "t.csv"), a


def test_csv_coded_and_integer_items_are_integers(chosen) -> None:
    rows, _ = chosen
    assert [r["tx_q1"] for r in rows] == ["2", "3", "1"]  # not "2.0"
    assert [r["tx_steps"] for r in rows] == ["45", "0", "7"]
    q1 = INSTRUMENT.item("tx_q1")
    assert {r["tx_q1"] for r in rows} <= {str(c) for c in q1.codes}


def test_csv_decimals_follow_the_declaration_without_float_noise(chosen) -> None:
    rows, _ = chosen
    d = INSTRUMENT.item("tx_time_s").decimals
    cells = [r["tx_time_s"] for r in rows]
    assert cells[0] == f"{6.5:.{d}f}"  # "6.50": the declared 2 decimals
    assert cells[1] == f"{0.3:.{d}f}"  # 0.1 + 0.2 is 0.30000000000000004 in float64
    assert cells[2] == "12.345"  # a value with more decimals than declared is not rounded away


def test_csv_clock_times_are_hh_mm(chosen) -> None:
    rows, _ = chosen
    assert [r["tx_bed"] for r in rows] == ["22:30", "00:00", "23:59"]


def test_csv_scores_use_their_declared_decimals(chosen) -> None:
    rows, a = chosen
    total = INSTRUMENT.scores[0]  # tx_total = q1 + q2 (fixture rule), decimals declared
    band = INSTRUMENT.scores[1]  # categorical (choices): an integer code
    sums = (a["tx_q1"] + a["tx_q2"]).tolist()
    assert [r["tx_total"] for r in rows] == [f"{s:.{total.decimals}f}" for s in sums]
    assert [r["tx_band"] for r in rows] == [str(int(s >= 5)) for s in sums]
    assert {r["tx_band"] for r in rows} <= {str(c.code) for c in band.choices}


def test_csv_missing_code_leaves_the_number_blank(tmp_path: Path) -> None:
    a = answers_frame([INSTRUMENT], 1, VISITS, seed=2, missing_rate=0.0)
    a.loc[1, "tx_steps"] = np.nan
    a.loc[1, "tx_steps__status"] = "UN"
    table = build_export(ExportInput(a, visit_order=VISITS), instruments=[INSTRUMENT])
    write_csv(table, tmp_path / "m.csv")
    rows = _rows(tmp_path / "m.csv")
    assert (rows[1]["tx_steps"], rows[1]["tx_steps_status"]) == ("", "UN")
    assert INTEGER.match(rows[0]["tx_steps"]) and rows[0]["tx_steps_status"] == ""


# --------------------------------------------------------------------------------------------
# A real study (every registered instrument) through the export command


def _export(db: Path, fmt: str, out: Path) -> None:
    rc = run(["export", "--db", str(db), "--user", "stat", "--format", fmt, "-o", str(out)])
    assert rc == 0


def _declared(name: str):
    """(item or score, kind) declaring ``name`` in the registry, or (None, None)."""
    try:
        return find_item(name)[1], "item"
    except KeyError:
        pass
    try:
        return find_score(name)[1], "score"
    except KeyError:
        return None, None


def test_study_csv_cells_match_their_declarations(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.csv"
    _export(study_db, "csv", out)
    rows = _rows(out)
    checked = {"integer": 0, "clock": 0, "decimal": 0, "date": 0}
    for name in rows[0]:
        cells = [r[name] for r in rows if r[name] != ""]
        decl, kind = _declared(name)
        if name.endswith("_date") or name.startswith("visit_window"):
            assert all(ISO_DATE.match(c) for c in cells), (name, cells[:3])
            checked["date"] += len(cells)
            continue
        if decl is None:
            continue
        if (kind == "item" and decl.type in (ItemType.CODED, ItemType.INTEGER)) or (
            kind == "score" and (decl.choices or decl.decimals == 0) and not decl.is_text
        ):
            assert all(INTEGER.match(c) for c in cells), (name, cells[:3])
            if decl.choices:
                assert {int(c) for c in cells} <= {ch.code for ch in decl.choices}, name
            checked["integer"] += len(cells)
        elif kind == "item" and decl.type is ItemType.CLOCK:
            assert all(CLOCK.match(c) for c in cells), (name, cells[:3])
            checked["clock"] += len(cells)
        elif (kind == "item" and decl.type is ItemType.DECIMAL) or (
            kind == "score" and not decl.is_text
        ):
            for c in cells:
                # the declared decimals, more only when the value carries more; never float noise
                assert _decimals_of(c) >= decl.decimals and _significant(c) <= 15, (name, c)
                if kind == "item":  # entered values carry the declared precision (synth.py)
                    assert _decimals_of(c) == decl.decimals, (name, c)
            checked["decimal"] += len(cells)
    sex = find_item("sex")[1]
    assert {r["sex"] for r in rows} <= {str(c.code) for c in sex.choices}
    assert all(v > 0 for v in checked.values()), checked
    # a 2-decimal score of the fixture's values: at least its declared decimals
    gait = find_score("gait_speed_ms")[1]
    assert gait.decimals == 2
    assert any(_decimals_of(r["gait_speed_ms"]) >= 2 for r in rows if r["gait_speed_ms"])


def test_study_csv_reads_back_typed_with_pandas(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.csv"
    _export(study_db, "csv", out)
    data = pd.read_csv(out, encoding="utf-8-sig")
    full = [c for c in data.columns if data[c].notna().all()]
    for name in full:
        decl, kind = _declared(name)
        if kind == "item" and decl.type in (ItemType.CODED, ItemType.INTEGER):
            assert data[name].dtype == np.int64, name  # pandas sees integers, not floats
    xlsx = tmp_path / "e.xlsx"
    _export(study_db, "xlsx", xlsx)
    sheet = pd.read_excel(xlsx, sheet_name="data")
    for name in ("sf36_pcs", "tug_1_s", "sf36_01"):
        np.testing.assert_allclose(
            data[name].to_numpy(dtype="float64"),
            sheet[name].to_numpy(dtype="float64"),
            rtol=5e-15,  # CSV: 15 significant digits; xlsx: the float64 itself
            equal_nan=True,
            err_msg=name,
        )


def _wd(fmt: str) -> tuple[int, int]:
    m = re.match(r"^%?F?(\d+)\.(\d+)f?$", fmt)
    assert m, fmt
    return int(m.group(1)), int(m.group(2))


def _expected_decimals(name: str) -> int | None:
    decl, kind = _declared(name)
    if decl is None or (kind == "score" and decl.is_text):
        return None
    if kind == "item":
        if not decl.is_numeric:
            return None
        return decl.decimals if decl.type is ItemType.DECIMAL else 0
    return 0 if decl.choices else decl.decimals


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_spss_and_stata_formats_follow_the_declaration(
    study_db: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"e.{fmt}"
    _export(study_db, fmt, out)
    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    df, meta = reader(out)
    formats = meta.original_variable_types
    checked = 0
    for name in df.columns:
        d = _expected_decimals(name)
        if d is None:
            continue
        width, decimals = _wd(formats[name])
        assert decimals == d, (name, formats[name])
        decl, _ = _declared(name)
        codes = getattr(decl, "choices", ())
        if codes:  # the widest code and the user-missing codes (-95 … -91) fit
            assert width >= max(len(str(c.code)) for c in codes), name
            assert fmt == "dta" or width >= 3, (name, formats[name])
        checked += 1
    assert checked > 100
    assert formats["sex"] in ("F3.0", "%3.0f")  # codes 1, 2 and -95: not F8.2
    date = "DATE11" if fmt == "sav" else "%td"
    assert formats["birth_date"] == date and formats["visit_date"] == date


def test_xlsx_number_formats_follow_the_declaration(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.xlsx"
    _export(study_db, "xlsx", out)
    ws = openpyxl.load_workbook(out)["data"]
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    checked = 0
    for name, cell in row.items():
        if cell.value is None or isinstance(cell.value, str):
            continue
        decl, kind = _declared(name)
        if kind == "item" and decl.type is ItemType.CLOCK:
            assert cell.number_format == "hh:mm", name
            continue
        d = _expected_decimals(name)
        if d is None:
            continue
        assert cell.number_format == ("0" if d == 0 else "0." + "0" * d), name
        checked += 1
    assert checked > 50
    assert isinstance(row["sex"].value, int) and row["sex"].number_format == "0"


# --------------------------------------------------------------------------------------------
# Independent readers: GNU PSPP and LibreOffice


@needs("pspp")
def test_pspp_shows_integer_formats_and_chinese_labels(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.sav"
    _export(study_db, "sav", out)
    text = pspp_output(
        out,
        "DISPLAY DICTIONARY /VARIABLES=sex sf36_01 tug_1_s birth_date.\n"
        "LIST /VARIABLES=participant sex sf36_01 tug_1_s birth_date /CASES=FROM 1 TO 2.\n",
        tmp_path,
    )
    sex, tug = find_item("sex")[1], find_item("tug_1_s")[1]
    assert "F3.0" in text and f"F6.{tug.decimals}" in text and "DATE11" in text
    assert sex.zh in text and sex.choices[0].zh in text  # Chinese labels survive
    listing = text[text.index("Data List") :]
    first = next(line for line in listing.splitlines() if "P0000" in line)
    cells = [c.strip() for c in first.strip().strip("|").split("|")]
    assert cells[1] in {str(c.code) for c in sex.choices}  # "1", not "1.00"
    # the declared decimals (a user-missing code such as -95.00 shows the same way)
    assert re.match(rf"^-?\d+\.\d{{{tug.decimals}}}$", cells[3]) or cells[3] == "."
    assert ISO_DATE.match(cells[4]) is None and re.match(r"^\d{2}-[A-Z]{3}-\d{4}$", cells[4])


@needs("soffice")
def test_libreoffice_csv_of_the_workbook(study_db: Path, tmp_path: Path) -> None:
    """LibreOffice converts every sheet (filter token 12 = -1) with formatted text (token 9)."""
    out = tmp_path / "e.xlsx"
    _export(study_db, "xlsx", out)
    outdir = tmp_path / "lo"
    proc = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
            "--outdir",
            str(outdir),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    data = _rows_plain(outdir / "e-data.csv")
    codebook = _rows_plain(outdir / "e-codebook.csv")
    sex = find_item("sex")[1]
    assert {r["sex"] for r in data} <= {str(c.code) for c in sex.choices} | {""}
    clocks = [i.name for inst in INSTRUMENTS for i in inst.items if i.type is ItemType.CLOCK]
    assert all(CLOCK.match(r[clocks[0]]) for r in data if r[clocks[0]])
    assert all(ISO_DATE.match(r["birth_date"]) for r in data)
    labels = {r["variable"]: r["label_zh"] for r in codebook}
    assert labels["sex"] == sex.zh  # Chinese survives the conversion (UTF-8, token 76)


def _rows_plain(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_number_texts_edge_cases() -> None:
    """Negative zero, huge and non-finite values never crash the writer nor print as noise."""
    from reports.export_csv import number_texts

    got = number_texts(np.array([-0.0, 1e20, np.inf, -np.inf, np.nan, -1.5]), 0)
    assert got == ["0", "100000000000000000000", "inf", "-inf", "", "-1.5"]
