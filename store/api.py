"""The one store API: every read and write of study data goes through ``Store``.

DESIGN.md "Data model": every write checks the user's role (store.roles), validates the values
with scoring.engine (the instrument declarations are the only source of limits), writes the change
and its audit rows in one transaction, and rejects a write based on stale data (row version).
Contract: /work/notes/store_api.md (names may gain parameters, never lose them).
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import json
import math
import re
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sqlalchemy import and_, bindparam, delete, func, insert, inspect, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from outcomedesk_version import PROGRAM_NAME, PROGRAM_VERSION
from scoring.engine import Flag, evaluate_visit, parse_column
from scoring.model import Instrument, Item, ItemType, Level, MissingCode
from store import audit as A
from store import roles
from store import schema as S
from store import users as U
from store.connection import (
    file_writable,
    insert_many,
    is_url,
    open_postgres,
    open_sqlite,
    read_only_message,
    refuse_foreign,
    write_transaction,
)
from store.errors import (
    AccountLocked,
    AuthFailed,
    NewerDatabase,
    NotAStudy,
    NotFound,
    PermissionDenied,
    ReadOnlyDatabase,
    ReasonRequired,
    StaleWrite,
    StoreError,
    ValidationFailed,
    VisitLocked,
)
from store.migrations import current_revision, head_revision, known_revisions, upgrade
from store.protocol import DEFAULT_PROTOCOL, Protocol, load_protocol

PARTICIPANT_STATUSES = ("screened", "enrolled", "withdrawn", "completed")
VISIT_STATUSES = ("planned", "in_progress", "complete", "missed", "not_done")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
EVENT_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# Participant attributes validated by their item declarations (scoring/participant.py).
MEASURED_ATTRIBUTES = ("height_cm", "weight_kg")

# Statements of the save path, built once with bind parameters: building a statement and
# computing its cache key costs several times more than running it on SQLite.
_PROTOCOL_JSON = select(S.study.c.protocol_json).scalar_subquery()
_VISIT_WHERE = and_(
    S.participants.c.code == bindparam("code"), S.visits.c.visit_code == bindparam("visit")
)
_VISIT_Q = (
    select(
        S.visits,
        S.participants.c.code,
        S.participants.c.day1_date,
        S.participants.c.id.label("pid"),
    )
    .join(S.participants, S.participants.c.id == S.visits.c.participant_id)
    .where(_VISIT_WHERE)
)
# the visit to save, with what its validation needs: the participant's attributes, the protocol
_SAVE_VISIT_Q = _VISIT_Q.add_columns(
    S.participants.c.sex,
    S.participants.c.birth_date,
    S.participants.c.height_cm,
    S.participants.c.weight_kg,
    _PROTOCOL_JSON.label("protocol_json"),
)
_PARTICIPANT_ID_Q = select(S.participants.c.id).where(S.participants.c.code == bindparam("code"))
_ANSWERS_OF_VISIT_Q = select(S.answers).where(S.answers.c.visit_id == bindparam("visit_id"))
_CONFIRMATIONS_OF_VISIT_Q = select(S.confirmations).where(
    S.confirmations.c.visit_id == bindparam("visit_id")
)
# entered values of the participant's visits with the given codes (the previous visit's raw)
_EARLIER_VALUES_Q = (
    select(S.visits.c.visit_code, S.answers.c.item, S.answers.c.value_num, S.answers.c.value_text)
    .join(S.answers, S.answers.c.visit_id == S.visits.c.id)
    .where(
        and_(
            S.visits.c.participant_id == bindparam("participant_id"),
            S.visits.c.visit_code.in_(bindparam("codes", expanding=True)),
            or_(S.answers.c.value_num.is_not(None), S.answers.c.value_text.is_not(None)),
        )
    )
)
_DELETE_ANSWERS = delete(S.answers).where(S.answers.c.id.in_(bindparam("ids", expanding=True)))
_UPDATE_ANSWER = update(S.answers).where(S.answers.c.id == bindparam("_id"))
_NEW_ANSWER_COLUMNS = (  # values: int, str, float or None (store.connection.insert_many)
    "visit_id",
    "item",
    "value_num",
    "value_text",
    "status",
    "entered_by",
    "entered_at",
    "row_version",
)
_DELETE_CONFIRMATIONS = delete(S.confirmations).where(
    S.confirmations.c.id.in_(bindparam("ids", expanding=True))
)
_INSERT_CONFIRMATIONS = insert(S.confirmations)
# optimistic-concurrency updates by (table, columns set): see Store._bump
_BUMP_STMTS: dict[tuple[str, tuple[str, ...]], Any] = {}


# ---------------------------------------------------------------------------------------------
# Rows handed to callers (plain, immutable)


@dataclass(frozen=True, slots=True)
class Session:
    user_id: int
    username: str
    role: str
    full_name: str | None = None
    token: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class StudyInfo:
    code: str
    title_en: str
    title_zh: str
    protocol: Protocol
    row_version: int = 1


@dataclass(frozen=True, slots=True)
class SiteRow:
    code: str
    name: str
    row_version: int = 1


@dataclass(frozen=True, slots=True)
class UserRow:
    username: str
    role: str
    full_name: str | None
    active: bool
    locked: bool
    failed_logins: int
    row_version: int


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    code: str
    site: str
    screening_no: str | None
    randomization_no: str | None
    sex: str
    birth_date: dt.date
    height_cm: float | None
    weight_kg: float | None
    enrolment_date: dt.date | None
    day1_date: dt.date | None
    status: str
    status_date: dt.date | None
    status_reason: str | None
    row_version: int


@dataclass(frozen=True, slots=True)
class VisitRow:
    participant: str
    visit: str
    label_en: str
    label_zh: str
    target_date: dt.date | None
    window_start: dt.date | None
    window_end: dt.date | None
    actual_date: dt.date | None
    status: str
    status_reason: str | None
    out_of_window: bool
    out_of_window_reason: str | None
    signed_by: str | None
    signed_at: dt.datetime | None
    signature_meaning: str | None
    locked: bool
    row_version: int


@dataclass(frozen=True, slots=True)
class AnswerRow:
    item: str
    value: float | str | None
    status: str | None
    confirm_reason: str | None
    entered_by: str
    entered_at: dt.datetime
    changed_by: str | None
    changed_at: dt.datetime | None
    row_version: int


@dataclass(frozen=True, slots=True)
class ConfirmationRow:
    participant: str
    visit: str
    item: str
    rule: str
    value: str | None
    reason: str
    confirmed_by: str
    confirmed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    ts_utc: dt.datetime
    username: str
    action: str
    entity: str
    entity_key: str
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None
    program_version: str


# ---------------------------------------------------------------------------------------------
# Small helpers


def _ts(text: str | None) -> dt.datetime | None:
    """Stored UTC timestamps ('…Z') as aware datetimes."""
    if text is None:
        return None
    return dt.datetime.fromisoformat(text)


def _d(value: object) -> dt.date | None:
    """A date column from a raw fetch: ISO text on SQLite, a date on PostgreSQL."""
    if value is None or isinstance(value, dt.date):
        return value  # type: ignore[return-value]
    return dt.date.fromisoformat(value)  # type: ignore[arg-type]


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while a bulk read builds its rows.

    The rows (tuples, dates, frozen dataclasses) hold no reference cycles, but allocating
    some 10⁵ of them triggers full collections that traverse every object of the process
    (pandas, SQLAlchemy, Qt wrappers): on the 10,000-participant list they were the slow runs
    (p95 ≈ 200 ms against a p50 of ≈ 115 ms; ≈ 113 ms with the collector paused). Reference
    counting frees the rows as usual; the collector's previous state is restored."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _raw_rows(conn: Connection, stmt) -> list[tuple]:
    """Run a SELECT on the driver's own cursor: plain tuples, no per-row type processing."""
    compiled = stmt.compile(dialect=conn.dialect)
    params = compiled.construct_params()
    if compiled.positiontup is not None:
        params = tuple(params[k] for k in compiled.positiontup)  # type: ignore[assignment]
    cur = conn.connection.cursor()
    try:
        cur.execute(str(compiled), params)
        return cur.fetchall()
    finally:
        cur.close()


def _participant_row(r) -> ParticipantRow:
    return ParticipantRow(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        _d(r[5]),
        r[6],
        r[7],
        _d(r[8]),
        _d(r[9]),
        r[10],
        _d(r[11]),
        r[12],
        r[13],
    )


