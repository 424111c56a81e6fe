"""CSV: UTF-8 with BOM (so Excel in a Chinese locale opens it correctly) plus the codebook CSV.

Numbers follow their declaration (``codebook.declared_decimals``): coded and integer values as
integers ("1", not "1.0"); decimals with the declared number of decimals ("6.50"), more only
when the value carries more (an unrounded score: up to 15 significant digits, the precision a
float64 holds, so no float noise such as 84.00000000000001). Dates as YYYY-MM-DD, clock times as
HH:MM (the engine reads both back), missing-data codes in the ``<var>_status`` columns; text
cells that a spreadsheet would run as a formula were already neutralised in the export table.
"""

from __future__ import annotations

import csv
import errno
import os
from pathlib import Path

import numpy as np
import pandas as pd

from reports.codebook import codebook_frame, declared_decimals
from reports.export_frame import ExportMeta, ExportTable, is_blank, neutralise_text

ENCODING = "utf-8-sig"


# A value within this relative distance of its declared-precision rounding is that rounding plus
# float noise (0.1 + 0.2, 84.00000000000001): 15 significant digits, float64's decimal precision.
_NOISE = 5e-15
_SIGNIFICANT = 15


def _free_text(x: float, decimals: int) -> str:
    """``x`` to 15 significant digits, positional, at least ``decimals`` decimals."""
    if not np.isfinite(x):
        return repr(x)  # inf / -inf: never produced by a declared score, written as is
    g = float(f"{x:.{_SIGNIFICANT}g}")
    t = np.format_float_positional(g, unique=True, trim="-")
    whole, _, frac = t.partition(".")
    if len(frac) < decimals:
        frac = frac.ljust(decimals, "0")
    return f"{whole}.{frac}" if frac else whole


def number_texts(values: np.ndarray, decimals: int | None) -> list[str]:
    """Cells of a numeric column: blank for NaN; ``decimals`` decimals when the value has no
    more than that (within float noise), else the value itself to 15 significant digits."""
    arr = np.asarray(values, dtype="float64")
    d = 0 if decimals is None else max(int(decimals), 0)
    present = ~np.isnan(arr)
    rounded = np.round(arr, d) + 0.0  # + 0.0: no "-0"
    with np.errstate(invalid="ignore"):  # ±inf: written by _free_text
        exact = (np.abs(arr - rounded) <= _NOISE * np.abs(arr)) & (np.abs(rounded) < 2.0**53)
    if d == 0:
        ints = np.where(present & exact, rounded, 0).astype("int64").tolist()
        fast = [str(i) for i in ints]
    else:
        fmt = f"%.{d}f"
        fast = [fmt % v for v in rounded.tolist()]
    for i in np.flatnonzero(~present).tolist():
        fast[i] = ""
    for i in np.flatnonzero(present & ~exact).tolist():
        fast[i] = _free_text(float(arr[i]), d)
    return fast


def clock_texts(values: np.ndarray) -> list[str]:
    """Minutes after midnight as HH:MM (codebook CLOCK_NOTE); a non-whole minute (never
    produced by the engine) keeps its seconds, HH:MM:SS."""
    arr = np.asarray(values, dtype="float64")
    out = []
    for x in arr.tolist():
        if x != x:
            out.append("")
            continue
        secs = round(x * 60)
        h, rest = divmod(secs, 3600)
        m, sec = divmod(rest, 60)
        out.append(f"{h:02d}:{m:02d}" if sec == 0 else f"{h:02d}:{m:02d}:{sec:02d}")
    return out


def csv_columns(table: ExportTable) -> list[list[str]]:
    """Every data column as text cells: numbers by ``number_texts`` at their declared decimals,
    clock times HH:MM, blank when absent; dates YYYY-MM-DD; text as is (already neutralised)."""
    out: list[list[str]] = []
    for col in table.columns:
        s = table.data[col.name]
        if col.vtype == "clock":
            out.append(clock_texts(s.to_numpy(dtype="float64")))
        elif col.is_numeric:
            out.append(number_texts(s.to_numpy(dtype="float64"), declared_decimals(col)))
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
    for target, _, _ in targets:  # before anything is written: both files or neither
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(target))
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
