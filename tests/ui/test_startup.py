"""Start-up order (issue 5): the login dialog is painted with only Qt and light modules loaded;
the store is opened after that paint (while the user types); Enter before it is open waits for
it; a database without users asks for the administrator; a database that cannot be opened is
one clear error. No timings are asserted here (bench/startup.py measures them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from tests.ui.conftest import ADMIN, INVESTIGATOR
from tests.ui.helpers import key, login_by_keyboard, on_next_modal, type_text
from ui.login import NEEDS_ADMIN, LoginDialog, StoreLoader

ROOT = Path(__file__).resolve().parents[2]


def test_login_dialog_modules_are_light() -> None:
    """Everything the first window needs imports without pandas, numpy or SQLAlchemy."""
    code = (
        "import sys; import ui.app, ui.login, store.errors, ui.level_colours; "
        "print(sorted(m for m in ('pandas', 'numpy', 'sqlalchemy', 'scoring.model') "
        "if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_level_colours_name_every_level() -> None:
    from scoring.model import Level
    from ui.fields import LEVEL_COLOURS
    from ui.level_colours import COLOURS_BY_LEVEL

    assert set(COLOURS_BY_LEVEL) == {lv.value for lv in Level}
    assert set(LEVEL_COLOURS) == set(Level)


def _loader(path: Path, opened: list[str]) -> StoreLoader:
    from store.api import Store

    def open_store():
        opened.append("store")
        return Store.open(str(path))

    return StoreLoader(open_store, lambda: opened.append("after"))


def test_store_opens_after_the_first_paint(qtbot, study_path: Path) -> None:
    opened: list[str] = []
    loader = _loader(study_path, opened)
    dlg = LoginDialog(loader)
    qtbot.addWidget(dlg)
    assert opened == [] and dlg.store is None  # nothing opened before the dialog is shown
    dlg.show()
    qtbot.waitUntil(lambda: opened == ["store", "after"], timeout=30_000)
    assert dlg.store is loader.store and dlg.isVisible()
    dlg.user.setText(INVESTIGATOR[0])
    dlg.password.setText(INVESTIGATOR[1])
    dlg.accept()
    assert dlg.session is not None and dlg.session.username == INVESTIGATOR[0]
    loader.store.close()


def test_enter_before_the_store_is_open_waits_for_it(qtbot, study_path: Path) -> None:
    opened: list[str] = []
    loader = _loader(study_path, opened)
    dlg = LoginDialog(loader)
    qtbot.addWidget(dlg)
    dlg.user.setText(INVESTIGATOR[0])
    dlg.password.setText("wrong password")
    dlg.accept()  # never painted: the store is opened now, the password then checked
    assert opened[:1] == ["store"] and dlg.session is None
    assert dlg.message.text()  # the store's one-line refusal
    dlg.password.setText(INVESTIGATOR[1])
    dlg.accept()
    assert dlg.session is not None
    assert dlg.result() == QDialog.DialogCode.Accepted
    loader.store.close()


def test_login_through_the_app_by_keyboard(qtbot, study_path: Path) -> None:
    from ui.app import login

    loader = _loader(study_path, [])
    on_next_modal(login_by_keyboard(qtbot, *INVESTIGATOR))
    session = login(loader)
    assert session is not None and session.username == INVESTIGATOR[0]
    loader.store.close()


def test_empty_database_asks_for_the_administrator(qtbot, tmp_path: Path) -> None:
    """A database without users: the login dialog, once the store is open, gives way to the
    administrator dialog; then the new administrator logs in."""
    from store.api import Store
    from ui.app import login

    path = tmp_path / "new.db"
    Store.open(str(path), create=True).close()
    loader = _loader(path, [])
    dlg = LoginDialog(loader)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.result() == NEEDS_ADMIN, timeout=30_000)
    assert not dlg.isVisible()

    seen: list[str] = []

    def create_admin(first) -> None:
        seen.append(first.objectName())
        for text in (*ADMIN, ADMIN[1]):  # user name, password, repeated password
            type_text(qtbot, text)
            key(qtbot, Qt.Key.Key_Return)
        on_next_modal(login_by_keyboard(qtbot, *ADMIN))

    on_next_modal(create_admin)
    session = login(loader)  # the store is open now: the administrator dialog comes first
    assert seen == ["firstAdminDialog"]
    assert session is not None and session.username == ADMIN[0]
    loader.store.close()


def test_unopenable_database_is_one_clear_error(qtbot, tmp_path: Path) -> None:
    from store.errors import StoreError
    from ui.app import login, store_loader

    bad = tmp_path / "not-a-database.db"
    bad.write_bytes(b"this is not an SQLite file" * 100)
    with pytest.raises(StoreError):
        login(store_loader(str(bad)))
