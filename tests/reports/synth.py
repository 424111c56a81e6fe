"""Synthetic study data derived from instrument declarations (for export tests and bench/export.py).

Values are drawn inside each item's declared soft range (or hard range, or its choices), so the
generator writes no instrument fact of its own; a fraction of cells carry a missing-data code that
the item allows, as the store would (value None, ``<item>__status`` set).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from scoring.model import Instrument, ItemType

TEXTS = ("左膝疼痛", "knee pain", "=cmd|' /C calc'!A0", "-2 steps", "@home", "夜间醒来 2 次", "ok")


def answers_frame(
    instruments: Sequence[Instrument],
    participants: int,
    visits: Sequence[str],
    seed: int = 7,
    missing_rate: float = 0.03,
    sites: Sequence[str] = ("S01", "S02"),
) -> pd.DataFrame:
    """A frame in the store's ``answers_frame`` long layout (store_api.md)."""
    rng = np.random.default_rng(seed)
    n = participants * len(visits)
    pcodes = [f"P{i + 1:05d}" for i in range(participants)]
    part = np.repeat(pcodes, len(visits))
    visit = np.tile(list(visits), participants)
    base = dt.date(2024, 1, 1)
    day1 = [base + dt.timedelta(days=int(d)) for d in rng.integers(0, 365, participants)]
    birth = [
        dt.date(1950, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 7000, participants)
    ]
    sex = rng.choice(["M", "F"], participants)
    height = np.round(rng.normal(162, 8, participants), 1)
    weight = np.round(rng.normal(62, 9, participants), 1)
    offsets = {v: 30 * i for i, v in enumerate(visits)}
    vdates = [
        day1[i // len(visits)] + dt.timedelta(days=offsets[visit[i]] + int(j))
        for i, j in enumerate(rng.integers(-3, 4, n))
    ]
    frame: dict[str, object] = {
        "participant": part,
        "site": [sites[i % len(sites)] for i in range(participants) for _ in visits],
        "sex": np.repeat(sex, len(visits)),
        "birth_date": np.repeat(np.array(birth, dtype=object), len(visits)),
        "age": [float((vdates[i] - birth[i // len(visits)]).days // 365.25) for i in range(n)],
        "height_cm": np.repeat(height, len(visits)),
        "weight_kg": np.repeat(weight, len(visits)),
        "visit": visit,
        "visit_date": vdates,
        "visit_status": ["complete"] * n,
    }
    seen: set[str] = set(frame)  # participant attributes (sex, age, …) stay attributes
    for inst in instruments:
        # one latent level per participant and instrument, a little visit and item noise: trials
        # of one test agree and visits change moderately, as in real data (fewer spurious flags)
        level = np.repeat(rng.uniform(0.3, 0.7, participants), len(visits))
        level = level + rng.normal(0, 0.03, n)
        for item in inst.items:
            if item.name in seen:
                continue
            seen.add(item.name)
            frac = np.clip(level + rng.normal(0, 0.02, n), 0.0, 1.0)
            values = _values(item, rng, n, frac)
            status = np.full(n, None, dtype=object)
            codes = sorted(c.value for c in item.missing)
            if codes and missing_rate:
                hit = rng.random(n) < missing_rate
                status[hit] = rng.choice(codes, int(hit.sum()))
                values = np.asarray(values, dtype=object)
                values[hit] = None
                if item.type is not ItemType.TEXT:
                    values = np.array([np.nan if v is None else v for v in values], dtype="float64")
            frame[item.name] = values
            frame[item.name + "__status"] = status
    return pd.DataFrame(frame)


def _values(item, rng, n, frac):
    if item.type is ItemType.CODED:
        codes = np.array(item.codes, dtype="float64")
        return codes[np.minimum((frac * len(codes)).astype(int), len(codes) - 1)]
    if item.type is ItemType.CLOCK:
        return rng.integers(0, 1440, n).astype("float64")
    if item.type is ItemType.TEXT:
        v = rng.choice(np.array(TEXTS, dtype=object), n)
        v[rng.random(n) < 0.5] = None
        return v
    rng_ = item.soft or item.hard
    lo = rng_.low if rng_ and rng_.low is not None else 0.0
    hi = rng_.high if rng_ and rng_.high is not None else lo + 100.0
    x = lo + frac * (hi - lo)
    if item.type is ItemType.INTEGER:
        x = np.clip(np.round(x), np.ceil(lo), np.floor(hi))
    else:
        x = np.round(x, item.decimals)
        if rng_ and not rng_.low_inclusive:
            x = np.maximum(x, lo + 10.0 ** -max(item.decimals, 1))
    return x.astype("float64")
