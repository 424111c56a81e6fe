"""Users: first administrator, Argon2id hashes, lockout, e-signature re-authentication, drafts.

Argon2id: RFC 9106; hashes are PHC strings starting "$argon2id$". Lockout: 21 CFR 11.300(d).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from store import schema as S
from store import users as U
from store.errors import AccountLocked, AuthFailed, PermissionDenied, ValidationFailed
from tests.store.conftest import PASSWORDS


def test_first_start_creates_the_administrator_once(target):
    from store.api import Store

    st = Store.open(target)
    try:
        assert st.needs_admin()
        with pytest.raises(ValidationFailed, match="at least"):
            st.create_first_admin("admin", "short")
        st.create_first_admin("admin", PASSWORDS["administrator"], "Ada Admin")
        assert not st.needs_admin()
        with pytest.raises(PermissionDenied, match="already exists"):
            st.create_first_admin("admin2", "another-password")
        s = st.login("admin", PASSWORDS["administrator"])
        assert s.role == "administrator" and s.full_name == "Ada Admin"
        with st.engine.connect() as conn:
            h = conn.execute(select(S.users.c.password_hash)).scalar_one()
        assert h.startswith("$argon2id$") and PASSWORDS["administrator"] not in h
    finally:
        st.close()


def test_lockout_after_repeated_failures(store, sessions):
    for _ in range(U.MAX_FAILURES - 1):
        with pytest.raises(AuthFailed):
            store.login("asr", "wrong-password")
    with pytest.raises(AccountLocked, match="locked"):
        store.login("asr", "wrong-password")
    with pytest.raises(AccountLocked):  # even the right password, while locked
        store.login("asr", PASSWORDS["assessor"])
    admin = sessions["administrator"]
    assert [u.locked for u in store.users(admin) if u.username == "asr"] == [True]
    store.unlock_user(admin, "asr")
    assert store.login("asr", PASSWORDS["assessor"]).role == "assessor"
    actions = [r.action for r in store.audit_trail(admin) if r.entity_key == "asr"]
    assert actions.count("login_failed") == U.MAX_FAILURES
    assert "account_locked" in actions and "login_refused" in actions
    assert "unlock_user" in actions


def test_lock_expires(store, sessions):
    for _ in range(U.MAX_FAILURES):
        with pytest.raises((AuthFailed, AccountLocked)):
            store.login("stat", "wrong-password")
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with store.engine.begin() as conn:  # the lock period has passed
        conn.execute(update(S.users).where(S.users.c.username == "stat").values(locked_until=past))
    assert store.login("stat", PASSWORDS["statistician"]).role == "statistician"


def test_success_resets_the_failure_count(store, sessions):
    for _ in range(U.MAX_FAILURES - 1):
        with pytest.raises(AuthFailed):
            store.login("dm", "wrong-password")
    store.login("dm", PASSWORDS["data_manager"])
    for _ in range(U.MAX_FAILURES - 1):
        with pytest.raises(AuthFailed):
            store.login("dm", "wrong-password")
    store.login("dm", PASSWORDS["data_manager"])


def test_signature_needs_the_signers_password(store, sessions):
    s, inv = sessions["assessor"], sessions["investigator"]
    store.add_participant(s, "SH-001", "SH", "F", "1950-03-04", 160, 55.5, dt.date(2026, 1, 10))
    v = store.visit(s, "SH-001", "BL")
    ver = store.save_answers(s, "SH-001", "BL", {"eqvas": 70}, expected_version=v.row_version)
    with pytest.raises(ValidationFailed, match="only a complete visit"):
        store.sign_visit(inv, "SH-001", "BL", PASSWORDS["investigator"], "reviewed")
    store.set_visit_status(
        s, "SH-001", "BL", "complete", actual_date=dt.date(2026, 1, 9), expected_version=ver
    )
    with pytest.raises(AuthFailed, match="not signed"):
        store.sign_visit(inv, "SH-001", "BL", "wrong-password", "reviewed")
    with pytest.raises(ValidationFailed, match="meaning"):
        store.sign_visit(inv, "SH-001", "BL", PASSWORDS["investigator"], " ")
    assert store.visit(s, "SH-001", "BL").signed_by is None
    store.sign_visit(inv, "SH-001", "BL", PASSWORDS["investigator"], "reviewed and approved")
    v = store.visit(s, "SH-001", "BL")
    assert (v.signed_by, v.signature_meaning) == ("inv", "reviewed and approved")
    assert v.signed_at is not None and v.signed_at.tzinfo is not None
    actions = [r.action for r in store.audit_trail(inv, "SH-001", "BL")]
    assert "sign" in actions


def test_role_change_and_disable_end_sessions(store, sessions):
    admin = sessions["administrator"]
    asr = sessions["assessor"]
    store.update_user(admin, "asr", role="statistician", reason="changed job")
    with pytest.raises(PermissionDenied):
        store.participants(asr)  # the old session is gone
    s = store.login("asr", PASSWORDS["assessor"])
    assert s.role == "statistician"
    store.update_user(admin, "asr", active=False)
    with pytest.raises(AuthFailed):
        store.login("asr", PASSWORDS["assessor"])
    with pytest.raises(PermissionDenied, match="themselves"):
        store.update_user(admin, "admin", active=False)
    rows = [r for r in store.audit_trail(admin) if r.entity == "user" and r.entity_key == "asr"]
    assert ("role", "assessor", "statistician") in [
        (r.field, r.old_value, r.new_value) for r in rows
    ]
    assert store.verify_audit(admin).ok


def test_drafts_are_per_user_and_replaced(store, sessions):
    s, inv = sessions["assessor"], sessions["investigator"]
    store.save_draft(s, "SH-001", "BL", {"eqvas": "7"})
    store.save_draft(s, "SH-001", "BL", {"eqvas": "70", "psqi_bedtime": "23:"})
    assert store.load_draft(s, "SH-001", "BL") == {"eqvas": "70", "psqi_bedtime": "23:"}
    assert store.load_draft(inv, "SH-001", "BL") is None
    assert [d[:2] for d in store.drafts(s)] == [("SH-001", "BL")]
    store.discard_draft(s, "SH-001", "BL")
    assert store.load_draft(s, "SH-001", "BL") is None
