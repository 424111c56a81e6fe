"""Sign-off with password re-entry, read-only signed visits, data-manager lock/unlock, and the
edit-attributes dialog with its reason (issue 5 §2, §6, §7) — by keyboard."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon

from tests.ui.conftest import DATA_MANAGER, INVESTIGATOR
from tests.ui.helpers import key, on_next_modal, shortcut, type_text
from ui.main_window import MainWindow
from ui.settings import Settings


def _window(qtbot, store, who):
    session = store.login(*who)
    w = MainWindow(store, session, Settings())
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: w.flags_done, timeout=30_000)
    return w


def test_sign_then_lock_then_unlock(qtbot, store) -> None:
    inv = store.login(*INVESTIGATOR)
    store.add_participant(inv, "SH-701", "SH", "F", dt.date(1949, 9, 9), 152, 50, dt.date.today())
    v = store.visit(inv, "SH-701", "BL")
    store.set_visit_status(
        inv, "SH-701", "BL", "complete", actual_date=dt.date.today(), expected_version=v.row_version
    )

    w = _window(qtbot, store, INVESTIGATOR)
    w.open_participant("SH-701")
    form = w.page.open_visit("BL")

    messages = []

    def wrong_password(dlg) -> None:
        type_text(qtbot, "not-my-password")
        # the refusal comes as a message box once this dialog has closed
        on_next_modal(
            lambda box: (messages.append(box.text()), key(qtbot, Qt.Key.Key_Return)),
            timeout_ms=20_000,
            skip=dlg,
        )
        key(qtbot, Qt.Key.Key_Return)

    on_next_modal(wrong_password)
    shortcut(qtbot, w, "Ctrl+Shift+S")
    assert messages, "a wrong password must be refused with a message"
    assert not store.visit(inv, "SH-701", "BL").signed_by

    def sign(dlg) -> None:
        type_text(qtbot, INVESTIGATOR[1])
        key(qtbot, Qt.Key.Key_Return)

    on_next_modal(sign)
    shortcut(qtbot, w, "Ctrl+Shift+S")
    v = store.visit(inv, "SH-701", "BL")
    assert v.signed_by == INVESTIGATOR[0] and v.signature_meaning
    form = w.page.form
    assert form.read_only and all(r.edit.isReadOnly() for r in form.rows.values())
    row = w.page.timeline.row_for_visit("BL")
    assert INVESTIGATOR[0] in w.page.timeline.index(row, 6).data()
    w.close()

    dm_window = _window(qtbot, store, DATA_MANAGER)
    dm_window.open_participant("SH-701")
    dm_window.page.open_visit("BL")
    on_next_modal(
        lambda dlg: (
            type_text(qtbot, "database lock for interim analysis"),
            key(qtbot, Qt.Key.Key_Return),
        )
    )
    shortcut(qtbot, dm_window, "Ctrl+Shift+L")
    assert store.visit(inv, "SH-701", "BL").locked
    lock_cell = dm_window.page.timeline.index(row, 7)
    assert lock_cell.data() == "locked"  # in words (screen readers), with a padlock icon
    icon = lock_cell.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    assert "read-only" in lock_cell.data(Qt.ItemDataRole.ToolTipRole)
    other = dm_window.page.timeline.index(dm_window.page.timeline.row_for_visit("W1"), 7)
    assert other.data() == "" and other.data(Qt.ItemDataRole.DecorationRole) is None
    assert dm_window.page.form.read_only
    on_next_modal(
        lambda dlg: (type_text(qtbot, "query on TUG resolved"), key(qtbot, Qt.Key.Key_Return))
    )
    shortcut(qtbot, dm_window, "Ctrl+Shift+U")
    assert not store.visit(inv, "SH-701", "BL").locked
    unlocked = dm_window.page.timeline.index(row, 7)
    assert unlocked.data() == "" and unlocked.data(Qt.ItemDataRole.DecorationRole) is None


def test_edit_attributes_needs_a_reason(qtbot, store) -> None:
    inv = store.login(*INVESTIGATOR)
    store.add_participant(inv, "SH-702", "SH", "M", dt.date(1947, 1, 1), 170, 70, dt.date.today())
    w = _window(qtbot, store, INVESTIGATOR)
    w.list_page.select_code("SH-702")
    w.list_page.view.setFocus()

    def edit(dlg) -> None:
        dlg.edits["weight_kg"].setFocus()
        dlg.edits["weight_kg"].selectAll()
        type_text(qtbot, "68.5")
        key(qtbot, Qt.Key.Key_Return)  # no reason yet: refused in the dialog
        assert dlg.isVisible() and dlg.messages["reason"].text()
        dlg.edits["reason"].setFocus()
        type_text(qtbot, "re-weighed on calibrated scale")
        key(qtbot, Qt.Key.Key_Return)

    on_next_modal(edit)
    shortcut(qtbot, w, "F2")
    p = store.participant(inv, "SH-702")
    assert p.weight_kg == 68.5
    trail = store.audit_trail(inv, participant="SH-702")
    assert any(a.reason == "re-weighed on calibrated scale" for a in trail)
