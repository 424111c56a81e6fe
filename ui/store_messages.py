"""The store's error messages in the user's language.

``store/`` raises its errors in English (it has no Qt and no catalogue). The messages a user
meets at the keyboard — a wrong password at sign-in, on the lock screen or when signing, a locked
account, a participant code that exists already, a change made by someone else meanwhile, an
action the role may not do — are recognised here by their exception class and wording and shown
in the current language; any other message is shown as the store wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication


def role_text(role: str) -> str:
    """A role's name (store.roles) as the user reads it."""
    names = {
        "assessor": QCoreApplication.translate("Roles", "assessor"),
        "investigator": QCoreApplication.translate("Roles", "investigator"),
        "data_manager": QCoreApplication.translate("Roles", "data manager"),
        "statistician": QCoreApplication.translate("Roles", "statistician"),
        "administrator": QCoreApplication.translate("Roles", "administrator"),
    }
    return names.get(role, role)


_DUPLICATE_PARTICIPANT = re.compile(r"participant (?P<code>.+) already exists")

# (exception class name, pattern over the whole message, the message in the user's language)
_MESSAGES: tuple[tuple[str, re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        "AuthFailed",
        re.compile(r"unknown user name or wrong password"),
        lambda m: QCoreApplication.translate(
            "StoreMessages", "Unknown user name or wrong password."
        ),
    ),
    (
        "AuthFailed",
        re.compile(r"wrong password: the visit was not signed"),
        lambda m: QCoreApplication.translate(
            "StoreMessages", "Wrong password: the visit was not signed."
        ),
    ),
    (
        "AuthFailed",
        re.compile(r"the account no longer exists or is disabled"),
        lambda m: QCoreApplication.translate(
            "StoreMessages", "The account no longer exists or is disabled."
        ),
    ),
    (
        "AccountLocked",
        re.compile(
            r"account (?P<user>\S+) is locked after (?P<n>\d+) failed logins; try again after "
            r"(?P<until>.+) UTC or ask an administrator"
        ),
        lambda m: QCoreApplication.translate(
            "StoreMessages",
            "Account {user} is locked after {n} failed sign-ins; try again after {until} UTC "
            "or ask an administrator.",
        ).format(**m.groupdict()),
    ),
    (
        "AccountLocked",
        re.compile(
            r"account (?P<user>\S+) is now locked for (?P<minutes>\d+) minutes after (?P<n>\d+) "
            r"failed logins"
        ),
        lambda m: QCoreApplication.translate(
            "StoreMessages",
            "Account {user} is now locked for {minutes} minutes after {n} failed sign-ins.",
        ).format(**m.groupdict()),
    ),
    (
        "AccountLocked",
        re.compile(r"account (?P<user>\S+) is (?:now )?locked"),
        lambda m: QCoreApplication.translate("StoreMessages", "Account {user} is locked.").format(
            **m.groupdict()
        ),
    ),
    (
        "ValidationFailed",
        _DUPLICATE_PARTICIPANT,
        lambda m: QCoreApplication.translate(
            "StoreMessages", "Participant {code} already exists: choose another code."
        ).format(**m.groupdict()),
    ),
    (
        "StaleWrite",
        re.compile(r"(?P<what>.+) was changed by someone else since you opened it.*"),
        lambda m: QCoreApplication.translate(
            "StoreMessages",
            "{what} was changed by someone else since you opened it; reload it and enter your "
            "change again.",
        ).format(**m.groupdict()),
    ),
    (
        "PermissionDenied",
        re.compile(r"a user with the role (?P<role>\S+) may not (?P<what>.+) \(docs/roles\.md\)"),
        lambda m: QCoreApplication.translate(
            "StoreMessages", "Your role ({role}) may not do this: {what}."
        ).format(role=role_text(m["role"]), what=m["what"]),
    ),
)


def store_error_text(exc: BaseException) -> str:
    """``exc`` (a store error) as one message in the current language."""
    text = str(exc)
    names = {cls.__name__ for cls in type(exc).__mro__}
    for cls_name, pattern, message in _MESSAGES:
        if cls_name in names:
            match = pattern.fullmatch(text)
            if match is not None:
                return message(match)
    return text


def is_duplicate_participant(exc: BaseException) -> bool:
    """The store refused a new participant because its code exists already."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    return "ValidationFailed" in names and bool(_DUPLICATE_PARTICIPANT.fullmatch(str(exc)))
