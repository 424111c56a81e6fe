"""Plausible synthetic answers for the demo study, generated from the instrument declarations.

Nothing here names an instrument's items, codes, ranges or units: every value is drawn from the
``Item`` declarations in ``scoring.registry`` (choices, hard and soft limits, decimals, clock
type) and checked with the same ``scoring.engine.evaluate_visit`` the store validates with, so a
generated visit never carries an error and never an unconfirmed warning.

Realism:

* Every participant-visit has one latent health value ``h`` (higher = healthier). Each item's
  direction (does a higher raw value mean better or worse health?) is *measured* from the
  declared scorers: the typical answers are scored with the item at its low and at its high end
  and the change of every score with ``higher_is_better`` set is summed. Items then follow ``h``
  with correlation ``RHO``, so a participant with a slow TUG also has a low SPPB, a weak grip, a
  low SF-36 physical functioning and a low EQ-VAS.
* Numeric items of one instrument that share a unit and limits (repeated trials: TUG 1 and 2,
  grip trials) share one value per visit plus a small trial-to-trial noise.
* ``POPULATION`` holds demo-population parameters (not instrument facts): typical mean and SD
  of community-dwelling, pre-frail and frail Chinese adults aged 60–80, by a pattern on the
  codebook name and the declared unit, from the norms quoted in the project's reference notes
  (physical.md §2–§5, §8; psqi.md). Values are always clipped into the declared soft limits.
"""

from __future__ import annotations

import itertools
import math
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.engine import Evaluation, evaluate, order_instruments
from scoring.model import Instrument, Item, ItemType, Level, ScoringSettings

RHO = 0.65  # correlation of every directed item with the latent health value
TRIAL_CV = 0.04  # trial-to-trial coefficient of variation of repeated timed/strength trials
MAX_ATTEMPTS = 60  # rounds for errors and acceptance tests
RESCREEN_AFTER = 3  # acceptance refusals in a row before the participant is "re-screened"
CODED_SHIFT = 0.8  # coded answers lean to the healthy end: most older adults report "no" or
# "slight" problems on most items (EQ-5D-5L China norms, Luo 2017; PSQI median 6–7 in older adults)
WARNING_ROUNDS = 6  # rounds for warnings; after that a warning is kept and confirmed


@dataclass(frozen=True, slots=True)
class Typical:
    """Demo-population mean and SD of an item (sex-specific when ``female`` is given)."""

    pattern: str  # regular expression searched in the codebook name
    unit: str | None  # the declared unit it applies to (None: any)
    mean: float
    sd: float
    female: tuple[float, float] | None = None
    direction: float = 0.0  # used only when no declared score reveals one (EQ-VAS has none)


# Demo population (community-dwelling, pre-frail/frail, 60–80 y). Sources: Bohannon 2006 TUG and
# FTSST norms, slower for frailty (physical.md §2, §5); usual gait 0.8–1.0 m/s on 4 m
# (physical.md §3); China National Health Survey grip P5–P95 (physical.md §4); cytokine
# reference intervals (physical.md §8); sleep habits of older adults (psqi.md); EQ-VAS of
# older Chinese adults around 70.
POPULATION: tuple[Typical, ...] = (
    Typical(r"semi", "s", 10.3, 1.2),  # balance stands: most hold the 10 s (Guralnik 1994)
    Typical(r"tandem", "s", 8.0, 3.0),
    Typical(r"side", "s", 11.0, 1.0),
    Typical(r"tug", "s", 11.5, 2.8),
    Typical(r"walk|gait|4m", "s", 5.0, 1.1),
    Typical(r"grip", "kg", 27.0, 5.5, female=(17.5, 3.8)),
    Typical(r"ftsst|sts|chair|stand", "s", 13.5, 3.0),
    Typical(r"vas", None, 72.0, 11.0, direction=1.0),
    Typical(r"latency", None, 25.0, 14.0),
    Typical(r"sleep", "h", 6.4, 0.9),
    Typical(r"sleep", None, 6.4, 0.9),
    Typical(r"tnf", None, 3.0, 1.1),
    Typical(r"ifn", None, 3.2, 1.4),
    Typical(r"il_?8", None, 9.0, 4.0),
    Typical(r"il_?17", None, 4.0, 1.8),
    Typical(r"weight", "kg", 2.0, 1.5),
    Typical(r"kcal|activity|mlta", None, 420.0, 180.0, female=(330.0, 140.0)),
    Typical(r"bed", None, 22 * 60 + 15, 40.0),
    Typical(r"rise|wake|get_?up", None, 6 * 60 + 15, 35.0),
)


