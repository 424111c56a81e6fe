"""Benchmark: export 5,000 participants × 6 visits (30,000 rows, every variable) to xlsx, sav, dta
and csv. Prints time and peak memory per format and the ratio to a floor measured in the same run:
the same data-sheet cells written by a bare xlsxwriter ``constant_memory`` loop (setup.md §7).
Targets (issue 7): xlsx ≤ 1.5× floor, sav/dta/csv ≤ 5 s, peak memory ≤ 1 GB. Prints, never
asserts.

Each measurement runs in a fresh process so peak RSS belongs to that format alone.
``python bench/export.py [--participants N]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VISITS = ("BL", "W1", "M1", "M2", "M3", "M6")
FORMATS = ("floor", "xlsx", "sav", "dta", "csv")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _table(participants: int):
    from reports.export_frame import ExportInput, build_export
    from scoring.registry import INSTRUMENTS
    from tests.reports.synth import answers_frame

    answers = answers_frame(INSTRUMENTS, participants, VISITS, seed=5, missing_rate=0.03)
    t0 = time.perf_counter()
    table = build_export(ExportInput(answers, visit_order=VISITS))
    return table, time.perf_counter() - t0


def _sheets(table) -> dict[str, list[list]]:
    """Every workbook cell as plain Python rows (None = blank), sheet by sheet."""
    from reports.codebook import codebook_frame
    from reports.export_frame import ExportMeta
    from reports.export_xlsx import (
        _column_cells,
        about_frame,
        flags_sheet_frame,
        summary_frame,
        visits_frame,
    )

    cols = [_column_cells(c, table.data[c.name])[1] for c in table.columns]
    sheets = {"data": [[c.name for c in table.columns], *map(list, zip(*cols, strict=True))]}
    others = {
        "codebook": codebook_frame(table.columns),
        "flags": flags_sheet_frame(table),
        "visits": visits_frame(table),
        "summary": summary_frame(table),
        "about": about_frame(table, ExportMeta(), table.checksum),
    }
    for name, f in others.items():
        body = f.astype(object).where(f.notna(), None).values.tolist()
        sheets[name] = [[str(c) for c in f.columns], *body]
    return sheets


def _floor(sheets: dict[str, list[list]], path: Path, only: str | None = None) -> float:
    """Bare xlsxwriter constant_memory ``write_row`` loop over prepared rows."""
    import xlsxwriter

    t0 = time.perf_counter()
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for name, rows in sheets.items():
        if only and name != only:
            continue
        ws = wb.add_worksheet(name)
        for i, r in enumerate(rows):
            ws.write_row(i, 0, r)
    wb.close()
    return time.perf_counter() - t0


def child(fmt: str, participants: int) -> dict:
    from reports.export_csv import write_csv
    from reports.export_spss import write_sav
    from reports.export_stata import write_dta
    from reports.export_xlsx import write_xlsx

    table, build_s = _table(participants)
    rss_before = _rss_mb()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"bench.{'xlsx' if fmt == 'floor' else fmt}"
        cells = data_s = cpu = None
        if fmt == "floor":
            sheets = _sheets(table)
            cells = {n: sum(v is not None for r in rows for v in r) for n, rows in sheets.items()}
            data_s = _floor(sheets, path, only="data")
            seconds = _floor(sheets, path)
        elif fmt == "xlsx":
            import xlsxwriter

            from reports.export_xlsx import _WB_OPTIONS, write_data_sheet

            t0 = time.perf_counter()
            wb = xlsxwriter.Workbook(str(path), _WB_OPTIONS)
            write_data_sheet(wb, table)
            wb.close()
            data_s = time.perf_counter() - t0
            t0, c0 = time.perf_counter(), time.process_time()
            write_xlsx(table, path)
            seconds = time.perf_counter() - t0
            cpu = time.process_time() - c0
        else:
            writer = {"xlsx": write_xlsx, "sav": write_sav, "dta": write_dta, "csv": write_csv}
            t0, c0 = time.perf_counter(), time.process_time()
            writer[fmt](table, path)
            seconds = time.perf_counter() - t0
            cpu = time.process_time() - c0
        size = path.stat().st_size
    return {
        "format": fmt,
        "rows": len(table.data),
        "columns": len(table.columns),
        "cells": cells,
        "build_s": build_s,
        "write_s": seconds,
        "data_sheet_s": data_s,
        "cpu_s": cpu,
        "flags": len(table.flags),
        "size_mb": size / 1e6,
        "rss_before_mb": rss_before,
        "peak_rss_mb": _rss_mb(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--participants", type=int, default=5000)
    ap.add_argument("--child", choices=FORMATS)
    ap.add_argument(
        "--formats", default=",".join(FORMATS[1:]), help="comma list of xlsx,sav,dta,csv"
    )
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.participants)))
        return 0
    wanted = [f for f in args.formats.split(",") if f in FORMATS]
    if "xlsx" in wanted and "floor" not in wanted:
        wanted.insert(0, "floor")
    results = {}
    for fmt in wanted:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", fmt, "--participants", str(args.participants)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if proc.returncode != 0:
            print(f"{fmt}: failed\n{proc.stderr}")
            return 1
        results[fmt] = json.loads(proc.stdout.strip().splitlines()[-1])
    first = results[wanted[0]]
    if "floor" not in results:
        print(
            f"export bench: {first['rows']:,} rows × {first['columns']} columns "
            f"({args.participants:,} participants × {len(VISITS)} visits), {first['flags']:,} "
            f"flags; scoring + table build {first['build_s']:.1f} s (not in the write times)"
        )
        for fmt in wanted:
            r = results[fmt]
            ok = "ok" if r["write_s"] <= 5 else "MISSED"
            print(
                f"{fmt:<5} {r['write_s']:7.2f} s wall, {r['cpu_s']:.2f} s CPU "
                f"(target ≤ 5 s {ok}), {r['size_mb']:.1f} MB, "
                f"peak RSS {r['peak_rss_mb']:.0f} MB (after building {r['rss_before_mb']:.0f})"
            )
        return 0
    floor = results["floor"]
    cells = floor["cells"]
    print(
        f"export bench: {floor['rows']:,} rows × {floor['columns']} columns "
        f"({args.participants:,} participants × {len(VISITS)} visits); non-empty cells: "
        + ", ".join(f"{k} {v:,}" for k, v in cells.items())
        + f" ({floor['flags']:,} flags); scoring + table build {floor['build_s']:.1f} s "
        "(not in the write times)"
    )
    x = results["xlsx"]
    print(
        f"data sheet only: ours {x['data_sheet_s']:.2f} s vs floor {floor['data_sheet_s']:.2f} s "
        f"= {x['data_sheet_s'] / floor['data_sheet_s']:.2f}× (floor = bare write_row of the "
        "same cells); whole workbook below (floor = the same cells of all six sheets)"
    )
    print(
        f"{'format':<7}{'write s':>9}{'× floor':>9}{'target':>14}{'MB file':>9}"
        f"{'peak RSS MB':>13}{'RSS before':>12}"
    )
    for fmt in wanted:
        r = results[fmt]
        ratio = r["write_s"] / floor["write_s"]
        if fmt == "floor":
            target = "(floor)"
        elif fmt == "xlsx":
            target = "≤ 1.5× " + ("ok" if ratio <= 1.5 else "MISSED")
        else:
            target = "≤ 5 s " + ("ok" if r["write_s"] <= 5 else "MISSED")
        mem = "" if r["peak_rss_mb"] <= 1024 else " (> 1 GB)"
        print(
            f"{fmt:<7}{r['write_s']:>9.2f}{ratio:>9.2f}{target:>14}{r['size_mb']:>9.1f}"
            f"{r['peak_rss_mb']:>13.0f}{r['rss_before_mb']:>12.0f}{mem}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
