"""Benchmark: the study store on SQLite (issue 4 §4). Prints figures, never asserts them.

1. Save a complete visit (every instrument of the protocol's baseline, ≈ 70–90 values, their audit
   rows) through ``Store.save_answers``: p50 and p95, and the ratio to a floor measured in the same
   run — a bare ``sqlite3`` transaction inserting the same number of answer and audit rows into the
   same tables with the same settings (WAL, synchronous=FULL), no validation, no hashing.
   Targets: p95 ≤ 30 ms, ratio ≤ 3×. The save is also split into the time spent inside the
   scoring engine's validation (``evaluate_visit``, timed around the store's own call of it) and
   the rest (role check, reads, audit hash chain, inserts, commit), each as a ratio to the floor.
2. Load one participant with 6 visits (participant, visit list, the answers of every visit):
   p50 / p95. Target ≤ 20 ms.
3. List 10,000 participants with their visit status (``participants`` + ``visit_status_grid``):
   p50 / p95. Target ≤ 200 ms. The 10,000 participants are inserted with bare SQL (the list is
   what is measured, not the entry), so that file is not an audited study.

Usage: python bench/store.py [--saves N] [--participants N] [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

import store.api as store_api
from scoring.registry import BY_KEY
from store.api import Store
from store.demo_answers import AnswerGenerator, Person, VisitRequest
from store.schema import metadata

PW = "bench-pass-1"
DAY1 = dt.date(2025, 1, 6)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000.0, q))


def new_store(path: Path) -> tuple[Store, object]:
    store = Store.open(path)
    store.create_first_admin("admin", PW)
    admin = store.login("admin", PW)
    store.create_user(admin, "assessor", PW, "assessor")
    store.add_site(admin, "SH", "Shanghai")
    return store, store.login("assessor", PW)


def audit_rows(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM audit")).scalar_one()


# --------------------------------------------------------------------------------------------
# Floor: the same rows in one bare sqlite3 transaction


def make_floor_db(path: Path) -> sqlite3.Connection:
    engine = sa.create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    engine.dispose()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("INSERT INTO sites (id, code, name, row_version) VALUES (1, 'FL', 'floor', 1)")
    return con


def floor_save(con: sqlite3.Connection, n: int, values: int, audits: int) -> float:
    """One transaction: a visit's ``values`` answer rows and ``audits`` audit rows."""
    ts = "2026-01-01T00:00:00.000000Z"
    pid = con.execute(
        "INSERT INTO participants (code, site_id, sex, birth_date, status, row_version) "
        "VALUES (?, 1, 'F', '1950-01-01', 'enrolled', 1)",
        (f"FL-{n:06d}",),
    ).lastrowid
    vid = con.execute(
        "INSERT INTO visits (participant_id, visit_code, status, locked, row_version) "
        "VALUES (?, 'BL', 'planned', 0, 1)",
        (pid,),
    ).lastrowid
    start = con.execute("SELECT COALESCE(max(id), 0) FROM audit").fetchone()[0]
    t0 = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.execute("UPDATE visits SET status = 'in_progress', row_version = 2 WHERE id = ?", (vid,))
    con.executemany(
        "INSERT INTO answers (visit_id, item, value_num, value_text, status, entered_by, "
        "entered_at, row_version) VALUES (?, ?, ?, NULL, NULL, 'floor', ?, 1)",
        [(vid, f"item_{k}", float(k), ts) for k in range(values)],
    )
    con.executemany(
        "INSERT INTO audit (id, ts_utc, username, action, entity, entity_key, field, old_value, "
        "new_value, reason, program_version, prev_hash, hash) "
        "VALUES (?, ?, 'floor', 'update', 'answer', ?, 'value', NULL, ?, NULL, 'floor', ?, ?)",
        [
            (start + k + 1, ts, f"FL-{n:06d}/BL/item_{k}", str(k), "0" * 64, "1" * 64)
            for k in range(audits)
        ],
    )
    con.execute("COMMIT")
    return time.perf_counter() - t0


# --------------------------------------------------------------------------------------------


