"""The one handler for unexpected exceptions (style.md §8, pitfall 14).

``install()`` replaces ``sys.excepthook``: the traceback goes to ``crash.log`` in the user's data
directory (QStandardPaths.AppDataLocation) and a dialog says what happened and where the log is.
Drafts are never discarded here: the visit form saves a draft on every field change, so the entry
survives; ``before_dialog`` hooks (the open form) get one more chance to save theirs.
Expected problems (store errors) are shown where they happen, not here.
"""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from outcomedesk_version import PROGRAM_NAME, PROGRAM_VERSION

before_dialog: list[Callable[[], None]] = []
_open_dialogs: list[QMessageBox] = []  # keeps parentless dialogs alive until closed
_show_dialogs = True


def log_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    path = Path(base or Path.home() / ".outcomedesk")
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_path() -> Path:
    return log_dir() / "crash.log"


def write_log(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> Path:
    path = log_path()
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"=== {stamp} {PROGRAM_NAME} {PROGRAM_VERSION}\n{text}\n")
    return path


def handle(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    path = write_log(exc_type, exc, tb)
    for hook in list(before_dialog):
        try:
            hook()
        except Exception as inner:
            write_log(type(inner), inner, inner.__traceback__)
    sys.stderr.write(f"unexpected error: {exc_type.__name__}: {exc} (logged to {path})\n")
    if _show_dialogs and QApplication.instance() is not None:
        show_dialog(exc, path)


def show_dialog(exc: BaseException, path: Path) -> None:
    box = QMessageBox(QApplication.activeWindow())
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("Errors", "Unexpected error"))
    box.setText(
        QCoreApplication.translate(
            "Errors",
            "Something unexpected went wrong. Your entry is kept as a draft and will be "
            "offered when you reopen the visit.",
        )
    )
    box.setInformativeText(
        QCoreApplication.translate("Errors", "Details were written to {path}").format(path=path)
    )
    box.setDetailedText(f"{type(exc).__name__}: {exc}")
    box.setObjectName("crashDialog")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _open_dialogs.append(box)
    box.destroyed.connect(lambda *_: _open_dialogs.remove(box) if box in _open_dialogs else None)
    box.open()


def install(show_dialogs: bool = True) -> None:
    global _show_dialogs
    _show_dialogs = show_dialogs
    sys.excepthook = handle
