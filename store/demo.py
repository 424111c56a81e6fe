"""The demo study: the model trial's schedule with 30 synthetic participants (issue 4 §3).

``python main.py demo --db PATH`` (and ``make run`` when no database is given) builds it through
the store API, so every value is validated and audited exactly like an assessor's entry and
``audit verify`` passes on the result. Deterministic: the same seed gives the same database
content (apart from timestamps of the audit trail).

The flow follows the model trial (NCT04314011): 30 participants aged 60–80 with a Fried score of
1–4 at baseline, all assessed at baseline, week 1 and month 1; 24 assessed at month 2, 25 at
month 3 and 27 at month 6 (14 of 180 visits missed), one participant withdrawn after month 1.
Answers come from ``store.demo_answers`` (declaration-driven, plausible, correlated).

The demo accounts and their passwords are printed by the command and listed in the README: they
are for trying the program only and must never hold real data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from store.protocol import Protocol, load_protocol
from store.signatures import REVIEW_AND_APPROVAL

if TYPE_CHECKING:  # the generator (pandas, scoring) is imported only to draw answers
    from store.demo_answers import VisitDraw

DEMO_SEED = 20200313  # NCT04314011 was registered in March 2020

# (username, role, password, full name). Demo only: printed and documented, never for real data.
DEMO_USERS: tuple[tuple[str, str, str, str], ...] = (
    ("admin", "administrator", "demo-admin-1", "Demo Administrator"),
    ("assessor", "assessor", "demo-assessor-1", "Demo Assessor"),
    ("investigator", "investigator", "demo-investigator-1", "Demo Investigator"),
    ("datamanager", "data_manager", "demo-datamanager-1", "Demo Data Manager"),
    ("statistician", "statistician", "demo-statistician-1", "Demo Statistician"),
)
DEMO_SITES: tuple[tuple[str, str], ...] = (
    ("SH", "Shanghai demo clinic 上海演示中心"),
    ("BJ", "Beijing demo clinic 北京演示中心"),
)
N_PARTICIPANTS = 30
# Participants assessed per visit code in the model trial; visits not listed: everyone.
ASSESSED: dict[str, int] = {"M2": 24, "M3": 25, "M6": 27}
WITHDRAWN_AFTER = "M1"  # the one withdrawal: last attended visit
MISSED_REASONS: tuple[str, ...] = (
    "participant unwell (intercurrent illness), could not attend",
    "travel restrictions (COVID-19), visit not possible",
    "participant out of town for family reasons",
    "could not be reached by telephone",
    "hospitalised for an unrelated condition",
)
WITHDRAWAL_REASON = "withdrew consent (personal reasons)"
OUT_OF_WINDOW_REASON = "participant travelling; visit rescheduled after the window"
FIRST_DAY1 = dt.date(2020, 6, 1)


@dataclass(frozen=True, slots=True)
class DemoVisit:
    code: str
    status: str  # 'complete' or 'missed'
    actual_date: dt.date | None
    reason: str | None = None  # missed reason
    out_of_window_reason: str | None = None
    health: float = 0.0  # latent health at this visit (higher = healthier)


@dataclass(frozen=True, slots=True)
class DemoParticipant:
    code: str
    site: str
    screening_no: str
    randomization_no: str
    sex: str
    birth_date: dt.date
    height_cm: float
    weight_kg: float
    enrolment_date: dt.date
    day1_date: dt.date
    visits: tuple[DemoVisit, ...]
    status: str  # 'completed' or 'withdrawn'
    status_date: dt.date
    status_reason: str | None = None

    @property
    def age(self) -> float:
        return (self.enrolment_date - self.birth_date).days / 365.25


@dataclass(frozen=True, slots=True)
class DemoPlan:
    seed: int
    protocol: Protocol
    participants: tuple[DemoParticipant, ...]

    def assessed(self, visit: str) -> int:
        return sum(
            1
            for p in self.participants
            for v in p.visits
            if v.code == visit and v.status == "complete"
        )

    def missed_total(self) -> int:
        return sum(1 for p in self.participants for v in p.visits if v.status == "missed")


def _birth_date(rng: np.random.Generator, enrolment: dt.date) -> dt.date:
    """Age 60.0–80.9 years at enrolment (the trial's 60–80 eligibility)."""
    age_days = int(rng.integers(60 * 366 + 1, 81 * 365 - 2))
    return enrolment - dt.timedelta(days=age_days)


def _missing_plan(
    protocol: Protocol, codes: list[str], rng: np.random.Generator
) -> tuple[str, dict[tuple[str, str], str]]:
    """The withdrawn participant and {(participant, visit): missed reason} matching ASSESSED."""
    order = protocol.visit_codes
    withdrawn = codes[int(rng.integers(0, len(codes)))]
    after = order.index(WITHDRAWN_AFTER) if WITHDRAWN_AFTER in order else len(order) - 1
    missed: dict[tuple[str, str], str] = {}
    for v in order[after + 1 :]:
        missed[(withdrawn, v)] = f"participant withdrawn ({WITHDRAWAL_REASON})"
    others = [c for c in codes if c != withdrawn]
    for v, n_assessed in ASSESSED.items():
        if v not in order:
            continue
        need = len(codes) - n_assessed - sum(1 for (c, vv) in missed if vv == v)
        chosen = rng.choice(len(others), size=max(0, need), replace=False)
        for k in sorted(chosen):
            missed[(others[int(k)], v)] = MISSED_REASONS[int(rng.integers(0, len(MISSED_REASONS)))]
    return withdrawn, missed


def plan_demo(seed: int = DEMO_SEED, protocol: Protocol | None = None) -> DemoPlan:
    """Who, when and what happens at each visit (pure: no database)."""
    protocol = protocol or load_protocol()
    rng = np.random.default_rng(seed)
    per_site = -(-N_PARTICIPANTS // len(DEMO_SITES))
    codes = [f"{site}-{k:03d}" for site, _ in DEMO_SITES for k in range(1, per_site + 1)][
        :N_PARTICIPANTS
    ]
    withdrawn, missed = _missing_plan(protocol, codes, rng)
    out_of_window = (codes[int(rng.integers(0, len(codes)))], protocol.visits[-1].code)
    people = []
    for n, code in enumerate(codes):
        site = code.split("-")[0]
        sex = "F" if rng.random() < 0.55 else "M"
        height = float(np.round(rng.normal(155.0 if sex == "F" else 166.0, 5.5), 1))
        bmi = float(np.clip(rng.normal(23.2, 2.8), 17.5, 31.0))
        weight = float(np.round(bmi * (height / 100) ** 2, 1))
        day1 = FIRST_DAY1 + dt.timedelta(days=int(n * 9 + rng.integers(0, 7)))
        health0 = float(np.clip(rng.normal(-0.3, 0.8), -2.0, 1.5))  # pre-frail/frail
        trend = float(rng.normal(0.25, 0.2))  # mild improvement to month 3, partly lost by M6
        visits = []
        enrol = None
        for k, vd in enumerate(protocol.visits):
            hi = vd.window(day1)[1]
            if vd.offset_days == 0 and vd.window_before > 0:  # baseline: before the 1st infusion
                actual = day1 - dt.timedelta(days=int(rng.integers(1, min(vd.window_before, 14))))
            else:
                jitter = int(rng.integers(-vd.window_before, vd.window_after + 1))
                actual = vd.target(day1) + dt.timedelta(days=jitter)
            oow = None
            if (code, vd.code) == out_of_window:
                actual = hi + dt.timedelta(days=int(rng.integers(3, 8)))
                oow = OUT_OF_WINDOW_REASON
            months = vd.offset_days / 30.0
            gain = trend * min(months, 3.0) / 3.0 - trend * 0.4 * max(0.0, months - 3.0) / 3.0
            health = health0 + gain + float(rng.normal(0, 0.15))
            if k == 0:
                enrol = actual - dt.timedelta(days=int(rng.integers(0, 4)))
                health = health0
            reason = missed.get((code, vd.code))
            if reason is not None:
                visits.append(DemoVisit(vd.code, "missed", None, reason, None, health))
            else:
                visits.append(DemoVisit(vd.code, "complete", actual, None, oow, health))
        assert enrol is not None
        attended = [v.actual_date for v in visits if v.actual_date is not None]
        if code == withdrawn:
            status, status_reason = "withdrawn", WITHDRAWAL_REASON
            status_date = max(attended) + dt.timedelta(days=int(rng.integers(5, 20)))
        else:
            status, status_reason = "completed", None
            status_date = max(attended)
        people.append(
            DemoParticipant(
                code=code,
                site=site,
                screening_no=f"S{n + 1:03d}",
                randomization_no=f"R{n + 1:03d}",
                sex=sex,
                birth_date=_birth_date(rng, enrol),
                height_cm=height,
                weight_kg=weight,
                enrolment_date=enrol,
                day1_date=day1,
                visits=tuple(visits),
                status=status,
                status_date=status_date,
                status_reason=status_reason,
            )
        )
    return DemoPlan(seed, protocol, tuple(people))


ProgressFn = Callable[[str], None]


@dataclass
class DemoSummary:
    path: str
    participants: int = 0
    visits_complete: int = 0
    visits_missed: int = 0
    values_saved: int = 0
    confirmations: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)


def _fried_1_to_4(scores) -> bool:
    """Baseline acceptance: the model trial enrolled Fried scores 1–4 (NCT04314011)."""
    value = scores.get("fried_score")
    return value is not None and value == value and 1 <= float(value) <= 4


def generate_answers(plan: DemoPlan) -> dict[tuple[str, str], VisitDraw]:
    """Every complete visit's answers, drawn together and validated by the scoring engine."""
    from scoring.registry import BY_KEY
    from store.demo_answers import AnswerGenerator, Person, VisitRequest

    keys = [k for v in plan.protocol.visits for k in v.instruments if k in BY_KEY]
    instruments = [BY_KEY[k] for k in dict.fromkeys(keys)]
    gen = AnswerGenerator(instruments)
    fried_declared = any(s.name == "fried_score" for i in instruments for s in i.scores)
    requests = []
    for p in plan.participants:
        person = Person(p.sex, p.age, p.height_cm, p.weight_kg)
        for order, v in enumerate(p.visits):
            if v.status != "complete":
                continue
            vd = plan.protocol.visit(v.code)
            accept = _fried_1_to_4 if (order == 0 and fried_declared) else None
            requests.append(
                VisitRequest(
                    p.code,
                    v.code,
                    order,
                    person,
                    v.health,
                    tuple(k for k in vd.instruments if k in BY_KEY),
                    accept,
                )
            )
    rng = np.random.default_rng(plan.seed + 1)
    draws = gen.generate(requests, rng)
    return {(r.participant, r.visit): d for r, d in zip(requests, draws, strict=True)}


def create_demo(
    target: str,
    seed: int = DEMO_SEED,
    progress: ProgressFn | None = None,
    sign_site: str = "SH",
    participants: int | None = None,
) -> DemoSummary:
    """Create the demo study in a new database ``target`` (path or PostgreSQL URL).

    Every write goes through the store API as the matching demo user: the administrator
    creates the accounts and sites, the assessor enters participants and visits, the
    investigator signs the complete visits of ``sign_site`` and the data manager locks that
    site's baseline visits. Refuses a database that already holds users. ``participants``
    keeps only the first N (1–30) of the plan, a quick database for smoke tests and screenshots:
    the same people with the same answers as in the full demo (answers are drawn per
    participant), but only the full 30 follow the trial's flow.
    """
    from store.api import Store
    from store.errors import StoreError

    say = progress or (lambda _msg: None)
    plan = plan_demo(seed)
    if participants is not None:
        if not 1 <= participants <= len(plan.participants):
            raise ValueError(
                f"demo participants: {participants} is outside 1–{len(plan.participants)}"
            )
        plan = DemoPlan(plan.seed, plan.protocol, plan.participants[:participants])
    say(f"drawing answers for {len(plan.participants)} participants × 6 visits …")
    answers = generate_answers(plan)
    store = Store.open(target, create=True)
    summary = DemoSummary(str(target))
    try:
        if not store.needs_admin():
            raise StoreError(
                f"{target} already holds a study with users; the demo needs a new database"
            )
        (admin_name, _, admin_pw, admin_full) = DEMO_USERS[0]
        store.create_first_admin(admin_name, admin_pw, admin_full)
        admin = store.login(admin_name, admin_pw)
        sessions = {"administrator": admin}
        for name, role, pw, full in DEMO_USERS[1:]:
            store.create_user(admin, name, pw, role, full_name=full)
            sessions[role] = store.login(name, pw)
        summary.users = [(n, r, pw) for n, r, pw, _ in DEMO_USERS]
        for code, name in DEMO_SITES:
            store.add_site(admin, code, name)
        asr = sessions["assessor"]
        inv = sessions["investigator"]
        dm = sessions["data_manager"]
        inv_pw = next(pw for _, r, pw, _ in DEMO_USERS if r == "investigator")
        for n, p in enumerate(plan.participants, start=1):
            say(f"participant {p.code} ({n}/{len(plan.participants)})")
            row = store.add_participant(
                asr,
                p.code,
                p.site,
                p.sex,
                p.birth_date,
                p.height_cm,
                p.weight_kg,
                p.day1_date,
                screening_no=p.screening_no,
                randomization_no=p.randomization_no,
                enrolment_date=p.enrolment_date,
            )
            summary.participants += 1
            versions = {v.visit: v.row_version for v in store.visits(asr, p.code)}
            for v in p.visits:
                if v.status == "missed":
                    store.set_visit_status(
                        asr,
                        p.code,
                        v.code,
                        "missed",
                        reason=v.reason,
                        expected_version=versions[v.code],
                    )
                    summary.visits_missed += 1
                    continue
                draw = answers[(p.code, v.code)]
                ver = store.save_answers(
                    asr,
                    p.code,
                    v.code,
                    draw.values,
                    confirmations=draw.confirmations,
                    expected_version=versions[v.code],
                )
                store.set_visit_status(
                    asr,
                    p.code,
                    v.code,
                    "complete",
                    actual_date=v.actual_date,
                    out_of_window_reason=v.out_of_window_reason,
                    expected_version=ver,
                )
                summary.visits_complete += 1
                summary.values_saved += len(draw.values)
                summary.confirmations += len(draw.confirmations)
                if p.site == sign_site:
                    store.sign_visit(inv, p.code, v.code, inv_pw, REVIEW_AND_APPROVAL)
                    if v.code == plan.protocol.visits[0].code:
                        store.lock_visit(dm, p.code, v.code, "baseline data reviewed")
            reason = p.status_reason or "completed the month-6 visit (end of follow-up)"
            store.update_participant(
                asr,
                p.code,
                {
                    "status": p.status,
                    "status_date": p.status_date,
                    "status_reason": p.status_reason,
                },
                reason,
                expected_version=row.row_version,
            )
        for s in sessions.values():
            store.logout(s)
    finally:
        store.close()
    return summary
