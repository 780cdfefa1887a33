"""Exports and reports are written whole or not at all: a full disk leaves nothing behind.

Real conditions only: a tiny tmpfs (root), a file-size limit (RLIMIT_FSIZE, any user) and a
read-only folder (non-root).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from valuedesk.project import Project
from valuedesk.report.exports import export
from valuedesk.report.pdf_video import write_video_report
from valuedesk.report.safeio import OutputError, OutputFolder, write_file

ROOT = Path(__file__).resolve().parents[2]
is_root = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs: a real 'No space left on device' (needs root to mount)."""
    if not is_root or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_full_disk_leaves_no_truncated_file(project: Project, ids: dict[str, int], tiny_disk: Path) -> None:
    out = tiny_disk / "report.pdf"
    with pytest.raises(OutputError) as err:
        write_video_report(project, ids["one"], out)  # a few hundred KiB into 64 KiB
    msg = str(err.value)
    assert msg.startswith(f"{out}: cannot write (") and "No space left on device" in msg
    assert "nothing was written" in msg
    assert os.listdir(tiny_disk) == []  # no truncated report, no temporary file
    # the next run is not blocked by "already exists"
    assert write_file(out, b"%PDF-1.4 small\n").read_bytes() == b"%PDF-1.4 small\n"
    # with --force, a failed write leaves the earlier file as it was
    with pytest.raises(OutputError, match="No space left on device"):
        write_video_report(project, ids["one"], out, force=True)
    assert out.read_bytes() == b"%PDF-1.4 small\n"
    assert sorted(os.listdir(tiny_disk)) == ["report.pdf"]


def test_full_disk_inside_an_export_folder(project: Project, tiny_disk: Path) -> None:
    folder = OutputFolder(tiny_disk / "subs")
    folder.write("small.txt", "fits")
    with pytest.raises(OutputError, match=r"big\.txt: cannot write \(No space left on device\)"):
        folder.write("big.txt", "x" * 200_000)
    assert sorted(os.listdir(tiny_disk / "subs")) == ["small.txt"]


LIMITED = """
import resource, sys
from valuedesk.cli import main
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))  # Python ignores SIGXFSZ: writes fail with EFBIG
sys.exit(main(sys.argv[1:]))
"""


def test_file_size_limit_fails_cleanly_then_next_run_works(project_path: Path, tmp_path: Path) -> None:
    """Any user: past RLIMIT_FSIZE a write fails mid-file, like a full disk (SQLite stays below it)."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "report.pdf"
    args = ["report", "morning.mp4", "-o", str(out), "--project", str(project_path)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-c", LIMITED, *args], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert err[0] == f"valuedesk: error: {out}: cannot write (File too large); nothing was written"
    assert os.listdir(out_dir) == []
    proc = subprocess.run(
        [sys.executable, "-m", "valuedesk", *args], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"%PDF") and os.listdir(out_dir) == ["report.pdf"]


def test_read_only_folder_leaves_nothing(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("this user writes into read-only folders (root); the tmpfs test covers root")
        with pytest.raises(
            OutputError, match=r"ro/a\.json: cannot write \(Permission denied\); nothing was written"
        ):
            export(project, "json", folder / "a.json")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)


def test_complete_write_leaves_only_the_target(project: Project, tmp_path: Path) -> None:
    d = tmp_path / "out"
    d.mkdir()
    out = d / "a.json"
    export(project, "json", out)
    assert os.listdir(d) == ["a.json"] and json.loads(out.read_text())["version"] == 1
    with pytest.raises(OutputError, match="already exists; use --force"):
        write_file(out, "{}")
    assert json.loads(out.read_text())["version"] == 1 and os.listdir(d) == ["a.json"]
    write_file(out, "{}", force=True)
    assert out.read_text() == "{}" and os.listdir(d) == ["a.json"]


def test_a_target_that_appears_while_writing_is_not_overwritten(tmp_path: Path) -> None:
    """The finished temporary file takes the name only if nothing has it (link(2), like O_EXCL)."""
    from valuedesk.report.safeio import _link_new

    tmp = tmp_path / ".a.txt.partial-test"
    tmp.write_text("new")
    target = tmp_path / "a.txt"
    target.write_text("someone else's")
    with pytest.raises(FileExistsError):
        _link_new(tmp, target)
    assert target.read_text() == "someone else's"
    dangling = tmp_path / "b.txt"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(FileExistsError):
        _link_new(tmp, dangling)  # a link that appeared is neither followed nor replaced
    assert dangling.is_symlink() and not (tmp_path / "nowhere").exists()
