"""``python main.py report`` and ``python main.py crf``: participant reports and CRFs as PDF.

    report --db PATH --user NAME --participant CODE [--lang en|zh] -o FILE.pdf
    report --db PATH --user NAME --all [--lang en|zh] -o DIR
    crf --db PATH --user NAME --participant CODE --visit CODE [--blank] [--lang en|zh] -o F.pdf
    crf --db PATH --user NAME --participant CODE [--blank] -o FILE.pdf  (the whole schedule)
    crf --db PATH --user NAME --all [--blank] -o DIR                    (one set per participant)

Every PDF written is audited (``Store.record_event(session, "print", …)``) with its SHA-256.
Scores are computed by ``scoring.engine.evaluate`` on ``answers_frame`` (the ``score`` path); a
batch scores the whole study once.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import importlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cli.args import db_arg, path_arg, text_arg
from cli.errors import CommandError


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser(
        "report",
        help="participant report PDF (scores by visit, trends, flags, signatures)",
        description="Print one participant's report, or every participant's (--all -o DIR).",
    )
    _common(r)
    r.add_argument(
        "--jobs", type=_jobs, default=0, help="with --all: processes laying out PDFs (0: CPUs)"
    )
    r.set_defaults(handler=run_report)
    c = sub.add_parser(
        "crf",
        help="case report form PDF, blank or completed",
        description="Print a visit's CRF (--visit), a participant's whole schedule (no --visit), "
        "or every participant's schedule (--all -o DIR); --blank leaves the answers out.",
    )
    _common(c)
    c.add_argument(
        "--visit", type=text_arg, help="visit code (default: every visit of the schedule)"
    )
    c.add_argument("--blank", action="store_true", help="blank form (no entered values)")
    c.add_argument(
        "--wording",
        type=path_arg,
        help="site folder of licensed wording packs (<instrument>.<lang>.json)",
    )
    c.set_defaults(handler=run_crf)


def _jobs(text: str) -> int:
    """--jobs: a whole number ≥ 0 (argparse reports the bad value in one line)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{n} is negative (0 means one per CPU)")
    return n


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db", type=db_arg, required=True, help="study database (file or postgresql:// URL)"
    )
    p.add_argument("--user", required=True, help="user name (password asked)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--participant", type=text_arg, help="participant code")
    who.add_argument("--all", action="store_true", help="every participant, one PDF each, into DIR")
    p.add_argument("--lang", choices=("en", "zh"), default="en")
    p.add_argument(
        "-o", "--output", type=path_arg, required=True, help="FILE.pdf, or DIR with --all"
    )


# --------------------------------------------------------------------------------------------


def open_session(db: str, user: str):
    """(store, session): cli/auth.py's login (password from OUTCOMEDESK_PASSWORD or a prompt)."""
    try:
        auth = importlib.import_module("cli.auth")
    except ModuleNotFoundError:  # before cli/auth.py is installed: the same steps here
        auth = None
    if auth is not None:
        return auth.open_session(db, user)
    from store.api import Store
    from store.errors import StoreError

    if "://" not in db and not Path(db).exists():
        raise CommandError(f"{db}: no such study database")
    try:
        store = Store.open(db, create=False)
    except StoreError as exc:
        raise CommandError(f"{db}: {exc}") from None
    try:
        password = os.environ.get("OUTCOMEDESK_PASSWORD")
        if password is None:
            password = getpass.getpass(f"password for {user}: ")
        return store, store.login(user, password)
    except StoreError as exc:
        store.close()
        raise CommandError(str(exc), 4) from None
    except BaseException:
        store.close()
        raise


def _check_output(args: argparse.Namespace) -> None:
    """Refuse an unusable output before anything is opened (the --all folder itself is made
    only once the login succeeded: a failed command leaves nothing behind)."""
    out: Path = args.output
    if args.all:
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out}: --all writes one PDF per participant into a folder")
        if not out.exists() and not out.parent.is_dir():
            raise CommandError(f"{out.parent}: no such folder (the folder for --all is made in it)")
    else:
        if out.suffix.lower() != ".pdf":
            raise CommandError(f"{out}: the output must end in .pdf")
        if out.is_dir():
            raise CommandError(f"{out}: is a folder; give a file name ending in .pdf")
        if not out.parent.exists():
            raise CommandError(f"{out.parent}: no such folder")


def _make_folder(out: Path) -> None:
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise CommandError(f"{out}: cannot create the folder ({exc.strerror or exc})") from None


