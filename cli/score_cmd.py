"""``python main.py score INPUT -o OUTPUT [--flags FLAGS] [--strict] [--setting NAME=VALUE ...]``.

Scores and flags a table of administrations (one row each, codebook-named columns) with the same
batch path as exports (scoring.engine.evaluate). Unknown columns pass through unchanged; every score
whose instrument has at least one item column is added, unrounded; invalid cells are treated as
missing for scoring and reported as error flags.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd

from cli.errors import CommandError
from scoring.engine import Evaluation, evaluate
from scoring.fried import baseline_slowness_cutoffs
from scoring.model import ScoringSettings
from scoring.registry import INSTRUMENTS, all_items

FLAG_FILE_COLUMNS = ["row", "variable", "value", "level", "rule", "message", "message_zh"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="score and flag a CSV/xlsx of administrations",
        description="Score and flag a CSV (UTF-8, with or without BOM) or xlsx (first sheet) "
        "with one row per administration and a header row of codebook names.",
    )
    p.add_argument("input", type=Path, help="input .csv or .xlsx")
    p.add_argument("-o", "--output", type=Path, required=True, help="output .csv or .xlsx")
    p.add_argument("--flags", type=Path, help="flag file (default: OUTPUT stem + .flags.csv)")
    p.add_argument(
        "--strict", action="store_true", help="any error-level flag: exit 1 and write nothing"
    )
    p.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a scoring setting of the protocol (repeatable), e.g. reference_set=EWGSOP2, "
        "tug_recorded=mean, psqi_poor_sleeper_cutoff=7, fried_slowness_rule=B (cut-offs from the "
        "input's first row per participant)",
    )
    p.set_defaults(handler=run)


def parse_settings(pairs: list[str]) -> ScoringSettings:
    """``--setting NAME=VALUE`` pairs → ScoringSettings (CommandError naming the bad one)."""
    data: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"--setting {pair!r}: write NAME=VALUE (e.g. reference_set=EWGSOP2)")
        data[name.strip()] = value.strip()
    try:
        return ScoringSettings.from_mapping(data, "--setting")
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def with_baseline_cutoffs(raw: pd.DataFrame, settings: ScoringSettings) -> ScoringSettings:
    """Fried slowness rule B without given cut-offs: derive them from the input's baseline (each
    participant's first row; every row when there is no participant column), physical.md §7."""
    if settings.fried_slowness_rule != "B" or settings.fried_slowness_b:
        return settings
    base = raw.drop_duplicates("participant") if "participant" in raw.columns else raw
    ev = evaluate(base, replace(settings, fried_slowness_rule="A"), INSTRUMENTS)
    values = pd.concat([ev.values, ev.scores], axis=1)
    cols = [values[c].to_numpy(dtype="float64") for c in ("sex", "height_cm", "walk4m_s")]
    try:
        cuts = baseline_slowness_cutoffs(*cols)
    except (KeyError, ValueError) as exc:
        raise CommandError(
            f"fried_slowness_rule=B: cannot derive baseline cut-offs ({exc})"
        ) from None
    shown = "; ".join(
        f"{'men' if s == 1 else 'women'} ≤ {h:g} cm: {a:g} s, > {h:g} cm: {b:g} s"
        for s, h, a, b in cuts
    )
    print(f"Fried slowness rule B, baseline slowest 20 %: {shown}", file=sys.stderr)
    return replace(settings, fried_slowness_b=cuts)


def read_table(path: Path) -> pd.DataFrame:
    """Read INPUT as text cells (so codes like ``NA`` and times like ``07:30`` stay as typed)."""
    if not path.exists():
        raise CommandError(f"{path}: no such file")
    if path.is_dir():
        raise CommandError(f"{path}: is a directory, not a .csv or .xlsx file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skip_blank_lines=True
            )
        elif suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
        else:
            raise CommandError(f"{path}: unsupported file type '{suffix}' (use .csv or .xlsx)")
    except CommandError:
        raise
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8"
        ) from None
    except pd.errors.EmptyDataError:
        raise CommandError(f"{path}: the file is empty") from None
    except pd.errors.ParserError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "malformed"
        raise CommandError(f"{path}: not a readable CSV ({first})") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        kind = "xlsx workbook" if suffix != ".csv" else "CSV file"
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CommandError(f"{path}: not a readable {kind} ({detail})") from None
    except Exception as exc:  # any other reader failure is still bad input, not a crash
        raise CommandError(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def flag_file_frame(ev: Evaluation, index: pd.Index) -> pd.DataFrame:
    """Flags with ``row`` as the 1-based data row of the input."""
    position = {label: i + 1 for i, label in enumerate(index)}
    flags = ev.flags
    out = pd.DataFrame(
        {
            "row": flags["row"].map(position).astype("Int64"),
            "variable": flags["variable"],
            "value": flags["value"],
            "level": flags["level"],
            "rule": flags["rule"],
            "message": flags["message_en"],
            "message_zh": flags["message_zh"],
        },
        columns=FLAG_FILE_COLUMNS,
    )
    return out


def write_table(frame: pd.DataFrame, path: Path) -> None:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame.to_csv(path, index=False, encoding="utf-8")
        elif suffix == ".xlsx":
            with pd.ExcelWriter(
                path,
                engine="xlsxwriter",
                engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}},
            ) as writer:
                frame.to_excel(writer, index=False, sheet_name="scored")
        else:
            raise CommandError(f"{path}: unsupported output type '{suffix}' (use .csv or .xlsx)")
    except OSError as exc:
        raise CommandError(f"{path}: cannot write ({exc.strerror or exc})") from None


def run(args: argparse.Namespace) -> int:
    out: Path = args.output
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise CommandError(f"{out}: unsupported output type '{out.suffix}' (use .csv or .xlsx)")
    flags_path: Path = args.flags or out.with_name(out.stem + ".flags.csv")
    raw = read_table(args.input)
    known = {i.name for i in all_items()}
    recognised = [c for c in raw.columns if c in known]
    if not recognised:
        raise CommandError(
            f"{args.input}: no recognised column; the header must use codebook names "
            "(e.g. sf36_01, psqi_bedtime, eqvas, tug_1_s)"
        )
    raw = raw.reset_index(drop=True)
    settings = with_baseline_cutoffs(raw, parse_settings(args.setting))
    ev = evaluate(raw, settings, instruments=INSTRUMENTS)
    flags = flag_file_frame(ev, raw.index)
    errors = int((flags["level"] == "error").sum())
    if args.strict and errors:
        first = flags[flags["level"] == "error"].iloc[0]
        print(
            f"error: {errors} invalid cell(s); first at row {first['row']}, column "
            f"{first['variable']}: {first['message']} (--strict: nothing written)",
            file=sys.stderr,
        )
        return 1
    score_cols = [c for c in ev.scores.columns]
    passthrough = raw.drop(columns=[c for c in raw.columns if c in set(score_cols)])
    result = pd.concat([passthrough, ev.scores], axis=1)
    write_table(result, out)
    flags.to_csv(flags_path, index=False, encoding="utf-8")
    counts = flags["level"].value_counts()
    print(
        f"scored {len(raw)} row(s), {len(score_cols)} score(s) → {out}; flags: "
        f"{counts.get('error', 0)} error, {counts.get('warning', 0)} warning, "
        f"{counts.get('clinical', 0)} clinical → {flags_path}"
    )
    return 0
