"""A small real study (SQLite store) with answers for the export/import tests.

Values are drawn from the declarations (tests/reports/synth.py) and saved through the store API
exactly as the form does (store.save_answers validates them with scoring.engine); warnings are
confirmed with a reason, so the flags sheet has confirmations to show.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reports.export_frame import is_blank
from store.api import Store
from tests.reports.synth import answers_frame

PASSWORD = "correct horse battery 9"
VISITS = ("BL", "W1", "M1")
CONFIRM = "checked against the paper CRF"


def make_users(store: Store) -> None:
    store.create_first_admin("admin", PASSWORD)
    admin = store.login("admin", PASSWORD)
    store.create_user(admin, "dm", PASSWORD, "data_manager")
    store.create_user(admin, "stat", PASSWORD, "statistician")
    store.add_site(admin, "S01", "Site one 一号中心")
    store.add_site(admin, "S02", "Site two 二号中心")


def empty_study(path: Path) -> Path:
    store = Store.open(path, create=True)
    try:
        make_users(store)
    finally:
        store.close()
    return path


def filled_study(path: Path, participants: int = 4, seed: int = 3) -> Path:
    """Participants with day 1 in the past, visits BL/W1/M1 complete, one visit missed."""
    empty_study(path)
    store = Store.open(path, create=False)
    try:
        s = store.login("dm", PASSWORD)
        frame = answers_frame(store.instruments, participants, VISITS, seed=seed, missing_rate=0.04)
        items = [n for n in store._items if n in frame.columns and n not in frame.columns[:10]]
        scores = [x for inst in store.instruments for x in inst.score_names]
        day1 = dt.date.today() - dt.timedelta(days=200)
        for i in range(participants):
            code = f"P{i + 1:05d}"
            row0 = frame.iloc[i * len(VISITS)]
            store.add_participant(
                s,
                code,
                row0["site"],
                row0["sex"],
                row0["birth_date"],
                float(row0["height_cm"]),
                float(row0["weight_kg"]),
                day1,
            )
            for j, visit in enumerate(VISITS):
                row = frame.iloc[i * len(VISITS) + j]
                vrow = store.visit(s, code, visit)
                if i == participants - 1 and visit == "M1":
                    store.set_visit_status(
                        s,
                        code,
                        visit,
                        "missed",
                        reason="participant in hospital",
                        expected_version=vrow.row_version,
                    )
                    continue
                values, statuses = {}, {}
                for n in items:
                    st = row[n + "__status"]
                    v = row[n]
                    if not is_blank(st):
                        statuses[n] = st
                    elif not is_blank(v):
                        values[n] = v
                conf = {n: CONFIRM for n in [*items, *scores]}
                ver = store.save_answers(
                    s,
                    code,
                    visit,
                    values,
                    statuses=statuses,
                    confirmations=conf,
                    expected_version=vrow.row_version,
                )
                target = vrow.target_date
                actual = target if j != 1 else target + dt.timedelta(days=5)  # W1: out of window
                store.set_visit_status(
                    s,
                    code,
                    visit,
                    "complete",
                    actual_date=actual,
                    out_of_window_reason="participant travelling" if j == 1 else None,
                    expected_version=ver,
                )
    finally:
        store.close()
    return path
