"""Start-up order (issue 5): the main window is the program's first window and opens on its
sign-in page with only Qt and light modules loaded; the store is opened after that paint (while
the user types); Enter before it is open waits for it; signing in builds the workspace in the
same window; a database without users asks for the administrator; a database that cannot be
opened is one clear error and exit code 2. No timings are asserted here (bench/startup.py
measures them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.conftest import ADMIN, INVESTIGATOR
from tests.ui.helpers import (
    focus,
    key,
    on_next_modal,
    shortcut,
    sign_in_by_keyboard,
    type_text,
)
from ui.login import StoreLoader
from ui.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_first_window_modules_are_light() -> None:
    """Everything the first painted window needs imports without pandas, numpy or SQLAlchemy,
    and the workspace's modules are not among them."""
    code = (
        "import sys; import ui.app, ui.login, ui.main_window, store.errors, ui.level_colours; "
        "from ui.main_window import WORKSPACE_MODULES; "
        "print(sorted(m for m in ('pandas', 'numpy', 'sqlalchemy', 'scoring.model', "
        "*WORKSPACE_MODULES) if m in sys.modules))"
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


def _window(qtbot, loader: StoreLoader, db_label: str = "test.db"):
    from ui.main_window import MainWindow

    window = MainWindow(loader, None, Settings(), db_label=db_label)
    qtbot.addWidget(window)
    return window


def _close(window) -> None:
    window.close()
    if window.store is not None:
        window.store.close()


def test_store_opens_after_the_first_paint(qtbot, study_path: Path) -> None:
    opened: list[str] = []
    loader = _loader(study_path, opened)
    window = _window(qtbot, loader)
    page = window.sign_in
    assert opened == [] and page.store is None  # nothing opened before the window is shown
    assert window.session is None and window.frames.currentWidget() is page
    workspace_menus = [window.menus[k].menuAction() for k in ("participant", "visit", "tools")]
    assert not any(a.isVisible() for a in workspace_menus)
    assert not window.actions_by_name["add"].isEnabled()  # no shortcut works before sign-in
    assert window.actions_by_name["quit"].isEnabled()
    window.show()
    qtbot.waitUntil(lambda: opened == ["store", "after"], timeout=30_000)
    assert page.store is loader.store and window.isVisible()
    assert page.where.text().endswith("test.db")  # the database is named on the page
    page.user.setText(INVESTIGATOR[0])
    page.password.setText(INVESTIGATOR[1])
    page.submit()
    assert window.session is not None and window.session.username == INVESTIGATOR[0]
    assert window.frames.currentWidget() is window.stack  # the workspace, same window
    assert window.stack.currentWidget() is window.list_page
    assert all(a.isVisible() for a in workspace_menus)
    assert window.actions_by_name["add"].isEnabled()
    qtbot.waitUntil(lambda: window.flags_done, timeout=30_000)
    _close(window)


def test_enter_before_the_store_is_open_waits_for_it(qtbot, study_path: Path) -> None:
    opened: list[str] = []
    loader = _loader(study_path, opened)
    window = _window(qtbot, loader)
    page = window.sign_in
    page.user.setText(INVESTIGATOR[0])
    page.password.setText("wrong password")
    page.submit()  # never painted: the store is opened now, the password then checked
    assert opened[:1] == ["store"] and window.session is None
    assert page.message.text()  # the store's one-line refusal
    assert window.frames.currentWidget() is page
    page.password.setText(INVESTIGATOR[1])
    page.submit()
    assert window.session is not None
    qtbot.waitUntil(lambda: window.flags_done, timeout=30_000)
    _close(window)


def test_sign_in_by_keyboard(qtbot, study_path: Path) -> None:
    """User name, Enter, password, Enter: the participant list of the same window has the
    focus. A wrong password first is refused with the store's message and the password
    field emptied and focused."""
    from ui.app import start

    window = start(_loader(study_path, []), Settings(), "test.db")
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.sign_in.store is not None, timeout=30_000)
    window.activateWindow()
    qtbot.waitUntil(lambda: focus() is window.sign_in.user, timeout=5000)
    type_text(qtbot, INVESTIGATOR[0])
    key(qtbot, Qt.Key.Key_Return)
    assert focus() is window.sign_in.password
    type_text(qtbot, "not the password")
    key(qtbot, Qt.Key.Key_Return)
    assert window.session is None and window.sign_in.message.text()
    assert focus() is window.sign_in.password and window.sign_in.password.text() == ""
    type_text(qtbot, INVESTIGATOR[1])
    key(qtbot, Qt.Key.Key_Return)
    assert window.session is not None and window.session.username == INVESTIGATOR[0]
    assert QApplication.focusWidget() is window.list_page.view
    qtbot.waitUntil(lambda: window.flags_done, timeout=30_000)
    _close(window)


