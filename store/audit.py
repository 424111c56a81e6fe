"""The audit trail: append-only, one row per changed field, SHA-256 hash-chained, replayable.

21 CFR 11.10(e): a secure, computer-generated, time-stamped trail of create/modify/delete that
never obscures earlier values; ICH E6(R3) 4.2: UTC timestamps, reasons for changes. Each row's
hash is SHA-256 over a canonical JSON array of its fields *and the previous row's hash*, so
changing, removing or re-ordering any row breaks the chain from there on (``verify_chain``).
Replaying the rows in order must reproduce the current participants, visits, answers,
confirmations, sites, users' roles and the study protocol (``replay`` / ``compare``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from outcomedesk_version import PROGRAM_VERSION
from store import schema as S
from store.connection import insert_many

GENESIS = "0" * 64
# the canonical JSON of a row's hash input (one encoder: json.dumps with options builds a new
# JSONEncoder on every call)
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# statements of ``AuditBatch.flush``, built once
_HEAD_FOR_UPDATE = (
    select(S.audit_head.c.last_id, S.audit_head.c.last_hash)
    .where(S.audit_head.c.id == 1)
    .with_for_update()
)
_SET_HEAD = (
    update(S.audit_head)
    .where(S.audit_head.c.id == 1)
    .values(last_id=bindparam("_last_id"), last_hash=bindparam("_last_hash"))
)
_ROW_COLUMNS = (
    "id",
    "ts_utc",
    "username",
    "action",
    "entity",
    "entity_key",
    "field",
    "old_value",
    "new_value",
    "reason",
    "program_version",
    "prev_hash",
    "hash",
)

# entity → the fields whose history the trail keeps (and replay reproduces)
AUDITED: dict[str, tuple[str, ...]] = {
    "study": ("code", "title_en", "title_zh", "protocol"),
    "site": ("name",),
    "user": ("role", "active", "full_name"),
    "participant": (
        "site",
        "screening_no",
        "randomization_no",
        "sex",
        "birth_date",
        "height_cm",
        "weight_kg",
        "enrolment_date",
        "day1_date",
        "status",
        "status_date",
        "status_reason",
    ),
    "visit": (
        "actual_date",
        "status",
        "status_reason",
        "out_of_window_reason",
        "signed_by",
        "signed_at",
        "signature_meaning",
        "locked",
    ),
    "answer": ("value", "status"),
    "confirmation": ("value", "reason", "confirmed_by"),
}


def to_text(value: object) -> str | None:
    """Canonical text of a stored value: ``repr`` for floats (round-trips exactly), ISO dates."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def now_utc() -> str:
    """UTC timestamp, ISO 8601 with microseconds and 'Z' (never local time)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(
    prev_hash: str,
    row_id: int,
    ts_utc: str,
    username: str,
    action: str,
    entity: str,
    entity_key: str,
    field_name: str,
    old_value: str | None,
    new_value: str | None,
    reason: str | None,
    program_version: str,
) -> str:
    payload = _CANONICAL(
        [
            prev_hash,
            row_id,
            ts_utc,
            username,
            action,
            entity,
            entity_key,
            field_name,
            old_value,
            new_value,
            reason,
            program_version,
        ]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class AuditBatch:
    """The audit rows of one transaction; ``flush`` links them to the chain and inserts them."""

    username: str
    ts_utc: str = field(default_factory=now_utc)
    rows: list[tuple[str, str, str, str, str | None, str | None, str | None]] = field(
        default_factory=list
    )

    def add(
        self,
        action: str,
        entity: str,
        key: str,
        field_name: str,
        old: object,
        new: object,
        reason: str | None = None,
    ) -> None:
        self.rows.append((action, entity, key, field_name, to_text(old), to_text(new), reason))

    def changes(
        self,
        action: str,
        entity: str,
        key: str,
        old: dict[str, object],
        new: dict[str, object],
        reason: str | None = None,
    ) -> int:
        """One row per field whose canonical text differs; returns how many."""
        n = 0
        for name in new:
            o, v = to_text(old.get(name)), to_text(new[name])
            if o != v:
                self.rows.append((action, entity, key, name, o, v, reason))
                n += 1
        return n

    def flush(self, conn: Connection) -> None:
        """Link the rows to the chain head (locked for the transaction), insert them in one
        executemany and move the head."""
        if not self.rows:
            return
        head = conn.execute(_HEAD_FOR_UPDATE).one()
        last_id, last_hash = head.last_id, head.last_hash
        ts, user, version = self.ts_utc, self.username, PROGRAM_VERSION
        out = []
        for action, entity, key, name, old, new, reason in self.rows:
            last_id += 1
            h = row_hash(
                last_hash, last_id, ts, user, action, entity, key, name, old, new, reason, version
            )
            out.append(
                (
                    last_id,
                    ts,
                    user,
                    action,
                    entity,
                    key,
                    name,
                    old,
                    new,
                    reason,
                    version,
                    last_hash,
                    h,
                )
            )
            last_hash = h
        insert_many(conn, S.audit, _ROW_COLUMNS, out)
        conn.execute(_SET_HEAD, {"_last_id": last_id, "_last_hash": last_hash})
        self.rows.clear()


def init_chain(conn: Connection) -> None:
    conn.execute(insert(S.audit_head).values(id=1, last_id=0, last_hash=GENESIS))


# ---------------------------------------------------------------------------------------------
# Verification


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    rows: int
    message: str  # "intact" or the first mismatch


def _audit_rows(conn: Connection) -> Iterator:
    result = conn.execution_options(yield_per=5000).execute(select(S.audit).order_by(S.audit.c.id))
    yield from result


def verify_chain(rows: Iterable) -> tuple[str | None, int, int, str]:
    """First chain mismatch (or None), rows checked, last id and last hash."""
    prev, expect_id, n = GENESIS, 1, 0
    for r in rows:
        n += 1
        if r.id != expect_id:
            return (f"audit row {expect_id} is missing (next row is {r.id})", n, r.id, prev)
        if r.prev_hash != prev:
            return (f"audit row {r.id}: link to the previous row is broken", n, r.id, prev)
        h = row_hash(
            prev,
            r.id,
            r.ts_utc,
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
        if h != r.hash:
            return (
                f"audit row {r.id} ({r.entity} {r.entity_key} {r.field}) was altered: its hash "
                "does not match its content",
                n,
                r.id,
                prev,
            )
        prev, expect_id = h, expect_id + 1
    return None, n, expect_id - 1, prev


def replay(rows: Iterable) -> dict[tuple[str, str], dict[str, str]]:
    """Current state according to the trail: {(entity, key): {field: text}} (non-null only)."""
    state: dict[tuple[str, str], dict[str, str | None]] = {}
    for r in rows:
        fields = AUDITED.get(r.entity)
        if fields is None or r.field not in fields:
            continue
        state.setdefault((r.entity, r.entity_key), {})[r.field] = r.new_value
    out = {}
    for key, vals in state.items():
        kept = {f: v for f, v in vals.items() if v is not None}
        if kept:
            out[key] = kept
    return out


def current_state(conn: Connection) -> dict[tuple[str, str], dict[str, str]]:
    """The same shape as ``replay``, read from the data tables."""
    out: dict[tuple[str, str], dict[str, str]] = {}

    def put(entity: str, key: str, values: dict[str, object]) -> None:
        kept = {f: to_text(v) for f, v in values.items() if v is not None}
        if kept:
            out[(entity, key)] = kept  # type: ignore[assignment]

    st = conn.execute(select(S.study)).first()
    if st is not None:
        put(
            "study",
            "study",
            {
                "code": st.code,
                "title_en": st.title_en,
                "title_zh": st.title_zh,
                "protocol": st.protocol_json,
            },
        )
    site_code = {}
    for s in conn.execute(select(S.sites)):
        site_code[s.id] = s.code
        put("site", s.code, {"name": s.name})
    for u in conn.execute(select(S.users)):
        put("user", u.username, {"role": u.role, "active": u.active, "full_name": u.full_name})
    pcode = {}
    for p in conn.execute(select(S.participants)):
        pcode[p.id] = p.code
        vals = {f: getattr(p, f) for f in AUDITED["participant"] if f != "site"}
        vals["site"] = site_code.get(p.site_id)
        put("participant", p.code, vals)
    vkey = {}
    for v in conn.execute(select(S.visits)):
        key = f"{pcode.get(v.participant_id)}/{v.visit_code}"
        vkey[v.id] = key
        put("visit", key, {f: getattr(v, f) for f in AUDITED["visit"]})
    for a in conn.execute(
        select(
            S.answers.c.visit_id,
            S.answers.c.item,
            S.answers.c.value_num,
            S.answers.c.value_text,
            S.answers.c.status,
        )
    ):
        value = a.value_num if a.value_num is not None else a.value_text
        put("answer", f"{vkey.get(a.visit_id)}/{a.item}", {"value": value, "status": a.status})
    for c in conn.execute(select(S.confirmations)):
        put(
            "confirmation",
            f"{vkey.get(c.visit_id)}/{c.variable}/{c.rule}",
            {"value": c.value, "reason": c.reason, "confirmed_by": c.confirmed_by},
        )
    return out


def compare(expected: dict, actual: dict) -> str | None:
    """First difference between the replayed trail and the data, as one line (or None)."""
    for key in sorted(set(expected) | set(actual)):
        e, a = expected.get(key), actual.get(key)
        if e == a:
            continue
        entity, ek = key
        if e is None:
            return f"{entity} {ek} exists in the data but not in the audit trail"
        if a is None:
            return f"{entity} {ek} is in the audit trail but missing from the data"
        for f in sorted(set(e) | set(a)):
            if e.get(f) != a.get(f):
                return (
                    f"{entity} {ek} field {f}: the data hold {a.get(f)!r} but the audit trail "
                    f"says {e.get(f)!r}"
                )
    return None


def verify(conn: Connection) -> VerifyResult:
    """Check the hash chain, the chain head, and that replay reproduces the current data."""
    rows = list(_audit_rows(conn))
    problem, n, last_id, last_hash = verify_chain(rows)
    if problem:
        return VerifyResult(False, n, problem)
    head = conn.execute(select(S.audit_head).where(S.audit_head.c.id == 1)).first()
    if head is None or head.last_id != last_id or head.last_hash != last_hash:
        return VerifyResult(
            False,
            n,
            f"the audit trail ends at row {last_id} but its recorded head is row "
            f"{head.last_id if head else '(none)'}: rows were removed or the head was altered",
        )
    diff = compare(replay(rows), current_state(conn))
    if diff:
        return VerifyResult(
            False, n, f"replaying the audit trail does not reproduce the data: {diff}"
        )
    return VerifyResult(True, n, f"intact: {n} audit rows, hash chain and replay agree")
