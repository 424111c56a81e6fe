"""Start the GUI: QApplication, main window, ``--smoke`` for CI and packaging checks."""

from __future__ import annotations

import argparse
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from outcomedesk_version import PROGRAM_NAME, PROGRAM_VERSION


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(f"{PROGRAM_NAME} {PROGRAM_VERSION}")
        self.setCentralWidget(QLabel(f"{PROGRAM_NAME} {PROGRAM_VERSION}"))
        self.resize(1100, 720)


def run_gui(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="main.py")
    parser.add_argument("--smoke", action="store_true", help="open, paint, print timing, exit 0")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow()
    window.show()
    if args.smoke:
        app.processEvents()
        window.grab()
        print(f"first painted window after {time.perf_counter() - t0:.3f} s")
        QTimer.singleShot(0, app.quit)
    return app.exec()