def test_empty_database_asks_for_the_administrator(qtbot, tmp_path: Path) -> None:
    """A database without users: once the store is open, the administrator dialog comes up
    over the main window; then the new administrator signs in on the page."""
    from store.api import Store

    path = tmp_path / "new.db"
    Store.open(str(path), create=True).close()
    seen: list[str] = []

    def create_admin(first) -> None:
        seen.append(first.objectName())
        for text in (*ADMIN, ADMIN[1]):  # user name, password, repeated password
            type_text(qtbot, text)
            key(qtbot, Qt.Key.Key_Return)

    on_next_modal(create_admin)
    window = _window(qtbot, _loader(path, []))
    window.show()
    qtbot.waitUntil(lambda: seen == ["firstAdminDialog"], timeout=30_000)
    page = window.sign_in
    qtbot.waitUntil(lambda: page.user.text() == ADMIN[0], timeout=10_000)
    page.password.setText(ADMIN[1])
    page.submit()
    assert window.session is not None and window.session.username == ADMIN[0]
    assert window.session.role == "administrator"
    qtbot.waitUntil(lambda: window.flags_done, timeout=30_000)
    _close(window)


def test_cancelling_the_administrator_closes_the_window(qtbot, tmp_path: Path) -> None:
    from store.api import Store

    path = tmp_path / "new.db"
    Store.open(str(path), create=True).close()
    on_next_modal(lambda dlg: dlg.reject())
    window = _window(qtbot, _loader(path, []))
    window.show()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    assert window.session is None
    with Store.open(str(path)) as store:
        assert store.needs_admin()  # nothing was created
    _close(window)


def test_unopenable_database_is_one_clear_error(qtbot, tmp_path: Path, study_path: Path) -> None:
    """A file that is not a database: one message naming it and the way out. The window stays
    on its sign-in page with signing in disabled (exit code 2 if the user quits now); File ▸
    Open database… (Ctrl+O) opens another study, whose users then sign in (exit code 0)."""
    from ui.app import store_loader

    bad = tmp_path / "not-a-database.db"
    bad.write_bytes(b"this is not an SQLite file" * 100)
    shown: list[str] = []

    def read(box) -> None:
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        box.accept()

    on_next_modal(read)
    window = _window(qtbot, store_loader(str(bad)), str(bad))
    window.show()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=30_000)
    qtbot.wait(200)  # nothing more happens: no second message, the window stays
    assert len(shown) == 1 and "not-a-database.db" in shown[0] and "Ctrl+O" in shown[0], shown
    assert window.isVisible() and window.exit_code == 2 and window.session is None
    page = window.sign_in
    assert not page.user.isEnabled() and not page.password.isEnabled()
    assert not page.button.isEnabled()
    assert "not-a-database.db" in page.message.text() and "Ctrl+O" in page.message.text()
    assert window.actions_by_name["openDatabase"].isEnabled()
    window.activateWindow()
    qtbot.waitUntil(lambda: focus() is page.other, timeout=5000)  # "Open another database…"

    def type_path(dlg) -> None:
        assert dlg.objectName() == "openDatabaseDialog"
        dlg.target.selectAll()
        type_text(qtbot, str(study_path))
        key(qtbot, Qt.Key.Key_Return)

    on_next_modal(type_path)
    key(qtbot, Qt.Key.Key_Return)  # the focused button
    qtbot.waitUntil(lambda: window.store is not None, timeout=30_000)
    assert window.exit_code == 0 and window.db_label == str(study_path)
    qtbot.waitUntil(lambda: focus() is window.sign_in.user, timeout=5000)
    sign_in_by_keyboard(qtbot, *INVESTIGATOR)
    assert window.session is not None
    qtbot.waitUntil(lambda: window.flags_done, timeout=30_000)
    _close(window)


