"""Shared fixtures for the command tests: the demo study (created once, as ``main.py demo`` does)
and helpers to run a command as a user would and to check that nothing in the study changed."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# docs: README "Demo study and demo accounts" (public demo passwords)
PASSWORDS = {
    "admin": "demo-admin-1",
    "assessor": "demo-assessor-1",
    "investigator": "demo-investigator-1",
    "datamanager": "demo-datamanager-1",
    "statistician": "demo-statistician-1",
}
# the study's content; the audit trail grows with every login and is left out on purpose
DATA_TABLES = ("study", "sites", "users", "participants", "visits", "answers", "confirmations")


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def assert_one_clear_line(res: Result, code: int, *words: str) -> str:
    """Exit ``code``, exactly one non-empty stderr line, no traceback, naming every word."""
    assert res.code == code, (res.code, res.out, res.err)
    assert "Traceback" not in res.err, res.err
    assert len(res.err_lines) == 1, res.err
    line = res.err_lines[0]
    for w in words:
        assert w.lower() in line.lower(), (w, line)
    return line


def run_cli(*args: object, user: str | None = None, password: str | None = None) -> Result:
    """``main.py`` in-process through ``cli.main.run`` (stdout/stderr captured)."""
    import contextlib
    import io

    from cli.main import run

    env_pw = password if password is not None else PASSWORDS.get(user or "")
    old = os.environ.get("OUTCOMEDESK_PASSWORD")
    if env_pw is not None:
        os.environ["OUTCOMEDESK_PASSWORD"] = env_pw
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = run([str(a) for a in args])
            except SystemExit as exc:  # argparse refusing an option
                code = int(exc.code or 0)
    finally:
        if old is None:
            os.environ.pop("OUTCOMEDESK_PASSWORD", None)
        else:
            os.environ["OUTCOMEDESK_PASSWORD"] = old
    return Result(code, out.getvalue(), err.getvalue())


def unprivileged_prefix() -> list[str]:
    """A command prefix under which file permissions apply also to root (the test machine runs
    as root, which reads a chmod-000 file): root without the capabilities that bypass them."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "running as root: setpriv (util-linux) is needed to test permissions"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def run_subprocess(
    *args: object, user: str | None = None, unprivileged: bool = False, cwd: Path | None = None
) -> Result:
    """``python main.py ARGS`` as a separate process, as typed in a terminal."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if user is not None:
        env["OUTCOMEDESK_PASSWORD"] = PASSWORDS[user]
    prefix = unprivileged_prefix() if unprivileged else []
    proc = subprocess.run(
        [*prefix, sys.executable, str(ROOT / "main.py"), *map(str, args)],
        cwd=cwd or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def study_content(db: Path) -> dict[str, list[tuple]]:
    """Every row of the study's data tables, read without writing to the file."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in DATA_TABLES
        }
    finally:
        conn.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo study, created once through the store API as ``main.py demo`` does."""
    from store.demo import DEMO_SEED, create_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    create_demo(str(path), DEMO_SEED)
    return path


@pytest.fixture()
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "study" / "demo.db"
    dst.parent.mkdir()
    shutil.copy(demo_template, dst)
    return dst


def pg_tables(url: str) -> set[str]:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    return {r[0] for r in rows}


def pg_execute(url: str, sql: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    with psycopg.connect(
        host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True
    ) as conn:
        conn.execute(sql)
