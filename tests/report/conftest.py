"""Project fixtures for report/export/review tests: built once, copied per test that writes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.report.projectdata import build_project
from valuedesk.project import Project
from valuedesk.review import ReviewService


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("built") / "base.vdproj"
    return path, build_project(path)


@pytest.fixture
def ids(built: tuple[Path, dict[str, int]]) -> dict[str, int]:
    return built[1]


@pytest.fixture
def project_path(built: tuple[Path, dict[str, int]], tmp_path: Path) -> Path:
    """A private copy of the built project (tests may review it)."""
    dst = tmp_path / "proj" / "p.vdproj"
    dst.parent.mkdir()
    shutil.copy(built[0], dst)
    return dst


@pytest.fixture
def project(project_path: Path) -> Iterator[Project]:
    with Project.open(project_path) as p:
        yield p


@pytest.fixture
def reviewed(project: Project, ids: dict[str, int]) -> Project:
    """The same project after a typical review session on video one."""
    rs = ReviewService(project, author="tester")
    rs.accept(ids["one"], "face")
    rs.reject(ids["one"], "benevolence_caring", 0, note="Just a thank-you.")
    rs.set_label(ids["one"], "hedonism", 2)
    rs.add_evidence(ids["one"], "hedonism", 7)
    rs.remove_evidence(ids["one"], "achievement", 3)
    rs.correct_line(ids["one"], 2, "Okay so today I hit one million likes!")
    rs.set_note(ids["one"], "Watched together; the brother bit is mean.")
    return project
