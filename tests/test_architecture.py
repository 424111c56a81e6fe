"""The layering of DESIGN.md is a checked contract, not a good intention."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_import_contracts_hold() -> None:
    """import-linter: ui → reports → store → scoring, and no PySide6 below ui/."""
    proc = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_clean() -> None:
    proc = subprocess.run(
        [str(BIN / "ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_display_prints_advice_instead_of_aborting() -> None:
    """Qt aborts the interpreter without a display (setup.md §3); main.py must explain instead."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    proc = subprocess.run(
        [sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 3
    assert "xvfb-run" in proc.stderr and "offscreen" in proc.stderr


def test_smoke_opens_main_window_offscreen() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "main.py", "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "first painted main window (sign-in page)" in proc.stdout
    assert "participant list painted" in proc.stdout
    marks = dict(kv.split("=") for kv in proc.stdout.split("timeline ", 1)[1].split())
    assert list(marks) == ["window", "ready", "login", "list"]
    times = [float(v) for v in marks.values()]
    assert times == sorted(times), marks  # painted, store ready, signed in, list painted
