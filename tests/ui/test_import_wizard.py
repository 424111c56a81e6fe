"""The import wizard (issue 7 §2, issue 5 §4/§9), driven from the keyboard as a user would.

Ctrl+I opens it; the file path is typed, Enter checks the file (the importer's dry run in a
worker), the preview shows flagged cells and the problem list with row and column; errors stop the
wizard; warnings need a reason; Enter imports (one transaction) and the page says what was written.
Malformed files give one clear message; Cancel at any point leaves the database unchanged.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard
from shiboken6 import isValid

from reports.export_csv import write_csv
from reports.export_frame import ExportMeta, build_export, from_store
from reports.export_xlsx import write_xlsx
from reports.importer import DERIVED_COLUMNS
from store.api import Store
from tests.reports.export_fixtures import PASSWORD, empty_study, filled_study
from tests.ui.helpers import focus, key, shortcut, type_text
from ui.import_wizard import ImportWizard
from ui.main_window import MainWindow
from ui.settings import Settings

WRITERS = {"xlsx": write_xlsx, "csv": write_csv}


# ------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def source_db(tmp_path_factory) -> Path:
    """A small real study: 4 participants, visits BL/W1/M1, confirmed warnings, one missed."""
    return filled_study(tmp_path_factory.mktemp("source") / "source.db")


@pytest.fixture(scope="module")
def empty_template(tmp_path_factory) -> Path:
    return empty_study(tmp_path_factory.mktemp("empty") / "empty.db")


@pytest.fixture
def target(empty_template: Path, tmp_path: Path):
    """An empty study (same sites and users) the wizard imports into, opened as the GUI does."""
    path = tmp_path / "target.db"
    shutil.copy(empty_template, path)
    store = Store.open(path, create=False)
    yield store
    store.close()


@pytest.fixture
def window(qtbot, target):
    session = target.login("dm", PASSWORD)  # a data manager may add participants and answers
    w = MainWindow(target, session, Settings())
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: w.flags_done, timeout=30_000)
    return w


def export(db: Path, out: Path) -> str:
    """The statisticians' long export of ``db`` (its data checksum)."""
    store = Store.open(db, create=False)
    try:
        s = store.login("stat", PASSWORD)
        table = build_export(from_store(store, s))
        return WRITERS[out.suffix.lstrip(".")](table, out, ExportMeta(exported_by="stat"))
    finally:
        store.close()


def snapshot(store: Store, session) -> tuple[int, int, str, int]:
    """(participants, audit rows, answers digest, confirmations): 'the database is unchanged'."""
    parts = len(store.participants(session))
    audit = [a for a in store.audit_trail(session) if a.action not in ("login", "login_failed")]
    frame = store.answers_frame(session)
    digest = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
    return parts, len(audit), digest, len(store.confirmations(session))


def edited_csv(source_db: Path, tmp_path: Path, edit) -> Path:
    src = tmp_path / "src.csv"
    export(source_db, src)
    frame = pd.read_csv(src, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    out = tmp_path / "edited.csv"
    edit(frame).to_csv(out, index=False, encoding="utf-8-sig")
    return out


# ------------------------------------------------------------------------------------ drivers
wizard_parent: list[MainWindow] = []


def open_wizard(qtbot, window: MainWindow) -> ImportWizard:
    shortcut(qtbot, window, "Ctrl+I")
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=10_000)
    wizard = QApplication.activeModalWidget()
    assert isinstance(wizard, ImportWizard)
    wizard_parent[:] = [window]
    qtbot.waitUntil(lambda: focus() is wizard.file_page.path, timeout=10_000)
    return wizard


def check(qtbot, wizard: ImportWizard, path: Path) -> None:
    """Type the path, Enter (Next): the check runs in a worker; wait for it to end."""
    type_text(qtbot, str(path))
    key(qtbot, Qt.Key.Key_Return)
    page = wizard.check_page
    assert wizard.currentPage() is page
    qtbot.waitUntil(lambda: page.task is not None and not page.task.running, timeout=120_000)
    QApplication.processEvents()


def next_enabled(wizard: QWizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def import_now(qtbot, wizard: ImportWizard) -> None:
    """Enter on the confirm page (Finish is labelled Import); wait for the worker."""
    page = wizard.import_page
    assert wizard.currentPage() is page
    assert wizard.button(QWizard.WizardButton.FinishButton).text() == "&Import"
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.task is not None and not page.task.running, timeout=240_000)
    QApplication.processEvents()


