"""Child process of the crash test: opens a visit, types some answers by keys, says so on stdout
and waits to be killed (SIGKILL: no clean-up of any kind runs)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def main(db: str, settings_dir: str, user: str, password: str, code: str, text: str) -> None:
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    from store.api import Store
    from ui.app import make_app
    from ui.main_window import MainWindow
    from ui.settings import Settings

    app = make_app()
    store = Store.open(db)
    session = store.login(user, password)
    window = MainWindow(store, session, Settings())
    window.show()
    window.activateWindow()
    window.open_participant(code)
    form = window.page.open_visit("BL")
    app.processEvents()
    typed = []
    for entry in text.split(","):
        w = QApplication.focusWidget()
        QTest.keyClicks(w, entry)
        if QApplication.focusWidget() is w:
            QTest.keyClick(w, "\r")
        typed.append(w.objectName())
    print("TYPED " + " ".join(typed), flush=True)
    assert form.dirty()
    app.exec()


if __name__ == "__main__":
    main(*sys.argv[1:])
