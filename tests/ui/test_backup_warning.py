"""A failed automatic backup is told to the user who signs in (store.backup.automatic_backup keeps
the failure in ``Store.backup_problem`` and in a note beside the database): the data is saved,
but no copy of it is being made, and only the people at the clinic can free the disk."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from store import backup as bk
from tests.ui.conftest import ASSESSOR
from tests.ui.helpers import focus, on_next_modal, sign_in_by_keyboard
from ui.login import StoreLoader
from ui.settings import Settings


def test_a_failing_backup_is_told_at_sign_in(qtbot, study_path: Path, monkeypatch) -> None:
    """The last close could not back up (the note is there) and the disk is still full: the
    store tries again at open, fails, and after signing in the user reads why, once."""
    from store.api import Store
    from ui.main_window import MainWindow

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bk, "backup_sqlite", disk_full)
    bk.failure_note_for(study_path).write_text("automatic backup failed: earlier\n")
    window = MainWindow(StoreLoader(lambda: Store.open(str(study_path))), None, Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.sign_in.store is not None, timeout=30_000)
    assert "No space left on device" in (window.sign_in.store.backup_problem or "")
    window.activateWindow()
    qtbot.waitUntil(lambda: focus() is window.sign_in.user, timeout=5000)

    shown: list[str] = []

    def read(box) -> None:
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        box.accept()

    on_next_modal(read)
    sign_in_by_keyboard(qtbot, *ASSESSOR)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10_000)
    assert "No space left on device" in shown[0] and "data manager" in shown[0]
    assert window.session is not None
    qtbot.waitUntil(lambda: window.flags_done, timeout=30_000)
    window.close()
    window.store.close()


def test_no_warning_when_backups_work(qtbot, study_path: Path) -> None:
    """The usual case: no note, backups made, no message at sign-in."""
    from store.api import Store
    from ui.main_window import MainWindow

    window = MainWindow(StoreLoader(lambda: Store.open(str(study_path))), None, Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.sign_in.store is not None, timeout=30_000)
    assert window.sign_in.store.backup_problem is None
    window.activateWindow()
    qtbot.waitUntil(lambda: focus() is window.sign_in.user, timeout=5000)
    sign_in_by_keyboard(qtbot, *ASSESSOR)
    qtbot.waitUntil(lambda: window.flags_done, timeout=30_000)
    from PySide6.QtWidgets import QApplication

    assert QApplication.activeModalWidget() is None
    assert not bk.failure_note_for(study_path).exists()
    window.close()
    window.store.close()