class _TimedValidation:
    """Wraps the engine function the store validates a save with and adds up its time."""

    def __init__(self) -> None:
        self.inner = store_api.evaluate_visit
        self.spent = 0.0

    def __call__(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return self.inner(*args, **kwargs)
        finally:
            self.spent += time.perf_counter() - t0


def bench_save(tmp: Path, saves: int) -> dict:
    store, asr = new_store(tmp / "save.db")
    bl = store.study(asr).protocol.visits[0]
    instruments = [BY_KEY[k] for k in bl.instruments if k in BY_KEY]
    gen = AnswerGenerator(instruments)
    keys = tuple(i.key for i in instruments)
    person = Person("F", 72, 156.0, 55.0)
    rng = np.random.default_rng(1)
    reqs = [
        VisitRequest(f"B{k}", bl.code, 0, person, float(rng.normal()), keys) for k in range(saves)
    ]
    draws = gen.generate(reqs, rng)
    times, n_values, n_audit, validation = [], [], [], []
    timed = _TimedValidation()
    store_api.evaluate_visit = timed
    for k, draw in enumerate(draws):
        code = f"SH-{k + 1:05d}"
        store.add_participant(asr, code, "SH", "F", "1952-01-01", 156.0, 55.0, DAY1)
        ver = store.visit(asr, code, bl.code).row_version
        before = audit_rows(store)
        spent = timed.spent
        t0 = time.perf_counter()
        store.save_answers(
            asr,
            code,
            bl.code,
            draw.values,
            confirmations=draw.confirmations,
            expected_version=ver,
        )
        times.append(time.perf_counter() - t0)
        validation.append(timed.spent - spent)
        n_audit.append(audit_rows(store) - before)
        n_values.append(len(draw.values))
    store_api.evaluate_visit = timed.inner
    store.close()
    values, audits = int(np.median(n_values)), int(np.median(n_audit))
    con = make_floor_db(tmp / "floor.db")
    floor = [floor_save(con, k, values, audits) for k in range(saves)]
    con.close()
    rest = [t - v for t, v in zip(times, validation, strict=True)]
    return {
        "store": times,
        "validation": validation,
        "rest": rest,
        "floor": floor,
        "values": values,
        "audits": audits,
    }


def bench_load(tmp: Path, repeat: int) -> list[float]:
    store, asr = new_store(tmp / "load.db")
    proto = store.study(asr).protocol
    gen = AnswerGenerator(
        [
            BY_KEY[k]
            for k in dict.fromkeys(k for v in proto.visits for k in v.instruments)
            if k in BY_KEY
        ]
    )
    person = Person("M", 70, 166.0, 64.0)
    reqs = [
        VisitRequest(
            "SH-00001", v.code, o, person, 0.1 * o, tuple(k for k in v.instruments if k in BY_KEY)
        )
        for o, v in enumerate(proto.visits)
    ]
    draws = gen.generate(reqs, np.random.default_rng(2))
    store.add_participant(asr, "SH-00001", "SH", "M", "1950-01-01", 166.0, 64.0, DAY1)
    for v, draw in zip(proto.visits, draws, strict=True):
        ver = store.visit(asr, "SH-00001", v.code).row_version
        store.save_answers(
            asr,
            "SH-00001",
            v.code,
            draw.values,
            confirmations=draw.confirmations,
            expected_version=ver,
        )
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        store.participant(asr, "SH-00001")
        visits = store.visits(asr, "SH-00001")
        answers = [store.answers(asr, "SH-00001", v.visit) for v in visits]
        times.append(time.perf_counter() - t0)
    assert sum(len(a) for a in answers) > 0
    store.close()
    return times


def bench_list(tmp: Path, participants: int, repeat: int) -> list[float]:
    path = tmp / "list.db"
    store, asr = new_store(path)
    proto = store.study(asr).protocol
    site_id = 1
    with store.engine.begin() as conn:
        site_id = conn.execute(sa.text("SELECT id FROM sites WHERE code = 'SH'")).scalar_one()
    store.close()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN")
    statuses = ("complete", "complete", "complete", "missed", "planned", "planned")
    for n in range(participants):
        pid = con.execute(
            "INSERT INTO participants (code, site_id, sex, birth_date, height_cm, weight_kg, "
            "enrolment_date, day1_date, status, row_version) "
            "VALUES (?, ?, ?, '1950-01-01', 160, 60, '2025-01-01', '2025-01-06', 'enrolled', 1)",
            (f"SH-{n + 1:05d}", site_id, "MF"[n % 2]),
        ).lastrowid
        con.executemany(
            "INSERT INTO visits (participant_id, visit_code, status, locked, row_version) "
            "VALUES (?, ?, ?, 0, 1)",
            [(pid, v.code, statuses[(n + i) % 6]) for i, v in enumerate(proto.visits)],
        )
    con.execute("COMMIT")
    con.close()
    store = Store.open(path)
    asr = store.login("assessor", PW)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        rows = store.participants(asr)
        grid = store.visit_status_grid(asr)
        times.append(time.perf_counter() - t0)
    assert len(rows) == participants and len(grid) == participants
    store.close()
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--saves", type=int, default=40)
    ap.add_argument("--participants", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="outcomedesk-bench-") as tmpdir:
        tmp = Path(tmpdir)
        save = bench_save(tmp, args.saves)
        load = bench_load(tmp, args.repeat)
        listing = bench_list(tmp, args.participants, max(5, args.repeat // 4))
    s50, s95 = pct(save["store"], 50), pct(save["store"], 95)
    f50, f95 = pct(save["floor"], 50), pct(save["floor"], 95)
    rows = [
        (
            f"save complete visit ({save['values']} values, {save['audits']} audit rows)",
            s50,
            s95,
            "p95 ≤ 30 ms",
            f"{s95 / f95:.1f}× (p95)",
        ),
        ("  floor: bare sqlite3 transaction, same rows", f50, f95, "", "1.0×"),
        ("  ratio store / floor at p50", None, None, "≤ 3×", f"{s50 / f50:.1f}×"),
        (
            "  of the save: validation (scoring engine, evaluate_visit)",
            pct(save["validation"], 50),
            pct(save["validation"], 95),
            "",
            f"{pct(save['validation'], 50) / f50:.1f}× floor (p50)",
        ),
        (
            "  of the save: the rest (checks, reads, audit chain, writes)",
            pct(save["rest"], 50),
            pct(save["rest"], 95),
            "",
            f"{pct(save['rest'], 50) / f50:.1f}× floor (p50)",
        ),
        (
            "  ratio store / (floor + validation), at p50",
            None,
            None,
            "",
            f"{s50 / (f50 + pct(save['validation'], 50)):.1f}×",
        ),
        ("load one participant with 6 visits", pct(load, 50), pct(load, 95), "≤ 20 ms", ""),
        (
            f"list {args.participants:,} participants + visit status",
            pct(listing, 50),
            pct(listing, 95),
            "≤ 200 ms",
            "",
        ),
    ]
    print(f"Store benchmark (SQLite, WAL, synchronous=FULL; {args.saves} saves)")
    print(f"{'measure':<58}{'p50 ms':>9}{'p95 ms':>9}  {'target':<12}{'ratio'}")
    for name, p50, p95, target, ratio in rows:
        a = "" if p50 is None else f"{p50:.1f}"
        b = "" if p95 is None else f"{p95:.1f}"
        print(f"{name:<58}{a:>9}{b:>9}  {target:<12}{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
