"""Independent readers for the export tests: GNU PSPP and LibreOffice.

``make test`` installs both (scripts/sysdeps.sh test). Where they are missing the reader tests are
skipped, except on CI (``CI`` set), where a missing reader fails the test instead of hiding it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def reader(*names: str) -> str | None:
    """The first of ``names`` on PATH."""
    return next((p for p in map(shutil.which, names) if p), None)


def needs(*names: str) -> pytest.MarkDecorator:
    """Skip when none of ``names`` is installed, except on CI."""
    missing = reader(*names) is None and not os.environ.get("CI")
    return pytest.mark.skipif(missing, reason=f"{' / '.join(names)} is not installed")


def pspp_output(sav: Path, commands: str, workdir: Path) -> str:
    """Text output of PSPP running ``GET FILE=sav`` then ``commands``."""
    sps = workdir / "read.sps"
    sps.write_text(f'GET FILE="{sav}".\n{commands}', encoding="utf-8")
    proc = subprocess.run(
        ["pspp", "-O", "format=txt", str(sps)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout
