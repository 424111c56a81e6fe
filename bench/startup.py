"""GUI start-up and responsiveness (issue 5): prints figures and ratios, never asserts.

1. Time to the first painted main window on a demo database vs a bare PySide6 QMainWindow in the
   same process (target ≤ 1.0 s and ≤ 3× the bare window).
2. Opening a participant and switching visits (target ≤ 50 ms).
3. Keystroke to updated score in a visit form (target ≤ 16 ms), with the scoring part alone
   (``scoring.engine.evaluate_visit`` on the instrument being edited) as its floor.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/startup.py [--participants N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=6, help="demo participants")
    parser.add_argument("--repeat", type=int, default=30, help="keystrokes / switches measured")
    args = parser.parse_args()

    t_proc = time.perf_counter()
    from PySide6.QtCore import QSettings, QThreadPool
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    t_import_qt = time.perf_counter() - t_proc

    # floor: a bare QMainWindow, shown and painted
    t0 = time.perf_counter()
    bare = QMainWindow()
    bare.resize(1280, 800)
    bare.show()
    app.processEvents()
    bare.grab()
    bare_s = time.perf_counter() - t0
    bare.close()

    with tempfile.TemporaryDirectory(prefix="outcomedesk-bench-") as tmp:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        db = Path(tmp) / "demo.db"
        t_build = time.perf_counter()
        from ui.app import build_demo

        build_demo(db, participants=args.participants)
        build_s = time.perf_counter() - t_build

        # the program's own path to the first painted main window (GUI modules imported here)
        t1 = time.perf_counter()
        from store.demo import DEMO_USERS
        from ui import i18n
        from ui.app import load_fonts, open_store
        from ui.main_window import MainWindow
        from ui.settings import Settings

        t_imports = time.perf_counter() - t1
        load_fonts()
        i18n.apply("en")
        t_store = time.perf_counter()
        store = open_store(str(db))
        open_s = time.perf_counter() - t_store
        user, _role, password, _n = next(u for u in DEMO_USERS if u[1] == "investigator")
        t_login = time.perf_counter()
        session = store.login(user, password)
        login_s = time.perf_counter() - t_login
        t_win = time.perf_counter()
        window = MainWindow(store, session, Settings())
        window.show()
        app.processEvents()
        window.grab()
        window_s = time.perf_counter() - t_win
        first_paint = time.perf_counter() - t1
        QThreadPool.globalInstance().waitForDone()
        app.processEvents()

        print("Start-up (first painted main window)")
        print(f"  Qt import + QApplication          {_ms(t_import_qt)}")
        print(f"  bare QMainWindow shown + painted  {_ms(bare_s)}   (floor)")
        print(f"  demo database ({args.participants} participants) {build_s:8.2f} s (not counted)")
        print(f"  OutcomeDesk modules imported      {_ms(t_imports)}")
        print(f"  store opened (migrate/integrity)  {_ms(open_s)}")
        print(f"  login (argon2id)                  {_ms(login_s)}")
        print(f"  main window built + painted       {_ms(window_s)}")
        print(f"  total to first paint              {_ms(first_paint)}   target ≤ 1000 ms")
        print(
            f"  ratio to the bare window          {first_paint / bare_s:8.1f} ×   target ≤ 3 × "
            "(the bare window includes no database)"
        )
        ratio_paint = window_s / bare_s
        print(f"  window build+paint / bare         {ratio_paint:8.1f} ×")

        codes = [s.row.code for s in window.list_page.model.rows()]
        # first open builds the form widgets once (cached per instrument set afterwards)
        t = time.perf_counter()
        window.open_participant(codes[0])
        window.page.open_visit("BL", focus=False)
        app.processEvents()
        first_open = time.perf_counter() - t
        window.page.open_visit("W1", focus=False)
        app.processEvents()
        opens, switches = [], []
        for i in range(min(args.repeat, 10)):
            code = codes[(i + 1) % len(codes)]
            t = time.perf_counter()
            window.open_participant(code)
            window.page.open_visit("BL", focus=False)
            app.processEvents()
            opens.append(time.perf_counter() - t)
            for visit in ("W1", "M1", "BL"):
                t = time.perf_counter()
                window.page.open_visit(visit, focus=False)
                app.processEvents()
                switches.append(time.perf_counter() - t)
        print("Participant and visits")
        print(f"  first visit form (widgets built)  {_ms(first_open)}   (once per instrument set)")
        print(
            f"  open participant + baseline       {_ms(statistics.median(opens))}   median "
            f"of {len(opens)}, target ≤ 50 ms"
        )
        print(
            f"  switch visit                      {_ms(statistics.median(switches))}   median "
            f"of {len(switches)}, max {_ms(max(switches)).strip()}, target ≤ 50 ms"
        )

        # keystroke → updated score
        # a fresh participant: its baseline is editable (demo visits may be signed or locked)
        import datetime as dt

        day1 = dt.date.today() + dt.timedelta(days=2)
        store.add_participant(
            session,
            "BENCH-1",
            store.sites(session)[0].code,
            "F",
            dt.date(day1.year - 70, 1, 1),
            158.0,
            55.0,
            day1,
        )
        window.refresh_list()
        window.open_participant("BENCH-1")
        form = window.page.open_visit("BL", focus=True)
        from scoring.engine import evaluate_visit
        from scoring.model import ItemType

        results = []
        for page in form.pages:
            numeric = [
                r
                for r in page.rows.values()
                if r.item.type in (ItemType.CODED, ItemType.INTEGER, ItemType.DECIMAL)
            ]
            if not numeric or not page.inst.scores:
                continue
            row = numeric[0]
            digit = str(row.item.codes[0]) if row.item.codes else "5"
            keys, evals = [], []
            updates: list[float] = []
            form.scores_model.dataChanged.connect(
                lambda *_a, u=updates: u.append(time.perf_counter())
            )
            for _ in range(args.repeat):
                row.edit.clear()
                form._typed(row.item.name)
                row.edit.setFocus()
                updates.clear()
                t = time.perf_counter()
                QTest.keyClicks(row.edit, digit)
                if not updates:
                    raise SystemExit(f"{page.inst.key}: the keystroke updated no score")
                keys.append(updates[0] - t)
                group = form._own(page.inst)  # what the keystroke re-scores at once
                names = [it.name for i in group for it in i.items if it.name in form.rows]
                values, status = form.raw_answers(names)
                t = time.perf_counter()
                evaluate_visit(
                    {**form.ctx.attributes, **values},
                    form.ctx.settings,
                    status or None,
                    form.ctx.previous,
                    instruments=[*form.ctx.support, *group],
                )
                evals.append(time.perf_counter() - t)
            form.scores_model.dataChanged.disconnect()
            results.append((page.inst.key, statistics.median(keys), statistics.median(evals)))
        print("Keystroke → updated score (median per instrument; draft autosave comes after)")
        for key, k, e in results:
            print(
                f"  {key:10s} key→score {_ms(k)}   scoring alone {_ms(e)}   "
                f"ratio {k / e:5.2f} ×   target ≤ 16 ms"
            )
        window.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