def test_language_can_be_switched_before_signing_in(qtbot, study_path: Path) -> None:
    """The Language menu works on the sign-in page: its labels turn Chinese at once (and the
    choice is remembered), before anyone has signed in."""
    window = _window(qtbot, _loader(study_path, []))
    window.show()
    qtbot.waitUntil(lambda: window.sign_in.store is not None, timeout=30_000)
    assert window.actions_by_name["lang_zh_CN"].isEnabled()
    window.actions_by_name["lang_zh_CN"].trigger()
    page = window.sign_in
    qtbot.waitUntil(lambda: page.user_label.text() == "用户名(&U)：", timeout=5000)
    assert page.button.text() == "登录(&S)"
    assert "数据库" in page.where.text()
    assert window.menus["file"].title() == "文件(&F)"
    assert window.settings.language == "zh_CN"
    window.actions_by_name["lang_en"].trigger()
    qtbot.waitUntil(lambda: page.button.text() == "&Sign in", timeout=5000)
    _close(window)


def test_the_program_remembers_a_database_once_signed_in(qtbot, study_path: Path, tmp_path) -> None:
    """``main.py --db PATH`` as a user runs it (``run_gui``): the window comes up on its sign-in
    page; after signing in and quitting, PATH is the remembered database. A database that
    cannot be opened ends the program with exit code 2 and is not remembered."""
    import sys as _sys

    from PySide6.QtCore import QTimer

    from ui import app as ui_app

    def sign_in_and_quit() -> None:
        window = QApplication.activeWindow() or next(
            w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"
        )
        if window.sign_in.store is None:
            QTimer.singleShot(50, sign_in_and_quit)
            return
        window.sign_in.user.setText(INVESTIGATOR[0])
        window.sign_in.password.setText(INVESTIGATOR[1])
        window.sign_in.submit()
        assert window.session is not None
        QTimer.singleShot(0, window.close)

    hook = _sys.excepthook
    try:
        QTimer.singleShot(100, sign_in_and_quit)
        assert ui_app.run_gui(["--db", str(study_path), "--lang", "en"]) == 0
        assert Settings().last_database == str(study_path)

        bad = tmp_path / "not-a-database.db"
        bad.write_bytes(b"this is not an SQLite file" * 100)
        _accept_then_quit()  # the one clear message; the user quits instead of opening another
        assert ui_app.run_gui(["--db", str(bad), "--lang", "en"]) == 2
        assert Settings().last_database == str(study_path)
    finally:
        _sys.excepthook = hook


def _accept_then_quit() -> None:
    """When the next message box is up: read it, accept it, then close the main window."""
    from PySide6.QtCore import QTimer

    on_next_modal(lambda box: (box.accept(), QTimer.singleShot(0, _close_main_window)))


def _close_main_window() -> None:
    """Close the program's (visible) main window, as the user quitting does."""
    next(
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "mainWindow" and w.isVisible()
    ).close()


