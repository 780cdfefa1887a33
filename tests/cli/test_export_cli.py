"""`valuedesk export`: the format table reaches --help and the choices; a folder format named like a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.report.projectdata import build_project
from valuedesk.cli import main
from valuedesk.report.exports import EXPORT_FORMATS


@pytest.fixture(scope="module")
def project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export-cli") / "p.vdproj"
    build_project(path)
    return path


def test_help_and_choices_come_from_the_format_table(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = capsys.readouterr().out
    assert "{" + ",".join(f.name for f in EXPORT_FORMATS) + "}" in text
    for f in EXPORT_FORMATS:
        assert f.description in text and f.where in text
    assert "-o labels.csv" in text and "-o labels" in text  # the folder-name rule is documented
    with pytest.raises(SystemExit):
        main(["export", "--format", "xlsx", "-o", "x.xlsx"])
    assert "invalid choice: 'xlsx'" in capsys.readouterr().err


def test_csv_to_a_file_name_is_refused_with_the_folder_to_give(
    project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "labels.csv"
    assert main(["export", "--format", "csv", "-o", str(out), "--project", str(project_file)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("valuedesk: error:"), err
    assert "csv writes a folder (labels.csv, evidence.csv), not one file" in err[0]
    assert f"e.g. {tmp_path / 'labels'}" in err[0] and "quotes" in err[0]
    assert not out.exists() and not list(tmp_path.iterdir())
    # what the message suggests works
    assert (
        main(["export", "--format", "csv", "-o", str(tmp_path / "labels"), "--project", str(project_file)])
        == 0
    )
    printed = capsys.readouterr().out.split()
    assert sorted(Path(p).name for p in printed) == ["evidence.csv", "labels.csv"]
    assert (tmp_path / "labels" / "labels.csv").is_file()
