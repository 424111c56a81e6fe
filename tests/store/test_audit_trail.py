"""Audit trail: append-only (triggers), one row per field, hash chain + replay catch tampering.

21 CFR 11.10(e) (reference/edc.md §3.1): user, UTC time, action, entity, field, old, new, reason;
earlier values never obscured. Tampering is done the way an intruder would: directly in the
database, bypassing the program (dropping the triggers first where needed).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from outcomedesk_version import PROGRAM_VERSION
from tests.store.conftest import PASSWORDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def filled(store, sessions):
    s = sessions["assessor"]
    store.add_participant(s, "SH-001", "SH", "F", "1950-03-04", 160, 55.5, dt.date(2026, 1, 10))
    v = store.visit(s, "SH-001", "BL")
    ver = store.save_answers(
        s,
        "SH-001",
        "BL",
        {"sf36_01": "3", "eqvas": 70, "psqi_bedtime": "23:30"},
        expected_version=v.row_version,
    )
    store.save_answers(s, "SH-001", "BL", {"eqvas": 75}, expected_version=ver)
    return store, sessions


def _raw(store):
    """A raw engine on the same database, as an intruder with file/DB access would use."""
    if store.is_sqlite:
        return create_engine(f"sqlite:///{store.path}")
    return create_engine(store.engine.url)


def _drop_triggers(conn, is_sqlite: bool) -> None:
    if is_sqlite:
        conn.execute(text("DROP TRIGGER audit_no_update"))
        conn.execute(text("DROP TRIGGER audit_no_delete"))
    else:
        conn.execute(text("DROP TRIGGER audit_no_update ON audit"))


def test_one_row_per_changed_field_with_all_part11_fields(filled):
    store, sessions = filled
    trail = store.audit_trail(sessions["data_manager"], "SH-001", "BL", "eqvas")
    assert [(r.action, r.field, r.old_value, r.new_value) for r in trail] == [
        ("create", "value", None, "70.0"),
        ("update", "value", "70.0", "75.0"),
    ]
    for r in trail:
        assert r.username == "asr" and r.entity == "answer"
        assert r.entity_key == "SH-001/BL/eqvas"
        assert r.program_version == PROGRAM_VERSION
        assert r.ts_utc.tzinfo is not None and r.ts_utc.utcoffset() == dt.timedelta(0)
        assert abs(dt.datetime.now(dt.UTC) - r.ts_utc) < dt.timedelta(minutes=5)


def test_logins_failures_and_events_are_audited(filled):
    store, sessions = filled
    from store.errors import AuthFailed

    with pytest.raises(AuthFailed):
        store.login("asr", "wrong-password")
    with pytest.raises(AuthFailed):
        store.login("nobody", "wrong-password")
    store.record_event(sessions["statistician"], "export", "xlsx long, 1 row")
    store.record_event(sessions["investigator"], "print", "participant report SH-001")
    rows = store.audit_trail(sessions["data_manager"])
    acts = [(r.action, r.entity_key, r.username) for r in rows]
    assert ("login", "asr", "asr") in acts
    assert ("login_failed", "asr", "asr") in acts
    assert ("login_failed", "nobody", "nobody") in acts
    assert ("export", "export", "stat") in acts and ("print", "print", "inv") in acts


def test_database_refuses_update_and_delete_of_audit_rows(filled):
    store, _ = filled
    eng = _raw(store)
    for sql in ("UPDATE audit SET new_value = 'x' WHERE id = 1", "DELETE FROM audit WHERE id = 1"):
        with pytest.raises(DBAPIError, match="append-only"), eng.begin() as conn:
            conn.execute(text(sql))
    eng.dispose()


def test_intact_trail_verifies(filled):
    store, sessions = filled
    res = store.verify_audit(sessions["data_manager"])
    assert res.ok, res.message
    assert res.rows > 10


def test_value_changed_in_the_database_is_detected(filled):
    store, sessions = filled
    eng = _raw(store)
    with eng.begin() as conn:
        conn.execute(text("UPDATE answers SET value_num = 99 WHERE item = 'eqvas'"))
    eng.dispose()
    res = store.verify_audit(sessions["data_manager"])
    assert not res.ok
    assert "SH-001/BL/eqvas" in res.message and "99.0" in res.message


def test_participant_changed_in_the_database_is_detected(filled):
    store, sessions = filled
    eng = _raw(store)
    with eng.begin() as conn:
        conn.execute(text("UPDATE participants SET birth_date = '1940-03-04'"))
    eng.dispose()
    res = store.verify_audit(sessions["data_manager"])
    assert not res.ok and "birth_date" in res.message


def test_row_inserted_behind_the_programs_back_is_detected(filled):
    store, sessions = filled
    eng = _raw(store)
    with eng.begin() as conn:
        vid = conn.execute(text("SELECT id FROM visits WHERE visit_code = 'W1'")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO answers (visit_id, item, value_num, entered_by, entered_at, "
                "row_version) VALUES (:v, 'eqvas', 50, 'asr', '2026-01-01T00:00:00.000000Z', 1)"
            ),
            {"v": vid},
        )
    eng.dispose()
    res = store.verify_audit(sessions["data_manager"])
    assert not res.ok and "not in the audit trail" in res.message


def test_audit_row_changed_in_the_database_is_detected(filled):
    store, sessions = filled
    eng = _raw(store)
    with eng.begin() as conn:
        _drop_triggers(conn, store.is_sqlite)
        rid = (
            conn.execute(
                text("SELECT id FROM audit WHERE entity_key = 'SH-001/BL/eqvas' ORDER BY id")
            )
            .scalars()
            .first()
        )
        conn.execute(text("UPDATE audit SET username = 'inv' WHERE id = :i"), {"i": rid})
    eng.dispose()
    res = store.verify_audit(sessions["data_manager"])
    assert not res.ok
    assert f"audit row {rid}" in res.message and "altered" in res.message


def test_audit_value_and_data_changed_together_is_detected(filled):
    """Changing the data *and* its audit row consistently still breaks the hash chain."""
    store, sessions = filled
    eng = _raw(store)
    with eng.begin() as conn:
        _drop_triggers(conn, store.is_sqlite)
        conn.execute(text("UPDATE answers SET value_num = 99 WHERE item = 'eqvas'"))
        conn.execute(
            text(
                "UPDATE audit SET new_value = '99.0' WHERE entity_key = 'SH-001/BL/eqvas' "
                "AND old_value = '70.0'"
            )
        )
    eng.dispose()
    res = store.verify_audit(sessions["data_manager"])
    assert not res.ok and "altered" in res.message


def test_deleted_audit_rows_are_detected(filled):
    store, sessions = filled
    eng = _raw(store)
    with eng.begin() as conn:
        _drop_triggers(conn, store.is_sqlite)
        last = conn.execute(text("SELECT max(id) FROM audit")).scalar_one()
        conn.execute(text("DELETE FROM audit WHERE id = :i"), {"i": last})  # the tail
    eng.dispose()
    res = store.verify_audit(sessions["data_manager"])
    assert not res.ok and "removed" in res.message
    eng = _raw(store)
    with eng.begin() as conn:
        conn.execute(text("DELETE FROM audit WHERE id = 3"))  # the middle
    eng.dispose()
    res = store.verify_audit(sessions["data_manager"])
    assert not res.ok and "row 3 is missing" in res.message


def _cli(target: str, user: str, password: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, OUTCOMEDESK_PASSWORD=password)
    return subprocess.run(
        [sys.executable, "main.py", "audit", "verify", "--db", target, "--user", user],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_audit_verify_command_exit_codes(filled, target):
    store, _ = filled
    ok = _cli(target, "dm", PASSWORDS["data_manager"])
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout
    refused = _cli(target, "dm", "wrong-password")
    assert refused.returncode == 4 and "refused" in refused.stderr
    assessor = _cli(target, "asr", PASSWORDS["assessor"])
    assert assessor.returncode == 4 and "may not" in assessor.stderr  # a refusal, like backup's
    eng = _raw(store)
    with eng.begin() as conn:
        conn.execute(text("UPDATE answers SET value_num = 1 WHERE item = 'sf36_01'"))
    eng.dispose()
    bad = _cli(target, "dm", PASSWORDS["data_manager"])
    assert bad.returncode == 1
    assert "SH-001/BL/sf36_01" in bad.stderr and "Traceback" not in bad.stderr
