"""CSV: UTF-8 with BOM (so Excel in a Chinese locale opens it correctly) plus the codebook CSV.

Numbers are written as shortest round-trip decimals, dates as YYYY-MM-DD, clock times as minutes
after midnight, missing-data codes in the ``<var>_status`` columns; text cells that a spreadsheet
would run as a formula were already neutralised in the export table.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from reports.codebook import codebook_frame
from reports.export_frame import ExportMeta, ExportTable, is_blank, neutralise_text

ENCODING = "utf-8-sig"


def csv_frame(table: ExportTable) -> pd.DataFrame:
    out: dict[str, pd.Series] = {}
    for col in table.columns:
        s = table.data[col.name]
        if col.is_numeric:  # written by pandas as shortest round-trip decimals, NaN blank
            out[col.name] = s.astype("float64")
        elif col.vtype == "date":
            d = pd.to_datetime(s)
            out[col.name] = pd.Series(d.dt.strftime("%Y-%m-%d").fillna("").to_numpy(), dtype=object)
        else:
            out[col.name] = pd.Series(
                ["" if is_blank(v) else str(v) for v in s.tolist()], dtype=object
            )
    return pd.DataFrame(out, index=table.data.index)


def codebook_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}_codebook.csv")


def write_csv(
    table: ExportTable, path: str | os.PathLike[str], meta: ExportMeta | None = None
) -> str:
    """Write data CSV and ``<stem>_codebook.csv`` atomically; returns the data checksum."""
    checksum = table.checksum
    path = Path(path)
    targets = [(path, csv_frame(table))]
    cb = codebook_frame(table.columns)
    cb = cb.apply(neutralise_text)
    targets.append((codebook_path(path), cb))
    tmps = []
    try:
        for target, frame in targets:
            tmp = target.with_name(f".{target.name}.partial")
            tmps.append((tmp, target))
            frame.to_csv(tmp, index=False, encoding=ENCODING, lineterminator="\r\n", na_rep="")
        for tmp, target in tmps:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in tmps:
            tmp.unlink(missing_ok=True)
        raise
    return checksum
