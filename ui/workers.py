"""Long work off the GUI thread (style.md §7, pitfalls 1–2).

``run_task(parent, title, fn, on_done)`` runs ``fn(state)`` on the global QThreadPool. ``fn``
receives data and a ``TaskState`` (progress, cancel), never widgets. Results come back through
signals owned by the caller side (``TaskSignals`` lives on the GUI thread), so a runnable never
deletes a signal object on a pool thread. A progress dialog with Cancel appears only when the work
takes longer than ``delay_ms`` (Anki shows it after ~600 ms).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class Cancelled(Exception):
    """Raised inside a task when the user pressed Cancel."""


class TaskState:
    """What a task may touch: a progress callback and a cancel flag (thread-safe)."""

    def __init__(self, signals: TaskSignals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def progress(self, done: int, total: int) -> None:
        self._signals.progress.emit(done, total)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()


class TaskSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)  # the result
    failed = Signal(object)  # the exception
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[TaskState], Any], state: TaskState, sig: TaskSignals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._state, self._sig = fn, state, sig

    def run(self) -> None:
        try:
            result = self._fn(self._state)
        except Cancelled:
            self._tell(self._sig.cancelled)
        except Exception as exc:
            self._tell(self._sig.failed, exc)
        else:
            if self._state.cancelled:
                self._tell(self._sig.cancelled)
            else:
                self._tell(self._sig.finished, result)

    def _tell(self, signal: Any, *args: Any) -> None:
        """Emit, unless the window that asked for the work is gone (it took its signals along,
        e.g. the program is quitting): then nobody is left to tell."""
        if not shiboken6.isValid(self._sig):
            return
        with contextlib.suppress(RuntimeError):  # deleted between the check and the emit
            signal.emit(*args)


class Task(QObject):
    """A running task; keeps its signals and dialog alive until it ends."""

    done = Signal()

    def __init__(
        self,
        parent: QWidget,
        title: str,
        fn: Callable[[TaskState], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        delay_ms: int = 600,
    ) -> None:
        super().__init__(parent)
        self.signals = TaskSignals(self)
        self.state = TaskState(self.signals)
        self.result: Any = None
        self.error: BaseException | None = None
        self.was_cancelled = False
        self.running = True
        self._on_done, self._on_error = on_done, on_error
        self.dialog = QProgressDialog(
            title, QCoreApplication.translate("Workers", "Cancel"), 0, 0, parent
        )
        self.dialog.setObjectName("progressDialog")
        self.dialog.setWindowTitle(title)
        self.dialog.setMinimumDuration(delay_ms)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.state.cancel)
        self.signals.progress.connect(self._progress)
        self.signals.finished.connect(self._finished)
        self.signals.failed.connect(self._failed)
        self.signals.cancelled.connect(self._cancelled)
        QThreadPool.globalInstance().start(_Runnable(fn, self.state, self.signals))

    def cancel(self) -> None:
        self.state.cancel()

    def _progress(self, done: int, total: int) -> None:
        if self.dialog.maximum() != total:
            self.dialog.setMaximum(total)
        self.dialog.setValue(done)

    def _end(self) -> None:
        self.running = False
        if shiboken6.isValid(self.dialog):  # its parent may be gone already (it takes it along)
            was_visible = self.dialog.isVisible()
            self.dialog.reset()
            self.dialog.hide()
            parent = self.parent()
            if was_visible and isinstance(parent, QWidget) and parent.isVisible():
                parent.window().activateWindow()  # the keyboard goes back where the user was
            # deleted by the event loop, not by a timer that could fire after the parent (and
            # so the dialog) is destroyed, e.g. by the result handler closing the window
            self.dialog.deleteLater()
        self.done.emit()

    def _finished(self, result: Any) -> None:
        self.result = result
        self._end()
        self._on_done(result)

    def _failed(self, exc: BaseException) -> None:
        self.error = exc
        self._end()
        if self._on_error is not None:
            self._on_error(exc)
        else:
            raise exc

    def _cancelled(self) -> None:
        self.was_cancelled = True
        self._end()


def run_task(
    parent: QWidget,
    title: str,
    fn: Callable[[TaskState], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    delay_ms: int = 600,
) -> Task:
    return Task(parent, title, fn, on_done, on_error, delay_ms)