def wait_closed(qtbot, wizard: ImportWizard) -> None:
    """The wizard has closed (the main window deletes it once finished), and the re-scoring the
    main window starts after an import has ended."""
    qtbot.waitUntil(lambda: not isValid(wizard) or not wizard.isVisible(), timeout=60_000)
    window = wizard_parent[0]
    qtbot.waitUntil(lambda: window.task is None or not window.task.running, timeout=60_000)
    qtbot.wait(50)


# ------------------------------------------------------------------------------------ tests
def test_round_trip_through_the_wizard(qtbot, window, target, source_db, tmp_path) -> None:
    """Export a small study, import it into an empty study through the wizard: the data are the
    same (the export's data checksum) and every value is audited with the file's SHA-256."""
    src = tmp_path / "study.xlsx"
    first = export(source_db, src)
    wizard = open_wizard(qtbot, window)
    check(qtbot, wizard, src)
    page = wizard.check_page
    plan = page.result.plan
    assert not plan.errors and plan.warnings  # the fixture's confirmed warnings
    counts = page.counts.text()
    assert "12 rows" in counts and "4 participants (4 new)" in counts and "0 errors" in counts
    assert f"{plan.value_count} values" in counts and f"{len(plan.warnings)} warnings" in counts
    assert page.preview_model.headerData(0, Qt.Orientation.Horizontal) == "participant"
    assert page.preview_model.headerData(1, Qt.Orientation.Horizontal) == "visit"
    assert "sf36_pcs" not in page.preview_model.column_names()  # derived: recomputed
    assert page.preview_model.index(0, 0).data() == "P00001"
    # warnings only: Next needs the reason; the cursor is in the reason field
    assert not next_enabled(wizard)
    assert focus() is page.reason
    type_text(qtbot, "legacy CRFs checked")
    assert next_enabled(wizard)
    key(qtbot, Qt.Key.Key_Return)
    summary = wizard.import_page.summary.text()
    assert "4 new participants, 12 visits" in summary and "legacy CRFs checked" in summary
    import_now(qtbot, wizard)
    imp = wizard.import_page
    assert imp.done and "Imported study.xlsx" in imp.message.text()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    assert wizard.button(QWizard.WizardButton.FinishButton).text() == "&Close"
    key(qtbot, Qt.Key.Key_Return)
    wait_closed(qtbot, wizard)

    back = tmp_path / "back.xlsx"
    assert export(Path(target.path), back) == first
    store = Store.open(Path(target.path), create=False)
    try:
        s = store.login("stat", PASSWORD)
        sha = hashlib.sha256(src.read_bytes()).hexdigest()
        answers = [a for a in store.audit_trail(s) if a.entity == "answer"]
        assert answers and all(a.reason == f"import study.xlsx sha256={sha}" for a in answers)
        assert all(c.reason.startswith("legacy CRFs checked") for c in store.confirmations(s))
    finally:
        store.close()


def test_warnings_need_a_reason_which_is_audited(
    qtbot, window, target, source_db, tmp_path
) -> None:
    src = tmp_path / "warn.csv"
    export(source_db, src)
    wizard = open_wizard(qtbot, window)
    check(qtbot, wizard, src)
    page = wizard.check_page
    plan = page.result.plan
    warnings = plan.warnings
    assert warnings and not page.result.plan.errors
    assert page.reason_box.isVisible() and "warnings" in page.banner.text()
    type_text(qtbot, "   ")  # blank is no reason
    assert not next_enabled(wizard)
    page.reason.clear()
    type_text(qtbot, "values checked against the paper CRF")
    key(qtbot, Qt.Key.Key_Return)
    import_now(qtbot, wizard)
    assert wizard.import_page.done
    key(qtbot, Qt.Key.Key_Return)
    wait_closed(qtbot, wizard)
    conf = target.confirmations(window.session)
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    reason = f"values checked against the paper CRF (import warn.csv sha256={sha})"
    assert conf and all(c.reason == reason for c in conf)
    # every warning of the preview on a stored variable is confirmed, with that reason, on its
    # visit and variable (age is derived from the participant's birth date: nothing to confirm)
    at = {w.row: (w.participant, w.visit) for w in plan.visits}
    confirmed = {(c.participant, c.visit, c.item) for c in conf}
    stored = [p for p in warnings if p.column not in DERIVED_COLUMNS]
    assert stored and {(*at[p.row], p.column) for p in stored} <= confirmed
    assert len(target.participants(window.session)) == 4
    assert window.list_page.model.rowCount() == 4  # the list shows what was imported


