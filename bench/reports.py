"""Benchmark: participant report PDFs (issue 6 §4). Prints figures; asserts nothing.

    .venv/bin/python bench/reports.py [--batch 500] [--repeat 5]

1. One participant with 6 visits and every chart (target ≤ 0.3 s): the whole report including
   scoring, and the PDF part alone (evaluation given).
2. The floor, measured in the same run: a bare ReportLab document with the same tables (the same
   embedded font, no charts, no flags, no styling beyond a grid).
3. A batch of N participants (target N = 500 in ≤ 60 s, memory flat): the study scored once by
   ``scoring.engine.evaluate`` (as the ``score`` command and the ``report --all`` command do),
   then one PDF each; RSS printed every 100 reports and the peak at the end.

Data: the model-trial protocol's six visits, answers drawn from the store's declaration-driven
generator (store.demo_answers), plain data, no database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle  # noqa: E402

from reports.fonts import FONT, register_fonts  # noqa: E402
from reports.participant_report import (  # noqa: E402
    build_participant_report,
    render_reports,
    slice_evaluation,
)
from reports.pdf_common import PrintContext, make_styles  # noqa: E402
from reports.pdf_data import (  # noqa: E402
    ParticipantData,
    ParticipantRecord,
    StudyData,
    VisitData,
    evaluate_frame,
)
from scoring.registry import INSTRUMENTS, scoring_versions  # noqa: E402
from store.protocol import DEFAULT_PROTOCOL, Protocol  # noqa: E402
from tests.reports.store_study import draw_visits, person_of  # noqa: E402

CTX = PrintContext(
    "bench", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "en", dt.UTC, scoring_versions()
)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def make_frame(n: int, protocol: Protocol, seed: int = 1) -> tuple[pd.DataFrame, list]:
    """``answers_frame``-shaped rows for ``n`` participants × every protocol visit, drawn by the
    store's generator (valid as the store would accept them)."""
    day1 = dt.date(2021, 3, 1)
    people = [(f"P{k + 1:04d}", person_of(k)) for k in range(n)]
    draws = draw_visits(protocol, people, seed)
    rows, out = [], []
    for k, (code, person) in enumerate(people):
        birth = dt.date(1955 - k % 15, 1 + k % 12, 1 + k % 28)
        out.append((code, person.sex, birth))
        for vdef in protocol.visits:
            rows.append(
                {
                    "participant": code,
                    "site": "SH",
                    "visit": vdef.code,
                    "visit_date": pd.Timestamp(vdef.target(day1)),
                    "visit_status": "complete",
                    **person.context(),
                    **draws[(code, vdef.code)].values,
                }
            )
    return pd.DataFrame(rows), out


def records(frame: pd.DataFrame, people: list, protocol: Protocol) -> list[ParticipantRecord]:
    out = []
    day1 = dt.date(2021, 3, 1)
    for code, sex, birth in people:
        part = frame[frame["participant"] == code]
        visits = []
        for v in protocol.visits:
            lo, hi = v.window(day1)
            visits.append(
                VisitData(
                    v.code,
                    v.label_en,
                    v.label_zh,
                    v.target(day1),
                    lo,
                    hi,
                    v.target(day1),
                    "complete",
                    instruments=v.instruments,
                )
            )
        out.append(
            ParticipantRecord(
                StudyData(protocol.code, protocol.title_en, protocol.title_zh, "SH", "clinic"),
                ParticipantData(code, "SH", sex, birth, day1, "active"),
                visits,
                part,
            )
        )
    return out


def floor_pdf(record: ParticipantRecord, ev) -> bytes:
    """A bare ReportLab document with the same per-instrument tables and nothing else."""
    register_fonts()
    st = make_styles("en")
    rows_at = list(record.frame.index)
    story = []
    for inst in ev.instruments:
        rows = [["", *[v.visit for v in record.visits]]]
        for s in inst.scores:
            vals = ev.scores.loc[rows_at, s.name]
            if s.is_text or vals.isna().all():
                continue
            rows.append(
                [
                    Paragraph(s.en, st.cell),
                    *[
                        "" if pd.isna(v) or isinstance(v, str) else f"{float(v):.{s.decimals}f}"
                        for v in vals
                    ],
                ]
            )
        if len(rows) > 1:
            t = Table(rows, repeatRows=1)
            t.setStyle(
                TableStyle(
                    [
                        ("FONTNAME", (0, 0), (-1, -1), FONT),
                        ("FONTSIZE", (0, 0), (-1, -1), 8),
                        ("GRID", (0, 0), (-1, -1), 0.4, "grey"),
                    ]
                )
            )
            story += [Paragraph(inst.en, st.h2), t]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, invariant=1, initialFontName=FONT).build(story)
    return buf.getvalue()


