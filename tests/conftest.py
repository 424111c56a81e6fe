"""Test-wide setup: Qt renders offscreen, the project root is importable."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator:
    """One throw-away PostgreSQL cluster for the whole run (``tests.store.conftest.PgCluster``),
    shared by the store and the command tests."""
    from tests.store.conftest import PgCluster

    cluster = PgCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
