"""The errors the store raises: each a clear one-line message for the user (no tracebacks).

Every error is a ``StoreError``; the GUI and the commands catch that one type.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: importing the engine (pandas) here would make every
    # ``except StoreError`` cost ~0.3 s of imports (the sign-in page catches it before the
    # store is even open)
    from scoring.engine import Flag


class StoreError(Exception):
    """Base class: ``str(exc)`` is one clear line saying what is wrong and what to do."""


class PermissionDenied(StoreError):
    """The user's role may not do this (docs/roles.md)."""


class VisitLocked(PermissionDenied):
    """The visit is locked; a data manager must unlock it (with a reason) first."""


class ValidationFailed(StoreError):
    """A value was refused. ``flags`` lists every problem (field + message), nothing was written."""

    def __init__(self, message: str, flags: Sequence[Flag] = ()) -> None:
        self.flags: list[Flag] = list(flags)
        if self.flags:
            detail = "; ".join(f.message_en for f in self.flags[:5])
            more = f" (+{len(self.flags) - 5} more)" if len(self.flags) > 5 else ""
            message = f"{message}: {detail}{more}"
        super().__init__(message)


class ReasonRequired(StoreError):
    """A change to a complete, signed or locked record needs a reason (21 CFR 11.10(e))."""


class StaleWrite(StoreError):
    """Someone else changed the record since it was read (row version mismatch)."""


class NotFound(StoreError):
    """No such participant, visit, site, user or database file."""


class AuthFailed(StoreError):
    """Unknown user or wrong password (the message never says which)."""


class AccountLocked(StoreError):
    """Too many failed logins; the account is locked for a while or until an administrator
    unlocks it."""


class NotAStudy(StoreError):
    """The database holds another program's tables, or (when opening, not creating) nothing."""


class NewerDatabase(StoreError):
    """The database was written by a newer version of the program (an unknown schema)."""


class DatabaseDamaged(StoreError):
    """The database file failed SQLite's quick_check, or is not a database at all."""


class UnsafeLocation(StoreError):
    """The file lies on a network file system where SQLite's locking is unreliable."""


class ReadOnlyDatabase(StoreError):
    """The database file (or its folder) cannot be written."""


class AuditMismatch(StoreError):
    """``audit verify`` found a broken hash chain or data that the audit trail does not explain."""
