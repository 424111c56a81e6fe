"""Passwords and login lockout.

Passwords are hashed with Argon2id (RFC 9106), the memory-hard KDF recommended by OWASP's Password
Storage Cheat Sheet, through argon2-cffi's defaults (time cost 3, 64 MiB, 4 lanes). After
``MAX_FAILURES`` consecutive failures an account is locked for ``LOCK_MINUTES`` (or until an
administrator unlocks it), per 21 CFR 11.300(d) (attempts at unauthorised use are detected).
"""

from __future__ import annotations

import datetime as dt
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from store.errors import ValidationFailed

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")

_HASHER = PasswordHasher()  # argon2id by default


def hash_password(password: str) -> str:
    check_password(password)
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Constant-time check; False for a wrong password or an unreadable hash."""
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def check_username(username: str) -> None:
    if not isinstance(username, str) or not USERNAME_RE.match(username):
        raise ValidationFailed(
            "a user name has 2–64 letters, digits, '.', '_' or '-' and starts with a letter or "
            "digit"
        )


def lock_until(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(minutes=LOCK_MINUTES)