CPU: list[float] = []  # CPU seconds of the last ``timed`` call (median), beside the wall time


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall time (and, in ``CPU``, median process CPU time: the machine may be shared)."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    CPU[:] = [statistics.median(cpu)]
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workers", type=int, default=0, help="processes for the batch (0: CPUs)")
    args = ap.parse_args(argv)
    protocol = Protocol.from_json(DEFAULT_PROTOCOL.read_text(encoding="utf-8"))
    print(
        f"instruments: {len(INSTRUMENTS)}; protocol {protocol.code}, {len(protocol.visits)} visits"
    )

    t = time.perf_counter()
    frame, people = make_frame(1, protocol)
    one = records(frame, people, protocol)[0]
    print(f"data for 1 participant drawn in {time.perf_counter() - t:.2f} s")
    build_participant_report(one, CTX)  # warm-up: font registration, imports
    t_eval, ev = timed(lambda: evaluate_frame(one.frame), args.repeat)
    c_eval = CPU[0]
    t_full, res = timed(lambda: build_participant_report(one, CTX), args.repeat)
    c_full = CPU[0]
    t_pdf, _ = timed(lambda: build_participant_report(one, CTX, evaluation=ev), args.repeat)
    c_pdf = CPU[0]
    t_floor, floor = timed(lambda: floor_pdf(one, ev), args.repeat)
    c_floor = CPU[0]
    charts = len(res.pdf)  # size only, for the record
    print()
    print(f"one participant, 6 visits, all charts (median of {args.repeat})")
    print("                                  wall ms    CPU ms")
    print(f"  report incl. scoring         {t_full * 1e3:9.1f} {c_full * 1e3:9.1f}  (target ≤ 300)")
    print(f"    of which scoring (evaluate){t_eval * 1e3:9.1f} {c_eval * 1e3:9.1f}")
    print(
        f"  report PDF only (ev. given)  {t_pdf * 1e3:9.1f} {c_pdf * 1e3:9.1f}  {charts >> 10} KiB"
    )
    size = len(floor) >> 10
    print(f"  floor: bare tables, no charts{t_floor * 1e3:9.1f} {c_floor * 1e3:9.1f}  {size} KiB")
    print(f"  ratio PDF-only / floor       {t_pdf / t_floor:9.2f} {c_pdf / c_floor:9.2f}  ×")
    print(f"  ratio full / floor           {t_full / t_floor:9.2f} {c_full / c_floor:9.2f}  ×")
    if res.cutoffs_missing:
        print(f"  charted without a declared cut-off: {', '.join(res.cutoffs_missing)}")

    n = args.batch
    print()
    workers = args.workers or os.cpu_count() or 1
    print(f"batch of {n} participants × {len(protocol.visits)} visits, {workers} process(es)")
    t = time.perf_counter()
    frame, people = make_frame(n, protocol, seed=2)
    recs = records(frame, people, protocol)
    t_data = time.perf_counter() - t
    del frame
    rss0 = rss_mb()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    kids0 = kids.ru_utime + kids.ru_stime
    start, cstart = time.perf_counter(), time.process_time()
    whole = pd.concat([r.frame for r in recs])
    ev_all = evaluate_frame(whole)
    t_score = time.perf_counter() - start
    floor_total = 0.0
    jobs = ((rec, slice_evaluation(ev_all, rec.frame.index)) for rec in recs)
    for i, (_rec, _pdf) in enumerate(render_reports(jobs, CTX, workers=args.workers), start=1):
        if i % 100 == 0 or i == n:
            el = time.perf_counter() - start
            print(f"  {i:5d} reports  {el:7.1f} s  RSS {rss_mb():7.1f} MiB (main process)")
    total, ctotal = time.perf_counter() - start, time.process_time() - cstart
    for rec in recs[: min(50, n)]:
        part = slice_evaluation(ev_all, rec.frame.index)
        t0 = time.perf_counter()
        floor_pdf(rec, part)
        floor_total += time.perf_counter() - t0
    floor_each = floor_total / min(50, n)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  data drawn (not timed)       {t_data:8.1f} s")
    print(f"  scoring the study once       {t_score:8.1f} s")
    print(f"  total incl. scoring          {total:8.1f} s   (target ≤ 60 s)")
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    kcpu = kids.ru_utime + kids.ru_stime - kids0
    print(f"  CPU: main process {ctotal:.1f} s, worker processes {kcpu:.1f} s")
    print(f"  CPU per report               {(ctotal + kcpu - t_score) / n * 1000:8.1f} ms")
    print(f"  per report (wall)            {(total - t_score) / n * 1000:8.1f} ms")
    print(f"  floor per participant        {floor_each * 1000:8.1f} ms   (bare tables, 50 sampled)")
    ratio = (total - t_score) / n / floor_each
    print(f"  ratio per report / floor     {ratio:8.2f} ×  (floor in 1 process)")
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  RSS before batch {rss0:.1f} MiB, after {rss_mb():.1f} MiB; peak RSS {peak:.1f} MiB")
    print(f"  peak RSS of the largest worker process {child:.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