@dataclass(frozen=True, slots=True)
class Person:
    """What generation needs about a participant."""

    sex: str  # 'M' or 'F'
    age: float
    height_cm: float
    weight_kg: float

    def context(self) -> dict[str, object]:
        """Participant columns the scorers may read (sex, height, weight, age)."""
        return {
            "sex": self.sex,
            "age": int(self.age),  # completed years
            "height_cm": self.height_cm,
            "weight_kg": self.weight_kg,
        }


# --------------------------------------------------------------------------------------------
# Per-item facts derived from the declaration


def _limits(item: Item) -> tuple[float | None, float | None]:
    """The tightest declared interval (soft within hard), with strict ends nudged inwards."""
    lo: float | None = None
    hi: float | None = None
    step = 10.0 ** (-item.decimals) if item.type is ItemType.DECIMAL else 1.0
    for rng in (item.hard, item.soft):
        if rng is None:
            continue
        if rng.low is not None:
            low = rng.low + (0 if rng.low_inclusive else step)
            lo = low if lo is None else max(lo, low)
        if rng.high is not None:
            high = rng.high - (0 if rng.high_inclusive else step)
            hi = high if hi is None else min(hi, high)
    if item.type is ItemType.CLOCK:
        lo = 0.0 if lo is None else lo
        hi = 1439.0 if hi is None else hi
    return lo, hi


def _population(item: Item) -> Typical | None:
    lo, hi = _limits(item)
    for t in POPULATION:
        if t.unit is not None and t.unit != item.unit:
            continue
        if re.search(t.pattern, item.name, re.IGNORECASE) and (
            (lo is None or t.mean >= lo - 2 * t.sd) and (hi is None or t.mean <= hi + 2 * t.sd)
        ):
            return t
    return None


def typical(item: Item, sex: str = "M") -> tuple[float, float]:
    """(mean, sd) of a numeric or clock item in the demo population."""
    lo, hi = _limits(item)
    t = _population(item) if item.type is not ItemType.CODED else None
    if t is not None:
        return t.female if (t.female and sex == "F") else (t.mean, t.sd)
    if lo is not None and hi is not None:
        return (lo + hi) / 2, (hi - lo) / 8
    if lo is not None:
        return lo + 10.0, 3.0
    if hi is not None:
        return hi / 2, hi / 8
    return 10.0, 3.0


def _clip_round(item: Item, value: float) -> float:
    lo, hi = _limits(item)
    if item.type is ItemType.CLOCK:
        value = round(value) % 1440
    if lo is not None:
        value = max(value, lo)
    if hi is not None:
        value = min(value, hi)
    if item.type in (ItemType.INTEGER, ItemType.CODED, ItemType.CLOCK):
        v = float(round(value))
        if lo is not None and v < lo:
            v = float(math.ceil(lo))
        if hi is not None and v > hi:
            v = float(math.floor(hi))
        return v
    v = round(value, item.decimals)
    if lo is not None and v < lo:
        v = math.ceil(lo * 10**item.decimals) / 10**item.decimals
    if hi is not None and v > hi:
        v = math.floor(hi * 10**item.decimals) / 10**item.decimals
    return v


def raw_entry(item: Item, value: float) -> object:
    """The value as an assessor types it: clock 'HH:MM', integers as int, decimals as float."""
    if item.type is ItemType.CLOCK:
        m = int(value) % 1440
        return f"{m // 60:02d}:{m % 60:02d}"
    if item.type in (ItemType.INTEGER, ItemType.CODED):
        return int(value)
    if item.type is ItemType.CENSORED:  # a laboratory result as reported (text)
        return f"{value:.{item.decimals}f}"
    return float(value)


