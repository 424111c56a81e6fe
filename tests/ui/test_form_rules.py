"""Flags in the form and visit actions, driven by keys (issue 5 §4, §7): a value outside the hard
limits is refused (red, message beside the field, nothing stored); one outside the soft limits
needs a confirmation reason (amber); a missed visit needs a reason and makes the form read-only.
Limits come from the declarations, so the tests follow them."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from scoring.model import ItemType, Level
from scoring.registry import INSTRUMENTS
from tests.ui.conftest import INVESTIGATOR
from tests.ui.helpers import focus, key, on_next_modal, shortcut, type_text
from ui.fields import LEVEL_COLOURS
from ui.main_window import MainWindow
from ui.settings import Settings


def _limited_item(visit_instruments):
    """A numeric item with hard and soft limits on the form (first in declaration order)."""
    for inst in INSTRUMENTS:
        if inst.key not in visit_instruments:
            continue
        for it in inst.items:
            if (
                it.type in (ItemType.INTEGER, ItemType.DECIMAL)
                and it.hard
                and it.soft
                and it.soft.high is not None
                and it.hard.high is not None
                and it.hard.high > it.soft.high
            ):
                return it
    pytest.skip("no declared item has both hard and soft upper limits")


def _fmt(it, value: float) -> str:
    return f"{value:.{max(it.decimals, 0)}f}" if it.type is ItemType.DECIMAL else str(int(value))


@pytest.fixture
def window(qtbot, store):
    session = store.login(*INVESTIGATOR)
    store.add_participant(
        session,
        "SH-301",
        "SH",
        "M",
        dt.date(1951, 5, 6),
        170,
        66,
        dt.date.today() + dt.timedelta(days=3),
    )
    w = MainWindow(store, session, Settings())
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: w.flags_done, timeout=30_000)
    w.open_participant("SH-301")
    return w


def test_hard_limit_value_refused(qtbot, window, store) -> None:
    form = window.page.open_visit("BL")
    it = _limited_item(form.instrument_keys)
    bad = _fmt(it, it.hard.high + max(1.0, it.hard.high))
    form.advance_to(it.name)
    assert focus() is form.rows[it.name].edit
    type_text(qtbot, bad)
    row = form.rows[it.name]
    assert row.flag.level is Level.ERROR
    # beside its field the message does not repeat the field's codebook name
    assert "impossible" in row.flag.text() and it.name not in row.flag.text(), row.flag.text()
    assert LEVEL_COLOURS[Level.ERROR][0] in row.edit.styleSheet()
    messages = []
    on_next_modal(lambda box: (messages.append(box.text()), key(qtbot, Qt.Key.Key_Return)))
    shortcut(qtbot, window, "Ctrl+S")
    assert messages and "red" in messages[0]
    assert it.name not in store.answers(window.session, "SH-301", "BL")
    # the draft keeps what was typed, so nothing is lost while the user corrects it
    assert store.load_draft(window.session, "SH-301", "BL")["fields"][it.name][0] == bad


def test_soft_limit_value_needs_a_reason(qtbot, window, store) -> None:
    form = window.page.open_visit("BL")
    it = _limited_item(form.instrument_keys)
    step = 10 ** -max(it.decimals, 0) if it.type is ItemType.DECIMAL else 1
    odd = _fmt(it, it.soft.high + step)
    form.advance_to(it.name)
    type_text(qtbot, odd)
    row = form.rows[it.name]
    assert row.flag.level is Level.WARNING, row.flag.text()
    assert LEVEL_COLOURS[Level.WARNING][0] in row.edit.styleSheet()

    seen = []

    def confirm(dlg) -> None:
        seen.append(sorted(dlg.warning_edits))
        key(qtbot, Qt.Key.Key_Return)  # empty reason: refused by the dialog
        assert dlg.isVisible() and "reason" in dlg.error.text()
        type_text(qtbot, "re-measured, value confirmed")
        key(qtbot, Qt.Key.Key_Return)

    on_next_modal(confirm)
    shortcut(qtbot, window, "Ctrl+S")
    assert seen and it.name in seen[0]
    stored = store.answers(window.session, "SH-301", "BL")[it.name]
    assert float(stored.value) == pytest.approx(float(odd))
    assert stored.confirm_reason == "re-measured, value confirmed"


def test_missed_visit_with_reason(qtbot, window, store) -> None:
    page = window.page
    page.view.setFocus()
    page.view.setCurrentIndex(page.timeline.index(page.timeline.row_for_visit("W1"), 0))
    key(qtbot, Qt.Key.Key_Return)
    assert page.form.ctx.visit.visit == "W1"

    def reason(dlg) -> None:
        type_text(qtbot, "participant in hospital")
        key(qtbot, Qt.Key.Key_Return)

    on_next_modal(reason)
    shortcut(qtbot, window, "Ctrl+M")
    v = store.visit(window.session, "SH-301", "W1")
    assert v.status == "missed" and v.status_reason == "participant in hospital"
    row = page.timeline.row_for_visit("W1")
    assert "missed" in page.timeline.index(row, 4).data()
    assert page.form.read_only
    assert all(r.edit.isReadOnly() for r in page.form.rows.values())


def test_missing_code_by_one_key_and_undo_redo(qtbot, window, store) -> None:
    form = window.page.open_visit("BL")
    first = next(iter(form.pages[0].rows))
    assert focus() is form.rows[first].edit
    key(qtbot, Qt.Key.Key_F6)  # refused
    assert form.rows[first].state.status == "RF"
    assert focus() is not form.rows[first].edit  # advanced to the next item
    shortcut(qtbot, window, "Ctrl+Z")
    assert form.rows[first].state.status is None
    shortcut(qtbot, window, "Ctrl+Y")
    assert form.rows[first].state.status == "RF"
    assert QApplication.focusWidget() is not None


def test_out_of_window_visit_needs_a_reason(qtbot, window, store) -> None:
    """Issue 5 §7 / issue 4 §1: a visit done outside its window is recorded with a reason, which
    the timeline shows (tinted row, reason in the tooltip); without a reason nothing is written."""
    page = window.page
    page.view.setFocus()
    page.view.setCurrentIndex(page.timeline.index(page.timeline.row_for_visit("BL"), 0))
    key(qtbot, Qt.Key.Key_Return)
    v = store.visit(window.session, "SH-301", "BL")
    early = v.window_start - dt.timedelta(days=5)  # before the window (a date in the past)

    def no_reason(dlg) -> None:  # OK with an empty reason: refused in the dialog, then cancel
        key(qtbot, Qt.Key.Key_Return)
        assert dlg.isVisible() and dlg.error.text()
        key(qtbot, Qt.Key.Key_Escape)

    on_next_modal(no_reason)
    shortcut(qtbot, window, "Ctrl+W")
    assert not store.visit(window.session, "SH-301", "BL").out_of_window

    def give(dlg) -> None:
        key(qtbot, Qt.Key.Key_Backtab)  # reason → date
        assert focus() is dlg.date
        key(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_text(qtbot, early.strftime("%Y%m%d"))
        key(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "participant travelling, seen early")
        key(qtbot, Qt.Key.Key_Return)

    on_next_modal(give)
    shortcut(qtbot, window, "Ctrl+W")
    v = store.visit(window.session, "SH-301", "BL")
    assert v.actual_date == early and v.out_of_window
    assert v.out_of_window_reason == "participant travelling, seen early"
    row = page.timeline.row_for_visit("BL")
    tip = page.timeline.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "participant travelling, seen early" in tip
    assert page.timeline.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
