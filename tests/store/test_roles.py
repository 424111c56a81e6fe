"""The role matrix (docs/roles.md = store/roles.py), one test per cell, on both engines.

For every (action, role): an allowed role performs the action through the real API and it takes
effect; a refused role gets PermissionDenied and nothing changes (the audit head stays put).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from store import roles
from store import schema as S
from store.api import Session, Store
from store.errors import PermissionDenied
from tests.store.conftest import PASSWORDS, USERNAMES

ROOT = Path(__file__).resolve().parents[2]
_counter = itertools.count(1)


def test_docs_table_equals_the_code():
    text = (ROOT / "docs" / "roles.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- matrix:.*?-->\n(.*?)\n<!-- end matrix -->", text, re.S)
    assert table, "docs/roles.md lost its matrix markers"
    assert table.group(1).strip() == roles.matrix_markdown().strip()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def world(request, tmp_path_factory):
    """One store per engine for the whole matrix, with a user per role."""
    if request.param == "sqlite":
        target = str(tmp_path_factory.mktemp("roles") / "study.db")
    else:
        target = request.getfixturevalue("pg_cluster").new_database()
    store = Store.open(target)
    store.create_first_admin(USERNAMES["administrator"], PASSWORDS["administrator"])
    admin = store.login(USERNAMES["administrator"], PASSWORDS["administrator"])
    sessions = {"administrator": admin}
    for role, name in USERNAMES.items():
        if role != "administrator":
            store.create_user(admin, name, PASSWORDS[role], role)
            sessions[role] = store.login(name, PASSWORDS[role])
    store.add_site(admin, "SH", "Shanghai")
    yield store, sessions
    store.close()


def _new_participant(store: Store, sessions) -> str:
    code = f"R-{next(_counter):04d}"
    store.add_participant(
        sessions["data_manager"], code, "SH", "M", "1952-05-06", 170, 70, dt.date(2026, 1, 5)
    )
    return code


def _complete(store: Store, sessions, code: str) -> None:
    dm = sessions["data_manager"]
    v = store.visit(dm, code, "BL")
    ver = store.save_answers(dm, code, "BL", {"eqvas": 80}, expected_version=v.row_version)
    store.set_visit_status(
        dm, code, "BL", "complete", actual_date="2026-01-05", expected_version=ver
    )


def _do(action: str, role: str, store: Store, sessions) -> None:
    """Perform ``action`` as ``role`` through the API (preconditions by an allowed role)."""
    s: Session = sessions[role]
    n = next(_counter)
    if action == "read":
        code = _new_participant(store, sessions)
        store.participants(s)
        store.visits(s, code)
        store.answers(s, code, "BL")
        store.answers_frame(s)
        store.study(s)
    elif action == "read_audit":
        store.audit_trail(s)
    elif action == "verify_audit":
        assert store.verify_audit(s).ok
    elif action == "record_event":
        store.record_event(s, "export", f"test export {n}")
    elif action == "add_participant":
        store.add_participant(s, f"A-{n:04d}", "SH", "F", "1950-01-01", 160, 60, "2026-01-01")
    elif action == "update_participant":
        code = _new_participant(store, sessions)
        p = store.participant(s, code)
        store.update_participant(s, code, {"weight_kg": 71}, "re-weighed", p.row_version)
    elif action == "save_answers":
        code = _new_participant(store, sessions)
        v = store.visit(s, code, "BL")
        store.save_answers(s, code, "BL", {"eqvas": 55}, expected_version=v.row_version)
    elif action == "set_visit_status":
        code = _new_participant(store, sessions)
        v = store.visit(s, code, "W1")
        store.set_visit_status(
            s, code, "W1", "missed", reason="ill", expected_version=v.row_version
        )
    elif action == "drafts":
        store.save_draft(s, "X", "BL", {"eqvas": "5"})
        store.load_draft(s, "X", "BL")
        store.discard_draft(s, "X", "BL")
    elif action == "sign_visit":
        code = _new_participant(store, sessions)
        _complete(store, sessions, code)
        store.sign_visit(s, code, "BL", PASSWORDS[role], "reviewed and approved")
    elif action == "lock_visit":
        code = _new_participant(store, sessions)
        store.lock_visit(s, code, "BL", "clean")
        store.unlock_visit(s, code, "BL", "query")
    elif action == "manage_sites":
        store.add_site(s, f"S{n}", f"Site {n}")
    elif action == "manage_protocol":
        store.set_visit_window(s, "M6", 14 + n % 3, 14, "protocol amendment")
    elif action == "manage_users":
        store.create_user(s, f"user{n}", "a-long-password", "assessor")
        store.users(s)
    elif action == "backup":
        store.require(s, "backup")
    else:  # pragma: no cover - a new action without a test is a failure
        raise AssertionError(f"no test for action {action}")


def _head(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(S.audit_head.c.last_id)).scalar_one()


CELLS = [(a, r) for a in roles.MATRIX for r in roles.ROLES]


@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a}-{r}" for a, r in CELLS])
def test_cell(world, action, role):
    store, sessions = world
    allowed = roles.allowed(role, action)
    if allowed:
        _do(action, role, store, sessions)
        return
    before = None
    # preconditions are made by allowed roles inside _do; measure the head just before the call
    with pytest.raises(PermissionDenied, match=role):
        original = store._check

        def spy(session, act, _orig=original):
            nonlocal before
            if session.role == role and act == action and before is None:
                before = _head(store)
            return _orig(session, act)

        store._check = spy  # type: ignore[method-assign]
        try:
            _do(action, role, store, sessions)
        finally:
            del store._check
    assert before is not None, "the refused action never reached its role check"
    assert _head(store) == before, "a refused action wrote to the audit trail"


def test_forged_session_is_refused(world):
    store, sessions = world
    real = sessions["assessor"]
    forged = Session(real.user_id, real.username, "administrator", token=real.token)
    with pytest.raises(PermissionDenied, match="not logged in"):
        store.create_user(forged, "intruder", "a-long-password", "administrator")
    made_up = Session(999, "ghost", "administrator", token="0" * 32)
    with pytest.raises(PermissionDenied):
        store.participants(made_up)
