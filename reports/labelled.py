"""What SPSS and Stata files share: numeric columns carrying missing-data codes in the value.

DESIGN.md "Missing data": reasons are exported as SPSS user-missing values
(``MissingCode.numeric_code``) and Stata extended missing values (``.a``–``.e``,
``MissingCode.stata_letter``) in the numeric column itself; text variables keep their
``<var>_status`` column (string user-missing cannot hold five codes). Value labels come from the
declared choices (reference/edc.md §3.3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from reports.codebook import (
    column_choices,
    column_missing_codes,
    declared_decimals,
    declared_range,
)
from reports.export_frame import STATUS_SUFFIX, Column, ExportTable
from scoring.model import MissingCode


def labelled_columns(table: ExportTable) -> list[Column]:
    """The columns of a labelled file: status columns only for text variables."""
    by_name = {c.name: c for c in table.columns}
    out = []
    for c in table.columns:
        if c.kind == "status":
            base = c.name[: -len(STATUS_SUFFIX)] if c.visit is None else None
            owner = by_name.get(base) if base else _owner(c, by_name)
            if owner is not None and owner.is_numeric:
                continue
        out.append(c)
    return out


def _owner(status: Column, by_name: dict[str, Column]) -> Column | None:
    # wide: "<var>_status_<visit>" belongs to "<var>_<visit>"
    return by_name.get(f"{status.variable}_{status.visit}")


def status_column_name(col: Column) -> str:
    if col.visit is None:
        return col.name + STATUS_SUFFIX
    return f"{col.variable}{STATUS_SUFFIX}_{col.visit}"


def coded_values(
    table: ExportTable, col: Column, encode: Callable[[MissingCode], object]
) -> tuple[pd.Series, set[MissingCode]]:
    """The numeric column with ``encode(code)`` where the value is absent and a code is set."""
    values = table.data[col.name].to_numpy(dtype="float64")
    st_name = status_column_name(col)
    if st_name not in table.data.columns:
        return pd.Series(values), set()
    status = table.data[st_name].to_numpy(dtype=object)
    mask = pd.notna(status) & np.isnan(values)
    if not mask.any():
        return pd.Series(values), set()
    used = {MissingCode(s) for s in set(status[mask].tolist())}
    enc = {c.value: encode(c) for c in used}
    if all(isinstance(v, float) for v in enc.values()):
        out = values.copy()
    else:
        out = values.astype(object)
        out[np.isnan(values)] = np.nan
    out[mask] = [enc[s] for s in status[mask].tolist()]
    return pd.Series(out), used


def check_no_collision(table: ExportTable, col: Column) -> None:
    """A real value equal to a user-missing code would be read as missing: refuse to write."""
    codes = column_missing_codes(col)
    if not codes:
        return
    arr = table.data[col.name].to_numpy(dtype="float64")
    hit = np.isin(arr, [c.numeric_code for c in codes])
    if hit.any():
        row = int(np.argmax(hit)) + 1
        raise ValueError(
            f"{col.name}: value {arr[row - 1]:g} in data row {row} equals a user-missing code; "
            "it cannot be exported as SPSS without being read as missing"
        )


def value_labels(col: Column) -> dict[int, str]:
    return {c.code: f"{c.en} / {c.zh}" for c in column_choices(col)}


def text_values(table: ExportTable, col: Column) -> pd.Series:
    return pd.Series(
        ["" if v is None else str(v) for v in table.data[col.name].tolist()], dtype=object
    )


def date_values(table: ExportTable, col: Column) -> pd.Series:
    """Dates as ``datetime.date`` (None when absent): pyreadstat writes them as SPSS DATE11 and
    Stata %td (a datetime64 column would become DATETIME20 / %tc with a midnight time)."""
    days = pd.to_datetime(table.data[col.name]).to_numpy(dtype="datetime64[D]")
    out: list[dt.date | None] = [None if np.isnat(d) else d.item() for d in days]
    return pd.Series(out, dtype=object)


def _digits(x: float) -> int:
    """Characters of the integer part of ``x``, with its minus sign."""
    return len(str(int(abs(x)))) + (1 if x < 0 else 0)


def print_width(col: Column) -> tuple[int, int] | None:
    """(width, decimals) a numeric column is printed with in SPSS (Fw.d) and Stata (%w.df).

    Decimals are ``codebook.declared_decimals`` (0 for coded, integer and clock values; a score
    keeps its unrounded value, only the display is set); the width fits the declared range and
    the SPSS user-missing codes (-95 … -91); an undeclared range gets 8 + decimals."""
    if not col.is_numeric:
        return None
    d = declared_decimals(col)
    d = 2 if d is None else d
    low, high = declared_range(col)
    if low is None or high is None:
        return 8 + d, d
    ends = [low, high] + [c.numeric_code for c in column_missing_codes(col)]
    whole = max(_digits(x) for x in ends)
    return whole + (d + 1 if d else 0), d