def test_error_cells_stop_the_wizard_and_say_where(
    qtbot, qtmodeltester, window, target, source_db, tmp_path
) -> None:
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f.loc[0, "sf36_01"] = "9"  # not an allowed code → file row 2
        f.loc[1, "tug_1_s"] = "fast"  # not a number → file row 3
        return f

    bad = edited_csv(source_db, tmp_path, edit)
    before = snapshot(target, window.session)
    wizard = open_wizard(qtbot, window)
    check(qtbot, wizard, bad)
    page = wizard.check_page
    assert "errors: nothing can be imported" in page.banner.text()
    assert not next_enabled(wizard)
    assert not page.reason_box.isVisible()
    problems = [page.problem_model.problem(r) for r in range(page.problem_model.rowCount())]
    where = {(p.level, p.row, p.column) for p in problems}
    assert ("error", 2, "sf36_01") in where and ("error", 3, "tug_1_s") in where
    # the problem list: level, row, column, message
    first = page.problem_model.index(0, 0)
    assert page.problem_model.index(0, 1).data() == "2"
    assert first.data() in ("error", "warning")
    msg = next(
        page.problem_model.index(r, 3).data()
        for r in range(page.problem_model.rowCount())
        if page.problem_model.problem(r).column == "sf36_01"
    )
    assert "code 9 is not one of the allowed codes" in msg
    # the preview cell is red with the message as its tooltip, and the list selects it
    model = page.preview_model
    cell = model.locate(next(p for p in problems if p.column == "sf36_01"))
    assert cell.isValid() and cell.data() == "9"
    assert cell.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#fde2e1"
    assert "code 9" in cell.data(Qt.ItemDataRole.ToolTipRole)
    row = next(r for r in range(page.problem_model.rowCount()) if problems[r].column == "tug_1_s")
    page.problems.setFocus()
    page.problems.setCurrentIndex(page.problem_model.index(row, 0))
    key(qtbot, Qt.Key.Key_Return)  # activate: the preview jumps to the cell
    assert page.preview.currentIndex() == model.locate(problems[row])
    assert page.preview.currentIndex().data() == "fast"
    amber = [p for p in problems if p.level == "warning" and model.locate(p).isValid()]
    if amber:
        brush = model.locate(amber[0]).data(Qt.ItemDataRole.BackgroundRole)
        assert brush.color().name() == "#fff1d6"
    qtmodeltester.check(model)
    qtmodeltester.check(page.problem_model)
    # Finish is not offered either; Escape closes, nothing written
    assert not wizard.button(QWizard.WizardButton.FinishButton).isVisible() or not (
        wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    )
    key(qtbot, Qt.Key.Key_Escape)
    wait_closed(qtbot, wizard)
    assert snapshot(target, window.session) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [("garbage.xlsx", "not an xlsx workbook"), ("truncated.xlsx", "damaged or truncated")],
)
def test_malformed_file_gives_one_clear_message(
    qtbot, window, target, source_db, tmp_path, name, message
) -> None:
    path = tmp_path / name
    if name == "garbage.xlsx":
        path.write_bytes(os.urandom(2 * 1024 * 1024))
    else:
        full = tmp_path / "full.xlsx"
        export(source_db, full)
        data = full.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    before = snapshot(target, window.session)
    wizard = open_wizard(qtbot, window)
    check(qtbot, wizard, path)
    page = wizard.check_page
    text = page.banner.text()
    assert page.banner.isVisible() and message in text and "Nothing was written" in text
    assert text.count("\n") == 0  # one line
    assert page.result is None and not page.split.isVisible()
    assert not next_enabled(wizard)
    key(qtbot, Qt.Key.Key_Escape)
    wait_closed(qtbot, wizard)
    assert snapshot(target, window.session) == before


