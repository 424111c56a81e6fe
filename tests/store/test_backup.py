"""Backup and restore of a real study on both engines (issue 4 §3, §4 "backup/restore").

A restore must reproduce the data exactly — every row of every table, the audit trail included —
and ``audit verify`` must pass on the restored database. The commands check the role (data
manager or administrator) and audit what they did.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from cli.main import run as cli_run
from scoring.registry import BY_KEY
from store import backup as bk
from store.api import Store
from store.connection import open_postgres
from store.demo_answers import AnswerGenerator, Person, VisitRequest
from store.schema import metadata
from tests.store.conftest import PASSWORDS, USERNAMES

DAY1 = dt.date(2025, 3, 10)


def _engine(target: str) -> sa.Engine:
    if "://" in target:
        return open_postgres(target)
    return sa.create_engine(f"sqlite:///{target}")


def snapshot(target: str) -> dict[str, list[tuple]]:
    """Every row of every store table, in primary-key order, typed by the schema."""
    engine = _engine(target)
    try:
        with engine.connect() as conn:
            out = {}
            for t in metadata.sorted_tables:
                order = list(t.primary_key.columns)
                out[t.name] = [tuple(r) for r in conn.execute(sa.select(t).order_by(*order))]
            return out
    finally:
        engine.dispose()


def populate(store: Store, sessions: dict) -> None:
    """Two participants with a complete, signed baseline (every instrument) and a missed W1."""
    asr, inv = sessions["assessor"], sessions["investigator"]
    proto = store.study(asr).protocol
    bl = proto.visits[0]
    instruments = [BY_KEY[k] for k in bl.instruments if k in BY_KEY]
    gen = AnswerGenerator(instruments)
    rng = np.random.default_rng(11)
    for n, (sex, born) in enumerate([("F", "1950-03-04"), ("M", "1948-11-30")], start=1):
        code = f"SH-{n:03d}"
        person = Person(sex, 75, 158.5 if sex == "F" else 168.0, 56.5 if sex == "F" else 66.0)
        store.add_participant(
            asr,
            code,
            "SH",
            sex,
            born,
            person.height_cm,
            person.weight_kg,
            DAY1,
            enrolment_date=DAY1 - dt.timedelta(days=10),
        )
        req = VisitRequest(code, bl.code, 0, person, 0.0, tuple(i.key for i in instruments))
        draw = gen.generate([req], rng)[0]
        ver = store.visit(asr, code, bl.code).row_version
        ver = store.save_answers(
            asr,
            code,
            bl.code,
            draw.values,
            confirmations=draw.confirmations,
            expected_version=ver,
        )
        store.set_visit_status(
            asr,
            code,
            bl.code,
            "complete",
            actual_date=DAY1 - dt.timedelta(days=3),
            expected_version=ver,
        )
        store.sign_visit(inv, code, bl.code, PASSWORDS["investigator"], "reviewed and approved")
        w1 = store.visit(asr, code, "W1")
        store.set_visit_status(
            asr, code, "W1", "missed", reason="participant unwell", expected_version=w1.row_version
        )


def _verify(target: str) -> None:
    with Store.open(target, create=False) as s:
        session = s.login(USERNAMES["data_manager"], PASSWORDS["data_manager"])
        result = s.verify_audit(session)
    assert result.ok, result.message


def _change_everything(store: Store, sessions: dict) -> None:
    asr = sessions["assessor"]
    ver = store.visit(asr, "SH-001", "BL").row_version
    store.save_answers(
        asr, "SH-001", "BL", {"eqvas": 12}, reasons={"eqvas": "typo"}, expected_version=ver
    )
    p = store.participant(asr, "SH-002")
    store.update_participant(asr, "SH-002", {"weight_kg": 70.5}, "re-weighed", p.row_version)


def test_backup_then_restore_reproduces_every_row(store, sessions, target, tmp_path, request):
    populate(store, sessions)
    before = snapshot(target)
    assert before["answers"] and before["audit"] and before["confirmations"] is not None
    info = bk.backup(target, tmp_path / "study-backup.sqlite")
    assert info.tables["audit"] == len(before["audit"])
    _change_everything(store, sessions)
    assert snapshot(target) != before
    if "://" in target:
        # PostgreSQL: restore into a new, empty database; restoring over data is refused
        with pytest.raises(bk.BackupError, match="not empty"):
            bk.restore(info.path, target)
        restored = request.getfixturevalue("pg_cluster").new_database()
    else:
        store.close()
        restored = target
    bk.restore(info.path, restored)
    assert snapshot(restored) == before
    _verify(restored)


def new_study(target: str) -> tuple[Store, dict]:
    s = Store.open(target)
    s.create_first_admin(USERNAMES["administrator"], PASSWORDS["administrator"])
    admin = s.login(USERNAMES["administrator"], PASSWORDS["administrator"])
    for role, name in USERNAMES.items():
        if role != "administrator":
            s.create_user(admin, name, PASSWORDS[role], role)
    s.add_site(admin, "SH", "Shanghai")
    sessions = {r: s.login(n, PASSWORDS[r]) for r, n in USERNAMES.items()}
    return s, sessions


@pytest.mark.postgres
def test_postgres_backup_restores_into_an_sqlite_file(pg_cluster, tmp_path):
    """The backup file is one format for both engines: a PostgreSQL study opens as a file."""
    url = pg_cluster.new_database()
    s, sessions = new_study(url)
    with s:
        populate(s, sessions)
    before = snapshot(url)
    info = bk.backup(url, tmp_path / "pg.sqlite")
    local = tmp_path / "from-pg.db"
    bk.restore(info.path, local)
    assert snapshot(str(local)) == before
    _verify(str(local))


def test_commands_check_the_role_audit_and_verify(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "cmd-study.db")
    store, sessions = new_study(db)
    with store:
        populate(store, sessions)
    out = tmp_path / "cmd.sqlite"
    monkeypatch.setenv("OUTCOMEDESK_PASSWORD", PASSWORDS["assessor"])
    assert cli_run(["backup", "--db", db, "--user", USERNAMES["assessor"], "-o", str(out)]) == 4
    assert "may not back up" in capsys.readouterr().err
    assert not out.exists()
    monkeypatch.setenv("OUTCOMEDESK_PASSWORD", PASSWORDS["data_manager"])
    assert cli_run(["backup", "--db", db, "--user", USERNAMES["data_manager"], "-o", str(out)]) == 0
    saved = snapshot(str(out))
    assert saved["audit"][-1][3:6] == ("backup", "event", "backup")  # action, entity, key
    with Store.open(db, create=False) as s:
        _change_everything(s, {"assessor": s.login(USERNAMES["assessor"], PASSWORDS["assessor"])})
    code = cli_run(["restore", "--db", db, "--user", USERNAMES["data_manager"], "-i", str(out)])
    assert code == 0, capsys.readouterr()
    assert "audit verify: intact" in capsys.readouterr().out
    after = snapshot(db)
    # the backup's rows exactly, then the restore's own audit rows (login, restore event)
    for name, rows in saved.items():
        if name in ("audit", "audit_head", "users"):
            continue
        assert after[name] == rows, name
    n = len(saved["audit"])
    assert after["audit"][:n] == saved["audit"]
    assert [r[3] for r in after["audit"][n:]] == ["login", "restore"]
    assert list(Path(db + ".backups").glob("*-pre-restore.sqlite"))


def test_closing_an_sqlite_store_takes_a_rotating_backup(tmp_path):
    """Issue 4 §3: automatic rotating backups (online backup API) at close; keep N."""
    db = tmp_path / "rot.db"
    store, sessions = new_study(str(db))
    store.backup_keep = 3
    asr = sessions["assessor"]
    store.add_participant(asr, "SH-001", "SH", "F", "1950-03-04", 158.0, 56.0, DAY1)
    store.close()
    (first,) = [p for _, r, p in bk.list_backups(db) if r == "close"]
    assert snapshot(str(first)) == snapshot(str(db))
    for _ in range(4):
        s = Store.open(db, create=False)
        s.backup_keep = 3
        s.close()
    assert len(bk.list_backups(db)) == 3
    assert first not in [p for _, _, p in bk.list_backups(db)]
    with Store.open(db, create=False) as s:
        assert bk.automatic_backup(s, "daily") is None  # a copy exists for today already


def test_a_failed_automatic_backup_is_said_and_tried_again_at_the_next_start(
    tmp_path, caplog, monkeypatch
):
    """A backup that fails (here: the disk is full) is logged, kept in ``store.backup_problem``
    and in a note beside the database; the next start tries again at once although today's
    copy exists (and says so if it fails again), and a success clears both."""
    db = tmp_path / "fails.db"
    store, _ = new_study(str(db))
    store.close()  # today's backups exist now
    before = {p.name for _, _, p in bk.list_backups(db)}

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bk, "backup_sqlite", disk_full)
    s = Store.open(db, create=False)
    assert s.backup_problem is None  # today's daily copy exists: none was due at open
    asr = s.login(USERNAMES["assessor"], PASSWORDS["assessor"])
    s.add_participant(asr, "SH-001", "SH", "F", "1950-03-04", 158.0, 56.0, DAY1)
    with caplog.at_level("ERROR", logger="outcomedesk.backup"):
        s.close()
    assert "automatic backup of" in caplog.text and "No space left" in caplog.text
    assert s.backup_problem is not None and "No space left on device" in s.backup_problem
    note = bk.failure_note_for(db)
    assert note.read_text(encoding="utf-8").strip() == s.backup_problem

    with Store.open(db, create=False) as again:  # tried at open, not due by date: fails, said
        assert again.backup_problem is not None and note.exists()
    monkeypatch.undo()
    with Store.open(db, create=False) as fixed:  # tried again at open, and made
        assert fixed.backup_problem is None and not note.exists()
        newest = bk.list_backups(db)[-1][2]
        assert newest.name not in before
        assert snapshot(str(newest))["participants"] == snapshot(str(db))["participants"]
        assert len(snapshot(str(newest))["participants"]) == 1  # the one added meanwhile


@pytest.mark.postgres
def test_restore_command_fills_a_new_empty_postgres_database(pg_cluster, tmp_path, monkeypatch):
    """The user is checked against the backup (the new database has no users yet)."""
    db = str(tmp_path / "to-pg.db")
    store, sessions = new_study(db)
    with store:
        populate(store, sessions)
    saved = bk.backup(db, tmp_path / "for-pg.sqlite")
    url = pg_cluster.new_database()
    monkeypatch.setenv("OUTCOMEDESK_PASSWORD", PASSWORDS["data_manager"])
    args = ["restore", "--db", url, "--user", USERNAMES["data_manager"], "-i", str(saved.path)]
    assert cli_run(args) == 0
    after = snapshot(url)
    n = len(snapshot(str(saved.path))["audit"])
    assert after["answers"] == snapshot(str(saved.path))["answers"]
    assert [r[3] for r in after["audit"][n:]] == ["login", "restore"]
    _verify(url)
