"""Alembic migrations: a new database equals store/schema.py; an older file is upgraded in place.

The "older file" is a real study database taken back to revision 0001 (the first released
schema) with data in it; opening it with the current program must upgrade it to the head
revision, keep every value, and leave an audit trail that still verifies.
"""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from store.api import Store
from store.migrations import current_revision, downgrade, head_revision
from store.schema import metadata
from tests.store.conftest import PASSWORDS, USERNAMES


def _engine(store_or_target):
    target = store_or_target.target if isinstance(store_or_target, Store) else store_or_target
    if "://" in target:
        return create_engine(target.replace("postgresql://", "postgresql+psycopg://"))
    return create_engine(f"sqlite:///{target}")


def _diff(engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(ctx, metadata)
    return [
        d
        for d in diffs
        if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")
    ]


def test_new_database_matches_schema_py(store):
    eng = _engine(store)
    assert _diff(eng) == []
    with eng.connect() as conn:
        assert current_revision(conn) == head_revision() == "0002"
    eng.dispose()


def test_older_database_is_upgraded_and_keeps_its_data(target):
    store = Store.open(target)
    store.create_first_admin(USERNAMES["administrator"], PASSWORDS["administrator"])
    admin = store.login(USERNAMES["administrator"], PASSWORDS["administrator"])
    store.add_site(admin, "SH", "Shanghai")
    store.create_user(admin, "dm", PASSWORDS["data_manager"], "data_manager")
    dm = store.login("dm", PASSWORDS["data_manager"])
    store.add_participant(dm, "SH-001", "SH", "M", "1949-12-31", 171.5, 68.25, dt.date(2026, 2, 1))
    v = store.visit(dm, "SH-001", "BL")
    store.save_answers(
        dm, "SH-001", "BL", {"sf36_01": 2, "psqi_bedtime": "22:45"}, expected_version=v.row_version
    )
    before = store.answers_frame(dm)
    store.close()

    eng = _engine(target)
    downgrade(eng, "0001")  # the file as the first release left it
    with eng.connect() as conn:
        assert current_revision(conn) == "0001"
        cols = {c["name"] for c in inspect(conn).get_columns("users")}
        assert "full_name" not in cols
    eng.dispose()

    store = Store.open(target)  # the current program opens the old file
    eng = _engine(target)
    with eng.connect() as conn:
        assert current_revision(conn) == head_revision()
    assert _diff(eng) == []
    eng.dispose()
    dm = store.login("dm", PASSWORDS["data_manager"])
    after = store.answers_frame(dm)
    assert after.equals(before)
    p = store.participant(dm, "SH-001")
    assert (p.height_cm, p.weight_kg, p.birth_date) == (171.5, 68.25, dt.date(1949, 12, 31))
    assert store.verify_audit(dm).ok
    admin = store.login(USERNAMES["administrator"], PASSWORDS["administrator"])
    store.update_user(admin, "dm", full_name="Dana Manager")  # the new column works
    assert [u.full_name for u in store.users(admin) if u.username == "dm"] == ["Dana Manager"]
    assert store.verify_audit(dm).ok
    store.close()


def test_migrations_create_the_append_only_triggers(store):
    eng = _engine(store)
    with eng.connect() as conn:
        if store.is_sqlite:
            names = {
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                )
            }
            assert {"audit_no_update", "audit_no_delete"} <= names
        else:
            names = {
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit'::regclass"
                )
            }
            assert {"audit_no_update", "audit_no_truncate"} <= names
    eng.dispose()