def test_cancel_after_the_check_writes_nothing(qtbot, window, target, source_db, tmp_path):
    src = tmp_path / "study.csv"
    export(source_db, src)
    before = snapshot(target, window.session)
    wizard = open_wizard(qtbot, window)
    check(qtbot, wizard, src)
    type_text(qtbot, "checked")
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.import_page
    key(qtbot, Qt.Key.Key_Escape)  # Cancel on the confirm page
    wait_closed(qtbot, wizard)
    assert snapshot(target, window.session) == before


def test_cancel_during_the_import_rolls_everything_back(
    qtbot, window, target, source_db, tmp_path, monkeypatch
) -> None:
    """Cancel while the worker writes: the transaction rolls back, nothing stays behind."""
    src = tmp_path / "study.csv"
    export(source_db, src)
    before = snapshot(target, window.session)
    calls: list[float] = []
    real = target.save_answers

    def slow(*args, **kwargs):  # a slow disk: time to press Cancel mid-file
        calls.append(time.perf_counter())
        time.sleep(0.2)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, "save_answers", slow)
    wizard = open_wizard(qtbot, window)
    check(qtbot, wizard, src)
    type_text(qtbot, "checked")
    key(qtbot, Qt.Key.Key_Return)
    key(qtbot, Qt.Key.Key_Return)  # Import
    page = wizard.import_page
    qtbot.waitUntil(lambda: len(calls) >= 2, timeout=60_000)
    assert page.task.running
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    wizard.reject()  # Cancel (the button, Escape or the progress dialog's Cancel)
    wait_closed(qtbot, wizard)
    assert page.task.was_cancelled and not page.done
    assert 2 <= len(calls) < 12
    monkeypatch.undo()
    assert snapshot(target, window.session) == before


def test_only_roles_that_may_write_can_import(qtbot, target) -> None:
    from ui.import_wizard import may_import

    assert may_import("data_manager") and may_import("assessor") and may_import("investigator")
    assert not may_import("statistician") and not may_import("administrator")
    w = MainWindow(target, target.login("stat", PASSWORD), Settings())
    qtbot.addWidget(w)
    assert not w.actions_by_name["import"].isEnabled()
    qtbot.waitUntil(lambda: w.flags_done, timeout=30_000)
    w.close()


def test_wizard_in_chinese(qtbot, window, source_db, tmp_path) -> None:
    from ui import i18n

    window.actions_by_name["lang_zh_CN"].trigger()
    QApplication.processEvents()
    assert window.actions_by_name["import"].text() == "导入数据(&I)…"
    bad = tmp_path / "garbage.xlsx"
    bad.write_bytes(os.urandom(4096))
    wizard = open_wizard(qtbot, window)
    assert wizard.windowTitle() == "导入数据"
    assert wizard.file_page.title() == "导入数据：选择文件"
    assert wizard.file_page.browse.text() == "浏览(&B)…"
    check(qtbot, wizard, bad)
    page = wizard.check_page
    assert page.title() == "导入数据：检查与预览"
    assert "不是 xlsx 工作簿" in page.banner.text() and "未写入任何数据" in page.banner.text()
    assert page.problem_model.headerData(3, Qt.Orientation.Horizontal) == "问题"
    key(qtbot, Qt.Key.Key_Escape)
    wait_closed(qtbot, wizard)
    i18n.apply("en")


def test_store_refusal_mid_file_is_shown_and_rolls_back(
    qtbot, window, target, source_db, tmp_path
) -> None:
    """The file passes the checks but the store refuses a late row (a visit date in the future):
    the page names the file row, and the earlier rows' participants and answers are not kept."""

    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f.loc[len(f) - 2, "visit_date"] = "2099-01-01"
        return f

    bad = edited_csv(source_db, tmp_path, edit)
    before = snapshot(target, window.session)
    wizard = open_wizard(qtbot, window)
    check(qtbot, wizard, bad)
    type_text(qtbot, "checked")
    key(qtbot, Qt.Key.Key_Return)
    import_now(qtbot, wizard)
    page = wizard.import_page
    text = page.message.text()
    assert not page.done
    assert f"The database refused file row {len(pd.read_csv(bad))}" in text, text
    assert "future" in text and "Nothing was written" in text
    assert snapshot(target, window.session) == before
    assert wizard.button(QWizard.WizardButton.BackButton).isEnabled()  # fix the file, go back
    key(qtbot, Qt.Key.Key_Escape)
    wait_closed(qtbot, wizard)
    assert snapshot(target, window.session) == before
