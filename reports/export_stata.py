"""Stata .dta, format 118 (Stata 14+, UTF-8: setup.md §7 — the default 114 fails on Chinese).

Variable labels (English | Chinese, 80 characters), value labels from the declared choices and
extended missing values ``.a``–``.e`` (``MissingCode.stata_letter``) in the numeric columns,
display formats from the declaration (``labelled.print_width``: %3.0f for codes, %6.2f for
seconds), dates as %td.
Written with pyreadstat (``version=14`` writes release 118); the data label holds the checksum.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pyreadstat

from reports.codebook import variable_label
from reports.export_frame import ExportMeta, ExportTable
from reports.labelled import (
    coded_values,
    date_values,
    labelled_columns,
    print_width,
    text_values,
    value_labels,
)

STATA_RELEASE_VERSION = 14  # pyreadstat's "version 14" = .dta release 118
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")


def dta_frame(table: ExportTable) -> tuple[pd.DataFrame, dict]:
    cols = labelled_columns(table)
    data: dict[str, pd.Series] = {}
    labels: dict[str, str] = {}
    vlabels: dict[str, dict[int, str]] = {}
    missing: dict[str, list[str]] = {}
    formats: dict[str, str] = {}
    for col in cols:
        if not _NAME.match(col.name):
            raise ValueError(
                f"{col.name}: not a valid Stata variable name (letters, digits, _; at most 32)"
            )
        labels[col.name] = variable_label(col, "both")[:80]
        if col.is_numeric:
            values, used = coded_values(table, col, lambda c: c.stata_letter)
            data[col.name] = values
            if used:
                missing[col.name] = sorted(c.stata_letter for c in used)
            vl = value_labels(col)
            if vl:
                vlabels[col.name] = vl
            wd = print_width(col)
            if wd is not None:
                formats[col.name] = f"%{wd[0]}.{wd[1]}f"
        elif col.vtype == "date":
            data[col.name] = date_values(table, col)
        else:
            data[col.name] = text_values(table, col)
    return pd.DataFrame(data), {
        "column_labels": labels,
        "variable_value_labels": vlabels,
        "missing_user_values": missing,
        "variable_format": formats,
    }


def write_dta(
    table: ExportTable, path: str | os.PathLike[str], meta: ExportMeta | None = None
) -> str:
    """Write the .dta atomically; returns the data checksum."""
    checksum = table.checksum
    frame, kw = dta_frame(table)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        pyreadstat.write_dta(
            frame,
            str(tmp),
            file_label=f"sha256 {checksum}",
            version=STATA_RELEASE_VERSION,
            **kw,
        )
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return checksum
