"""``python main.py score`` end to end, as a statistician would run it (a real subprocess).

Expected scores come from the published rules, not from our code:
- SF-36 v1 (Ware 1993) / RAND-36 (Hays 1993): the best possible answer on every item gives 100 on
  every 0–100 scale, the worst gives 0 (sf36.md §2.1 recode tables, §3.1 scale formulas).
- PSQI (Buysse 1989, project boundary convention psqi.md §4): bed 23:00, rise 06:30 → 7.5 h in bed
  (psqi.md §5 example, 450 min); 6.0 h asleep → efficiency 80 % → C4 = 1; C3 = 1 ([6, 7) h).
- EQ-5D-5L China (Luo 2017): 11111 → 1.000, 55555 → −0.391 (eq5d.md §3).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]

# Best and worst raw codes per SF-36 item (sf36.md §1 and the §2.1 recode table).
_BEST_100 = {1: 1, 2: 1, 20: 1, 22: 1, 34: 1, 36: 1, 21: 1, 23: 1, 26: 1, 27: 1, 30: 1}
_WORST_0 = {1: 5, 2: 5, 20: 5, 22: 5, 34: 5, 36: 5, 21: 6, 23: 6, 26: 6, 27: 6, 30: 6}
for k in range(3, 13):
    _BEST_100[k], _WORST_0[k] = 3, 1
for k in range(13, 20):
    _BEST_100[k], _WORST_0[k] = 2, 1
for k in (24, 25, 28, 29, 31):
    _BEST_100[k], _WORST_0[k] = 6, 1
for k in (32, 33, 35):
    _BEST_100[k], _WORST_0[k] = 5, 1

SCALES = ("pf", "rp", "bp", "gh", "vt", "sf", "re", "mh")


def run_score(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "main.py", "score", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def sf36_row(codes: dict[int, int]) -> dict[str, str]:
    return {f"sf36_{k:02d}": str(v) for k, v in sorted(codes.items())}


def psqi_row() -> dict[str, str]:
    row = {
        "psqi_bedtime": "23:00",
        "psqi_risetime": "06:30",
        "psqi_latency_min": "20",
        "psqi_sleep_h": "6",
        "psqi_quality": "1",
        "psqi_meds": "0",
        "psqi_awake": "1",
        "psqi_enthusiasm": "1",
        "psqi_5j": "",
        "psqi_5j_text": "",
    }
    row.update({f"psqi_5{c}": "1" for c in "abcdefghi"})
    return row


@pytest.fixture()
def table(tmp_path: Path) -> Path:
    rows = [
        {"id": "SH-001", "date": "2026-01-05", **sf36_row(_BEST_100), **psqi_row(), "eqvas": "80",
         **{f"eq5d_{d}": "1" for d in ("mo", "sc", "ua", "pd", "ad")}},
        {"id": "SH-002", "date": "2026-01-06", **sf36_row(_WORST_0), **psqi_row(), "eqvas": "abc",
         **{f"eq5d_{d}": "5" for d in ("mo", "sc", "ua", "pd", "ad")}},
        {"id": "SH-003", "date": "2026-01-07", **sf36_row(_BEST_100), "psqi_bedtime": "NA",
         "eqvas": "ND", "sf36_05": "7"},
    ]  # fmt: skip
    path = tmp_path / "in.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8-sig")  # with BOM
    return path


def test_scores_pass_through_and_flags(table: Path, tmp_path: Path) -> None:
    out = tmp_path / "scored.csv"
    proc = run_score(table, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    res = pd.read_csv(out, dtype={"id": str, "date": str})
    # unknown columns pass through unchanged, in order, first
    assert list(res.columns[:2]) == ["id", "date"]
    assert res["id"].tolist() == ["SH-001", "SH-002", "SH-003"]
    for s in SCALES:
        assert res.loc[0, f"sf36_{s}"] == 100 and res.loc[1, f"sf36_{s}"] == 0
        assert res.loc[0, f"rand36_{s}"] == 100 and res.loc[1, f"rand36_{s}"] == 0
    # PSQI: 7.5 h in bed, 80 % efficiency → C4 1; 6 h → C3 1
    assert res.loc[0, "psqi_time_in_bed_h"] == 7.5
    assert res.loc[0, "psqi_efficiency"] == pytest.approx(80.0)
    assert res.loc[0, "psqi_c4"] == 1 and res.loc[0, "psqi_c3"] == 1
    # EQ-5D-5L China value set
    assert res.loc[0, "eq5d_index_cn"] == 1.0
    assert res.loc[1, "eq5d_index_cn"] == pytest.approx(-0.391, abs=1e-12)
    # row 3: item 5 = 7 is not a code → PF computed from the other 9 items (half-scale rule)
    assert res.loc[2, "sf36_pf"] == 100
    assert pd.isna(res.loc[2, "eqvas"]) or str(res.loc[2, "eqvas"]) == "ND"
    flags = pd.read_csv(tmp_path / "scored.flags.csv")
    assert list(flags.columns[:6]) == ["row", "variable", "value", "level", "rule", "message"]
    errors = flags[flags["level"] == "error"]
    got = {(r.row, r.variable) for r in errors.itertuples()}
    assert (2, "eqvas") in got  # 'abc' is not a number, in data row 2
    assert (3, "sf36_05") in got  # code 7 outside 1–3
    # 'NA' is the not-applicable code, not a pandas NaN, and 'ND' applies to eqvas: no error
    assert (3, "eqvas") not in got
    msg = errors[(errors["row"] == 2) & (errors["variable"] == "eqvas")]["message"].iloc[0]
    assert "abc" in msg


def test_strict_writes_nothing_and_exits_1(table: Path, tmp_path: Path) -> None:
    out = tmp_path / "strict.csv"
    proc = run_score(table, "-o", out, "--strict")
    assert proc.returncode == 1
    assert not out.exists() and not (tmp_path / "strict.flags.csv").exists()
    assert "row 2" in proc.stderr and "eqvas" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_xlsx_in_and_out_with_custom_flag_file(table: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.xlsx"
    pd.read_csv(table, dtype=str, keep_default_na=False, encoding="utf-8-sig").to_excel(
        src, index=False
    )
    out = tmp_path / "out.xlsx"
    flags = tmp_path / "f.csv"
    proc = run_score(src, "-o", out, "--flags", flags)
    assert proc.returncode == 0, proc.stderr
    res = pd.read_excel(out)
    assert res.loc[0, "sf36_pf"] == 100 and res.loc[1, "sf36_mh"] == 0
    assert flags.exists()


@pytest.mark.parametrize(
    ("name", "content", "expect"),
    [
        ("empty.csv", b"", "empty"),
        ("latin1.csv", "sf36_01,name\n1,Jos\xe9\n".encode("latin-1"), "UTF-8"),
        ("broken.xlsx", b"PK\x03\x04 this is not really a zip", "xlsx"),
        ("garbage.xlsx", os.urandom(4096), "xlsx"),
        ("nocols.csv", b"foo,bar\n1,2\n", "no recognised column"),
        ("data.txt", b"sf36_01\n1\n", "unsupported"),
    ],
)
def test_bad_input_is_one_clear_line_exit_2(
    tmp_path: Path, name: str, content: bytes, expect: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    proc = run_score(path, "-o", tmp_path / "o.csv")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert expect.lower() in lines[0].lower()
    assert not (tmp_path / "o.csv").exists()


def test_missing_file_and_directory(tmp_path: Path) -> None:
    for target in (tmp_path / "nope.csv", tmp_path):
        proc = run_score(target, "-o", tmp_path / "o.csv")
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1


def test_protocol_settings_on_the_command_line(tmp_path: Path) -> None:
    """--setting switches the reference set: a woman's 4 m walk in 4.60 s (0.87 m/s) is slow by
    AWGS 2019 (< 1.0 m/s) but not by EWGSOP2 (≤ 0.8 m/s) (physical.md §2); a bad setting is one
    line naming it, exit 2."""
    src = tmp_path / "walk.csv"
    pd.DataFrame([{"sex": "F", "age": "70", "walk4m_1_s": "4.60"}]).to_csv(src, index=False)
    out = tmp_path / "out.csv"

    def rules(*setting: str) -> set[str]:
        r = run_score(src, "-o", out, *setting)
        assert r.returncode == 0, r.stderr
        return set(pd.read_csv(tmp_path / "out.flags.csv")["rule"])

    assert "awgs2019.gait_speed_low" in rules()
    ewg = rules("--setting", "reference_set=EWGSOP2")
    assert "awgs2019.gait_speed_low" not in ewg and "ewgsop2.gait_speed_low" not in ewg
    bad = run_score(src, "-o", out, "--setting", "reference_set=WHO")
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "reference_set" in bad.stderr and "EWGSOP2" in bad.stderr
    assert "NAME=VALUE" in run_score(src, "-o", out, "--setting", "oops").stderr


def test_fried_slowness_rule_b_derives_the_baseline_cutoffs(tmp_path: Path) -> None:
    """Rule B (Fried 2001: slowest 20 % by sex and height) from the input's first row per
    participant; the cut-offs used are printed, and a follow-up row does not change them."""
    rows = []
    for k, (sex, h, t) in enumerate(
        [("M", 160, 5), ("M", 165, 6), ("M", 170, 7), ("M", 175, 4), ("M", 180, 4.5),
         ("M", 185, 5), ("F", 150, 6), ("F", 155, 8), ("F", 160, 5), ("F", 165, 7)]
    ):  # fmt: skip
        rows.append({"participant": f"P{k}", "visit": "BL", "sex": sex, "height_cm": str(h),
                     "walk4m_1_s": str(t), "fried_weightloss": "0"})  # fmt: skip
    rows.append({"participant": "P0", "visit": "M3", "sex": "M", "height_cm": "160",
                 "walk4m_1_s": "30", "fried_weightloss": "0"})  # fmt: skip
    src = tmp_path / "fried.csv"
    pd.DataFrame(rows).to_csv(src, index=False)
    r = run_score(src, "-o", tmp_path / "o.csv", "--setting", "fried_slowness_rule=B")
    assert r.returncode == 0, r.stderr
    # men split at 172.5 cm: [5, 6, 7] → P80 6.6 s, [4, 4.5, 5] → 4.8 s (linear percentile)
    assert "men ≤ 172.5 cm: 6.6 s, > 172.5 cm: 4.8 s" in r.stderr
    out = pd.read_csv(tmp_path / "o.csv")
    assert out["fried_slowness"].tolist()[:3] == [0, 0, 1]  # 5 s, 6 s, 7 s against 6.6 s
