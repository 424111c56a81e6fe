"""Start the GUI: QApplication, translations, the exception handler, the main window on the
database.

The main window is painted first, on its sign-in page, with only Qt and light modules imported;
the store (pandas, numpy, SQLAlchemy, the integrity check) is opened right after that paint
while the user types, then the workspace's modules are imported (``ui.login.StoreLoader``).
``--smoke`` does the same offscreen on a temporary demo database (or on ``--db PATH``, an
existing demo database), signs in on the page as the demo assessor, prints the times to the
first painted main window and to the participant list, and exits 0 (CI, packaging checks and
bench/startup.py, which reads the ``timeline`` line)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QSettings,
    QStandardPaths,
    QThreadPool,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from outcomedesk_version import PROGRAM_NAME, PROGRAM_VERSION
from ui import errors, i18n
from ui.login import StoreLoader
from ui.settings import APPLICATION, LANGUAGES, ORGANIZATION, Settings

FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(PROGRAM_VERSION)
    load_fonts()
    install_plural_forms()
    return app  # type: ignore[return-value]


_plural_forms: list[QTranslator] = []


def install_plural_forms() -> None:
    """English singular/plural forms ("1 point", "2 points"): Qt takes %n forms from a catalogue
    even in the source language (``lupdate -pluralonly``, Qt's "Handling Plurals"). Installed
    once; the Chinese catalogue that ``ui.i18n`` installs later is searched first."""
    if _plural_forms:
        return
    tr = QTranslator(QCoreApplication.instance())
    if tr.load(str(i18n.TRANSLATIONS / "outcomedesk_en.qm")):
        QCoreApplication.installTranslator(tr)
        _plural_forms.append(tr)


def load_fonts() -> None:
    """The bundled CJK font, so Chinese renders even where no system CJK font is installed."""
    families: list[str] = []
    for path in sorted(FONT_DIR.glob("*.tt[fc]")):
        fid = QFontDatabase.addApplicationFont(str(path))
        if fid >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(fid))
    if families:
        base = QApplication.font()
        fallbacks = [f for f in base.families() if f not in families]
        QFont.setFamilies(base, [*fallbacks, families[0]])
        QApplication.setFont(base)


def default_database() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    path = Path(base) if base else Path.home() / ".outcomedesk"
    path.mkdir(parents=True, exist_ok=True)
    return path / "outcomedesk.db"


def build_demo(path: Path, participants: int | None = None) -> None:
    """A demo study database at ``path`` (``store.demo.create_demo``: the first ``participants``
    of the 30, with their visits and answers). A failure is raised, never hidden."""
    from store.demo import create_demo

    create_demo(str(path), participants=participants)


def open_store(target: str, create: bool = True) -> Any:
    """The store at ``target``; a missing SQLite file is created (a new study) only if
    ``create``."""
    from store.api import Store

    return Store.open(target, create=create)


HEAVY_MODULES = ("pandas", "numpy", "sqlalchemy")  # must not be loaded at the first paint


def preload_workspace() -> None:
    """Import the signed-in window's modules while the sign-in page waits for the password, so
    that Enter → participant list is the login and the workspace build only. On the GUI
    thread: keystrokes typed meanwhile are queued by Qt, not lost."""
    from ui.main_window import import_workspace

    import_workspace()


def store_loader(target: str, create: bool = True) -> StoreLoader:
    """Opens ``target`` when asked (the sign-in page asks after its first paint), then imports
    the workspace's modules. ``create``: a missing file becomes a new study."""
    return StoreLoader(lambda: open_store(target, create), preload_workspace)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py", description=f"{PROGRAM_NAME} (GUI)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the main window on a temporary demo database (or --db, an existing demo "
        "database), paint, exit 0",
    )
    parser.add_argument("--db", metavar="PATH", help="database file or postgresql:// URL")
    parser.add_argument("--lang", choices=LANGUAGES, help="language (remembered)")
    return parser.parse_args(argv)


def run_gui(argv: list[str]) -> int:
    args = parse(argv)
    t0 = time.perf_counter()
    app = make_app()
    settings = Settings(QSettings())
    errors.install(show_dialogs=not args.smoke)
    if args.lang:
        settings.language = args.lang
    i18n.apply(settings.language)
    if args.smoke:
        return smoke(app, settings, t0, args.db)
    target = args.db or settings.last_database or str(default_database())
    # the database used last is opened, never created: if it has been moved, renamed or is on a
    # drive that is not connected, an empty study must not silently take its place
    remembered = args.db is None and bool(settings.last_database)
    window = start(store_loader(target, create=not remembered), settings, target)
    # remembered once someone has signed in to it (not a mistyped --db that never opened)
    window.signed_in.connect(lambda: setattr(settings, "last_database", window.db_label))
    code = app.exec()
    # background work (re-scoring) was cancelled when the window closed: let it end before the
    # store it reads is closed
    QThreadPool.globalInstance().waitForDone(30_000)
    if window.store is not None:
        window.store.close()
    return window.exit_code or code


def start(store: Any, settings: Settings, db_label: str = "") -> Any:
    """Show the main window on its sign-in page (creating the administrator on first start).
    ``store`` is an open store or a ``StoreLoader``."""
    from ui.main_window import MainWindow

    window = MainWindow(store, None, settings, db_label=db_label)
    window.show()
    window.activateWindow()
    return window


def smoke(app: QApplication, settings: Settings, t0: float, db: str | None = None) -> int:
    """The program's own path to its participant list, with the typing left out: show and paint
    the main window on its sign-in page, open the store and import the workspace's modules (as
    happens while the user types), sign in on the page (argon2id) as the demo assessor, build
    and paint the participant list. Prints the times and a ``timeline`` line of Unix times."""
    with tempfile.TemporaryDirectory(prefix="outcomedesk-smoke-") as tmp:
        demo_s = 0.0
        if db is None:
            path = Path(tmp) / "demo.db"
            t_demo = time.perf_counter()
            build_demo(path, participants=3)
            demo_s = time.perf_counter() - t_demo
            db = str(path)
        return _smoke_window(app, settings, t0, db, demo_s)


def _smoke_window(app: QApplication, settings: Settings, t0: float, db: str, demo_s: float) -> int:
    from ui.main_window import MainWindow

    t1 = time.perf_counter()
    window = MainWindow(store_loader(db), None, settings, db_label=db)
    page = window.sign_in
    loader = page.loader
    window.show()
    app.processEvents()
    window.grab()
    at_window, t_window = time.time(), time.perf_counter()
    heavy = [m for m in HEAVY_MODULES if m in sys.modules]
    # what happens while the user types: the store is opened after the first paint, then the
    # workspace's modules are imported (each a turn of the event loop)
    while not loader.done or not _workspace_imported():
        if loader.error is not None:
            raise loader.error
        app.processEvents()
    if page.store.needs_admin():
        sys.stderr.write(f"smoke: {db} has no users (not a demo database)\n")
        page.store.close()
        return 2
    at_ready, t_ready = time.time(), time.perf_counter()
    from store.demo import DEMO_USERS

    user, _role, password, _name = next(u for u in DEMO_USERS if u[1] == "assessor")
    page.user.setText(user)
    page.password.setText(password)
    at_enter = time.time()
    page.submit()  # store.login (argon2id), then the workspace is built: as Enter does
    store = window.store
    if window.session is None:
        sys.stderr.write(f"smoke: cannot log in to {db}: {page.message.text()}\n")
        page.store.close()
        return 2
    login_s = page.login_seconds
    at_login = at_enter + login_s
    app.processEvents()
    window.grab()
    at_list, t_list = time.time(), time.perf_counter()
    print(
        f"first painted main window (sign-in page) after {t_window - t1:.3f} s (heavy modules "
        f"loaded then: {', '.join(heavy) or 'none'}); while typing: store opened and workspace "
        f"modules imported {t_ready - t_window:.3f} s; Enter → login (argon2id) "
        f"{login_s:.3f} s, participant list painted {t_list - t_ready:.3f} s after "
        "Enter; "
        + (f"demo database built in {demo_s:.2f} s, " if demo_s else "")
        + f"Qt start {t1 - t0 - demo_s:.3f} s"
    )
    print(
        f"timeline window={at_window:.6f} ready={at_ready:.6f} login={at_login:.6f} "
        f"list={at_list:.6f}"
    )
    sys.stdout.flush()
    QTimer.singleShot(0, app.quit)
    app.exec()
    if window.task is not None:
        window.task.cancel()
    QThreadPool.globalInstance().waitForDone(30_000)
    window.close()
    store.close()
    return 0


def _workspace_imported() -> bool:
    from ui.main_window import WORKSPACE_MODULES

    return all(m in sys.modules for m in WORKSPACE_MODULES)