def _typical_entry(item: Item, sex: str = "M") -> object:
    if item.type is ItemType.TEXT:
        return None
    if item.type is ItemType.CODED:
        codes = sorted(item.codes)
        return codes[(len(codes) - 1) // 2]
    return raw_entry(item, _clip_round(item, typical(item, sex)[0]))


def _end_entries(item: Item, sex: str = "M") -> tuple[object, object]:
    if item.type is ItemType.CODED:
        codes = sorted(item.codes)
        return codes[0], codes[-1]
    mean, sd = typical(item, sex)
    return (
        raw_entry(item, _clip_round(item, mean - 2.5 * sd)),
        raw_entry(item, _clip_round(item, mean + 2.5 * sd)),
    )


def _generated_items(instruments: Sequence[Instrument]) -> list[tuple[Instrument, Item]]:
    seen: set[str] = set()
    out = []
    for inst in instruments:
        for item in inst.items:
            if item.name not in seen and item.type is not ItemType.TEXT:
                seen.add(item.name)
                out.append((inst, item))
    return out


def evaluation_pool(instruments: Sequence[Instrument]) -> tuple[Instrument, ...]:
    """``instruments`` plus every instrument they require (e.g. participant attributes)."""
    from scoring.registry import BY_KEY

    chosen = {i.key: i for i in instruments}
    stack = list(chosen.values())
    while stack:
        for key in stack.pop().requires:
            if key not in chosen and key in BY_KEY:
                chosen[key] = BY_KEY[key]
                stack.append(BY_KEY[key])
    return order_instruments(chosen.values())


TYPICAL_PERSON = Person("M", 70.0, 165.0, 63.0)


def _probe(
    instruments: Sequence[Instrument],
    settings: ScoringSettings | None,
    context: Mapping[str, object],
) -> tuple[list[tuple[Instrument, Item]], Evaluation]:
    """Typical answers (row 0), then per item the same with that item at its low / high end."""
    items = [(i, it) for i, it in _generated_items(instruments) if it.name not in context]
    base: dict[str, object] = {it.name: _typical_entry(it) for _, it in items}
    base.update(context)
    rows = [base]
    for _, it in items:
        low, high = _end_entries(it)
        rows.append({**base, it.name: low})
        rows.append({**base, it.name: high})
    ev = evaluate(pd.DataFrame(rows, dtype=object), settings, evaluation_pool(instruments))
    return items, ev


def item_directions(
    instruments: Sequence[Instrument],
    settings: ScoringSettings | None = None,
    context: Mapping[str, object] | None = None,
) -> dict[str, float]:
    """+1 when a higher raw value means better health, −1 when worse, 0 when no scorer says.

    Measured, not declared: the typical answers of a typical participant are scored once as
    they are and once per item with that item at its low and its high end; every ordinal score
    with ``higher_is_better`` set votes with its change scaled to its declared range. One batch
    evaluation for all probes.
    """
    items, ev = _probe(
        instruments, settings, TYPICAL_PERSON.context() if context is None else context
    )
    weights = {}
    for inst in ev.instruments:
        for s in inst.scores:
            if s.higher_is_better is None or s.is_text or s.name not in ev.scores.columns:
                continue
            if s.choices and (s.low is None or s.high is None):
                continue  # a category with non-ordinal codes (e.g. 9 = indeterminate)
            span = (s.high - s.low) if (s.high is not None and s.low is not None) else 1.0
            weights[s.name] = (1.0 if s.higher_is_better else -1.0) / (span or 1.0)
    scores = ev.scores[list(weights)].apply(pd.to_numeric, errors="coerce").astype("float64")
    w = pd.Series(weights, dtype="float64")
    out: dict[str, float] = {}
    for k, (_, it) in enumerate(items):
        lo_row, hi_row = scores.iloc[1 + 2 * k], scores.iloc[2 + 2 * k]
        diff = (hi_row - lo_row).fillna(0.0)
        vote = float((diff * w).sum())
        if abs(vote) >= 1e-12:
            out[it.name] = math.copysign(1.0, vote)
        else:
            t = _population(it) if it.type is not ItemType.CODED else None
            out[it.name] = t.direction if t is not None else 0.0
    return out


def scored_items(
    instruments: Sequence[Instrument],
    settings: ScoringSettings | None = None,
    context: Mapping[str, object] | None = None,
) -> set[str]:
    """Items whose value changes at least one score of the typical answers (e.g. an "other
    reason" frequency counts only with its text, so alone it changes nothing)."""
    items, ev = _probe(
        instruments, settings, TYPICAL_PERSON.context() if context is None else context
    )
    sc = ev.scores.astype(object).where(ev.scores.notna(), None)
    out = set()
    for k, (_, it) in enumerate(items):
        if not sc.iloc[1 + 2 * k].equals(sc.iloc[2 + 2 * k]):
            out.add(it.name)
    return out


# --------------------------------------------------------------------------------------------
# Drawing visits


def _norm_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def _trial_groups(instruments: Sequence[Instrument]) -> dict[str, str]:
    """item name → group key for repeated trials: numeric items of one instrument whose names
    differ only in a trial number (tug_1_s, tug_2_s) and that share unit and limits."""
    groups: dict[str, str] = {}
    for inst in instruments:
        keyed: dict[tuple, list[str]] = {}
        for it in inst.items:
            if it.type in (ItemType.DECIMAL, ItemType.INTEGER) and re.search(r"\d", it.name):
                key = (re.sub(r"\d+", "#", it.name), it.unit, it.hard, it.soft)
                keyed.setdefault(key, []).append(it.name)
        for key, names in keyed.items():
            if len(names) > 1:
                for n in names:
                    groups[n] = f"{inst.key}:{key[0]}"
    return groups


# An instrument-specific adjustment: receives the drawn raw answers of one visit (codebook name →
# entry), the items, the person, the latent health and the random generator; edits in place.
Adjuster = Callable[
    [dict[str, object], Mapping[str, Item], Person, float, np.random.Generator], None
]


def _sleep_within_bed_time(
    answers: dict[str, object],
    items: Mapping[str, Item],
    person: Person,
    health: float,
    rng: np.random.Generator,
) -> None:
    """Hours asleep never exceed the time in bed (bed and rise clocks of the same instrument):
    sleep = time in bed × an efficiency of 70–97 % that follows health (psqi.md §5)."""
    clocks = [n for n, it in items.items() if it.type is ItemType.CLOCK and n in answers]
    bed = next((n for n in clocks if re.search(r"bed", n)), None)
    rise = next((n for n in clocks if re.search(r"rise|wake|get_?up", n)), None)
    hours = next(
        (
            n
            for n, it in items.items()
            if n in answers and it.type is ItemType.DECIMAL and it.unit in ("h", "hours")
        ),
        None,
    )
    if not (bed and rise and hours):
        return

    def minutes(v: object) -> int:
        h, m = str(v).split(":")
        return int(h) * 60 + int(m)

    in_bed = (minutes(answers[rise]) - minutes(answers[bed])) % 1440
    eff = min(0.97, max(0.70, 0.86 + 0.05 * health + rng.normal(0, 0.04)))
    it = items[hours]
    answers[hours] = raw_entry(it, _clip_round(it, math.floor(in_bed * eff / 15) * 0.25))


def _balance_hierarchy(
    answers: dict[str, object],
    items: Mapping[str, Item],
    person: Person,
    health: float,
    rng: np.random.Generator,
) -> None:
    """SPPB-style balance stands (side-by-side → semi-tandem → tandem, Guralnik 1994): a stand
    is attempted only when the previous one was held to its declared maximum; later ones stay
    blank (optional items), as on the NIA score sheet."""
    chain = [
        next((n for n in items if re.search(pat, n) and n in answers), None)
        for pat in (r"side", r"semi", r"(?<!semi_)tandem")
    ]
    if None in chain:
        return
    for prev, nxt in itertools.pairwise(chain):
        top = _limits(items[prev])[1]
        value = answers.get(prev)
        if value is None or top is None or float(value) < top:  # type: ignore[arg-type]
            answers[nxt] = None


ADJUSTERS: tuple[Adjuster, ...] = (_sleep_within_bed_time, _balance_hierarchy)


@dataclass
class VisitRequest:
    """One visit to generate: who, which visit (protocol order), how healthy, which instruments,
    and an optional acceptance test on the visit's scores (e.g. Fried 1–4 at baseline)."""

    participant: str
    visit: str
    order: int
    person: Person
    health: float
    instruments: tuple[str, ...]
    accept: Callable[[pd.Series], bool] | None = None


@dataclass
class VisitDraw:
    """One generated visit: raw entries to save, confirmations for warnings kept on purpose, the
    visit's scores and flags, and how many draws it took."""

    values: dict[str, object]
    confirmations: dict[str, str]
    scores: pd.Series
    flags: pd.DataFrame
    attempts: int


class AnswerGenerator:
    """Draws visits for a set of instruments; deterministic for a given ``rng``.

    Visits are generated in batches: all visits are scored and flagged together by one
    ``scoring.engine.evaluate`` call (change-from-previous rules included, rows in visit order),
    and only the instruments of the visits that carry an error or a warning, or that an
    acceptance test refuses, are drawn again.
    """

    def __init__(
        self,
        instruments: Sequence[Instrument],
        settings: ScoringSettings | None = None,
        rho: float = RHO,
        context_items: Sequence[str] = tuple(TYPICAL_PERSON.context()),
    ) -> None:
        self.instruments = tuple(instruments)
        self.pool = evaluation_pool(self.instruments)
        self.settings = settings or ScoringSettings()
        self.rho = rho
        generated = [
            (i, it) for i, it in _generated_items(self.instruments) if it.name not in context_items
        ]
        self.items: dict[str, Item] = {it.name: it for _, it in generated}
        self.owner: dict[str, Instrument] = {it.name: inst for inst, it in generated}
        self.directions = item_directions(self.instruments, self.settings)
        self.scored = scored_items(self.instruments, self.settings)
        self.groups = _trial_groups(self.instruments)
        self._traits: dict[tuple[str, str], float] = {}

    # one visit's raw entries ------------------------------------------------------------------

    def _trait(self, participant: str, key: str, rng: np.random.Generator) -> float:
        """A participant's persistent deviation on one item (or trial group): visits of one
        person resemble each other, as real repeated measurements do."""
        k = (participant, key)
        if k not in self._traits:
            self._traits[k] = float(rng.normal())
        return self._traits[k]

    def _z(self, item: Item, participant: str, health: float, rng: np.random.Generator) -> float:
        d = self.directions.get(item.name, 0.0)
        rho = self.rho if d else 0.0
        key = self.groups.get(item.name, item.name)
        noise = math.sqrt(0.75) * self._trait(participant, key, rng) + 0.5 * rng.normal()
        return rho * d * health + math.sqrt(1 - rho**2) * noise

    def _draw_item(
        self,
        item: Item,
        participant: str,
        person: Person,
        health: float,
        rng: np.random.Generator,
        shared: dict[str, float],
    ) -> object:
        if item.type is ItemType.CODED:
            codes = sorted(item.codes)
            if item.name not in self.scored:  # e.g. "other reason" without its text: rarely
                return codes[0] if rng.random() < 0.85 else codes[min(1, len(codes) - 1)]
            z = self._z(item, participant, health, rng)
            d = self.directions.get(item.name, 0.0)
            if not d:
                z *= 0.6  # undirected: answers cluster in the middle
            z += d * CODED_SHIFT
            return codes[min(len(codes) - 1, int(_norm_cdf(z) * len(codes)))]
        mean, sd = typical(item, person.sex)
        group = self.groups.get(item.name)
        if group is not None and group in shared:
            value = shared[group] * (1 + rng.normal(0, TRIAL_CV))
        else:
            value = mean + self._z(item, participant, health, rng) * sd
            if group is not None:
                shared[group] = value
        return raw_entry(item, _clip_round(item, value))

    def draw(
        self,
        request: VisitRequest,
        rng: np.random.Generator,
        only: set[str] | None = None,
        into: Mapping[str, object] | None = None,
    ) -> dict[str, object]:
        """Raw entries for every item of the request's instruments (or those in ``only``)."""
        answers: dict[str, object] = dict(into or {})
        keys = set(request.instruments) if only is None else set(request.instruments) & only
        shared: dict[str, float] = {}
        for name, item in self.items.items():
            if self.owner[name].key in keys:
                answers[name] = self._draw_item(
                    item, request.participant, request.person, request.health, rng, shared
                )
        for inst in self.instruments:
            if inst.key not in keys:
                continue
            inst_items = {it.name: it for it in inst.items if it.name in self.items}
            for adjust in ADJUSTERS:
                adjust(answers, inst_items, request.person, request.health, rng)
        return answers

    # many visits, validated together --------------------------------------------------------

    def _owner_of(self, variable: str) -> str | None:
        if variable in self.owner:
            return self.owner[variable].key
        for inst in self.instruments:
            if variable in inst.score_names:
                return inst.key
        return None

    def _evaluate(
        self, requests: Sequence[VisitRequest], answers: Sequence[Mapping[str, object]]
    ) -> Evaluation:
        rows = []
        for req, ans in zip(requests, answers, strict=True):
            rows.append(
                {**ans, **req.person.context(), "participant": req.participant, "visit": req.visit}
            )
        frame = pd.DataFrame(rows, dtype=object)
        return evaluate(frame, self.settings, self.pool)

    def _forget(self, participant: str) -> None:
        """Drop a participant's persistent traits: the next draw is another person."""
        for k in [k for k in self._traits if k[0] == participant]:
            del self._traits[k]

    @staticmethod
    def _streams(
        requests: Sequence[VisitRequest], rng: np.random.Generator
    ) -> dict[str, np.random.Generator]:
        """One random stream per participant, keyed by its code: a participant's answers depend
        on the seed and on that participant only, not on who else is generated (the first N
        participants of the demo are the same people whatever N is)."""
        base = int(rng.integers(0, 2**63))
        return {
            r.participant: np.random.default_rng([base, zlib.crc32(r.participant.encode())])
            for r in requests
        }

    def generate(
        self,
        requests: Sequence[VisitRequest],
        rng: np.random.Generator,
        confirm_reason: str = "checked with the participant (demo data)",
    ) -> list[VisitDraw]:
        """Draw every requested visit so that the store accepts it: no error flag; warnings are
        redrawn (the owning instrument of that visit only) up to ``WARNING_ROUNDS`` times, then
        kept with a confirmation reason (a few confirmed warnings are realistic). Requests must
        be in participant and visit order.

        An acceptance test (e.g. Fried 1–4 at baseline) is about the person, not about one
        draw: a participant's persistent traits (see ``_trait``) and latent health fix most of
        what it looks at, so redrawing the visit noise alone rarely changes a refusal. After
        ``RESCREEN_AFTER`` refusals in a row the participant is re-screened, as the trial's
        screening replaced ineligible candidates: new traits, all of that participant's visits
        drawn again (the plan's sex, age, body size and health are kept)."""
        streams = self._streams(requests, rng)
        rows_of: dict[str, list[int]] = {}
        for k, req in enumerate(requests):
            rows_of.setdefault(req.participant, []).append(k)
        answers = [self.draw(r, streams[r.participant]) for r in requests]
        attempts = [1] * len(requests)
        refused = [0] * len(requests)
        ev = self._evaluate(requests, answers)
        for _round in range(MAX_ATTEMPTS):
            flags = ev.flags
            bad = flags[flags["level"].isin([Level.ERROR.value, Level.WARNING.value])]
            redraw: dict[int, set[str]] = {}
            for row, variable, level in zip(bad["row"], bad["variable"], bad["level"], strict=True):
                if level == Level.WARNING.value and attempts[int(row)] >= WARNING_ROUNDS:
                    continue  # implausible but possible: kept, with a confirmation reason
                owner = self._owner_of(variable)
                keys = {owner} if owner else set(requests[row].instruments)
                redraw.setdefault(int(row), set()).update(keys)
            rescreen: list[str] = []
            for k, req in enumerate(requests):
                if req.accept is None or req.accept(ev.scores.iloc[k]):
                    refused[k] = 0
                    continue
                refused[k] += 1
                if refused[k] % RESCREEN_AFTER == 0:
                    rescreen.append(req.participant)
                redraw.setdefault(k, set()).update(req.instruments)
            for participant in dict.fromkeys(rescreen):
                self._forget(participant)
                for k in rows_of[participant]:
                    redraw[k] = set(requests[k].instruments)
                    attempts[k] = 0  # a new person: warnings get their rounds again
            if not redraw:
                break
            for k in sorted(redraw):
                req = requests[k]
                answers[k] = self.draw(
                    req, streams[req.participant], only=redraw[k], into=answers[k]
                )
                attempts[k] += 1
            ev = self._evaluate(requests, answers)
        out = []
        for k, req in enumerate(requests):
            flags = ev.flags[ev.flags["row"] == k]
            errors = flags[flags["level"] == Level.ERROR.value]
            if not errors.empty or (req.accept is not None and not req.accept(ev.scores.iloc[k])):
                first = (
                    errors.iloc[0]["message_en"]
                    if not errors.empty
                    else f"acceptance test refused: {(req.accept.__doc__ or '').strip()}"
                )
                raise RuntimeError(
                    f"demo generator: {req.participant} {req.visit}: no valid visit after "
                    f"{MAX_ATTEMPTS} rounds: {first}"
                )
            warned = flags[flags["level"] == Level.WARNING.value]["variable"]
            confirmations = {v: confirm_reason for v in warned}
            values = {
                n: v
                for n, v in answers[k].items()
                if v is not None and self.owner[n].key in req.instruments
            }
            out.append(VisitDraw(values, confirmations, ev.scores.iloc[k], flags, attempts[k]))
        return out

    def visit(
        self,
        person: Person,
        health: float,
        rng: np.random.Generator,
        accept: Callable[[pd.Series], bool] | None = None,
        participant: str = "P",
    ) -> VisitDraw:
        """One visit of every instrument (see ``generate``)."""
        req = VisitRequest(
            participant, "V", 0, person, health, tuple(i.key for i in self.instruments), accept
        )
        return self.generate([req], rng)[0]