def _write(path: Path, data: bytes) -> None:
    """Write the whole PDF or nothing: a temporary file renamed into place, so an interrupted
    or failed write never leaves a truncated PDF under the final name."""
    tmp = path.with_name(f".{path.name}.partial")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CommandError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _audit(store, session, what: str, path: Path, data: bytes) -> None:
    digest = hashlib.sha256(data).hexdigest()
    store.record_event(session, "print", f"{what} file={path.name} sha256={digest}")


def _write_audited(store, session, what: str, path: Path, data: bytes) -> None:
    """Write the PDF, then audit the print; a PDF whose print could not be audited (the store
    refused, Ctrl-C between the two) is removed again: every print is in the audit trail."""
    _write(path, data)
    try:
        _audit(store, session, what, path, data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _run(args: argparse.Namespace, produce: Callable) -> int:
    from reports.pdf_common import now_context
    from scoring.registry import scoring_versions
    from store.errors import NotFound, StoreError

    _check_output(args)
    store, session = open_session(args.db, args.user)
    written = 0
    started = time.perf_counter()
    try:
        if args.all:
            _make_folder(args.output)
        ctx = now_context(session.username, args.lang, scoring_versions())
        try:
            written = produce(store, session, ctx)
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        except StoreError as exc:
            raise CommandError(str(exc)) from None
    finally:
        store.close()
    took = time.perf_counter() - started
    where = args.output
    print(f"wrote {written} PDF(s) → {where} in {took:.1f} s (each print audited)")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from reports.participant_report import (
        build_participant_report,
        render_reports,
        slice_evaluation,
    )
    from reports.pdf_data import evaluate_frame, iter_records, load_participant

    def produce(store, session, ctx) -> int:
        if not args.all:
            record = load_participant(store, session, args.participant, with_answers=False)
            data = build_participant_report(record, ctx).pdf
            _write_audited(
                store,
                session,
                f"report participant={record.participant.code} lang={args.lang}",
                args.output,
                data,
            )
            return 1
        frame = store.answers_frame(session)
        settings = store.study(session).protocol.scoring_settings
        ev = evaluate_frame(frame, settings)  # the whole study scored once, as `score` does
        jobs = (
            (record, slice_evaluation(ev, record.frame.index))
            for record in iter_records(store, session, frame=frame)
        )
        n = 0
        try:
            for record, data in render_reports(jobs, ctx, workers=args.jobs):
                path = args.output / f"report_{record.participant.code}_{args.lang}.pdf"
                what = f"report participant={record.participant.code} lang={args.lang}"
                _write_audited(store, session, what, path, data)
                n += 1
                print(f"\r{n} report(s)", end="", file=sys.stderr, flush=True)
        finally:
            if n:  # end the progress line (also when interrupted: the error gets its own line)
                print(file=sys.stderr, flush=True)
        return n

    return _run(args, produce)


def run_crf(args: argparse.Namespace) -> int:
    from reports.crf import build_crf, build_crf_set
    from reports.pdf_data import iter_records, load_participant
    from reports.wording import SHORT_LABELS, WordingError, load_site_wording

    if args.all and args.visit:
        raise CommandError("--visit applies to one participant; --all prints whole schedules")
    try:
        wording = load_site_wording(args.wording) if args.wording else SHORT_LABELS
    except WordingError as exc:
        raise CommandError(str(exc)) from None
    completed = not args.blank
    kind = "blank" if args.blank else "completed"

    def one(store, session, ctx, record, path: Path) -> None:
        if args.visit:
            try:
                data = build_crf(record, args.visit, ctx, completed=completed, wording=wording)
            except KeyError as exc:
                raise CommandError(str(exc.args[0])) from None
            what = f"crf {kind} participant={record.participant.code} visit={args.visit}"
        else:
            data = build_crf_set(record, ctx, completed=completed, wording=wording)
            what = f"crf-set {kind} participant={record.participant.code}"
        _write_audited(store, session, f"{what} lang={args.lang}", path, data)

    def produce(store, session, ctx) -> int:
        if not args.all:
            record = load_participant(store, session, args.participant, with_answers=completed)
            one(store, session, ctx, record, args.output)
            return 1
        n = 0
        for record in iter_records(store, session, with_answers=completed):
            path = args.output / f"crf_{kind}_{record.participant.code}_{args.lang}.pdf"
            one(store, session, ctx, record, path)
            n += 1
        return n

    return _run(args, produce)
