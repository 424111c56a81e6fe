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
from store.demo_answers import AnswerGenerator, Person, VisitDraw, VisitRequest

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


def draw_visits(
    protocol, people: list[tuple[str, Person]], seed: int = 7
) -> dict[tuple[str, str], VisitDraw]:
    """Every protocol visit of every person, drawn by the store's generator in one batch."""
    rng = np.random.default_rng(seed)
    keys = {k for v in protocol.visits for k in v.instruments if k in BY_KEY}
    gen = AnswerGenerator([i for i in INSTRUMENTS if i.key in keys])
    requests = []
    for code, person in people:
        health = float(rng.normal())
        for order, vdef in enumerate(protocol.visits):
            wanted = tuple(k for k in vdef.instruments if k in BY_KEY)
            requests.append(VisitRequest(code, vdef.code, order, person, health, wanted))
            health += float(rng.normal(0.15, 0.3))
    draws = gen.generate(requests, rng)
    return {(r.participant, r.visit): d for r, d in zip(requests, draws, strict=True)}


def person_of(k: int) -> Person:
    sex = "F" if k % 2 else "M"
    return Person(sex, 68.0 + k % 10, 165.0 - 8 * (k % 2), 62.0 - 5 * (k % 2))


def add_participants(store: Store, n: int, seed: int = 7, *, sign: bool = True) -> list[str]:
    """``n`` participants with every protocol visit complete and answered."""
    asr = store.login("asr", USERS["asr"][1])
    inv = store.login("inv", USERS["inv"][1]) if sign else None
    protocol = store.study(asr).protocol
    existing = len(store.participants(asr))
    people = [(f"SH-{existing + k + 1:03d}", person_of(k)) for k in range(n)]
    draws = draw_visits(protocol, people, seed)
    for k, (code, person) in enumerate(people):
        store.add_participant(
            asr,
            code,
            SITE[0],
            person.sex,
            dt.date(1952 - k % 10, 5, 17),
            person.height_cm,
            person.weight_kg,
            DAY1 + dt.timedelta(days=k),
        )
        for vdef in protocol.visits:
            draw = draws[(code, vdef.code)]
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
        if inv is not None:
            first = protocol.visits[0].code
            store.sign_visit(inv, code, first, USERS["inv"][1], "review and approval")
    return [code for code, _ in people]
