"""Typed, versioned user settings on QSettings (style.md §9). Never clinical data here.

Every key is declared once in ``OPTIONS`` with its type and default; reads always pass ``type=``
(QSettings booleans and numbers come back as strings on some back-ends). ``SETTINGS_VERSION`` is
stored with the settings; ``migrate`` upgrades older layouts.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings

SETTINGS_VERSION = 1
ORGANIZATION = "OutcomeDesk"
APPLICATION = "OutcomeDesk"
LANGUAGES = ("en", "zh_CN")


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    type: type
    default: object


OPTIONS: dict[str, Option] = {
    o.key: o
    for o in (
        Option("ui/language", str, "en"),
        Option("security/idle_lock_minutes", int, 10),
        Option("store/last_database", str, ""),
        Option("window/geometry", QByteArray, QByteArray()),
        Option("window/state", QByteArray, QByteArray()),
    )
}


class Settings:
    """The one place the GUI reads and writes its preferences."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings or QSettings()  # organisation and program names of the app
        self.migrate()

    def migrate(self) -> None:
        version = int(self._s.value("meta/version", 0, type=int))
        if version < 1:
            # version 0 (pre-release builds) kept the language under "language"
            old = self._s.value("language", None)
            if old is not None:
                self._s.setValue("ui/language", str(old))
                self._s.remove("language")
        if version != SETTINGS_VERSION:
            self._s.setValue("meta/version", SETTINGS_VERSION)

    def get(self, key: str) -> object:
        opt = OPTIONS[key]
        if opt.type is QByteArray:
            value = self._s.value(key, opt.default)
            return value if isinstance(value, QByteArray) else QByteArray()
        return self._s.value(key, opt.default, type=opt.type)

    def set(self, key: str, value: object) -> None:
        opt = OPTIONS[key]
        if not isinstance(value, opt.type):
            raise TypeError(
                f"setting {key} expects {opt.type.__name__}, got {type(value).__name__}"
            )
        self._s.setValue(key, value)
        self._s.sync()

    @property
    def language(self) -> str:
        lang = str(self.get("ui/language"))
        return lang if lang in LANGUAGES else "en"

    @language.setter
    def language(self, value: str) -> None:
        if value not in LANGUAGES:
            raise ValueError(f"unknown language {value!r}; one of {', '.join(LANGUAGES)}")
        self.set("ui/language", value)

    @property
    def idle_lock_minutes(self) -> int:
        return max(0, int(self.get("security/idle_lock_minutes")))

    @idle_lock_minutes.setter
    def idle_lock_minutes(self, value: int) -> None:
        self.set("security/idle_lock_minutes", int(value))

    @property
    def last_database(self) -> str:
        return str(self.get("store/last_database"))

    @last_database.setter
    def last_database(self, value: str) -> None:
        self.set("store/last_database", str(value))

    def keys(self) -> list[str]:
        return list(self._s.allKeys())
