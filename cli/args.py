"""Argument types shared by the commands: a path or database option may not be empty.

An empty value (usually an unset shell variable, ``-o "$OUT"``) would otherwise mean the current
folder: ``report --all`` wrote every PDF there, ``score`` crashed on it.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def path_arg(text: str) -> Path:
    """A file or folder path; argparse reports an empty one as a usage error (one line)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("empty path (is a shell variable unset?)")
    return Path(text)


def db_arg(text: str) -> str:
    """A study database: an SQLite file path or a postgresql:// URL, not empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError("empty database path or URL (is a shell variable unset?)")
    return text


def text_arg(text: str) -> str:
    """A name or code (site, participant, visit); an empty one is a usage error — an empty
    ``--site`` would otherwise mean every site."""
    if not text.strip():
        raise argparse.ArgumentTypeError("empty value (is a shell variable unset?)")
    return text.strip()
