"""The GUI's plumbing: exception handler, worker with cancel, idle lock, typed settings,
stopwatch (issue 5 §1, §5, §10, §11)."""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time

import pytest
from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from scoring.model import ItemType
from tests.ui.conftest import INVESTIGATOR
from tests.ui.helpers import focus, key, shortcut, type_text
from ui import errors
from ui.main_window import MainWindow
from ui.settings import SETTINGS_VERSION, Settings
from ui.store_bridge import TIMED_NOTE
from ui.workers import run_task


def test_exception_handler_logs_shows_dialog_and_keeps_the_draft(qtbot) -> None:
    saved = []
    errors.before_dialog.append(lambda: saved.append(True))
    try:
        errors.install(show_dialogs=True)
        try:
            raise ValueError("boom in a slot")
        except ValueError:
            sys.excepthook(*sys.exc_info())
    finally:
        errors.before_dialog.clear()
        sys.excepthook = sys.__excepthook__
    log = errors.log_path().read_text(encoding="utf-8")
    assert "ValueError: boom in a slot" in log and "Traceback" in log
    box = next(
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "crashDialog" and w.isVisible()
    )
    assert str(errors.log_path()) in box.informativeText()
    assert saved == [True]
    box.close()


def test_worker_reports_progress_and_cancels(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    main_thread = threading.get_ident()
    seen = {}

    def work(state):
        seen["thread"] = threading.get_ident()
        for i in range(200):
            state.progress(i, 200)
            state.check()
            time.sleep(0.01)
        return "done"

    task = run_task(parent, "working", work, lambda r: seen.setdefault("result", r), delay_ms=0)
    qtbot.waitUntil(lambda: task.dialog.value() > 3, timeout=10_000)
    button = task.dialog.findChild(QPushButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the Cancel button
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    assert task.was_cancelled and "result" not in seen
    assert seen["thread"] != main_thread

    ok = run_task(parent, "quick", lambda state: 6 * 7, lambda r: seen.setdefault("result", r))
    qtbot.waitUntil(lambda: not ok.running, timeout=10_000)
    assert seen["result"] == 42


@pytest.fixture
def window(qtbot, store):
    session = store.login(*INVESTIGATOR)
    store.add_participant(
        session,
        "SH-601",
        "SH",
        "M",
        dt.date(1950, 6, 7),
        171,
        68,
        dt.date.today() + dt.timedelta(days=2),
    )
    w = MainWindow(store, session, Settings())
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: w.flags_done, timeout=30_000)
    return w


def test_task_ending_as_its_window_goes_away(qtbot) -> None:
    """The result handler closes (destroys) the window that started the task: the progress
    dialog goes with it, and nothing touches it afterwards (it was deleted by a timer that
    fired after the parent had taken it along: "Internal C++ object already deleted")."""
    import shiboken6

    parent = QWidget()
    parent.show()
    results: list[object] = []

    def done(result: object) -> None:
        results.append(result)
        shiboken6.delete(parent)  # as when the window is closed with WA_DeleteOnClose

    task = run_task(parent, "short", lambda state: 42, done, delay_ms=0)
    dialog = task.dialog
    qtbot.waitUntil(lambda: results == [42], timeout=10_000)
    for _ in range(5):
        QApplication.processEvents()  # any callback left queued would run (and raise) here
    assert not shiboken6.isValid(dialog)


def test_idle_lock_needs_the_same_users_password(qtbot, window) -> None:
    window.idle.set_minutes(0.002)  # 120 ms without input
    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    dlg = window.lock_dialog
    assert dlg.isVisible() and not window.centralWidget().isVisible()
    assert dlg.user.text() == INVESTIGATOR[0] and dlg.user.isReadOnly()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.password, timeout=5000)
    type_text(qtbot, "wrong-password")
    key(qtbot, Qt.Key.Key_Return)
    assert window.locked and dlg.message.text()
    key(qtbot, Qt.Key.Key_Escape)  # Escape does not unlock
    assert window.locked
    dlg.password.setFocus()
    type_text(qtbot, INVESTIGATOR[1])
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked, timeout=5000)
    assert window.centralWidget().isVisible()
    window.idle.set_minutes(0)


def test_settings_are_typed_versioned_and_hold_no_clinical_data(window) -> None:
    s = Settings()
    s.idle_lock_minutes = 7
    assert Settings().idle_lock_minutes == 7
    with pytest.raises(TypeError):
        s.set("security/idle_lock_minutes", "7")
    with pytest.raises(ValueError):
        s.language = "fr"
    raw = QSettings()
    assert raw.value("meta/version", 0, type=int) == SETTINGS_VERSION
    raw.setValue("meta/version", 0)
    raw.setValue("language", "zh_CN")  # the pre-release key
    assert Settings().language == "zh_CN" and raw.value("language") is None
    window.close()
    assert isinstance(Settings().get("window/geometry"), QByteArray)
    keys = set(Settings().keys())
    assert keys <= {
        "meta/version",
        "ui/language",
        "security/idle_lock_minutes",
        "store/last_database",
        "window/geometry",
        "window/state",
    }, keys


def test_stopwatch_time_lands_in_the_focused_trial(qtbot, window, store) -> None:
    window.open_participant("SH-601")
    form = window.page.open_visit("BL")
    trial = next(
        (n for n, r in form.rows.items() if r.item.type is ItemType.DECIMAL and r.item.unit == "s"),
        None,
    )
    if trial is None:
        pytest.skip("no timed trial declared")
    form.advance_to(trial)
    assert focus() is form.rows[trial].edit
    t0 = time.perf_counter()
    key(qtbot, Qt.Key.Key_Space)  # start
    page = next(p for p in form.pages if trial in p.rows)
    assert page.stopwatch.running
    lo = (form.items[trial].soft or form.items[trial].hard).low or 0.0
    qtbot.wait(int(lo * 1000) + 300)  # a time the declaration accepts without a flag
    key(qtbot, Qt.Key.Key_Space)  # stop
    elapsed = time.perf_counter() - t0
    assert not page.stopwatch.running
    row = form.rows[trial]
    assert row.state.timed
    assert lo <= float(row.edit.text()) <= elapsed + 0.005  # the watch ran inside [t0, now]
    assert "timed by the program" in row.hint.text()
    # saved: the audit trail says the program timed it
    shortcut(qtbot, window, "Ctrl+S")
    trail = store.audit_trail(window.session, participant="SH-601", visit="BL", item=trial)
    assert any(TIMED_NOTE in (a.reason or "") for a in trail), trail
    # typing over it makes it a typed value again
    row.edit.selectAll()
    type_text(qtbot, "9.5")
    assert not row.state.timed


def test_participant_report_in_a_worker(qtbot, window, store, tmp_path) -> None:
    from pypdf import PdfReader

    window.open_participant("SH-601")
    target = tmp_path / "SH-601.pdf"
    task = window.print_report(str(target))
    qtbot.waitUntil(lambda: not task.running, timeout=120_000)
    assert task.error is None, task.error
    text = "".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert "SH-601" in text
    trail = store.audit_trail(window.session)
    prints = [a for a in trail if a.action == "print"]
    assert prints and "SH-601" in str(prints[-1])


def test_crf_batch_reports_and_export_from_the_gui(qtbot, window, store, tmp_path) -> None:
    """Issue 6 §3 / issue 7 §1 from the GUI: the visit's CRF, every participant's report into a
    folder, and the export, each in a worker and each audited."""
    import pandas as pd
    from pypdf import PdfReader

    window.open_participant("SH-601")
    crf = tmp_path / "crf.pdf"
    task = window.print_crf(completed=False, target=str(crf))
    qtbot.waitUntil(lambda: not task.running, timeout=120_000)
    assert task.error is None, task.error
    text = "".join(p.extract_text() for p in PdfReader(str(crf)).pages)
    assert "SH-601" in text

    folder = tmp_path / "reports"
    folder.mkdir()
    task = window.print_all_reports(str(folder))
    qtbot.waitUntil(lambda: not task.running, timeout=240_000)
    assert task.error is None, task.error
    codes = {p.code for p in store.participants(window.session)}
    assert {p.name.split("_")[0] for p in folder.glob("*.pdf")} == codes

    out = tmp_path / "export.xlsx"
    task = window.export_data(str(out))
    qtbot.waitUntil(lambda: not task.running, timeout=240_000)
    assert task.error is None, task.error
    sheets = pd.read_excel(out, sheet_name=None)
    assert {"data", "codebook", "flags", "visits", "summary", "about"} <= set(sheets)
    assert "participant" in sheets["data"].columns and "sf36_pcs" in sheets["data"].columns
    assert set(sheets["data"]["participant"]) <= codes
    actions = [a.action for a in store.audit_trail(window.session)]
    assert actions.count("print") >= 1 + len(codes) and "export" in actions


def test_sign_out_from_the_lock_lets_another_user_take_over(qtbot, window, store) -> None:
    """A locked program whose user has gone: "Sign out" on the lock screen (Alt+O) ends that
    session (the visit being typed stays as the user's draft, the logout is audited) and the
    window shows its sign-in page; the next user signs in by keyboard and gets their own
    menus; File ▸ Sign out (Ctrl+Shift+Q) returns to the page again."""
    from tests.ui.conftest import ASSESSOR
    from tests.ui.helpers import sign_in_by_keyboard

    window.open_participant("SH-601")
    form = window.page.open_visit("BL", focus=True)
    first = next(iter(form.rows.values()))
    qtbot.waitUntil(lambda: focus() is first.edit, timeout=5000)
    type_text(qtbot, "3")
    shortcut(qtbot, window, "Ctrl+L")
    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    dlg = window.lock_dialog
    qtbot.waitUntil(lambda: focus() is dlg.password, timeout=5000)
    key(qtbot, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.session is None, timeout=5000)
    assert not window.locked and window.sign_in is not None
    assert window.frames.currentWidget() is window.sign_in
    assert not window.actions_by_name["add"].isEnabled()
    assert not window.menus["visit"].menuAction().isVisible()

    investigator = store.login(*INVESTIGATOR)
    draft = store.load_draft(investigator, "SH-601", "BL")
    assert draft is not None and "3" in str(draft)  # the keystroke is kept for its user
    assert store.answers(investigator, "SH-601", "BL") == {}  # and was not saved as data
    logouts = [
        r
        for r in store.audit_trail(investigator)
        if r.action == "logout" and r.username == INVESTIGATOR[0]
    ]
    assert len(logouts) == 1

    qtbot.waitUntil(lambda: focus() is window.sign_in.user, timeout=5000)
    sign_in_by_keyboard(qtbot, *ASSESSOR)
    assert window.session is not None and window.session.username == ASSESSOR[0]
    assert window.frames.currentWidget() is window.stack
    assert window.actions_by_name["add"].isEnabled()  # an assessor adds participants
    assert not window.actions_by_name["sign"].isEnabled()  # but does not sign visits
    qtbot.waitUntil(lambda: window.flags_done, timeout=30_000)
    shortcut(qtbot, window, "Ctrl+Shift+Q")
    assert window.session is None and window.frames.currentWidget() is window.sign_in
    assert [r.username for r in store.audit_trail(investigator) if r.action == "logout"] == [
        INVESTIGATOR[0],
        ASSESSOR[0],
    ]
