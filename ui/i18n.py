"""Run-time language switching with Qt .qm catalogues (style.md §10).

``Language.apply(code)`` installs ``resources/translations/outcomedesk_<code>.qm`` and Qt's own
``qtbase_<code>.qm``; Qt then sends ``QEvent.LanguageChange`` to every widget, and each widget
re-sets its texts in ``retranslate()``. Labels that come from instrument declarations are picked
with ``pick(en, zh)`` so they follow the same switch.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QTranslator,
    Signal,
)

TRANSLATIONS = Path(__file__).resolve().parent.parent / "resources" / "translations"
_current = "en"
_installed: list[QTranslator] = []


class _Notifier(QObject):
    """Tells Qt models (which get no LanguageChange event) that labels changed."""

    changed = Signal(str)


notifier = _Notifier()


def current() -> str:
    return _current


def is_chinese() -> bool:
    return _current.startswith("zh")


def pick(en: str, zh: str) -> str:
    """The declaration's label in the current language (English when no Chinese is given)."""
    return zh if is_chinese() and zh else en


def joined(parts: Iterable[str]) -> str:
    """``parts`` as a list in running text: "a, b" in English, "a，b" in Chinese."""
    return ("，" if is_chinese() else ", ").join(parts)


def apply(code: str) -> None:
    """Switch the whole program to ``code`` ("en" or "zh_CN")."""
    global _current
    app = QCoreApplication.instance()
    for tr in _installed:
        app.removeTranslator(tr)
    _installed.clear()
    _current = code
    if code != "en":
        ours = QTranslator(app)
        if not ours.load(str(TRANSLATIONS / f"outcomedesk_{code}.qm")):
            raise FileNotFoundError(f"translation outcomedesk_{code}.qm missing in {TRANSLATIONS}")
        app.installTranslator(ours)
        _installed.append(ours)
        qt = QTranslator(app)
        if qt.load(f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt)
            _installed.append(qt)
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    if not _installed:
        # nothing installed or removed: no LanguageChange was posted, post one ourselves
        QCoreApplication.postEvent(app, QEvent(QEvent.Type.LanguageChange))
    notifier.changed.emit(code)
