"""A real SQLite study for the report tests and the benchmark, written through the store API.

Participants get all six visits of the model-trial protocol, answered with the store's
declaration-driven generator (store.demo_answers), saved with ``Store.save_answers`` (validated
and audited like an assessor's entry), the baseline visit signed by an investigator.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from scoring.registry import BY_KEY, INSTRUMENTS
from store.api import Store
from store.demo_answers import AnswerGenerator, Person

USERS = {
    "admin": ("administrator", "admin-pass-1"),
    "asr": ("assessor", "assessor-pass-1"),
    "inv": ("investigator", "investigator-pass-1"),
    "dm": ("data_manager", "datamgr-pass-1"),
}
SITE = ("SH", "Shanghai clinic 上海中心")
DAY1 = dt.date(2021, 3, 1)


def create_study(path: Path) -> Store:
    store = Store.open(path, create=True)
    store.create_first_admin("admin", USERS["admin"][1])
    admin = store.login("admin", USERS["admin"][1])
    for name, (role, password) in USERS.items():
        if name != "admin":
            store.create_user(admin, name, password, role)
    store.add_site(admin, *SITE)
    return store


def add_participants(store: Store, n: int, seed: int = 7, *, sign: bool = True) -> list[str]:
    """``n`` participants with every protocol visit complete and answered."""
    asr = store.login("asr", USERS["asr"][1])
    inv = store.login("inv", USERS["inv"][1]) if sign else None
    rng = np.random.default_rng(seed)
    protocol = store.study(asr).protocol
    codes = []
    generators: dict[tuple[str, ...], AnswerGenerator] = {}
    existing = len(store.participants(asr))
    for k in range(n):
        code = f"SH-{existing + k + 1:03d}"
        sex = "F" if k % 2 else "M"
        person = Person(sex, 68.0 + k % 10, 165.0 - 8 * (k % 2), 62.0 - 5 * (k % 2))
        store.add_participant(
            asr,
            code,
            SITE[0],
            sex,
            dt.date(1952 - k % 10, 5, 17),
            person.height_cm,
            person.weight_kg,
            DAY1 + dt.timedelta(days=k),
        )
        health = float(rng.normal())
        previous = None
        for vdef in protocol.visits:
            keys = tuple(k for k in vdef.instruments if k in BY_KEY) or tuple(
                i.key for i in INSTRUMENTS
            )
            gen = generators.get(keys)
            if gen is None:
                gen = generators[keys] = AnswerGenerator([BY_KEY[x] for x in keys])
            draw = gen.visit(person, health, rng, previous=previous)
            visit = store.visit(asr, code, vdef.code)
            target = visit.target_date
            version = store.set_visit_status(
                asr,
                code,
                vdef.code,
                "in_progress",
                actual_date=target,
                expected_version=visit.row_version,
            )
            version = store.save_answers(
                asr,
                code,
                vdef.code,
                draw.values,
                confirmations=draw.confirmations,
                expected_version=version,
            )
            store.set_visit_status(
                asr, code, vdef.code, "complete", actual_date=target, expected_version=version
            )
            previous = draw.values
            health += float(rng.normal(0.15, 0.3))
        if inv is not None:
            first = protocol.visits[0].code
            store.sign_visit(inv, code, first, USERS["inv"][1], "review and approval")
        codes.append(code)
    return codes
