"""``python main.py export --db PATH --user NAME --format xlsx|sav|dta|csv [--layout long|wide]
[--site S] -o OUT``: the statistician's labelled, blinded, reproducible export (audited)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.args import path_arg, text_arg
from cli.auth import add_db_user_arguments, open_session
from cli.errors import CommandError

FORMATS = {"xlsx": ".xlsx", "sav": ".sav", "dta": ".dta", "csv": ".csv"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="export the study data (xlsx, SPSS .sav, Stata .dta, CSV) with a codebook",
        description="Export every participant × visit with every item and every score (computed "
        "now), missing-data codes, flags and a codebook. The data checksum is printed and "
        "audited; the same data always gives the same checksum.",
    )
    add_db_user_arguments(p)
    p.add_argument("--format", required=True, choices=sorted(FORMATS), dest="fmt")
    p.add_argument("--layout", choices=("long", "wide"), default="long")
    p.add_argument("--site", type=text_arg, help="only this site")
    p.add_argument("-o", "--output", type=path_arg, required=True, help="output file")
    p.set_defaults(handler=run)


def _written_file(exc: OSError, out: Path) -> Path:
    """The output file an OSError is about (the writers' ``.<name>.partial`` shown as
    ``<name>``; the codebook of a CSV export is a file of its own)."""
    name = exc.filename2 or exc.filename
    if not name:
        return out
    path = Path(str(name))
    if path.name.startswith(".") and path.name.endswith(".partial"):
        path = path.with_name(path.name[1 : -len(".partial")])
    return path


def run(args: argparse.Namespace) -> int:
    from reports.export_csv import codebook_path, write_csv
    from reports.export_frame import ExportMeta, build_export, from_store
    from reports.export_spss import write_sav
    from reports.export_stata import write_dta
    from reports.export_xlsx import write_xlsx
    from store.errors import StoreError

    out: Path = args.output
    want = FORMATS[args.fmt]
    if out.suffix.lower() != want:
        raise CommandError(f"{out}: a {args.fmt} export must end in {want}")
    if out.is_dir():
        raise CommandError(f"{out}: is a folder; give the export file's name")
    if args.fmt == "csv" and codebook_path(out).is_dir():
        raise CommandError(
            f"{codebook_path(out)}: is a folder; a CSV export writes its codebook there"
        )
    if not out.parent.exists():
        raise CommandError(f"{out.parent}: no such folder")
    store, session = open_session(args.db, args.user)
    try:
        try:
            sites = sorted(s.code for s in store.sites(session))
            if args.site and args.site not in sites:
                raise CommandError(f"--site: unknown site '{args.site}' ({', '.join(sites)})")
            source = from_store(store, session, site=args.site)
            table = build_export(source, layout=args.layout)
            filters = {"site": args.site or "all"}
            meta = ExportMeta(exported_by=session.username, filters=filters)
            writer = {"xlsx": write_xlsx, "sav": write_sav, "dta": write_dta, "csv": write_csv}
            checksum = writer[args.fmt](table, out, meta)
            detail = (
                f"format={args.fmt} layout={args.layout} site={args.site or 'all'} "
                f"rows={len(table.data)} columns={len(table.columns)} file={out.name} "
                f"data_sha256={checksum}"
            )
            try:
                store.record_event(session, "export", detail)
            except BaseException:  # every export is audited: an unaudited file is not left
                for path in (out, codebook_path(out)) if args.fmt == "csv" else (out,):
                    path.unlink(missing_ok=True)
                raise
        except CommandError:
            raise  # already one clear line (e.g. an unknown site)
        except StoreError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            where = _written_file(exc, out)
            raise CommandError(f"{where}: cannot write ({exc.strerror or exc})") from None
        except ValueError as exc:  # a value the format cannot hold (named in the message)
            raise CommandError(f"{out}: {exc}") from None
        except Exception as exc:  # a writer library's own error: still one line, no traceback
            raise CommandError(f"{out}: the {args.fmt} writer failed ({exc})") from None
    finally:
        store.close()
    extra = f" + {codebook_path(out).name}" if args.fmt == "csv" else ""
    print(
        f"exported {len(table.data)} row(s) × {len(table.columns)} column(s) ({args.layout}) → "
        f"{out}{extra}; data sha256 {checksum}"
    )
    return 0
