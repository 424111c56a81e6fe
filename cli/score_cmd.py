"""``python main.py score INPUT -o OUTPUT [--flags FLAGS] [--strict] [--setting NAME=VALUE ...]``.

Scores and flags a table of administrations (one row each, codebook-named columns) with the same
batch path as exports (scoring.engine.evaluate). Unknown columns pass through unchanged; every score
whose instrument has at least one item column is added, unrounded; invalid cells are treated as
missing for scoring and reported as error flags.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd

from cli.args import path_arg
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
    p.add_argument("input", type=path_arg, help="input .csv or .xlsx")
    p.add_argument("-o", "--output", type=path_arg, required=True, help="output .csv or .xlsx")
    p.add_argument("--flags", type=path_arg, help="flag file (default: OUTPUT stem + .flags.csv)")
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
    """Read INPUT as text cells (so codes like ``NA`` and times like ``07:30`` stay as typed).

    The header is taken as written (names stripped): a name used twice is refused, never
    renamed (pandas would silently call the second one ``eqvas.1``)."""
    if not path.exists():
        raise CommandError(f"{path}: no such file")
    if path.is_dir():
        raise CommandError(f"{path}: is a directory, not a .csv or .xlsx file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                skip_blank_lines=True,
                header=None,
            )
            sheet = None
        elif suffix in (".xlsx", ".xlsm"):
            with path.open("rb") as fh:
                if fh.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
                    raise CommandError(
                        f"{path}: an old Excel (.xls) or password-protected workbook; save it "
                        "as .xlsx without a password"
                    )
            with pd.ExcelFile(path, engine="openpyxl") as book:
                sheet = book.sheet_names[0] if book.sheet_names else None
                frame = pd.read_excel(book, sheet_name=0, dtype=object, header=None)
            _refuse_uncomputed_formulas(path, sheet)
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
    except PermissionError:
        raise CommandError(f"{path}: cannot be read (permission denied)") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        kind = "xlsx workbook" if suffix != ".csv" else "CSV file"
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CommandError(f"{path}: not a readable {kind} ({detail})") from None
    except Exception as exc:  # any other reader failure is still bad input, not a crash
        raise CommandError(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from None
    if frame.empty:
        where = f"sheet '{sheet}'" if sheet is not None else "the file"
        raise CommandError(f"{path}: {where} is empty")
    frame.columns = _header(path, frame.iloc[0].tolist())
    if suffix == ".csv":
        _refuse_truncated(path, len(frame.columns))
    frame = frame.iloc[1:]
    frame.attrs["sheet"] = sheet
    return frame


def _refuse_uncomputed_formulas(path: Path, sheet: str | None) -> None:
    """A formula cell is read as the value a spreadsheet program computed and saved with it.
    A workbook written by a script and never opened has formulas without such a value: they
    would be read as blank (a missing answer) without a word, so they are refused by cell."""
    import openpyxl

    if sheet is None:
        return
    books = [openpyxl.load_workbook(path, read_only=True, data_only=d) for d in (False, True)]
    try:
        cells = []
        rows = zip(books[0][sheet].iter_rows(), books[1][sheet].iter_rows(), strict=False)
        for formulas, values in rows:
            for f, v in zip(formulas, values, strict=False):
                # no saved result: no value and no type ('str' is a saved empty text)
                uncomputed = v.value is None and getattr(v, "data_type", "n") == "n"
                if getattr(f, "data_type", None) == "f" and uncomputed:
                    cells.append(f.coordinate)
        if cells:
            shown = ", ".join(cells[:3]) + (", …" if len(cells) > 3 else "")
            raise CommandError(
                f"{path}: sheet '{sheet}', cell(s) {shown}: a formula without a computed value "
                "(the workbook was never saved by a spreadsheet program); open and save it, or "
                "type the values"
            )
    finally:
        for book in books:
            book.close()


def _refuse_truncated(path: Path, width: int) -> None:
    """A CSV cut off mid-row (an interrupted copy): no final line break and a last line with
    fewer cells than the header. pandas would pad it with blanks, read as missing answers."""
    data = path.read_bytes()
    if not data or data.endswith((b"\n", b"\r")):
        return
    last = data.rsplit(b"\n", 1)[-1].decode("utf-8-sig", "replace")
    cells = next(csv.reader([last]), [])
    if len(cells) < width:
        line = data.count(b"\n") + 1
        raise CommandError(
            f"{path}: line {line} ends after {len(cells)} of {width} columns without a line "
            "break: the file looks truncated (copy it again from its source)"
        )


def _header(path: Path, cells: list) -> list[str]:
    """The header row's names; CommandError naming a name that appears twice."""
    names = []
    for i, c in enumerate(cells):
        blank = c is None or (isinstance(c, float) and c != c) or str(c).strip() == ""
        names.append(f"Unnamed: {i}" if blank else str(c).strip())
    first: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if name in first:
            raise CommandError(
                f"{path}: header row: column {i} is named '{name}' like column {first[name]}; "
                "each column name may appear once"
            )
        first[name] = i
    return names


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


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path``'s temporary name (``_partial``); the caller renames it."""
    suffix = path.suffix.lower()
    tmp = _partial(path)
    try:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False, encoding="utf-8")
        elif suffix == ".xlsx":
            with pd.ExcelWriter(
                tmp,
                engine="xlsxwriter",
                engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}},
            ) as writer:
                frame.to_excel(writer, index=False, sheet_name="scored")
        else:
            raise CommandError(f"{path}: unsupported output type '{suffix}' (use .csv or .xlsx)")
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CommandError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_outputs(pairs: list[tuple[pd.DataFrame, Path]]) -> None:
    """Write every output or none: each to a temporary name first, then all renamed; an
    interrupted or failed run leaves no partial file and no stale pair (scores without
    flags)."""
    written: list[Path] = []
    try:
        for frame, path in pairs:
            write_table(frame, path)
            written.append(path)
        for path in written:
            os.replace(_partial(path), path)
    except OSError as exc:
        raise CommandError(f"{path}: cannot write ({exc.strerror or exc})") from None
    finally:
        for path in written:
            _partial(path).unlink(missing_ok=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def check_outputs(inp: Path, out: Path, flags: Path) -> None:
    """Refuse, before reading anything, outputs that cannot be written or would overwrite the
    input or each other (the user's data must never be lost to a typo)."""
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise CommandError(f"{out}: unsupported output type '{out.suffix}' (use .csv or .xlsx)")
    if flags.suffix.lower() != ".csv":
        raise CommandError(f"--flags {flags}: the flag file is a CSV; its name must end in .csv")
    for option, path in (("-o", out), ("--flags", flags)):
        if path.is_dir():
            raise CommandError(f"{option} {path}: is a folder; give a file name")
        if not path.parent.is_dir():
            raise CommandError(f"{option} {path}: folder {path.parent} does not exist")
        if _same_file(path, inp):
            raise CommandError(f"{option} {path}: is the input file; it would be overwritten")
    if _same_file(out, flags):
        raise CommandError(f"--flags {flags}: is the output file; give the flags another name")


def run(args: argparse.Namespace) -> int:
    out: Path = args.output
    if out.suffix.lower() not in (".csv", ".xlsx"):  # also '.' or '/': no name to derive from
        raise CommandError(f"{out}: unsupported output type '{out.suffix}' (use .csv or .xlsx)")
    flags_path: Path = args.flags or out.with_name(out.stem + ".flags.csv")
    check_outputs(args.input, out, flags_path)
    raw = read_table(args.input)
    known = {i.name for i in all_items()}
    recognised = [c for c in raw.columns if c in known]
    if not recognised:
        if len(raw.columns) == 1 and (";" in raw.columns[0] or "\t" in raw.columns[0]):
            sep = "';'" if ";" in raw.columns[0] else "a tab"
            raise CommandError(
                f"{args.input}: the columns are separated by {sep}, not commas: save the file "
                "as 'CSV (comma delimited)' UTF-8"
            )
        sheet = raw.attrs.get("sheet")
        where = f" (sheet '{sheet}', the workbook's first)" if sheet is not None else ""
        raise CommandError(
            f"{args.input}{where}: no recognised column; the header must use codebook names "
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
            f"error: {args.input}: {errors} invalid cell(s); first at data row {first['row']} "
            f"(line {int(first['row']) + 1} with the header), column {first['variable']}: "
            f"{first['message']} (--strict: nothing written)",
            file=sys.stderr,
        )
        return 1
    score_cols = [c for c in ev.scores.columns]
    passthrough = raw.drop(columns=[c for c in raw.columns if c in set(score_cols)])
    result = pd.concat([passthrough, ev.scores], axis=1)
    write_outputs([(result, out), (flags, flags_path)])
    counts = flags["level"].value_counts()
    print(
        f"scored {len(raw)} row(s), {len(score_cols)} score(s) → {out}; flags: "
        f"{counts.get('error', 0)} error, {counts.get('warning', 0)} warning, "
        f"{counts.get('clinical', 0)} clinical → {flags_path}"
    )
    return 0
