"""Keyboard drivers shared by the GUI tests: they act as a user at the keyboard would."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from scoring.model import Item, ItemType


def focus() -> QWidget:
    """The focus widget. The offscreen platform has no window manager to give the focus back to
    the main window when a dialog closes, so do what a window manager does."""
    w = QApplication.focusWidget()
    if w is None:
        top = QApplication.activeModalWidget() or next(
            (
                t
                for t in QApplication.topLevelWidgets()
                if t.isVisible() and t.objectName() == "mainWindow"
            ),
            None,
        )
        if top is not None:
            top.activateWindow()
            for _ in range(50):
                QApplication.processEvents()
                w = QApplication.focusWidget()
                if w is not None:
                    break
    assert w is not None, "nothing has the keyboard focus"
    return w


def type_text(qtbot, text: str) -> None:
    for ch in text:
        qtbot.keyClick(focus(), ch)


def key(qtbot, k, mods=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focus(), k, mods)


def shortcut(qtbot, window: QWidget, seq: str) -> None:
    """Press a key sequence such as "Ctrl+S" where the focus is (shortcuts resolve from there)."""
    from PySide6.QtGui import QKeySequence

    combo = QKeySequence(seq)[0]
    qtbot.keyClick(focus() or window, combo.key(), combo.keyboardModifiers())


def on_next_modal(
    action: Callable[[QWidget], None], timeout_ms: int = 15_000, skip: QWidget | None = None
) -> list:
    """Run ``action(dialog)`` once the next modal dialog is up and has the focus (dialogs use
    ``exec()``). If the action fails, or no dialog shows up, open modal dialogs are rejected so
    a failing test ends instead of waiting forever."""
    state: list = []
    waited = [0]
    timer = QTimer()
    timer.setInterval(20)

    def poll() -> None:
        waited[0] += 20
        w = QApplication.activeModalWidget()
        if w is not None and w.isVisible() and w is not skip:
            if QApplication.focusWidget() is None or not w.isAncestorOf(QApplication.focusWidget()):
                w.activateWindow()
                w.raise_()
                if waited[0] < 10_000:
                    return
            timer.stop()
            state.append(w)
            try:
                action(w)
            except BaseException:
                _reject_modals()
                raise
            return
        if waited[0] > timeout_ms:
            timer.stop()
            _reject_modals()

    timer.timeout.connect(poll)
    timer.start()
    state.append(timer)  # keeps the timer alive as long as the caller keeps the list
    _KEEP.append(state)
    return state


_KEEP: list = []


def _reject_modals() -> None:
    for _ in range(5):
        w = QApplication.activeModalWidget()
        if w is None:
            return
        w.close()
        if hasattr(w, "reject"):
            w.reject()


def as_typed(item: Item, value: object) -> str:
    """A raw entry as an assessor types it."""
    if value is None:
        return ""
    if item.type is ItemType.CLOCK and isinstance(value, int | float | np.number):
        minutes = int(value)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isfinite(v) and v.is_integer():
            return str(int(v))
        return repr(v)
    return str(value)


def sign_in_by_keyboard(qtbot, username: str, password: str) -> None:
    """Type the user name and the password where the focus is, each followed by Enter (the
    sign-in page, or a credentials dialog)."""
    type_text(qtbot, username)
    key(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, password)
    key(qtbot, Qt.Key.Key_Return)
