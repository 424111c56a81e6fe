"""CSV: UTF-8 with BOM (so Excel in a Chinese locale opens it correctly) plus the codebook CSV.

Numbers are written as shortest round-trip decimals, dates as YYYY-MM-DD, clock times as minutes
after midnight, missing-data codes in the ``<var>_status`` columns; text cells that a spreadsheet
would run as a formula were already neutralised in the export table.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd

from reports.codebook import codebook_frame
from reports.export_frame import ExportMeta, ExportTable, is_blank, neutralise_text

ENCODING = "utf-8-sig"


def csv_columns(table: ExportTable) -> list[list[str]]:
    """Every data column as text cells: numbers as Python ``repr`` (shortest round-trip decimal),
    blank when absent; dates YYYY-MM-DD; text as is (already neutralised)."""
    out: list[list[str]] = []
    for col in table.columns:
        s = table.data[col.name]
        if col.is_numeric:
            arr = s.to_numpy(dtype="float64").tolist()
            out.append(["" if x != x else repr(x) for x in arr])
        elif col.vtype == "date":
            d = pd.to_datetime(s)
            out.append(d.dt.strftime("%Y-%m-%d").fillna("").tolist())
        else:
            out.append(["" if is_blank(v) else str(v) for v in s.tolist()])
    return out


def csv_frame(table: ExportTable) -> pd.DataFrame:
    """The data CSV as a frame of text cells (what a reader of the file gets)."""
    cols = csv_columns(table)
    return pd.DataFrame({c.name: v for c, v in zip(table.columns, cols, strict=True)})


def codebook_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}_codebook.csv")


def write_csv(
    table: ExportTable, path: str | os.PathLike[str], meta: ExportMeta | None = None
) -> str:
    """Write data CSV and ``<stem>_codebook.csv`` atomically; returns the data checksum."""
    checksum = table.checksum
    path = Path(path)
    cb = codebook_frame(table.columns).apply(neutralise_text)
    targets = [
        (path, [c.name for c in table.columns], csv_columns(table)),
        (codebook_path(path), list(cb.columns), [cb[c].fillna("").tolist() for c in cb.columns]),
    ]
    tmps = []
    try:
        for target, header, cols in targets:
            tmp = target.with_name(f".{target.name}.partial")
            tmps.append((tmp, target))
            with open(tmp, "w", encoding=ENCODING, newline="") as fh:
                w = csv.writer(fh, lineterminator="\r\n")
                w.writerow(header)
                w.writerows(zip(*cols, strict=True))
        for tmp, target in tmps:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in tmps:
            tmp.unlink(missing_ok=True)
        raise
    return checksum
