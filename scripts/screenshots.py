"""Render the main screens to PNG (``make screenshots``; runs under Xvfb, or offscreen).

A temporary demo database is built, a user logs in, and each screen is shown as a user would see
it: login, participant list, participant timeline with a visit, every instrument page of the
baseline form with answers and flags (an impossible value → red, an implausible one → amber),
the history of an edited field, and Chinese variants. Widgets are captured with QWidget.grab().
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")


def main(out_dir: str = "docs/screenshots") -> int:
    import numpy as np
    from PySide6.QtCore import QSettings, QThreadPool

    out = (ROOT / out_dir) if not Path(out_dir).is_absolute() else Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="outcomedesk-shots-")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)

    from scoring.model import ItemType
    from store.demo import DEMO_USERS
    from store.demo_answers import AnswerGenerator, Person
    from ui import errors, i18n
    from ui.app import build_demo, make_app, open_store
    from ui.history import HistoryDialog
    from ui.main_window import MainWindow
    from ui.settings import Settings

    app = make_app()
    errors.install(show_dialogs=False)
    i18n.apply("en")
    db = Path(tmp) / "demo.db"
    build_demo(db)  # the full demo: 30 participants, two sites, missed visits, a withdrawal
    store = open_store(str(db))
    user, _r, password, _n = next(u for u in DEMO_USERS if u[1] == "investigator")
    session = store.login(user, password)
    shots: list[str] = []

    def settle() -> None:
        for _ in range(5):
            app.processEvents()
        QThreadPool.globalInstance().waitForDone()
        app.processEvents()

    def save(widget, name: str) -> None:
        settle()
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        shots.append(path.name)

    # the program's first window: the main window on its sign-in page, in both languages
    login = MainWindow(store, None, Settings(), db_label="demo.db")
    login.resize(1360, 860)
    login.sign_in.user.setText(user)
    login.sign_in.password.setText("••••••••")
    login.show()
    save(login, "login")
    i18n.apply("zh_CN")
    save(login, "login_zh")
    i18n.apply("en")
    login.close()

    window = MainWindow(store, session, Settings(), db_label="demo.db")
    window.resize(1360, 860)
    window.show()
    settle()
    app.processEvents()
    from PySide6.QtTest import QTest

    QTest.qWait(500)
    settle()
    save(window, "participant_list")

    # a new participant whose baseline is entered for the form screenshots
    day1 = dt.date.today() + dt.timedelta(days=3)
    store.add_participant(
        session, "SH-900", "SH", "F", dt.date(day1.year - 68, 4, 2), 156, 53, day1
    )
    window.refresh_list()
    # the timeline of a participant with a missed visit (the most varied one), else the first
    code = next(
        (
            s.row.code
            for s in window.list_page.model.rows()
            if any(v.status == "missed" for v in store.visits(session, s.row.code))
        ),
        window.list_page.model.rows()[0].row.code,
    )
    window.open_participant(code)
    window.page.open_visit("BL")
    save(window, "timeline")

    window.open_participant("SH-900")
    form = window.page.open_visit("BL")
    gen = AnswerGenerator(form.ctx.instruments + form.ctx.support)
    values = gen.visit(Person("F", 68.0, 156.0, 53.0), 0.0, np.random.default_rng(11)).values
    from tests.ui.helpers import as_typed

    for name, row in form.rows.items():
        if name in values:
            form.set_field(name, (as_typed(row.item, values[name]), None, False))
    # one impossible and one implausible value on every page that has limits
    for page in form.pages:
        limited = [
            r
            for r in page.rows.values()
            if r.item.type in (ItemType.INTEGER, ItemType.DECIMAL) and r.item.hard
        ]
        if limited and limited[0].item.hard.high is not None:
            it = limited[0].item
            form.set_field(it.name, (f"{it.hard.high * 2 + 1:g}", None, False))
        soft = [r for r in limited[1:] if r.item.soft and r.item.soft.high is not None]
        if soft:
            it = soft[0].item
            step = 10 ** -max(it.decimals, 0) if it.type is ItemType.DECIMAL else 1
            form.set_field(it.name, (f"{it.soft.high + step:g}", None, False))
    for i, page in enumerate(form.pages):
        form.goto_page(i)
        save(window, f"form_{page.inst.key}")
    i18n.apply("zh_CN")
    form.goto_page(0)
    save(window, "form_sf36_zh")
    for i, page in enumerate(form.pages):
        if page.inst.key in ("psqi", "tug"):
            form.goto_page(i)
            save(window, f"form_{page.inst.key}_zh")
    window.show_list()
    save(window, "participant_list_zh")
    i18n.apply("en")

    # history of an edited field: the generated baseline saved, then one value corrected
    v = store.visit(session, "SH-900", "BL")
    version = store.set_visit_status(
        session,
        "SH-900",
        "BL",
        "in_progress",
        actual_date=dt.date.today(),
        expected_version=v.row_version,
    )
    version = store.save_answers(session, "SH-900", "BL", values, expected_version=version)
    numeric = next(  # a timed test if there is one (a typical correction from paper)
        (
            n
            for n, val in values.items()
            if isinstance(val, float) and form.rows[n].item.unit == "s"
        ),
        next(n for n, val in values.items() if isinstance(val, float)),
    )
    store.set_visit_status(session, "SH-900", "BL", "complete", expected_version=version)
    v = store.visit(session, "SH-900", "BL")
    store.save_answers(
        session,
        "SH-900",
        "BL",
        {numeric: float(values[numeric]) + 0.5},
        reasons={numeric: "corrected from the paper CRF"},
        expected_version=v.row_version,
    )
    code = "SH-900"
    rows = store.audit_trail(session, participant=code, visit="BL", item=numeric)
    dlg = HistoryDialog(rows, f"{code} BL {numeric}")
    dlg.show()
    save(dlg, "history")
    i18n.apply("zh_CN")
    save(dlg, "history_zh")
    i18n.apply("en")
    dlg.close()

    # the import wizard's preview: the study's own export with a few cells made wrong
    import_preview(window, store, session, Path(tmp), save, settle)
    window.close()
    store.close()
    print("wrote " + ", ".join(shots) + f" to {out}")
    # tear the widgets down while Qt and Python are both alive: left to the interpreter's
    # final garbage collection, PySide6 aborted ("bool_dealloc") after the import wizard
    settle()
    for widget in app.topLevelWidgets():
        widget.deleteLater()
    settle()
    return 0


def import_preview(window, store, session, tmp: Path, save, settle) -> None:
    """The import wizard's check page on an exported CSV with an impossible value (red) and an
    implausible one (amber) in the first rows, in English and Chinese."""
    import csv
    from itertools import pairwise

    from reports.export_csv import write_csv
    from reports.export_frame import ExportMeta, build_export, from_store
    from scoring.model import ItemType
    from ui import i18n

    src = tmp / "visits_from_paper.csv"
    write_csv(build_export(from_store(store, session)), src, ExportMeta(exported_by="demo"))
    with src.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    limited = sorted(
        (
            it
            for inst in store.instruments
            for it in inst.items
            if it.type is ItemType.DECIMAL and it.hard and it.soft and it.soft.high is not None
            if it.name in header
        ),
        key=lambda it: header.index(it.name),
    )
    # two neighbouring columns, so that both colours are in view
    first, second = min(
        pairwise(limited),
        key=lambda p: header.index(p[1].name) - header.index(p[0].name),
    )
    rows[1][header.index(first.name)] = f"{first.hard.high * 2 + 1:g}"  # impossible
    rows[2][header.index(second.name)] = f"{second.soft.high + 1:g}"  # implausible
    rows[3][header.index(first.name)] = "fast"  # not a number
    with src.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    for lang, name in (("en", "import_preview"), ("zh_CN", "import_preview_zh")):
        i18n.apply(lang)
        wizard = window.import_data(str(src))
        wizard.next()
        page = wizard.check_page
        while page.task is not None and page.task.running:
            settle()
        settle()
        cell = page.preview_model.locate(page.result.plan.errors[0])
        page.preview.scrollTo(cell, page.preview.ScrollHint.PositionAtCenter)
        page.preview.clearSelection()  # the red and amber cells, not the selection colour
        save(wizard, name)
        wizard.reject()
        settle()
    i18n.apply("en")


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
