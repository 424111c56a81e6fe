"""Benchmark: batch scoring of 100,000 administrations of every questionnaire.

Prints time and rows/s of the batch path (scoring.engine.evaluate: parse + score + flag, the path
exports and the ``score`` command use) and ratios against, in the same run:
  (a) a floor: plain numpy arithmetic over the same arrays for the eight SF-36 scales
      (lookup-table recalibration, sums, rescaling; no missing-data handling);
  (b) a per-row Python loop over the one-visit path (evaluate_visit), timed on a sample and
      extrapolated.
Targets (issue 2): all questionnaires for 100,000 rows ≤ 1 s; the SF-36 part within 5× of its numpy
floor; batch ≥ 50× faster than the per-row loop. Figures are printed, never asserted.

Usage: python bench/scoring.py [--rows N] [--loop-sample N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.engine import evaluate, evaluate_visit
from scoring.model import Instrument, ItemType, ScoringSettings
from scoring.registry import BY_KEY

QUESTIONNAIRES = ("sf36", "psqi", "eqvas", "eq5d5l", "eq5d")


def questionnaires() -> list[Instrument]:
    return [BY_KEY[k] for k in QUESTIONNAIRES if k in BY_KEY]


def synthetic(instruments: list[Instrument], n: int, seed: int = 20261126) -> pd.DataFrame:
    """Typed values as the store hands them over: codes/numbers as float, clock as minutes."""
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    for inst in instruments:
        for item in inst.items:
            if item.type is ItemType.CODED:
                cols[item.name] = rng.choice(np.array(item.codes, dtype=float), size=n)
            elif item.type is ItemType.CLOCK:
                centre = 23 * 60 if "bed" in item.name else 6 * 60 + 30
                cols[item.name] = (centre + rng.integers(-90, 90, size=n)) % 1440.0
            elif item.type is ItemType.TEXT:
                cols[item.name] = np.where(rng.random(n) < 0.1, "noise", None)
            else:
                rng_ = item.soft or item.hard
                lo = rng_.low if rng_ and rng_.low is not None else 0.0
                hi = rng_.high if rng_ and rng_.high is not None else lo + 100
                x = rng.uniform(lo, hi, size=n)
                cols[item.name] = np.round(x) if item.type is ItemType.INTEGER else np.round(x, 1)
    frame = pd.DataFrame(cols)
    if {"psqi_bedtime", "psqi_risetime", "psqi_sleep_h"}.issubset(frame.columns):
        # realistic PSQI: sleep is 60–100 % of the time in bed, so efficiency flags stay rare
        in_bed_h = ((frame["psqi_risetime"] - frame["psqi_bedtime"]) % 1440) / 60
        frame["psqi_sleep_h"] = np.round(in_bed_h * rng.uniform(0.6, 1.0, size=n) * 4) / 4
    # 2 % of answers missing, at random, so the missing-data rules do real work
    for name in frame.columns:
        if frame[name].dtype.kind == "f":
            frame.loc[rng.random(n) < 0.02, name] = np.nan
    return frame


# SF-36 v1 (Ware) item values for the floor: recalibration by table lookup (sf36.md §3)
_GH1 = np.array([np.nan, 5.0, 4.4, 3.4, 2.0, 1.0])
_BP21 = np.array([np.nan, 6.0, 5.4, 4.2, 3.1, 2.2, 1.0])


def numpy_floor_sf36(a: np.ndarray) -> np.ndarray:
    """Eight Ware scales by plain arithmetic on a (n, 36) array of complete raw codes."""
    it = lambda k: a[:, k - 1]  # noqa: E731
    pf = (a[:, 2:12].sum(1) - 10) / 20 * 100
    rp = (a[:, 12:16].sum(1) - 4) / 4 * 100
    re = (a[:, 16:19].sum(1) - 3) / 3 * 100
    b21 = _BP21[it(21).astype(int)]
    b22 = np.where(it(22) == 1, np.where(it(21) == 1, 6.0, 5.0), 6.0 - it(22))
    bp = (b21 + b22 - 2) / 10 * 100
    gh = (_GH1[it(1).astype(int)] + it(33) + (6 - it(34)) + it(35) + (6 - it(36)) - 5) / 20 * 100
    vt = ((7 - it(23)) + (7 - it(27)) + it(29) + it(31) - 4) / 20 * 100
    sf = ((6 - it(20)) + it(32) - 2) / 8 * 100
    mh = (it(24) + it(25) + (7 - it(26)) + it(28) + (7 - it(30)) - 5) / 25 * 100
    return np.column_stack([pf, rp, bp, gh, vt, sf, re, mh])


def best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--loop-sample", type=int, default=300)
    args = ap.parse_args()
    insts = questionnaires()
    if not insts:
        print("no questionnaire instruments declared")
        return 1
    n = args.rows
    frame = synthetic(insts, n)
    settings = ScoringSettings()
    evaluate(frame.head(100), settings, insts)  # warm-up (imports, caches)

    t_all = best_of(lambda: evaluate(frame, settings, insts))
    rows_s = n / t_all

    lines = [("all questionnaires, evaluate() (parse+score+flag)", t_all, f"{rows_s:,.0f} rows/s")]
    sf36 = BY_KEY.get("sf36")
    ratio_floor = None
    if sf36 is not None:
        sf_cols = list(sf36.item_names)
        complete = synthetic([sf36], n).fillna(1.0)
        values = complete[sf_cols].astype("float64")
        status = pd.DataFrame(index=values.index, columns=sf_cols, dtype=object)
        arr = values.to_numpy()
        t_floor = best_of(lambda: numpy_floor_sf36(arr), 5)
        t_sf = best_of(lambda: sf36.scorer(values, status, settings), 5)
        ratio_floor = t_sf / t_floor
        lines.append(("SF-36 scorer alone (complete data)", t_sf, ""))
        lines.append(("floor: plain numpy, 8 SF-36 scales", t_floor, ""))

    sample = frame.head(args.loop_sample)
    records = sample.to_dict("records")
    t0 = time.perf_counter()
    for rec in records:
        evaluate_visit(rec, settings, instruments=insts)
    t_loop = (time.perf_counter() - t0) / len(records) * n
    lines.append(
        (f"per-row loop over evaluate_visit (extrapolated from {len(records)})", t_loop, "")
    )

    print(f"bench/scoring.py — {n:,} administrations of: {', '.join(i.key for i in insts)}")
    for label, secs, extra in lines:
        print(f"  {label:<62} {secs:9.3f} s  {extra}")
    print("  ratios")
    print(f"    all questionnaires: {t_all:.3f} s for {n:,} rows (target ≤ 1 s)")
    if ratio_floor is not None:
        print(f"    SF-36 scorer / numpy floor:  {ratio_floor:6.2f}×  (target ≤ 5×)")
    print(f"    per-row loop / batch:        {t_loop / t_all:6.0f}×  (target ≥ 50×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
