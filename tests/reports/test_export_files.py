"""Exports of a real study, read back by independent readers.

xlsx: openpyxl (types, frozen header, sheets) and pandas; .sav: pyreadstat (labels, user-missing)
and, when installed, GNU PSPP; .dta: pandas.read_stata (release 118, labels, extended missing);
CSV: pandas with the BOM. Scores are compared with scoring.engine.evaluate run by the test on the
store's answers_frame (DESIGN.md: the export and the ``score`` command share one code path).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

from cli.main import run
from scoring.engine import evaluate
from scoring.model import MissingCode
from scoring.registry import INSTRUMENTS, all_items, find_item
from store.api import Store
from tests.reports.export_fixtures import CONFIRM, PASSWORD
from tests.reports.readers import needs, pspp_output, reader


def _export(db: Path, fmt: str, out: Path, *extra: str) -> None:
    rc = run(["export", "--db", str(db), "--user", "stat", "--format", fmt, "-o", str(out), *extra])
    assert rc == 0


def _engine(db: Path):
    store = Store.open(db, create=False)
    try:
        s = store.login("stat", PASSWORD)
        frame = store.answers_frame(s)
        parts = {p.code: p for p in store.participants(s)}
    finally:
        store.close()
    items = [i.name for i in all_items()]
    raw = frame[["participant", "visit"]].copy()
    for n in items:
        raw[n] = frame[n]
    for attr in ("sex", "height_cm", "weight_kg"):  # participant attributes (scoring/participant)
        raw[attr] = frame["participant"].map(lambda p, a=attr: getattr(parts[p], a))
    raw["age"] = frame["age"]
    status = pd.DataFrame({n: frame[n + "__status"] for n in items})
    return frame, evaluate(raw, instruments=INSTRUMENTS, status=status)


def _status_columns(data: pd.DataFrame) -> list[str]:
    """Missing-data status columns (``<variable>_status``; ``visit_status`` is the visit's)."""
    return [c for c in data.columns if c.endswith("_status") and c != "visit_status"]


def test_xlsx_workbook_read_back(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.xlsx"
    _export(study_db, "xlsx", out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["data", "codebook", "flags", "visits", "summary", "about"]
    ws = wb["data"]
    assert ws.freeze_panes == "B2"
    header = [c.value for c in ws[1]]
    assert header[:3] == ["participant", "site", "sex"]
    row2 = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert isinstance(row2["birth_date"].value, dt.datetime)  # dates as dates
    assert row2["birth_date"].number_format == "yyyy-mm-dd"
    assert isinstance(row2["visit_date"].value, dt.datetime)
    assert isinstance(row2["sf36_pf"].value, float | int)  # numbers as numbers
    assert ws.column_dimensions["A"].width >= 11
    clock = next(it.name for it in all_items() if it.type.value == "clock")
    assert row2[clock].value is None or isinstance(row2[clock].value, dt.time)
    about = dict(pd.read_excel(out, sheet_name="about").values.tolist())
    assert len(about["data_sha256"]) == 64
    assert about["scoring_version_sf36"] == next(i.version for i in INSTRUMENTS if i.key == "sf36")
    assert int(about["data_rows"]) == 4 * 3  # 4 participants × 3 visits (the missed one kept)


def test_xlsx_scores_equal_the_engine(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.xlsx"
    _export(study_db, "xlsx", out)
    frame, ev = _engine(study_db)
    text_scores = {sc.name for inst in INSTRUMENTS for sc in inst.scores if sc.is_text}
    data = pd.read_excel(out, sheet_name="data", dtype={n: str for n in text_scores})
    assert list(data["participant"]) == list(frame["participant"])
    assert list(data["visit"]) == list(frame["visit"])
    compared = 0
    for name in ev.scores.columns:
        if name in text_scores:
            # text scores: '' (e.g. "not censored") and absent are both an empty cell
            want_t = [None if pd.isna(v) or v == "" else str(v) for v in ev.scores[name]]
            assert [None if pd.isna(v) else str(v) for v in data[name]] == want_t, name
            continue
        got = pd.to_numeric(data[name], errors="coerce").to_numpy(dtype="float64")
        want = ev.scores[name].to_numpy(dtype="float64")
        np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True, err_msg=name)
        compared += int(np.isfinite(want).sum())
    assert compared > 100
    # status columns carry the store's codes; the value cell stays empty (numeric column)
    st = _status_columns(data)
    coded = [(c, i) for c in st for i in data.index[data[c].notna()]]
    assert coded, "the fixture has missing-data codes"
    for c, i in coded[:50]:
        assert data.at[i, c] in {m.value for m in MissingCode}
        assert pd.isna(data.at[i, c[: -len("_status")]])


def test_xlsx_flags_visits_summary_sheets(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.xlsx"
    _export(study_db, "xlsx", out)
    flags = pd.read_excel(out, sheet_name="flags")
    assert set(flags["level"]) <= {"error", "warning", "clinical"}
    confirmed = flags[flags["confirm_reason"].notna()]
    assert len(confirmed) and set(confirmed["confirm_reason"]) == {CONFIRM}
    assert set(confirmed["confirmed_by"]) == {"dm"}
    visits = pd.read_excel(out, sheet_name="visits").set_index("visit")
    assert visits.loc["BL", "scheduled"] == 4 and visits.loc["BL", "complete"] == 4
    assert visits.loc["W1", "out_of_window"] == 4  # every W1 was entered 5 days late
    assert visits.loc["M1", "missed"] == 1
    assert visits.loc["overall", "scheduled"] == 4 * 6
    assert visits.loc["overall", "missed"] == 1
    summary = pd.read_excel(out, sheet_name="summary")
    frame, ev = _engine(study_db)
    pf = ev.scores["sf36_pf"][frame["visit"] == "BL"].dropna()
    row = summary[(summary["variable"] == "sf36_pf") & (summary["visit"] == "BL")].iloc[0]
    assert row["n"] == len(pf)
    assert row["mean"] == pytest.approx(pf.mean())
    assert row["sd"] == pytest.approx(pf.std())
    assert row["median"] == pytest.approx(pf.median())
    assert row["missing_n"] == 4 - len(pf)


def test_sav_labels_and_user_missing_survive(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.sav"
    _export(study_db, "sav", out)
    df, meta = pyreadstat.read_sav(out, user_missing=True)
    plain, _ = pyreadstat.read_sav(out)
    _, item = find_item("sf36_01")
    assert meta.column_names_to_labels["sf36_01"].startswith(item.en)
    assert item.zh in meta.column_names_to_labels["sf36_01"]
    labels = meta.variable_value_labels["sf36_01"]
    for ch in item.choices:
        assert labels[float(ch.code)] == f"{ch.en} / {ch.zh}"
    assert meta.missing_ranges["sf36_01"] == [{"lo": -95.0, "hi": -91.0}]
    assert meta.variable_measure["sf36_01"] in ("ordinal", "nominal")
    assert meta.variable_measure["sf36_pf"] == "scale"
    xlsx = tmp_path / "e.xlsx"
    _export(study_db, "xlsx", xlsx)
    data = pd.read_excel(xlsx, sheet_name="data")
    hits = 0
    for c in _status_columns(data):
        var = c[: -len("_status")]
        if var not in df.columns:
            continue
        for i in data.index[data[c].notna()]:
            code = MissingCode(data.at[i, c])
            if c in df.columns:  # text variable: the code stays in its status column
                assert df.at[i, c] == code.value
                continue
            assert df.at[i, var] == code.numeric_code
            assert np.isnan(plain.at[i, var])  # read as missing without user_missing
            hits += 1
    assert hits > 0
    assert any(len(line) == 64 for line in meta.notes)  # the data checksum in the document


def test_dta_release_118_labels_and_extended_missing(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.dta"
    _export(study_db, "dta", out)
    assert b"<release>118</release>" in out.read_bytes()[:64]
    with pd.io.stata.StataReader(out) as rd:
        vlabels = rd.variable_labels()
        data_label = rd.data_label
    _, item = find_item("sf36_01")
    assert item.zh in vlabels["sf36_01"]
    assert data_label.startswith("sha256 ")
    df = pd.read_stata(out, convert_missing=True, convert_dates=False, convert_categoricals=False)
    xlsx = tmp_path / "e.xlsx"
    _export(study_db, "xlsx", xlsx)
    data = pd.read_excel(xlsx, sheet_name="data")
    hits = 0
    for c in _status_columns(data):
        var = c[: -len("_status")]
        if var not in df.columns:
            continue
        for i in data.index[data[c].notna()]:
            if c in df.columns:  # text variable: the code stays in its status column
                assert df.at[i, c] == data.at[i, c]
                continue
            mv = df.at[i, var]
            assert isinstance(mv, pd.io.stata.StataMissingValue)
            assert mv.string == "." + MissingCode(data.at[i, c]).stata_letter
            hits += 1
    assert hits > 0
    with pd.io.stata.StataReader(out) as rd:
        rd.read(convert_categoricals=False)
        label_sets = list(rd.value_labels().values())
    want = {ch.code: f"{ch.en} / {ch.zh}" for ch in item.choices}
    assert any({int(k): v for k, v in ls.items()} == want for ls in label_sets)
    cat = pd.read_stata(out, columns=["sf36_01"])
    assert isinstance(cat["sf36_01"].dtype, pd.CategoricalDtype)  # labels applied by pandas


def test_csv_has_bom_and_codebook(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.csv"
    _export(study_db, "csv", out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    data = pd.read_csv(out, encoding="utf-8-sig")
    _frame, ev = _engine(study_db)
    np.testing.assert_allclose(
        data["sf36_pcs"].to_numpy(dtype="float64"),
        ev.scores["sf36_pcs"].to_numpy(dtype="float64"),
        rtol=5e-15,  # unrounded, to 15 significant digits (float64's decimal precision)
        equal_nan=True,
    )
    cb = pd.read_csv(tmp_path / "e_codebook.csv", encoding="utf-8-sig")
    assert list(cb["variable"]) == list(data.columns)
    assert "性别" in set(cb["label_zh"])


def test_same_data_same_checksum_and_export_is_audited(
    study_db: Path, tmp_path: Path, capsys
) -> None:
    sums = []
    for fmt in ("xlsx", "sav", "dta", "csv", "xlsx"):
        _export(study_db, fmt, tmp_path / f"e.{fmt}")
        sums.append(capsys.readouterr().out.strip().rsplit(" ", 1)[-1])
    assert len(set(sums)) == 1 and len(sums[0]) == 64
    store = Store.open(study_db, create=False)
    try:
        s = store.login("stat", PASSWORD)
        events = [a for a in store.audit_trail(s) if a.action == "export"]
    finally:
        store.close()
    assert len(events) == 5
    assert all(sums[0] in (e.new_value or "") + (e.reason or "") for e in events)


def test_wide_layout_export(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "w.xlsx"
    _export(study_db, "xlsx", out, "--layout", "wide")
    data = pd.read_excel(out, sheet_name="data")
    assert len(data) == 4
    for v in ("BL", "W1", "M1", "M2", "M3", "M6"):  # every protocol visit, data or not
        assert f"sf36_pcs_{v}" in data.columns
    assert data[[f"sf36_pcs_{v}" for v in ("M2", "M3", "M6")]].isna().all().all()


def test_site_filter(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    _export(study_db, "csv", out, "--site", "S01")
    data = pd.read_csv(out, encoding="utf-8-sig")
    assert set(data["site"]) == {"S01"} and len(data) > 0
    rc = run(
        [
            "export",
            "--db",
            str(study_db),
            "--user",
            "stat",
            "--format",
            "csv",
            "--site",
            "NOPE",
            "-o",
            str(out),
        ]
    )
    assert rc == 2


@needs("pspp")
def test_pspp_lists_the_sav(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.sav"
    _export(study_db, "sav", out)
    text = pspp_output(
        out,
        "DISPLAY DICTIONARY /VARIABLES=sf36_01 sf36_pf.\n"
        "LIST /VARIABLES=participant visit sf36_pf /CASES=FROM 1 TO 3.\n",
        tmp_path,
    )
    _, item = find_item("sf36_01")
    assert "-95 THRU -91" in text.replace("\n", " ").replace("|", " ").replace("  ", " ") or (
        "THRU" in text
    )
    assert item.choices[0].en in text
    assert "P00001" in text


@needs("soffice", "libreoffice")
def test_libreoffice_converts_the_data_sheet(study_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.xlsx"
    _export(study_db, "xlsx", out)
    office = reader("soffice", "libreoffice")
    proc = subprocess.run(
        [office, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    csv = pd.read_csv(tmp_path / "e.csv")
    assert list(csv.columns[:3]) == ["participant", "site", "sex"]
    assert list(csv["participant"]) == list(pd.read_excel(out, sheet_name="data")["participant"])
