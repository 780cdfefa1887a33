"""Command-line arguments with bytes that are not UTF-8 (a file name from an old camera or a
Windows share): each command works with the exact bytes, or says one clear line — no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.report.projectdata import build_project, video_two

ROOT = Path(__file__).resolve().parents[2]
FFFD = "\ufffd".encode()  # how an undecodable byte is shown


@pytest.fixture(scope="module")
def area(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project (name with a 0xFF byte) holding a video whose path has a 0xFF byte too."""
    root = tmp_path_factory.mktemp("nonutf8")
    base = root / "base.vdproj"
    build_project(base)
    from valuedesk.project import Project

    video = os.fsencode(root) + b"/media/caf\xe9 \xff.mp4"
    os.makedirs(os.fsencode(root) + b"/media")
    with open(video, "wb") as fh:
        fh.write(b"\0")
    with Project.open(base) as p:
        vid = p.add_video(video, sha256="7" * 64, size_bytes=1, creator="latin1.fan", title="Old camera clip")
        p.save_analysis(vid, video_two())
    assert vid == 6
    with Project.open(base) as p:  # checkpoint the WAL so a plain copy carries everything
        p.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(base, os.fsencode(root) + b"/proj\xff.vdproj")
    return root


def run(area: Path, *args: str | bytes, strict: bool = True) -> subprocess.CompletedProcess[bytes]:
    """`valuedesk ARGS` in `area`; strict: stdout refuses surrogates, as in a UTF-8 desktop locale."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONIOENCODING", None)
    if strict:
        env["PYTHONIOENCODING"] = "utf-8:strict"
    return subprocess.run(
        [sys.executable, "-m", "valuedesk", *args], cwd=area, env=env, capture_output=True, timeout=120
    )


def one_error(proc: subprocess.CompletedProcess[bytes]) -> bytes:
    assert proc.returncode == 2, proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr and proc.stdout == b""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(b"valuedesk: error: "), proc.stderr
    assert b"\\udc" not in lines[0] and not lines[0].endswith(
        b"error: utf-8"
    )  # no escapes, no bare codec name
    lines[0].decode("utf-8")  # the line itself is valid UTF-8
    return lines[0]


PROJECT = b"proj\xff.vdproj"


@pytest.mark.parametrize(
    "command",
    [
        [b"show", b"nope\xff.mp4"],
        [b"review", b"nope\xff.mp4"],
        [b"report", b"nope\xff.mp4", b"-o", b"r.pdf"],
        [b"export", b"--format", b"json", b"--video", b"nope\xff.mp4", b"-o", b"e.json"],
    ],
)
def test_unknown_video_with_undecodable_bytes_is_one_error_line(area: Path, command: list[bytes]) -> None:
    line = one_error(run(area, *command, b"--project", PROJECT))
    assert b"no video 'nope" + FFFD + b".mp4'" in line


@pytest.mark.parametrize(
    "command",
    [
        [b"show", b"6"],
        [b"review", b"6"],
        [b"report", b"6", b"-o", b"m.pdf"],
        [b"export", b"--format", b"json", b"-o", b"m.json"],
    ],
)
def test_missing_project_with_undecodable_bytes_is_named(area: Path, command: list[bytes]) -> None:
    line = one_error(run(area, *command, b"--project", b"missing\xff.vdproj"))
    assert line == b"valuedesk: error: missing" + FFFD + b".vdproj: no such project file"


def test_unknown_creator_with_undecodable_bytes(area: Path) -> None:
    line = one_error(run(area, b"report", b"--creator", b"x\xff", b"-o", b"c.pdf", b"--project", PROJECT))
    assert b"no creator 'x" + FFFD + b"'" in line
    line = one_error(run(area, b"show", b"--creator", b"x\xff", b"--project", PROJECT))
    assert b"no videos by creator 'x" + FFFD + b"'" in line


def test_video_found_by_its_exact_bytes(area: Path) -> None:
    path = os.fsencode(area) + b"/media/caf\xe9 \xff.mp4"
    for ref in (path, b"media/caf\xe9 \xff.mp4", b"caf\xe9 \xff.mp4", b"6"):
        proc = run(area, b"show", ref, b"--project", PROJECT)
        assert proc.returncode == 0, proc.stderr
        assert b"(video 6, latin1.fan" in proc.stdout and b"caf" + FFFD + b" " + FFFD + b".mp4" in proc.stdout
    proc = run(area, b"review", path, b"--project", PROJECT)
    assert proc.returncode == 0 and b"Stimulation" in proc.stdout, proc.stderr
    proc = run(
        area,
        b"review",
        path,
        b"--note",
        b"seen on \xff day",
        b"--author",
        b"J\xfcrgen",
        b"--project",
        PROJECT,
    )
    assert proc.returncode == 0, proc.stderr  # text arguments are stored with U+FFFD for the bad bytes
    proc = run(area, b"review", b"6", b"--project", PROJECT)
    assert b"note: seen on " + FFFD + b" day" in proc.stdout, proc.stderr


@pytest.mark.parametrize("strict", [True, False])
def test_outputs_with_undecodable_bytes_are_written_exactly(area: Path, strict: bool) -> None:
    tag = b"s" if strict else b"p"
    pdf, js, folder = tag + b"-report\xff.pdf", tag + b"-export\xff.json", tag + b"-csv\xff"
    proc = run(area, b"report", b"caf\xe9 \xff.mp4", b"-o", pdf, b"--project", PROJECT, strict=strict)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
    assert Path(os.fsdecode(os.fsencode(area) + b"/" + pdf)).read_bytes()[:4] == b"%PDF"
    # a strict stream shows U+FFFD; a POSIX-locale stream carries the exact bytes
    assert proc.stdout == (pdf.replace(b"\xff", FFFD) if strict else pdf) + b"\n"
    proc = run(
        area, b"report", b"1", b"-o", tag + b"-one\xff.pdf", b"--project", b"base.vdproj", strict=strict
    )
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr  # only the output name is odd
    assert os.path.isfile(os.fsencode(area) + b"/" + tag + b"-one\xff.pdf")
    proc = run(
        area,
        b"export",
        b"--format",
        b"json",
        b"-o",
        js,
        b"--video",
        b"caf\xe9 \xff.mp4",
        b"--project",
        PROJECT,
        strict=strict,
    )
    assert proc.returncode == 0, proc.stderr
    assert b'"Old camera clip"' in Path(os.fsdecode(os.fsencode(area) + b"/" + js)).read_bytes()
    proc = run(area, b"export", b"--format", b"csv", b"-o", folder, b"--project", PROJECT, strict=strict)
    assert proc.returncode == 0, proc.stderr
    assert sorted(os.listdir(os.fsencode(area) + b"/" + folder)) == [b"evidence.csv", b"labels.csv"]
    # a second run refuses to overwrite: one line naming the file readably
    line = one_error(run(area, b"report", b"6", b"-o", pdf, b"--project", PROJECT, strict=strict))
    assert (
        line
        == b"valuedesk: error: "
        + pdf.replace(b"\xff", FFFD)
        + b": already exists; use --force to overwrite it"
    )
    line = one_error(
        run(
            area,
            b"export",
            b"--format",
            b"json",
            b"-o",
            b"no\xff/x.json",
            b"--project",
            PROJECT,
            strict=strict,
        )
    )
    assert line.endswith(b"no" + FFFD + b"/x.json: folder no" + FFFD + b" does not exist")
