"""A project on a read-only disk (a USB stick, a shared folder) opens for viewing everywhere."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.writer import record
from valuedesk.cli import main
from valuedesk.project import Project


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs holding one analysed project, remounted read-only (root only)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a read-only mount needs root")
    mount = tmp_path / "stick"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        with Project.open(mount / "class.vdproj") as project:
            vid = project.add_video("/clips/a.mp4", sha256="a", size_bytes=1, creator="Mia", title="Clip A")
            project.save_analysis(vid, record(1))
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount / "class.vdproj"
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_show_export_and_report_work_on_a_read_only_disk(
    read_only_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = str(read_only_disk)
    before = read_only_disk.read_bytes()
    assert not Path(project + "-shm").exists()  # the case that failed: WAL needs a -shm it cannot create
    assert main(["show", "--list", "--project", project]) == 0
    assert "a.mp4" in capsys.readouterr().out
    assert main(["show", "1", "--project", project]) == 0
    assert main(["export", "--format", "csv", "-o", str(tmp_path / "csv"), "--project", project]) == 0
    assert (tmp_path / "csv" / "labels.csv").read_text(encoding="utf-8").count("\n") > 1
    assert main(["report", "1", "-o", str(tmp_path / "a.pdf"), "--project", project]) == 0
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    assert main(["review", "1", "--value", "achievement", "--label", "2", "--project", project]) == 2
    err = capsys.readouterr().err
    assert "read-only" in err
    assert read_only_disk.read_bytes() == before
