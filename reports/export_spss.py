"""SPSS .sav: one self-contained labelled file (reference/edc.md pain point 4: not syntax + CSV).

Variable labels (English | Chinese), value labels from the declared choices plus the missing-data
codes, user-missing values (``MissingCode.numeric_code``, -95 … -91, declared as one range so all
five codes fit SPSS's limit of one range + one value), measurement levels and display formats.
The data checksum (SHA-256 of the canonical data) is stored in the file's document note.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyreadstat

from reports.codebook import column_missing_codes, variable_label
from reports.export_frame import Column, ExportMeta, ExportTable
from reports.labelled import (
    check_no_collision,
    coded_values,
    date_values,
    labelled_columns,
    print_width,
    text_values,
    value_labels,
)
from scoring.model import MissingCode

_LO = min(c.numeric_code for c in MissingCode)
_HI = max(c.numeric_code for c in MissingCode)


def _measure(col: Column) -> str:
    if col.vtype == "coded":
        return "ordinal" if len(value_labels(col)) > 2 else "nominal"
    if not col.is_numeric and col.vtype != "date":
        return "nominal"
    return "scale"


def spss_format(col: Column) -> str | None:
    """The SPSS print/write format ``Fw.d`` of a numeric column (``labelled.print_width``):
    F3.0 for a coded or integer value with codes -95…-91, F6.2 for seconds up to 300, …"""
    wd = print_width(col)
    return None if wd is None else f"F{wd[0]}.{wd[1]}"


def _truncate(text: str, limit: int) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def sav_frame(table: ExportTable) -> tuple[pd.DataFrame, dict]:
    """The frame and pyreadstat metadata of the .sav (also used by tests)."""
    cols = labelled_columns(table)
    data: dict[str, pd.Series] = {}
    labels: dict[str, str] = {}
    vlabels: dict[str, dict[float, str]] = {}
    missing: dict[str, list] = {}
    measure: dict[str, str] = {}
    formats: dict[str, str] = {}
    for col in cols:
        labels[col.name] = variable_label(col, "both", limit=250)
        measure[col.name] = _measure(col)
        if col.is_numeric:
            check_no_collision(table, col)
            values, _used = coded_values(table, col, lambda c: float(c.numeric_code))
            data[col.name] = values.astype("float64")
            vl = {float(k): v for k, v in value_labels(col).items()}
            codes = column_missing_codes(col)
            if codes:
                missing[col.name] = [{"lo": float(_LO), "hi": float(_HI)}]
                for c in codes:
                    vl[float(c.numeric_code)] = f"{c.value}: {c.label_en} / {c.label_zh}"
            if vl:
                vlabels[col.name] = vl
            fmt = spss_format(col)
            if fmt:
                formats[col.name] = fmt
        elif col.vtype == "date":
            data[col.name] = date_values(table, col)
        else:
            data[col.name] = text_values(table, col)
    frame = pd.DataFrame(data)
    meta = {
        "column_labels": labels,
        "variable_value_labels": vlabels,
        "missing_ranges": missing,
        "variable_measure": measure,
        "variable_format": formats,
    }
    return frame, meta


def write_sav(
    table: ExportTable, path: str | os.PathLike[str], meta: ExportMeta | None = None
) -> str:
    """Write the .sav atomically; returns the data checksum."""
    meta = meta or ExportMeta()
    checksum = table.checksum
    frame, kw = sav_frame(table)
    study = table.source.study.get("code", "")
    note = [
        f"OutcomeDesk export of study {study}",
        f"exported {meta.exported_at} by {meta.exported_by}",
        f"layout {table.layout}; " + "; ".join(f"{k} {v}" for k, v in meta.filters.items()),
        "data_sha256",
        checksum,
        "scoring versions:",
        *(f"  {i.key} {i.version}" for i in table.instruments),
    ]
    note = [_truncate(line, 80) for line in note]  # SPSS document lines hold 80 bytes
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        pyreadstat.write_sav(
            frame, str(tmp), file_label=f"OutcomeDesk {study}"[:64], note=note, **kw
        )
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return checksum
