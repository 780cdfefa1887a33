"""Damaged project files are refused unchanged; a full disk refuses the write and keeps the file whole."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.faults.conftest import TALLY, check_project, snapshot
from tests.faults.writer import record
from valuedesk.project import Project, ProjectError, claims


def _good_project(path: Path, videos: int = 3) -> None:
    with Project.open(path) as project:
        for i in range(videos):
            vid = project.add_video(f"/clips/v{i}.mp4", sha256=f"s{i}", size_bytes=1, creator="Mia")
            project.save_analysis(vid, record(i))


def _damages(clean: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    page = 4096
    flipped = bytearray(clean)
    for _ in range(64):  # scribble over interior pages (not the header)
        at = rng.randrange(page, len(clean))
        flipped[at] ^= 0xFF
    zeroed = bytearray(clean)
    start = rng.randrange(1, len(clean) // page) * page
    zeroed[start : start + page] = bytes(page)
    return [
        ("truncated to half", clean[: len(clean) // 2]),
        ("header overwritten", b"\0" * 100 + clean[100:]),
        ("bytes flipped", bytes(flipped)),
        ("a page zeroed", bytes(zeroed)),
        ("one byte", clean[:1]),
    ]


def test_damaged_projects_are_refused_unchanged(tmp_path: Path, rng: random.Random) -> None:
    clean_path = tmp_path / "clean.vdproj"
    _good_project(clean_path)
    clean = clean_path.read_bytes()
    refused = 0
    for name, data in _damages(clean, rng):
        path = tmp_path / f"{name.replace(' ', '-')}.vdproj"
        path.write_bytes(data)
        try:
            with Project.open(path) as project:
                check = project.integrity_check()
                list(project.videos())
                # SQLite cannot see every flipped byte (free pages, slack): if it opened, it must be sound.
                assert check == "ok", f"{name}: opened although damaged ({check})"
        except ProjectError as exc:
            assert str(path) in str(exc) and (
                "damaged" in str(exc) or "not a ValueDesk project" in str(exc)
            ), exc
            refused += 1
        assert path.read_bytes() == data, f"{name}: the damaged file was changed"
        assert not Path(str(path) + "-wal").exists() or Path(str(path) + "-wal").stat().st_size == 0
    TALLY["damaged_refused"] += refused
    assert refused >= 4


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("mount") is None,
    reason="a small full filesystem needs a tmpfs mount (root only)",
)
def test_a_full_disk_refuses_the_save_and_keeps_the_project(tmp_path: Path) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=768k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        path = mount / "full.vdproj"
        _good_project(path, videos=1)
        before = snapshot(path)
        failure = None
        with Project.open(path) as project:
            for i in range(1000):
                claim = claims.new_claim()
                vid = (
                    project.add_video(
                        f"/clips/big{i}.mp4", sha256=f"b{i}", size_bytes=1, creator="Mia", claim=claim
                    )
                    if failure is None
                    else None
                )
                try:
                    project.set_status(vid, "analyzing", claim=claim)
                    big = record(i, n_lines=200)
                    project.save_analysis(vid, big)
                except ProjectError as exc:
                    failure = exc
                    break
                finally:
                    claims.release(claim)
        assert failure is not None, "the disk never filled up"
        assert str(path) in str(failure) and "disk is full" in str(failure), failure
        TALLY["disk_full"] += 1
        check_project(path, before)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