def test_a_remembered_database_that_is_gone_is_not_created(qtbot, tmp_path) -> None:
    """The database used last has been moved (or is on a drive that is not connected): starting
    the program says so, with the way out, and does not create an empty study in its place.
    A database named with --db that does not exist yet is a new study, as before."""
    import sys as _sys

    from PySide6.QtCore import QTimer

    from ui import app as ui_app

    gone = tmp_path / "moved-away.db"
    ui_app.make_app()  # the application's names, which say where its settings are kept
    Settings().last_database = str(gone)
    shown: list[str] = []
    hook = _sys.excepthook
    try:

        def read_and_quit(box) -> None:
            shown.append(box.text())
            box.accept()
            QTimer.singleShot(0, _close_main_window)

        on_next_modal(read_and_quit)
        assert ui_app.run_gui(["--lang", "en"]) == 2
        assert len(shown) == 1 and "moved-away.db" in shown[0] and "Ctrl+O" in shown[0], shown
        assert not gone.exists()  # no empty study took its place
        assert Settings().last_database == str(gone)  # still there for when the drive is back

        new = tmp_path / "new-study.db"

        def cancel_admin_dialog(dlg) -> None:  # a new study asks for its administrator
            assert dlg.objectName() == "firstAdminDialog"
            dlg.reject()

        on_next_modal(cancel_admin_dialog)
        assert ui_app.run_gui(["--db", str(new), "--lang", "en"]) == 0
    finally:
        _sys.excepthook = hook


def test_open_another_database_from_the_sign_in_page(qtbot, study_path: Path, tmp_path) -> None:
    """File ▸ Open database… (Ctrl+O), typed and confirmed by keyboard: a missing file and a
    file that is not a database are refused with one message each, the current database stays
    open and nothing is created; a real one replaces it (the old store is closed) and its own
    users sign in. Once signed in the action is disabled."""
    from store.api import Store
    from tests.ui.conftest import make_study

    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other = make_study(other_dir / "second-study.db")
    with Store.open(str(other)) as s:  # a user who exists only in the second study
        admin = s.login(*ADMIN)
        s.create_user(admin, "second", "second-pass-1", "assessor")
    window = _window(qtbot, _loader(study_path, []), str(study_path))
    window.show()
    qtbot.waitUntil(lambda: window.store is not None, timeout=30_000)
    first = window.store
    window.activateWindow()
    qtbot.waitUntil(lambda: focus() is window.sign_in.user, timeout=5000)

    def choose(path: str, expect_message: bool):
        def type_path(dlg) -> None:
            assert dlg.objectName() == "openDatabaseDialog"
            dlg.target.selectAll()
            type_text(qtbot, path)
            if expect_message:
                on_next_modal(lambda box: shown.append(box.text()) or box.accept(), skip=dlg)
            key(qtbot, Qt.Key.Key_Return)

        on_next_modal(type_path)
        shown: list[str] = []
        shortcut(qtbot, window, "Ctrl+O")
        qtbot.waitUntil(lambda: len(shown) == int(expect_message), timeout=30_000)
        return shown

    missing = tmp_path / "no-such-study.db"
    assert "does not exist" in choose(str(missing), True)[0]
    assert not missing.exists()  # nothing created
    bad = tmp_path / "not-a-database.db"
    bad.write_bytes(b"this is not an SQLite file" * 100)
    assert "not-a-database.db" in choose(str(bad), True)[0]
    assert window.store is first and not first.closed
    assert window.sign_in.where.text().endswith(str(study_path))

    choose(str(other), False)
    qtbot.waitUntil(lambda: window.store is not first, timeout=30_000)
    assert first.closed and window.db_label == str(other)
    assert window.sign_in.where.text().endswith("second-study.db")
    qtbot.waitUntil(lambda: focus() is window.sign_in.user, timeout=5000)
    sign_in_by_keyboard(qtbot, "second", "second-pass-1")
    assert window.session is not None and window.session.username == "second"
    assert not window.actions_by_name["openDatabase"].isEnabled()
    qtbot.waitUntil(lambda: window.flags_done, timeout=30_000)
    _close(window)
