"""Drafts survive a crash (issue 5 §6): a real process is killed with SIGKILL mid-entry; on the
next start, opening the visit offers the draft and restores every keystroke."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from tests.ui.conftest import INVESTIGATOR
from tests.ui.helpers import key, on_next_modal
from ui.main_window import MainWindow
from ui.settings import Settings

HERE = Path(__file__).resolve().parent


def test_draft_survives_sigkill(qtbot, store, study_path: Path, tmp_path: Path) -> None:
    session = store.login(*INVESTIGATOR)
    store.add_participant(
        session,
        "SH-501",
        "SH",
        "F",
        dt.date(1953, 4, 5),
        160,
        55,
        dt.date.today() + dt.timedelta(days=2),
    )
    entries = ["3", "2", "1", "1", "2"]  # the first SF-36 answers, as typed
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "crash_child.py"),
            str(study_path),
            str(tmp_path),
            *INVESTIGATOR,
            "SH-501",
            ",".join(entries),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = child.stdout.readline()
        assert line.startswith("TYPED"), line + child.stderr.read()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    typed_fields = [n.removeprefix("field_") for n in line.split()[1:]]

    # restart: a new main window on the same database
    window = MainWindow(store, session, Settings())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.flags_done, timeout=30_000)
    window.open_participant("SH-501")
    offered = []

    def accept(box) -> None:
        offered.append(box.text())
        key(qtbot, Qt.Key.Key_Return)  # Yes is the default

    on_next_modal(accept)
    form = window.page.open_visit("BL")
    assert offered and "draft" in offered[0]
    for name, text in zip(typed_fields, entries, strict=True):
        assert form.rows[name].edit.text() == text, name
    assert form.dirty()
    # nothing of it was written as data: a draft is not an answer
    assert not store.answers(session, "SH-501", "BL")
