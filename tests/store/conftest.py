"""Store test fixtures: every store test runs on a real SQLite file and a real PostgreSQL server.

The PostgreSQL server is a throw-away cluster (Debian's ``postgresql`` package, installed by
scripts/sysdeps.sh test) created with initdb in a temporary folder, listening on a free loopback
port and a private socket folder, started once per test session and stopped at its end. As root
(CI) the cluster runs as the ``postgres`` system user, since PostgreSQL refuses to run as root.

Fixtures for other store tests:
- ``engine_name``: "sqlite" | "postgresql" (parametrised);
- ``target``: a fresh SQLite path or a fresh PostgreSQL database URL;
- ``store``: an open ``Store`` on ``target`` with an administrator;
- ``sessions``: {role: Session} for one user per role (see ``PASSWORDS``).
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

PASSWORDS = {
    "administrator": "admin-pass-1",
    "assessor": "assessor-pass-1",
    "investigator": "investigator-pass-1",
    "data_manager": "datamgr-pass-1",
    "statistician": "statistician-pass-1",
}
USERNAMES = {
    "administrator": "admin",
    "assessor": "asr",
    "investigator": "inv",
    "data_manager": "dm",
    "statistician": "stat",
}


def _pg_bindir() -> Path:
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for c in reversed(candidates):
        if (c / "initdb").exists() and (c / "pg_ctl").exists():
            return c
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError(
        "PostgreSQL server binaries not found: the store tests need Debian's 'postgresql' "
        "package (bash scripts/sysdeps.sh test installs it as root)"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    """A private PostgreSQL cluster for the test session."""

    def __init__(self) -> None:
        self.bindir = _pg_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="outcomedesk-pg-"))
        self.data = self.root / "data"
        self.sock = self.root / "sock"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.counter = itertools.count(1)

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        self.sock.mkdir()
        if self.as_root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            os.chown(self.sock, pw.pw_uid, pw.pw_gid)
        proc = self._run(
            self.bindir / "initdb",
            "-D",
            self.data,
            "-A",
            "trust",
            "-U",
            "outcomedesk",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        if proc.returncode != 0:
            raise RuntimeError(f"initdb failed: {proc.stderr.strip() or proc.stdout.strip()}")
        opts = (
            f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        proc = self._run(
            self.bindir / "pg_ctl",
            "-D",
            self.data,
            "-o",
            opts,
            "-l",
            self.root / "log",
            "-w",
            "-t",
            "60",
            "start",
        )
        if proc.returncode != 0:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {proc.stderr.strip()} {log[-2000:]}")

    def stop(self) -> None:
        if self.data.exists():
            self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://outcomedesk@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(self.counter)}"
        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="outcomedesk",
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine_name(request) -> str:
    return request.param


@pytest.fixture
def target(engine_name, tmp_path, request) -> str:
    if engine_name == "sqlite":
        return str(tmp_path / "study.db")
    return request.getfixturevalue("pg_cluster").new_database()


@pytest.fixture
def store(target):
    from store.api import Store

    s = Store.open(target)
    s.create_first_admin(USERNAMES["administrator"], PASSWORDS["administrator"], "Ada Admin")
    yield s
    s.close()


@pytest.fixture
def sessions(store):
    """One logged-in session per role; a site SH exists."""
    admin = store.login(USERNAMES["administrator"], PASSWORDS["administrator"])
    out = {"administrator": admin}
    for role, name in USERNAMES.items():
        if role == "administrator":
            continue
        store.create_user(admin, name, PASSWORDS[role], role, full_name=f"{role} user")
        out[role] = store.login(name, PASSWORDS[role])
    store.add_site(admin, "SH", "Shanghai")
    return out