def _date(value: object, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationFailed(f"{what}: '{value}' is not a date (YYYY-MM-DD)")


def _float(value: object, what: str, limits: tuple[float, float] | None = None) -> float | None:
    if value is None or value == "":
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationFailed(f"{what}: '{value}' is not a number") from None
    if isinstance(value, bool) or not math.isfinite(f):
        raise ValidationFailed(f"{what}: '{value}' is not a number")
    if limits and not limits[0] <= f <= limits[1]:
        raise ValidationFailed(f"{what}: {f:g} is outside {limits[0]:g}–{limits[1]:g}")
    return f


def _text(value: object, what: str, max_len: int = 2000) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    if not value:
        return None
    if len(value) > max_len:
        raise ValidationFailed(f"{what}: longer than {max_len} characters")
    return value


def _need_reason(reason: str | None, what: str) -> str:
    r = _text(reason, "reason")
    if not r:
        raise ReasonRequired(f"{what} needs a reason")
    return r


def _flag(variable: str, message_en: str, message_zh: str, rule: str = "store") -> Flag:
    return Flag(0, variable, "", Level.ERROR, rule, message_en, message_zh)


def _clock_text(minutes: float) -> str:
    m = int(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"


def _entry_text(item: Item, value: object) -> object:
    """A stored (typed) value as the engine's raw entry: clock minutes → 'HH:MM'."""
    if (
        item.type is ItemType.CLOCK
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
    ):
        f = float(value)
        if f.is_integer() and 0 <= f < 1440:
            return _clock_text(f)
    return value


def _row_zero(frame: pd.DataFrame) -> dict[str, Any]:
    """The row labelled 0 of an evaluation frame as {column: value}, taken out once (a
    per-cell ``.at`` costs about as much as this whole row)."""
    return dict(zip(frame.columns, frame.iloc[frame.index.get_loc(0)].tolist(), strict=True))


def _as_float(value: Any) -> float | None:
    if value is None:
        return None
    f = float(value)
    return None if math.isnan(f) else f


# ---------------------------------------------------------------------------------------------
# The store


class Store:
    """An open study database. Create with ``Store.open(path_or_url)``."""

    # Called with the store at ``close()`` (store.backup registers the rotating backup here).
    close_hooks: ClassVar[list[Callable[[Store], None]]] = []

    def __init__(
        self, engine: Engine, target: str, instruments: tuple[Instrument, ...] | None = None
    ) -> None:
        self.engine = engine
        self.target = target
        self.path: Path | None = None if is_url(target) else Path(target).absolute()
        self.is_sqlite = engine.dialect.name == "sqlite"
        # the last automatic backup's failure, None when it succeeded (store.backup sets it)
        self.backup_problem: str | None = None
        if instruments is None:
            from scoring.registry import INSTRUMENTS

            instruments = INSTRUMENTS
        self.instruments: tuple[Instrument, ...] = tuple(instruments)
        self._items: dict[str, Item] = {}
        for inst in self.instruments:
            for item in inst.items:
                self._items.setdefault(item.name, item)
        # per instrument: its item names, and its item and score names (flags of a visit)
        self._instrument_names = tuple(
            (frozenset(inst.item_names), frozenset(inst.item_names) | frozenset(inst.score_names))
            for inst in self.instruments
        )
        self._known_names = frozenset().union(*(n for _, n in self._instrument_names))
        self._sessions: dict[str, tuple[int, str]] = {}
        self._protocol_cache: tuple[str, Protocol] | None = None
        self._tx = threading.local()  # the bulk transaction of ``transaction()``, per thread
        self.closed = False

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        target: str | Path,
        create: bool = True,
        *,
        protocol: Protocol | str | Path | None = None,
        instruments: tuple[Instrument, ...] | None = None,
    ) -> Store:
        """Open (and if new, create) a study database, migrating an older schema.

        ``target`` is a file path (SQLite) or a ``postgresql://`` URL. ``protocol`` is used only
        when the study is created (default: resources/protocols/model_trial.json).
        """
        target = str(target)
        if not target.strip():
            raise NotFound("no database was given: name a study file or a postgresql:// URL")
        engine = open_postgres(target) if is_url(target) else open_sqlite(Path(target), create)
        try:
            with engine.connect() as conn:
                if is_url(target):  # (an SQLite file was checked before anything was written)
                    shown = _shown(engine, target)
                    tables = inspect(conn).get_table_names()
                    refuse_foreign(shown, tables)
                    if not tables and not create:
                        raise NotAStudy(
                            f"{shown} is an empty database, with no OutcomeDesk study in it; "
                            "nothing was changed"
                        )
                rev = current_revision(conn)
            if rev != head_revision():
                if rev is not None and rev not in known_revisions():
                    raise NewerDatabase(
                        f"{_shown(engine, target)} was written by a newer version of "
                        f"{PROGRAM_NAME} (its schema revision {rev} is unknown to version "
                        f"{PROGRAM_VERSION}); install the newer version to open it. Nothing "
                        "was changed"
                    )
                upgrade(engine)
            store = cls(engine, target, instruments)
            store._ensure_study(protocol)
            from store import backup  # registers the rotating backup at close()

            backup.automatic_backup(store, "daily")  # SQLite: once per UTC day
        except StoreError:
            engine.dispose()
            raise
        except (OperationalError, DBAPIError) as exc:  # e.g. no privilege to create tables
            engine.dispose()
            raise store_error(exc, _shown(engine, target)) from None
        return store

    def _ensure_study(self, protocol: Protocol | str | Path | None) -> None:
        with self.engine.connect() as conn:
            if conn.execute(select(S.study.c.id)).first() is not None:
                return
        if protocol is None:
            proto = load_protocol(DEFAULT_PROTOCOL)
        elif isinstance(protocol, Protocol):
            proto = protocol
        else:
            proto = load_protocol(protocol)
        with self._write() as conn:
            if conn.execute(select(S.study.c.id)).first() is not None:
                return
            A.init_chain(conn)
            pj = proto.to_json()
            conn.execute(
                insert(S.study).values(
                    id=1,
                    code=proto.code,
                    title_en=proto.title_en,
                    title_zh=proto.title_zh,
                    protocol_json=pj,
                    created_at=A.now_utc(),
                    row_version=1,
                )
            )
            batch = A.AuditBatch("system")
            batch.changes(
                "create_study",
                "study",
                "study",
                {},
                {
                    "code": proto.code,
                    "title_en": proto.title_en,
                    "title_zh": proto.title_zh,
                    "protocol": pj,
                },
            )
            batch.flush(conn)

    def close(self) -> None:
        """Run the close hooks (the rotating backup) and release the database."""
        if self.closed:
            return
        try:
            for hook in list(self.close_hooks):
                hook(self)
        finally:
            self.engine.dispose()
            self.closed = True
            self._sessions.clear()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions ----------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction; database errors become clear StoreErrors, nothing half-done.
        Inside ``transaction()`` (same thread) the bulk transaction's connection is reused."""
        if self.closed:
            raise StoreError("the database is closed")
        outer = getattr(self._tx, "conn", None)
        if outer is not None:
            yield outer
            return
        if self.path is not None and not file_writable(self.path):
            raise ReadOnlyDatabase(read_only_message(self.path))
        try:
            with write_transaction(self.engine) as conn:
                yield conn
        except (OperationalError, IntegrityError, DBAPIError) as exc:
            raise store_error(exc, self.target) from None

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        if self.closed:
            raise StoreError("the database is closed")
        outer = getattr(self._tx, "conn", None)
        if outer is not None:
            yield outer
            return
        try:
            with self.engine.connect() as conn:
                yield conn
        except (OperationalError, DBAPIError) as exc:
            raise store_error(exc, self.target) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several API writes as one transaction (e.g. an import): all commit, or none.

        Every call made inside, in this thread, runs on one write transaction; any exception
        rolls the whole block back (data and audit rows alike)."""
        if getattr(self._tx, "conn", None) is not None:
            yield  # already inside one
            return
        with self._write() as conn:
            self._tx.conn = conn
            try:
                yield
            finally:
                self._tx.conn = None

    # --- sessions and roles ----------------------------------------------------------------

    def _check(self, session: Session, action: str) -> None:
        known = self._sessions.get(session.token) if isinstance(session, Session) else None
        if known is None or known != (session.user_id, session.role):
            raise PermissionDenied("not logged in to this database (log in again)")
        if not roles.allowed(session.role, action):
            what = roles.MATRIX[action][0]
            raise PermissionDenied(
                f"a user with the role {session.role} may not {what} (docs/roles.md)"
            )

    def needs_admin(self) -> bool:
        """True on first start: there is no user yet."""
        with self._read() as conn:
            return conn.execute(select(func.count()).select_from(S.users)).scalar_one() == 0

    def create_first_admin(
        self, username: str, password: str, full_name: str | None = None
    ) -> None:
        """Create the administrator on first start (refused once any user exists)."""
        U.check_username(username)
        pw_hash = U.hash_password(password)
        with self._write() as conn:
            if conn.execute(select(func.count()).select_from(S.users)).scalar_one():
                raise PermissionDenied("the administrator already exists; log in instead")
            self._insert_user(conn, username, roles.ADMINISTRATOR, pw_hash, full_name, username)

    def _insert_user(
        self,
        conn: Connection,
        username: str,
        role: str,
        pw_hash: str,
        full_name: str | None,
        by: str,
    ) -> None:
        if conn.execute(select(S.users.c.id).where(S.users.c.username == username)).first():
            raise ValidationFailed(f"user name {username} is already taken")
        conn.execute(
            insert(S.users).values(
                username=username,
                role=role,
                password_hash=pw_hash,
                active=True,
                failed_logins=0,
                locked_until=None,
                created_at=A.now_utc(),
                row_version=1,
                full_name=_text(full_name, "full name", 200),
            )
        )
        batch = A.AuditBatch(by)
        batch.changes(
            "create_user",
            "user",
            username,
            {},
            {"role": role, "active": True, "full_name": _text(full_name, "full name", 200)},
        )
        batch.flush(conn)

    def login(self, username: str, password: str) -> Session:
        """Authenticate (audited, success and failure); lockout after repeated failures."""
        user = self._user_by_name(username)
        now = dt.datetime.now(dt.UTC)
        if user is None or not user.active:
            U.verify_password(_dummy_hash(), password or "")  # same time as a real check
            self._audit_event(
                username or "?",
                "login_failed",
                "session",
                username or "?",
                "unknown or disabled user",
            )
            raise AuthFailed("unknown user name or wrong password")
        if user.locked_until and _ts(user.locked_until) > now:  # type: ignore[operator]
            self._audit_event(username, "login_refused", "session", username, "account locked")
            raise AccountLocked(
                f"account {username} is locked after {U.MAX_FAILURES} failed logins; try again "
                f"after {user.locked_until[:16].replace('T', ' ')} UTC or ask an administrator"
            )
        if not U.verify_password(user.password_hash, password or ""):
            locked = self._count_failure(user, "login_failed")
            if locked:
                raise AccountLocked(
                    f"account {username} is now locked for {U.LOCK_MINUTES} minutes after "
                    f"{U.MAX_FAILURES} failed logins"
                )
            raise AuthFailed("unknown user name or wrong password")
        with self._write() as conn:
            conn.execute(
                update(S.users)
                .where(S.users.c.id == user.id)
                .values(failed_logins=0, locked_until=None)
            )
            batch = A.AuditBatch(username)
            batch.add("login", "session", username, "event", None, "login")
            batch.flush(conn)
        token = secrets.token_hex(16)
        self._sessions[token] = (user.id, user.role)
        return Session(user.id, user.username, user.role, user.full_name, token)

    def logout(self, session: Session) -> None:
        if self._sessions.pop(session.token, None) is not None:
            self._audit_event(session.username, "logout", "session", session.username, "logout")

    def _user_by_name(self, username: str):
        with self._read() as conn:
            return conn.execute(select(S.users).where(S.users.c.username == username)).first()

    def _count_failure(self, user, action: str) -> bool:
        """Record a failed password; returns True when this failure locks the account."""
        now = dt.datetime.now(dt.UTC)
        with self._write() as conn:
            fails = (
                conn.execute(
                    select(S.users.c.failed_logins).where(S.users.c.id == user.id)
                ).scalar_one()
                + 1
            )
            lock = fails >= U.MAX_FAILURES
            values: dict[str, object] = {"failed_logins": 0 if lock else fails}
            if lock:
                values["locked_until"] = U.lock_until(now).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            conn.execute(update(S.users).where(S.users.c.id == user.id).values(**values))
            batch = A.AuditBatch(user.username)
            batch.add(action, "session", user.username, "event", None, f"failure {fails}")
            if lock:
                batch.add(
                    "account_locked",
                    "session",
                    user.username,
                    "event",
                    None,
                    f"locked for {U.LOCK_MINUTES} min",
                )
            batch.flush(conn)
        return lock

    def _audit_event(self, username: str, action: str, entity: str, key: str, detail: str) -> None:
        with self._write() as conn:
            batch = A.AuditBatch(username[:64])
            batch.add(action, entity, key[:200], "event", None, detail)
            batch.flush(conn)

    def _reauthenticate(self, session: Session, password: str) -> None:
        """E-signature: the signer re-enters the password (21 CFR 11.200(a)(1))."""
        user = self._user_by_name(session.username)
        if user is None or not user.active:
            raise AuthFailed("the account no longer exists or is disabled")
        if user.locked_until and _ts(user.locked_until) > dt.datetime.now(dt.UTC):  # type: ignore[operator]
            raise AccountLocked(f"account {session.username} is locked")
        if not U.verify_password(user.password_hash, password or ""):
            if self._count_failure(user, "signature_failed"):
                self._sessions = {k: v for k, v in self._sessions.items() if v[0] != user.id}
                raise AccountLocked(f"account {session.username} is now locked")
            raise AuthFailed("wrong password: the visit was not signed")

    # --- users (administrator) -------------------------------------------------------------

    def users(self, session: Session) -> list[UserRow]:
        self._check(session, "manage_users")
        now = dt.datetime.now(dt.UTC)
        with self._read() as conn:
            rows = conn.execute(select(S.users).order_by(S.users.c.username)).all()
        return [
            UserRow(
                u.username,
                u.role,
                u.full_name,
                bool(u.active),
                bool(u.locked_until and _ts(u.locked_until) > now),  # type: ignore[operator]
                u.failed_logins,
                u.row_version,
            )
            for u in rows
        ]

    def create_user(
        self,
        session: Session,
        username: str,
        password: str,
        role: str,
        full_name: str | None = None,
    ) -> None:
        self._check(session, "manage_users")
        U.check_username(username)
        if role not in roles.ROLES:
            raise ValidationFailed(f"role must be one of {', '.join(roles.ROLES)}")
        pw_hash = U.hash_password(password)
        with self._write() as conn:
            self._insert_user(conn, username, role, pw_hash, full_name, session.username)

    def update_user(
        self,
        session: Session,
        username: str,
        *,
        role: str | None = None,
        active: bool | None = None,
        full_name: str | None = None,
        reason: str | None = None,
    ) -> None:
        """Change a user's role, active flag or printed name (audited, ICH E6(R3) 4.2)."""
        self._check(session, "manage_users")
        with self._write() as conn:
            u = conn.execute(select(S.users).where(S.users.c.username == username)).first()
            if u is None:
                raise NotFound(f"no user {username}")
            new: dict[str, object] = {}
            if role is not None:
                if role not in roles.ROLES:
                    raise ValidationFailed(f"role must be one of {', '.join(roles.ROLES)}")
                new["role"] = role
            if active is not None:
                new["active"] = bool(active)
            if full_name is not None:
                new["full_name"] = _text(full_name, "full name", 200)
            if u.id == session.user_id and (
                new.get("active") is False or new.get("role", u.role) != u.role
            ):
                raise PermissionDenied("administrators cannot disable or demote themselves")
            if not new:
                return
            conn.execute(
                update(S.users)
                .where(S.users.c.id == u.id)
                .values(**new, row_version=u.row_version + 1)
            )
            batch = A.AuditBatch(session.username)
            batch.changes(
                "update_user",
                "user",
                username,
                {"role": u.role, "active": u.active, "full_name": u.full_name},
                new,
                reason,
            )
            batch.flush(conn)
        if role is not None or active is False:
            self._sessions = {k: v for k, v in self._sessions.items() if v[0] != u.id}

    def reset_password(self, session: Session, username: str, new_password: str) -> None:
        self._check(session, "manage_users")
        pw_hash = U.hash_password(new_password)
        self._set_password(session.username, username, pw_hash)

    def change_password(self, session: Session, old_password: str, new_password: str) -> None:
        """Any user changes their own password (re-entering the old one)."""
        self._check(session, "read")
        self._reauthenticate(session, old_password)
        self._set_password(session.username, session.username, U.hash_password(new_password))

    def _set_password(self, by: str, username: str, pw_hash: str) -> None:
        with self._write() as conn:
            res = conn.execute(
                update(S.users)
                .where(S.users.c.username == username)
                .values(
                    password_hash=pw_hash,
                    failed_logins=0,
                    locked_until=None,
                    row_version=S.users.c.row_version + 1,
                )
            )
            if res.rowcount == 0:
                raise NotFound(f"no user {username}")
            batch = A.AuditBatch(by)
            batch.add("set_password", "session", username, "event", None, "password changed")
            batch.flush(conn)

    def unlock_user(self, session: Session, username: str) -> None:
        self._check(session, "manage_users")
        with self._write() as conn:
            res = conn.execute(
                update(S.users)
                .where(S.users.c.username == username)
                .values(failed_logins=0, locked_until=None)
            )
            if res.rowcount == 0:
                raise NotFound(f"no user {username}")
            batch = A.AuditBatch(session.username)
            batch.add("unlock_user", "session", username, "event", None, "account unlocked")
            batch.flush(conn)

    # --- study and sites -------------------------------------------------------------------

    def _protocol(self, conn: Connection) -> Protocol:
        return self._parsed_protocol(conn.execute(select(S.study.c.protocol_json)).scalar_one())

    def _parsed_protocol(self, pj: str) -> Protocol:
        """The study protocol parsed once per stored text (the cache is keyed by the text
        itself, so any change, audited or not, is seen on the next read)."""
        cached = self._protocol_cache
        if cached is None or cached[0] != pj:
            cached = self._protocol_cache = (pj, Protocol.from_json(pj))
        return cached[1]

    def study(self, session: Session) -> StudyInfo:
        self._check(session, "read")
        with self._read() as conn:
            st = conn.execute(select(S.study)).one()
            return StudyInfo(
                st.code, st.title_en, st.title_zh, self._protocol(conn), st.row_version
            )

    def set_visit_window(
        self, session: Session, visit: str, before: int, after: int, reason: str
    ) -> None:
        """Change one visit's window (days before/after the target), audited with a reason."""
        self._check(session, "manage_protocol")
        reason = _need_reason(reason, "changing a visit window")
        with self._write() as conn:
            st = conn.execute(select(S.study)).one()
            proto = self._protocol(conn)
            try:
                new = proto.with_window(visit, int(before), int(after))
            except KeyError:
                raise NotFound(f"no visit {visit} in the protocol") from None
            except ValueError as exc:
                raise ValidationFailed(str(exc)) from None
            pj = new.to_json()
            conn.execute(
                update(S.study)
                .where(S.study.c.id == st.id)
                .values(protocol_json=pj, row_version=st.row_version + 1)
            )
            batch = A.AuditBatch(session.username)
            batch.changes(
                "update_protocol",
                "study",
                "study",
                {"protocol": st.protocol_json},
                {"protocol": pj},
                reason,
            )
            batch.flush(conn)

    def sites(self, session: Session) -> list[SiteRow]:
        self._check(session, "read")
        with self._read() as conn:
            return [
                SiteRow(r.code, r.name, r.row_version)
                for r in conn.execute(select(S.sites).order_by(S.sites.c.code))
            ]

    def add_site(self, session: Session, code: str, name: str) -> None:
        self._check(session, "manage_sites")
        if not isinstance(code, str) or not CODE_RE.match(code):
            raise ValidationFailed(f"site code '{code}': use 1–32 letters, digits, '-' or '_'")
        name_t = _text(name, "site name", 200)
        if not name_t:
            raise ValidationFailed("site name is empty")
        with self._write() as conn:
            if conn.execute(select(S.sites.c.id).where(S.sites.c.code == code)).first():
                raise ValidationFailed(f"site {code} already exists")
            conn.execute(insert(S.sites).values(code=code, name=name_t, row_version=1))
            batch = A.AuditBatch(session.username)
            batch.changes("create", "site", code, {}, {"name": name_t})
            batch.flush(conn)

    def rename_site(self, session: Session, code: str, name: str, reason: str) -> None:
        self._check(session, "manage_sites")
        reason = _need_reason(reason, "renaming a site")
        name_t = _text(name, "site name", 200)
        if not name_t:
            raise ValidationFailed("site name is empty")
        with self._write() as conn:
            s = conn.execute(select(S.sites).where(S.sites.c.code == code)).first()
            if s is None:
                raise NotFound(f"no site {code}")
            conn.execute(
                update(S.sites)
                .where(S.sites.c.id == s.id)
                .values(name=name_t, row_version=s.row_version + 1)
            )
            batch = A.AuditBatch(session.username)
            batch.changes("update", "site", code, {"name": s.name}, {"name": name_t}, reason)
            batch.flush(conn)

    # --- participants ----------------------------------------------------------------------

    _P_COLS = (
        S.participants.c.code,
        S.sites.c.code.label("site"),
        S.participants.c.screening_no,
        S.participants.c.randomization_no,
        S.participants.c.sex,
        S.participants.c.birth_date,
        S.participants.c.height_cm,
        S.participants.c.weight_kg,
        S.participants.c.enrolment_date,
        S.participants.c.day1_date,
        S.participants.c.status,
        S.participants.c.status_date,
        S.participants.c.status_reason,
        S.participants.c.row_version,
    )

    def participants(self, session: Session, site: str | None = None) -> list[ParticipantRow]:
        self._check(session, "read")
        q = select(*self._P_COLS).join(S.sites, S.sites.c.id == S.participants.c.site_id)
        if site is not None:
            q = q.where(S.sites.c.code == site)
        with _collector_paused():
            with self._read() as conn:
                rows = _raw_rows(conn, q.order_by(S.participants.c.code))
            return [_participant_row(r) for r in rows]

    def participant(self, session: Session, code: str) -> ParticipantRow:
        self._check(session, "read")
        q = (
            select(*self._P_COLS)
            .join(S.sites, S.sites.c.id == S.participants.c.site_id)
            .where(S.participants.c.code == code)
        )
        with self._read() as conn:
            rows = _raw_rows(conn, q)
        if not rows:
            raise NotFound(f"no participant {code}")
        return _participant_row(rows[0])

    def _attribute(
        self, name: str, value: object, confirmations: Mapping[str, str], warned: list[str]
    ) -> float | None:
        """Height/weight checked against their item declaration: error refused, warning needs
        ``confirmations[name]`` (the reason goes into the audit row)."""
        if value is None or value == "":
            return None
        item = self._items.get(name)
        if item is None:  # no declaration in this build: a finite number is all we can check
            return _float(value, name)
        parsed = parse_column(item, pd.Series([value], dtype=object))
        if 0 in parsed.errors:
            rule, en, zh = parsed.errors[0]
            raise ValidationFailed("participant not saved", [_flag(name, en, zh, rule)])
        if 0 in parsed.warnings:
            rule, en, zh = parsed.warnings[0]
            why = _text(confirmations.get(name), "confirmation reason")
            if not why:
                raise ValidationFailed(
                    "participant not saved: confirm the implausible value with a reason",
                    [Flag(0, name, str(value), Level.WARNING, rule, en, zh)],
                )
            warned.append(f"{name} confirmed: {why}")
        return _as_float(parsed.values.iloc[0])

    def _participant_values(
        self,
        conn: Connection,
        data: Mapping[str, object],
        confirmations: Mapping[str, str] | None = None,
        warned: list[str] | None = None,
    ) -> dict:
        """Validate participant fields; returns the normalised values (site → site_id too)."""
        warned = [] if warned is None else warned
        out: dict[str, object] = {}
        if "site" in data:
            sid = conn.execute(select(S.sites.c.id).where(S.sites.c.code == data["site"])).first()
            if sid is None:
                raise NotFound(f"no site {data['site']} (an administrator adds sites)")
            out["site"] = str(data["site"])
            out["site_id"] = sid[0]
        today = dt.date.today()
        for key, value in data.items():
            if key == "site":
                continue
            if key == "sex":
                if value not in ("M", "F"):
                    raise ValidationFailed(f"sex: '{value}' must be M or F")
                out[key] = value
            elif key == "birth_date":
                d = _date(value, "birth date")
                if d is None or not dt.date(1900, 1, 1) <= d <= today:
                    raise ValidationFailed(f"birth date: '{value}' is missing or impossible")
                out[key] = d
            elif key in ("enrolment_date", "day1_date", "status_date"):
                d = _date(value, key.replace("_", " "))
                if d is not None and not dt.date(1990, 1, 1) <= d <= today + dt.timedelta(366):
                    raise ValidationFailed(f"{key.replace('_', ' ')}: {d} is impossible")
                out[key] = d
            elif key in MEASURED_ATTRIBUTES:
                out[key] = self._attribute(key, value, confirmations or {}, warned)
            elif key in ("screening_no", "randomization_no"):
                out[key] = _text(value, key.replace("_", " "), 32)
            elif key == "status":
                if value not in PARTICIPANT_STATUSES:
                    raise ValidationFailed(
                        f"status: '{value}' must be one of {', '.join(PARTICIPANT_STATUSES)}"
                    )
                out[key] = value
            elif key == "status_reason":
                out[key] = _text(value, "status reason")
            else:
                raise ValidationFailed(
                    f"participant field '{key}' is unknown (no names or allocation are stored)"
                )
        return out

    def add_participant(
        self,
        session: Session,
        code: str,
        site: str,
        sex: str,
        birth_date: dt.date | str,
        height_cm: float | None = None,
        weight_kg: float | None = None,
        day1_date: dt.date | str | None = None,
        *,
        screening_no: str | None = None,
        randomization_no: str | None = None,
        enrolment_date: dt.date | str | None = None,
        status: str | None = None,
        status_date: dt.date | str | None = None,
        status_reason: str | None = None,
        confirmations: Mapping[str, str] | None = None,
    ) -> ParticipantRow:
        """Add a participant and one planned visit per protocol visit (audited).

        Height and weight are checked against their item declarations; a value outside the soft
        range needs ``confirmations["height_cm"/"weight_kg"]`` (kept in the audit trail)."""
        self._check(session, "add_participant")
        if not isinstance(code, str) or not CODE_RE.match(code):
            raise ValidationFailed(
                f"participant code '{code}': use 1–32 letters, digits, '-' or '_' (e.g. SH-001)"
            )
        if status is None:
            status = "enrolled" if day1_date or enrolment_date else "screened"
        warned: list[str] = []
        with self._write() as conn:
            vals = self._participant_values(
                conn,
                {
                    "site": site,
                    "screening_no": screening_no,
                    "randomization_no": randomization_no,
                    "sex": sex,
                    "birth_date": birth_date,
                    "height_cm": height_cm,
                    "weight_kg": weight_kg,
                    "enrolment_date": enrolment_date,
                    "day1_date": day1_date,
                    "status": status,
                    "status_date": status_date,
                    "status_reason": status_reason,
                },
                confirmations,
                warned,
            )
            if conn.execute(
                select(S.participants.c.id).where(S.participants.c.code == code)
            ).first():
                raise ValidationFailed(f"participant {code} already exists")
            site_id = vals.pop("site_id")
            row = {k: v for k, v in vals.items() if k != "site"}
            pid = conn.execute(
                insert(S.participants)
                .values(code=code, site_id=site_id, row_version=1, **row)
                .returning(S.participants.c.id)
            ).scalar_one()
            proto = self._protocol(conn)
            conn.execute(
                insert(S.visits),
                [
                    {
                        "participant_id": pid,
                        "visit_code": v.code,
                        "status": "planned",
                        "locked": False,
                        "row_version": 1,
                    }
                    for v in proto.visits
                ],
            )
            batch = A.AuditBatch(session.username)
            batch.changes(
                "create", "participant", code, {}, vals_for_audit(vals), "; ".join(warned) or None
            )
            for v in proto.visits:
                batch.changes(
                    "create",
                    "visit",
                    f"{code}/{v.code}",
                    {},
                    {"status": "planned", "locked": False},
                )
            batch.flush(conn)
        return self.participant(session, code)

    def update_participant(
        self,
        session: Session,
        code: str,
        changes: Mapping[str, object],
        reason: str,
        expected_version: int,
        *,
        confirmations: Mapping[str, str] | None = None,
    ) -> int:
        """Change participant fields (reason required); returns the new row version."""
        self._check(session, "update_participant")
        reason = _need_reason(reason, f"changing participant {code}")
        with self._write() as conn:
            p = conn.execute(
                select(S.participants, S.sites.c.code.label("site"))
                .join(S.sites, S.sites.c.id == S.participants.c.site_id)
                .where(S.participants.c.code == code)
            ).first()
            if p is None:
                raise NotFound(f"no participant {code}")
            warned: list[str] = []
            vals = self._participant_values(conn, dict(changes), confirmations, warned)
            if warned:
                reason = f"{reason} ({'; '.join(warned)})"
            status = vals.get("status", p.status)
            if status in ("withdrawn", "completed") and "status" in vals:
                if vals.get("status_date", p.status_date) is None:
                    raise ValidationFailed(f"status {status} needs the date (status_date)")
                if status == "withdrawn" and not vals.get("status_reason", p.status_reason):
                    raise ValidationFailed("a withdrawal needs a reason (status_reason)")
            new_version = self._bump(
                conn, S.participants, p.id, expected_version, f"participant {code}", vals
            )
            old = {f: getattr(p, f) for f in A.AUDITED["participant"]}
            batch = A.AuditBatch(session.username)
            batch.changes("update", "participant", code, old, vals_for_audit(vals), reason)
            batch.flush(conn)
        return new_version

    def _bump(
        self,
        conn: Connection,
        table,
        row_id: int,
        expected: int,
        what: str,
        values: Mapping[str, object] | None = None,
    ) -> int:
        """Optimistic concurrency: update only if the row version is still ``expected``."""
        vals = {k: v for k, v in (values or {}).items() if k in table.c and k != "site"}
        key = (table.name, tuple(vals))
        stmt = _BUMP_STMTS.get(key)
        if stmt is None:  # built once per table and set of columns (bind parameters)
            stmt = _BUMP_STMTS[key] = (
                update(table)
                .where(
                    and_(
                        table.c.id == bindparam("_id"),
                        table.c.row_version == bindparam("_expected"),
                    )
                )
                .values({k: bindparam(f"_v_{k}") for k in vals})
                .values(row_version=table.c.row_version + 1)
            )
        params = {f"_v_{k}": v for k, v in vals.items()}
        params["_id"], params["_expected"] = row_id, expected
        res = conn.execute(stmt, params)
        if res.rowcount != 1:
            current = conn.execute(
                select(table.c.row_version).where(table.c.id == row_id)
            ).scalar_one_or_none()
            raise StaleWrite(
                f"{what} was changed by someone else since you opened it (version {expected}, "
                f"now {current}); reload it and enter your change again"
            )
        return expected + 1

    # --- visits ----------------------------------------------------------------------------

    def _visit_rows(self, conn: Connection, proto: Protocol, rows) -> list[VisitRow]:
        out = []
        order = proto.order()
        for r in sorted(rows, key=lambda r: order.get(r.visit_code, 999)):
            try:
                vd = proto.visit(r.visit_code)
            except KeyError:
                continue
            day1 = r.day1_date
            target = vd.target(day1) if day1 else None
            lo, hi = vd.window(day1) if day1 else (None, None)
            oow = bool(r.actual_date and day1 and not (lo <= r.actual_date <= hi))
            out.append(
                VisitRow(
                    r.code,
                    r.visit_code,
                    vd.label_en,
                    vd.label_zh,
                    target,
                    lo,
                    hi,
                    r.actual_date,
                    r.status,
                    r.status_reason,
                    oow,
                    r.out_of_window_reason,
                    r.signed_by,
                    _ts(r.signed_at),
                    r.signature_meaning,
                    bool(r.locked),
                    r.row_version,
                )
            )
        return out

    _V_COLS = (
        S.participants.c.code,
        S.participants.c.day1_date,
        S.visits.c.visit_code,
        S.visits.c.actual_date,
        S.visits.c.status,
        S.visits.c.status_reason,
        S.visits.c.out_of_window_reason,
        S.visits.c.signed_by,
        S.visits.c.signed_at,
        S.visits.c.signature_meaning,
        S.visits.c.locked,
        S.visits.c.row_version,
    )

    def visits(self, session: Session, code: str) -> list[VisitRow]:
        """The participant's visits in protocol order, with target dates and windows."""
        self._check(session, "read")
        with self._read() as conn:
            rows = conn.execute(
                select(*self._V_COLS)
                .join(S.participants, S.participants.c.id == S.visits.c.participant_id)
                .where(S.participants.c.code == code)
            ).all()
            if not rows:
                raise NotFound(f"no participant {code}")
            return self._visit_rows(conn, self._protocol(conn), rows)

    def visit(self, session: Session, code: str, visit: str) -> VisitRow:
        for v in self.visits(session, code):
            if v.visit == visit:
                return v
        raise NotFound(f"participant {code} has no visit {visit}")

    def visit_status_grid(
        self, session: Session, site: str | None = None
    ) -> dict[str, dict[str, str]]:
        """{participant: {visit: status}} for every participant (the participant list)."""
        self._check(session, "read")
        q = select(S.participants.c.code, S.visits.c.visit_code, S.visits.c.status).join(
            S.participants, S.participants.c.id == S.visits.c.participant_id
        )
        if site is not None:
            q = q.join(S.sites, S.sites.c.id == S.participants.c.site_id).where(
                S.sites.c.code == site
            )
        out: dict[str, dict[str, str]] = {}
        with _collector_paused():
            with self._read() as conn:
                rows = _raw_rows(conn, q)
            for code, visit, status in rows:
                d = out.get(code)
                if d is None:
                    d = out[code] = {}
                d[visit] = status
        return out

    def _load_visit(self, conn: Connection, code: str, visit: str, query=_VISIT_Q):
        """The visit row with the participant's code, day 1 and id (``pid``); ``query`` may
        select more (``_SAVE_VISIT_Q``)."""
        r = conn.execute(query, {"code": code, "visit": visit}).first()
        if r is None:
            if conn.execute(_PARTICIPANT_ID_Q, {"code": code}).first() is None:
                raise NotFound(f"no participant {code}")
            raise NotFound(f"participant {code} has no visit {visit}")
        return r

    def set_visit_status(
        self,
        session: Session,
        code: str,
        visit: str,
        status: str,
        reason: str | None = None,
        actual_date: dt.date | str | None = None,
        out_of_window_reason: str | None = None,
        *,
        expected_version: int,
        change_reason: str | None = None,
    ) -> int:
        """Set status/actual date. ``reason`` is the status reason (missed, not done) and, for a
        complete or signed visit, also the reason for the change unless ``change_reason`` is given.
        Returns the new visit row version."""
        self._check(session, "set_visit_status")
        if status not in VISIT_STATUSES:
            raise ValidationFailed(
                f"visit status '{status}' must be one of {', '.join(VISIT_STATUSES)}"
            )
        with self._write() as conn:
            v = self._load_visit(conn, code, visit)
            self._refuse_locked(v, code, visit)
            proto = self._protocol(conn)
            vd = proto.visit(visit)
            actual = _date(actual_date, "visit date") if actual_date else v.actual_date
            new: dict[str, object] = {"status": status, "actual_date": actual}
            sreason = _text(reason, "status reason")
            if status in ("missed", "not_done"):
                if not sreason and not v.status_reason:
                    raise ReasonRequired(f"visit {visit} {status.replace('_', ' ')} needs a reason")
                new["status_reason"] = sreason or v.status_reason
            elif status != v.status and (sreason or v.status in ("missed", "not_done")):
                new["status_reason"] = sreason  # leaving missed/not done clears its reason
            if status == "complete" and actual is None:
                raise ValidationFailed(f"visit {visit}: a complete visit needs its date")
            if actual is not None and actual > dt.date.today() + dt.timedelta(days=1):
                raise ValidationFailed(f"visit {visit}: date {actual} is in the future")
            oow_reason = (
                _text(out_of_window_reason, "out-of-window reason") or v.out_of_window_reason
            )
            if (
                actual is not None
                and v.day1_date is not None
                and not vd.in_window(v.day1_date, actual)
            ):
                lo, hi = vd.window(v.day1_date)
                if not oow_reason:
                    raise ReasonRequired(
                        f"visit {visit} on {actual} is outside its window {lo}–{hi}: give the "
                        "out-of-window reason"
                    )
                new["out_of_window_reason"] = oow_reason
            elif out_of_window_reason is not None:
                new["out_of_window_reason"] = oow_reason
            old = {f: getattr(v, f) for f in A.AUDITED["visit"]}
            changed = {k: val for k, val in new.items() if A.to_text(old.get(k)) != A.to_text(val)}
            if not changed:
                return v.row_version
            audit_reason = None
            if v.status == "complete" or v.signed_by:
                audit_reason = _need_reason(
                    change_reason or reason,
                    f"changing visit {visit}, which is {'signed' if v.signed_by else 'complete'},",
                )
            elif change_reason:
                audit_reason = _text(change_reason, "reason")
            batch = A.AuditBatch(session.username)
            if v.signed_by:
                changed.update(self._void_signature_values())
            new_version = self._bump(
                conn, S.visits, v.id, expected_version, f"visit {code} {visit}", changed
            )
            batch.changes("set_status", "visit", f"{code}/{visit}", old, changed, audit_reason)
            batch.flush(conn)
        return new_version

    @staticmethod
    def _void_signature_values() -> dict[str, object]:
        return {
            "signed_by": None,
            "signed_at": None,
            "signature_meaning": None,
            "signature_hash": None,
        }

    @staticmethod
    def _refuse_locked(v, code: str, visit: str) -> None:
        if v.locked:
            raise VisitLocked(
                f"visit {code} {visit} is locked; a data manager must unlock it (with a reason) "
                "before it can change"
            )

    def _content_hash(self, conn: Connection, v) -> str:
        """SHA-256 over the visit's data: what a signature covers (21 CFR 11.70)."""
        rows = conn.execute(
            select(
                S.answers.c.item, S.answers.c.value_num, S.answers.c.value_text, S.answers.c.status
            )
            .where(S.answers.c.visit_id == v.id)
            .order_by(S.answers.c.item)
        ).all()
        payload = json.dumps(
            [
                v.code,
                v.visit_code,
                A.to_text(v.actual_date),
                v.status,
                [
                    [
                        r.item,
                        A.to_text(r.value_num if r.value_num is not None else r.value_text),
                        r.status,
                    ]
                    for r in rows
                ],
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def sign_visit(
        self,
        session: Session,
        code: str,
        visit: str,
        password: str,
        meaning: str,
        *,
        expected_version: int | None = None,
    ) -> int:
        """Investigator e-signature: re-enter the password; the meaning is recorded (11.50)."""
        self._check(session, "sign_visit")
        meaning_t = _text(meaning, "signature meaning", 200)
        if not meaning_t:
            raise ValidationFailed(
                "the meaning of the signature (e.g. 'reviewed and approved') is required"
            )
        self._reauthenticate(session, password)
        with self._write() as conn:
            v = self._load_visit(conn, code, visit)
            self._refuse_locked(v, code, visit)
            if v.status != "complete":
                raise ValidationFailed(
                    f"visit {code} {visit} is {v.status}; only a complete visit can be signed"
                )
            expected = v.row_version if expected_version is None else expected_version
            new = {
                "signed_by": session.username,
                "signed_at": A.now_utc(),
                "signature_meaning": meaning_t,
                "signature_hash": self._content_hash(conn, v),
            }
            version = self._bump(conn, S.visits, v.id, expected, f"visit {code} {visit}", new)
            batch = A.AuditBatch(session.username)
            old = {f: getattr(v, f) for f in A.AUDITED["visit"]}
            batch.changes(
                "sign",
                "visit",
                f"{code}/{visit}",
                old,
                {k: new[k] for k in ("signed_by", "signed_at", "signature_meaning")},
                meaning_t,
            )
            batch.flush(conn)
        return version

    def signature_valid(self, session: Session, code: str, visit: str) -> bool:
        """True when the visit is signed and its data still match what was signed."""
        self._check(session, "read")
        with self._read() as conn:
            v = self._load_visit(conn, code, visit)
            return bool(v.signed_by) and v.signature_hash == self._content_hash(conn, v)

    def lock_visit(
        self,
        session: Session,
        code: str,
        visit: str,
        reason: str | None = None,
        *,
        expected_version: int | None = None,
    ) -> int:
        return self._set_lock(session, code, visit, True, reason, expected_version)

    def unlock_visit(
        self,
        session: Session,
        code: str,
        visit: str,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> int:
        return self._set_lock(session, code, visit, False, reason, expected_version)

    def _set_lock(
        self,
        session: Session,
        code: str,
        visit: str,
        lock: bool,
        reason: str | None,
        expected_version: int | None,
    ) -> int:
        self._check(session, "lock_visit")
        r = _text(reason, "reason")
        if not lock and not r:
            raise ReasonRequired(f"unlocking visit {code} {visit} needs a reason")
        with self._write() as conn:
            v = self._load_visit(conn, code, visit)
            if bool(v.locked) == lock:
                raise ValidationFailed(
                    f"visit {code} {visit} is already {'locked' if lock else 'unlocked'}"
                )
            expected = v.row_version if expected_version is None else expected_version
            version = self._bump(
                conn, S.visits, v.id, expected, f"visit {code} {visit}", {"locked": lock}
            )
            batch = A.AuditBatch(session.username)
            batch.add(
                "lock" if lock else "unlock",
                "visit",
                f"{code}/{visit}",
                "locked",
                not lock,
                lock,
                r,
            )
            batch.flush(conn)
        return version

    # --- answers ---------------------------------------------------------------------------

    def item(self, name: str) -> Item:
        try:
            return self._items[name]
        except KeyError:
            raise NotFound(f"no instrument declares an item {name}") from None

    @staticmethod
    def _typed(item: Item, value_num: float | None, value_text: str | None):
        if item is not None and not item.is_numeric:
            return value_text
        return value_num if value_num is not None else value_text

    def answers(self, session: Session, code: str, visit: str) -> dict[str, AnswerRow]:
        """The visit's answers by item (typed value or missing-data status)."""
        self._check(session, "read")
        with self._read() as conn:
            v = self._load_visit(conn, code, visit)
            conf = dict(
                _raw_rows(
                    conn,
                    select(S.confirmations.c.variable, S.confirmations.c.reason).where(
                        S.confirmations.c.visit_id == v.id
                    ),
                )
            )
            rows = _raw_rows(
                conn,
                select(
                    S.answers.c.item,
                    S.answers.c.value_num,
                    S.answers.c.value_text,
                    S.answers.c.status,
                    S.answers.c.entered_by,
                    S.answers.c.entered_at,
                    S.answers.c.changed_by,
                    S.answers.c.changed_at,
                    S.answers.c.row_version,
                )
                .where(S.answers.c.visit_id == v.id)
                .order_by(S.answers.c.id),
            )
        out = {}
        for item, num, txt, status, eby, eat, cby, cat, ver in rows:
            out[item] = AnswerRow(
                item,
                num if num is not None else txt,
                status,
                conf.get(item),
                eby,
                _ts(eat),
                cby,
                _ts(cat),
                ver,
            )
        return out

    def _previous_raw(self, conn: Connection, v, proto: Protocol) -> dict[str, object] | None:
        """The participant's latest earlier visit with answers, as raw entries (change rules).
        One query for all earlier visits' entered values; none for a first visit."""
        order = proto.order()
        mine = order.get(v.visit_code, 0)
        earlier = [c for c, k in order.items() if k < mine]
        if not earlier:
            return None
        by_visit: dict[str, dict[str, object]] = {}
        for visit_code, name, num, txt in conn.execute(
            _EARLIER_VALUES_Q, {"participant_id": v.participant_id, "codes": earlier}
        ):
            item = self._items.get(name)
            if item is None:
                continue
            value = num if num is not None else txt
            if value is not None:
                by_visit.setdefault(visit_code, {})[name] = _entry_text(item, value)
        for visit_code in sorted(by_visit, key=order.__getitem__, reverse=True):
            return by_visit[visit_code]
        return None

    def _attributes(self, v, merged: Mapping[str, object], proto: Protocol) -> dict:
        """Participant attributes the rules need (sex, age at the visit, height, weight), as
        entries for the visit's evaluation, unless measured at the visit itself. ``v`` is a row
        of ``_SAVE_VISIT_Q`` (the visit with its participant's attributes)."""
        when = v.actual_date  # else the planned date, so the age does not drift with today
        if when is None and v.day1_date is not None and v.visit_code in proto.visit_codes:
            when = proto.visit(v.visit_code).target(v.day1_date)
        when = when or dt.date.today()  # no day 1 yet: the age today
        bd = v.birth_date
        age = when.year - bd.year - ((when.month, when.day) < (bd.month, bd.day))
        cand = {"sex": v.sex, "age": age, "height_cm": v.height_cm, "weight_kg": v.weight_kg}
        return {
            k: val
            for k, val in cand.items()
            if k in self._items and k not in merged and val is not None
        }

    def _visit_flags(
        self, flags: list[Flag], merged: Mapping[str, object], attrs: Mapping[str, object]
    ) -> list[Flag]:
        """Flags of the instruments entered at this visit; the participant's own attributes were
        checked (and confirmed) when the participant was saved."""
        entered = set(merged)
        allowed: set[str] = set()
        for items, names in self._instrument_names:
            if not entered.isdisjoint(items):
                allowed |= names
        known = self._known_names
        return [
            f
            for f in flags
            if f.variable not in attrs and (f.variable in allowed or f.variable not in known)
        ]

    def save_answers(
        self,
        session: Session,
        code: str,
        visit: str,
        values: Mapping[str, object],
        *,
        statuses: Mapping[str, str] | None = None,
        confirmations: Mapping[str, str] | None = None,
        reasons: Mapping[str, str] | None = None,
        reason: str | None = None,
        expected_version: int,
    ) -> int:
        """Validate and save raw entries and missing-data codes for one visit.

        Error flags → ValidationFailed, nothing written. Warning flags need a confirmation
        reason (``confirmations[variable]``), stored and audited. Changing a complete or signed
        visit needs ``reasons[item]`` (or ``reason`` for all). A locked visit is refused.
        A value of None or "" (with no status) clears the item. Returns the new visit version.
        """
        self._check(session, "save_answers")
        values = dict(values)
        statuses = dict(statuses or {})
        confirmations = {
            k: _text(v, "confirmation reason") for k, v in (confirmations or {}).items()
        }
        reasons = dict(reasons or {})
        problems: list[Flag] = []
        for name in list(values) + [n for n in statuses if n not in values]:
            item = self._items.get(name)
            if item is None:
                problems.append(
                    _flag(
                        name,
                        f"{name}: no instrument declares this item",
                        f"{name}：没有量表定义此项",
                    )
                )
        for name, st in statuses.items():
            if st in (None, ""):
                continue
            if name in values and values[name] not in (None, ""):
                problems.append(
                    _flag(
                        name,
                        f"{name}: give a value or a missing-data code, not both",
                        f"{name}：请填写数值或缺失代码，不能同时填写",
                    )
                )
            elif str(st).upper() not in {c.value for c in MissingCode}:
                problems.append(
                    _flag(
                        name,
                        f"{name}: '{st}' is not a missing-data code "
                        f"({', '.join(c.value for c in MissingCode)})",
                        f"{name}：“{st}”不是缺失代码",
                    )
                )
        if problems:
            raise ValidationFailed(f"visit {code} {visit} was not saved", problems)
        # the entries as the engine reads them: a value, or the status token
        entries: dict[str, object] = {}
        for name in set(values) | set(statuses):
            item = self._items[name]
            st = statuses.get(name)
            if st not in (None, ""):
                entries[name] = str(st).upper()
            else:
                val = values.get(name)
                entries[name] = None if val is None else _entry_text(item, val)

        with self._write() as conn:
            v = self._load_visit(conn, code, visit, _SAVE_VISIT_Q)
            self._refuse_locked(v, code, visit)
            if v.status in ("missed", "not_done"):
                raise ValidationFailed(
                    f"visit {code} {visit} is marked {v.status.replace('_', ' ')}; set it in "
                    "progress before entering answers"
                )
            proto = self._parsed_protocol(v.protocol_json)
            existing = {a.item: a for a in conn.execute(_ANSWERS_OF_VISIT_Q, {"visit_id": v.id})}
            merged: dict[str, object] = {}
            for name, a in existing.items():
                item = self._items.get(name)
                if item is None:
                    continue
                if a.status:
                    merged[name] = a.status
                else:
                    value = a.value_num if a.value_num is not None else a.value_text
                    merged[name] = _entry_text(item, value)
            merged.update(entries)
            attrs = self._attributes(v, merged, proto)
            ev = evaluate_visit(
                {**merged, **attrs},
                proto.scoring_settings,
                previous=self._previous_raw(conn, v, proto),
                instruments=self.instruments,
            )
            flags = self._visit_flags(ev.flag_list(), merged, attrs)
            errors = [f for f in flags if f.level is Level.ERROR]
            if errors:
                raise ValidationFailed(f"visit {code} {visit} was not saved", errors)
            old_conf = {
                (c.variable, c.rule): c
                for c in conn.execute(_CONFIRMATIONS_OF_VISIT_Q, {"visit_id": v.id})
            }
            warnings = [f for f in flags if f.level is Level.WARNING]
            unconfirmed = [
                f
                for f in warnings
                if not confirmations.get(f.variable)
                and not (
                    (f.variable, f.rule) in old_conf
                    and old_conf[(f.variable, f.rule)].value == f.value
                )
            ]
            if unconfirmed:
                raise ValidationFailed(
                    f"visit {code} {visit} was not saved: implausible values need a "
                    "confirmation reason",
                    unconfirmed,
                )

            # the typed values to store
            now = A.now_utc()
            vkey = f"{code}/{visit}"
            changed_items: list[str] = []
            upd: list[tuple[str, dict]] = []
            ev_values, ev_status = _row_zero(ev.values), _row_zero(ev.status)
            for name in entries:
                item = self._items[name]
                st = ev_status.get(name)
                st = None if st is None or (isinstance(st, float) and math.isnan(st)) else str(st)
                if st is None:
                    tv = ev_values[name]
                    if not item.is_numeric:
                        tv = (
                            None
                            if tv is None or (isinstance(tv, float) and math.isnan(tv))
                            else str(tv)
                        )
                    else:
                        tv = _as_float(tv)
                else:
                    tv = None
                old = existing.get(name)
                old_val = (
                    None
                    if old is None
                    else (old.value_num if old.value_num is not None else old.value_text)
                )
                old_st = None if old is None else old.status
                if A.to_text(old_val) == A.to_text(tv) and old_st == st:
                    continue
                changed_items.append(name)
                upd.append((name, {"value": tv, "status": st}))

            if not changed_items and not any(confirmations.get(f.variable) for f in warnings):
                return v.row_version
            needs_reason = v.status == "complete" or bool(v.signed_by)
            if needs_reason:
                missing = [
                    n for n in changed_items if not _text(reasons.get(n) or reason, "reason")
                ]
                if missing:
                    state = "signed" if v.signed_by else "complete"
                    raise ReasonRequired(
                        f"visit {code} {visit} is {state}: give a reason for changing "
                        f"{', '.join(sorted(missing))}"
                    )
            batch = A.AuditBatch(session.username, now)
            inserts: list[tuple] = []  # in _NEW_ANSWER_COLUMNS order
            updates: list[dict] = []
            deleted: list[int] = []
            for name, new in upd:
                old = existing.get(name)
                r = _text(reasons.get(name) or reason, "reason")
                akey = f"{vkey}/{name}"
                item = self._items[name]
                num = new["value"] if item.is_numeric else None
                txt = new["value"] if not item.is_numeric else None
                if old is None:
                    inserts.append((v.id, name, num, txt, new["status"], session.username, now, 1))
                    batch.changes("create", "answer", akey, {}, new, r)
                elif new["value"] is None and new["status"] is None:
                    deleted.append(old.id)
                    batch.changes(
                        "delete",
                        "answer",
                        akey,
                        {
                            "value": old.value_num if old.value_num is not None else old.value_text,
                            "status": old.status,
                        },
                        new,
                        r,
                    )
                else:
                    updates.append(
                        {
                            "_id": old.id,
                            "value_num": num,
                            "value_text": txt,
                            "status": new["status"],
                            "changed_by": session.username,
                            "changed_at": now,
                            "row_version": old.row_version + 1,
                        }
                    )
                    batch.changes(
                        "update",
                        "answer",
                        akey,
                        {
                            "value": old.value_num if old.value_num is not None else old.value_text,
                            "status": old.status,
                        },
                        new,
                        r,
                    )
            if deleted:  # one statement each, not one per item
                conn.execute(_DELETE_ANSWERS, {"ids": deleted})
            insert_many(conn, S.answers, _NEW_ANSWER_COLUMNS, inserts)
            if updates:
                conn.execute(_UPDATE_ANSWER, updates)
            # confirmations: drop those no longer raised, replace those given again
            raised = {(f.variable, f.rule): f for f in warnings}
            dropped: list[int] = []
            for key, c in old_conf.items():
                f = raised.get(key)
                if f is not None and not confirmations.get(f.variable):
                    continue  # still raised for the same value, confirmation stands
                dropped.append(c.id)
                if f is None:
                    batch.changes(
                        "delete",
                        "confirmation",
                        f"{vkey}/{key[0]}/{key[1]}",
                        {"value": c.value, "reason": c.reason, "confirmed_by": c.confirmed_by},
                        {"value": None, "reason": None, "confirmed_by": None},
                    )
            if dropped:
                conn.execute(_DELETE_CONFIRMATIONS, {"ids": dropped})
            confirmed: list[dict] = []
            for key, f in raised.items():
                why = confirmations.get(f.variable)
                if not why:
                    continue
                confirmed.append(
                    {
                        "visit_id": v.id,
                        "variable": f.variable,
                        "rule": f.rule,
                        "value": f.value,
                        "reason": why,
                        "confirmed_by": session.username,
                        "confirmed_at": now,
                    }
                )
                c = old_conf.get(key)
                batch.changes(
                    "confirm",
                    "confirmation",
                    f"{vkey}/{key[0]}/{key[1]}",
                    {}
                    if c is None
                    else {"value": c.value, "reason": c.reason, "confirmed_by": c.confirmed_by},
                    {"value": f.value, "reason": why, "confirmed_by": session.username},
                    f.message_en[:500],
                )
            if confirmed:
                conn.execute(_INSERT_CONFIRMATIONS, confirmed)
            vnew: dict[str, object] = {}
            if v.status == "planned":
                vnew["status"] = "in_progress"
            if v.signed_by and changed_items:
                vnew.update(self._void_signature_values())
            version = self._bump(
                conn, S.visits, v.id, expected_version, f"visit {code} {visit}", vnew
            )
            if vnew:
                old_v = {f: getattr(v, f) for f in A.AUDITED["visit"]}
                batch.changes(
                    "signature_void" if v.signed_by else "set_status",
                    "visit",
                    vkey,
                    old_v,
                    {k: val for k, val in vnew.items() if k in A.AUDITED["visit"]},
                    "data changed after signing" if v.signed_by else "first answer entered",
                )
            batch.flush(conn)
        return version

    def confirmations(self, session: Session, code: str | None = None) -> list[ConfirmationRow]:
        self._check(session, "read")
        q = (
            select(S.participants.c.code, S.visits.c.visit_code, S.confirmations)
            .join(S.visits, S.visits.c.id == S.confirmations.c.visit_id)
            .join(S.participants, S.participants.c.id == S.visits.c.participant_id)
        )
        if code is not None:
            q = q.where(S.participants.c.code == code)
        with self._read() as conn:
            rows = conn.execute(q.order_by(S.participants.c.code, S.confirmations.c.id)).all()
            order = self._protocol(conn).order()
        rows.sort(key=lambda r: (r.code, order.get(r.visit_code, 999)))
        return [
            ConfirmationRow(
                r.code,
                r.visit_code,
                r.variable,
                r.rule,
                r.value,
                r.reason,
                r.confirmed_by,
                _ts(r.confirmed_at),
            )
            for r in rows
        ]

    # --- the long frame for exports, reports and batch scoring -----------------------------

    def answers_frame(self, session: Session, site: str | None = None) -> pd.DataFrame:
        """One row per participant × visit with any answer or a non-planned status.

        Columns: participant, site, sex, birth_date, age (whole years at the visit date),
        height_cm, weight_kg, visit, visit_date, visit_status, then ``<item>`` (typed: float,
        clock as minutes after midnight, str for text) and ``<item>__status`` for every item of
        every instrument. Dates are pandas datetime64 (NaT when unknown).
        """
        self._check(session, "read")
        items = list(self._items.values())
        with self._read() as conn:
            proto = self._protocol(conn)
            vq = (
                select(
                    S.visits.c.id,
                    S.participants.c.code,
                    S.sites.c.code.label("site"),
                    S.participants.c.sex,
                    S.participants.c.birth_date,
                    S.participants.c.height_cm,
                    S.participants.c.weight_kg,
                    S.visits.c.visit_code,
                    S.visits.c.actual_date,
                    S.visits.c.status,
                )
                .join(S.participants, S.participants.c.id == S.visits.c.participant_id)
                .join(S.sites, S.sites.c.id == S.participants.c.site_id)
            )
            if site is not None:
                vq = vq.where(S.sites.c.code == site)
            vis = pd.DataFrame(
                _raw_rows(conn, vq),
                columns=[
                    "vid",
                    "participant",
                    "site",
                    "sex",
                    "birth_date",
                    "height_cm",
                    "weight_kg",
                    "visit",
                    "visit_date",
                    "visit_status",
                ],
            )
            aq = select(
                S.answers.c.visit_id,
                S.answers.c.item,
                S.answers.c.value_num,
                S.answers.c.value_text,
                S.answers.c.status,
            )
            if site is not None:
                aq = aq.where(S.answers.c.visit_id.in_(select(vq.subquery().c.id)))
            ans = pd.DataFrame(_raw_rows(conn, aq), columns=["vid", "item", "num", "txt", "status"])
        has_answer = (
            vis["vid"].isin(ans["vid"].unique()) if len(ans) else pd.Series(False, index=vis.index)
        )
        vis = vis[has_answer | (vis["visit_status"] != "planned")]
        order = proto.order()
        vis = vis.assign(_o=vis["visit"].map(order).fillna(999))
        vis = vis.sort_values(["participant", "_o"], kind="stable").drop(columns="_o")
        vis = vis.reset_index(drop=True)
        n = len(vis)
        pos = pd.Series(np.arange(n), index=vis["vid"].to_numpy())
        out: dict[str, object] = {
            "participant": vis["participant"].astype(object),
            "site": vis["site"].astype(object),
            "sex": vis["sex"].astype(object),
            "birth_date": pd.to_datetime(vis["birth_date"]),
            "age": None,
            "height_cm": vis["height_cm"].astype("float64"),
            "weight_kg": vis["weight_kg"].astype("float64"),
            "visit": vis["visit"].astype(object),
            "visit_date": pd.to_datetime(vis["visit_date"]),
            "visit_status": vis["visit_status"].astype(object),
        }
        bd, vd = out["birth_date"], out["visit_date"]
        age = (
            vd.dt.year
            - bd.dt.year
            - (
                (vd.dt.month < bd.dt.month)
                | ((vd.dt.month == bd.dt.month) & (vd.dt.day < bd.dt.day))
            ).astype("float64")
        )
        out["age"] = age.astype("float64")
        if len(ans):
            ans = ans[ans["vid"].isin(pos.index) & ans["item"].isin(self._items.keys())]
            rows = pos.reindex(ans["vid"].to_numpy()).to_numpy()
        else:
            rows = np.array([], dtype=int)
        item_idx = {it.name: i for i, it in enumerate(items)}
        cols = ans["item"].map(item_idx).to_numpy() if len(ans) else np.array([], dtype=int)
        num = np.full((n, len(items)), np.nan)
        if len(ans):
            num[rows, cols] = ans["num"].astype("float64").to_numpy()
        st = np.full((n, len(items)), None, dtype=object)
        txt = np.full((n, len(items)), None, dtype=object)
        if len(ans):
            st[rows, cols] = ans["status"].to_numpy(dtype=object)
            txt[rows, cols] = ans["txt"].to_numpy(dtype=object)
        for i, it in enumerate(items):
            if it.name in out:  # a participant attribute (sex, age, height_cm, weight_kg)
                if it.is_numeric and it.name in ("height_cm", "weight_kg"):
                    measured = num[:, i]  # measured at the visit: overrides the enrolment value
                    base = out[it.name].to_numpy()  # type: ignore[union-attr]
                    out[it.name] = pd.Series(np.where(np.isnan(measured), base, measured))
            elif not it.is_numeric:
                out[it.name] = pd.Series(txt[:, i], dtype=object)
            else:
                out[it.name] = pd.Series(num[:, i], dtype="float64")
            out[f"{it.name}__status"] = pd.Series(st[:, i], dtype=object)
        return pd.DataFrame(out)

    # --- audit -----------------------------------------------------------------------------

    def audit_trail(
        self,
        session: Session,
        participant: str | None = None,
        visit: str | None = None,
        item: str | None = None,
    ) -> list[AuditRow]:
        self._check(session, "read_audit")
        q = select(S.audit).order_by(S.audit.c.id)
        if participant is not None:
            prefix = participant if visit is None else f"{participant}/{visit}"
            if item is not None:
                q = q.where(S.audit.c.entity_key == f"{prefix}/{item}")
            else:
                q = q.where(
                    or_(
                        S.audit.c.entity_key == prefix,
                        S.audit.c.entity_key.like(_like_prefix(prefix), escape="\\"),
                    )
                )
        elif item is not None:
            q = q.where(
                and_(
                    S.audit.c.entity == "answer",
                    S.audit.c.entity_key.like(f"%/{_like_escape(item)}", escape="\\"),
                )
            )
        with self._read() as conn:
            rows = conn.execute(q).all()
        return [
            AuditRow(
                r.id,
                _ts(r.ts_utc),
                r.username,
                r.action,
                r.entity,
                r.entity_key,
                r.field,
                r.old_value,
                r.new_value,
                r.reason,
                r.program_version,
            )
            for r in rows
        ]

    def record_event(self, session: Session, action: str, detail: str) -> None:
        """Audit an export, print or report (who, when, what)."""
        self._check(session, "record_event")
        if not isinstance(action, str) or not EVENT_RE.match(action):
            raise ValidationFailed(
                f"event '{action}': use a short lower-case word such as export or print"
            )
        self._audit_event(
            session.username, action, "event", action, _text(detail, "detail", 4000) or ""
        )

    def verify_audit(self, session: Session) -> A.VerifyResult:
        """Hash chain + replay check of the whole trail (the ``audit verify`` command)."""
        self._check(session, "verify_audit")
        with self._read() as conn:
            if not self.is_sqlite:  # one consistent snapshot while other workstations write
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            return A.verify(conn)

    # --- drafts ----------------------------------------------------------------------------

    def save_draft(self, session: Session, code: str, visit: str, payload: Mapping) -> None:
        """Autosave of a form as typed (not data, not audited; replaced on each call)."""
        self._check(session, "drafts")
        text = json.dumps(payload, ensure_ascii=False, default=str)
        with self._write() as conn:
            conn.execute(
                delete(S.drafts).where(
                    and_(
                        S.drafts.c.user_id == session.user_id,
                        S.drafts.c.participant == code,
                        S.drafts.c.visit == visit,
                    )
                )
            )
            conn.execute(
                insert(S.drafts).values(
                    user_id=session.user_id,
                    participant=code,
                    visit=visit,
                    payload=text,
                    saved_at=A.now_utc(),
                )
            )

    def load_draft(self, session: Session, code: str, visit: str) -> dict | None:
        self._check(session, "drafts")
        with self._read() as conn:
            text = conn.execute(
                select(S.drafts.c.payload).where(
                    and_(
                        S.drafts.c.user_id == session.user_id,
                        S.drafts.c.participant == code,
                        S.drafts.c.visit == visit,
                    )
                )
            ).scalar_one_or_none()
        return None if text is None else json.loads(text)

    def discard_draft(self, session: Session, code: str, visit: str) -> None:
        self._check(session, "drafts")
        with self._write() as conn:
            conn.execute(
                delete(S.drafts).where(
                    and_(
                        S.drafts.c.user_id == session.user_id,
                        S.drafts.c.participant == code,
                        S.drafts.c.visit == visit,
                    )
                )
            )

    def drafts(self, session: Session) -> list[tuple[str, str, str]]:
        """(participant, visit, saved_at) of the user's drafts (recovery after a crash)."""
        self._check(session, "drafts")
        with self._read() as conn:
            return [
                tuple(r)
                for r in conn.execute(
                    select(S.drafts.c.participant, S.drafts.c.visit, S.drafts.c.saved_at).where(
                        S.drafts.c.user_id == session.user_id
                    )
                )
            ]

    # --- for backup/restore helpers ----------------------------------------------------------

    def require(self, session: Session, action: str) -> None:
        """Role check for operations implemented outside this class (e.g. ``backup``)."""
        self._check(session, action)


# ---------------------------------------------------------------------------------------------


def vals_for_audit(vals: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in vals.items() if k in A.AUDITED["participant"]}


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_prefix(prefix: str) -> str:
    return _like_escape(prefix) + "/%"


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown users, so timing does not reveal user names."""
    return U.hash_password("timing-equaliser")


def _shown(engine: Engine, target: str) -> str:
    """The database as a message names it: the file, or the URL without its password."""
    return engine.url.render_as_string(hide_password=True) if is_url(target) else target


def store_error(exc: Exception, target: str) -> StoreError:
    """A database exception as one clear line."""
    orig = getattr(exc, "orig", exc)
    msg = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    low = msg.lower()
    if "readonly" in low or "read-only" in low:
        return ReadOnlyDatabase(f"{target} is read-only: {msg}; nothing was written")
    if "locked" in low or "busy" in low:
        return StoreError(f"{target} is busy (another program is writing); try again: {msg}")
    if "append-only" in low:
        return PermissionDenied(f"the audit trail is append-only: {msg}")
    if "disk" in low and ("full" in low or "i/o" in low):
        return StoreError(f"cannot write {target}: {msg}; nothing was written")
    if "malformed" in low or "not a database" in low:
        from store.errors import DatabaseDamaged

        return DatabaseDamaged(f"{target} is damaged ({msg}); restore the newest backup")
    return StoreError(f"database error on {target}: {msg}; nothing was written")
