"""Shared fixtures for the export/import tests: a real SQLite study filled through the store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.reports.export_fixtures import PASSWORD, empty_study, filled_study


@pytest.fixture(scope="session")
def study_template(tmp_path_factory) -> Path:
    return filled_study(tmp_path_factory.mktemp("study") / "study.db")


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory) -> Path:
    return empty_study(tmp_path_factory.mktemp("empty") / "empty.db")


@pytest.fixture()
def study_db(study_template: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "study.db"
    shutil.copy(study_template, dst)
    return dst


@pytest.fixture()
def empty_db(empty_template: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "empty.db"
    shutil.copy(empty_template, dst)
    return dst


@pytest.fixture(autouse=True)
def _password(monkeypatch) -> None:
    monkeypatch.setenv("OUTCOMEDESK_PASSWORD", PASSWORD)
