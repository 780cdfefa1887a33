"""`valuedesk analyze / show / demo` as a user runs them, including every kind of bad input."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from valuedesk.cli import main
from valuedesk.project import Project

BASE = ["--classifier", "baseline"]


def _intact(project: Path) -> None:
    conn = sqlite3.connect(project)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_analyze_batch_reports_each_bad_file_and_keeps_going(
    tmp_path: Path, garden_clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zero = tmp_path / "empty.mp4"
    zero.write_bytes(b"")
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n" * 50)
    trunc = tmp_path / "cut.mp4"
    trunc.write_bytes(garden_clip.read_bytes()[:4000])
    odd = tmp_path / os.fsdecode(b"clip-\xff.mp4")
    shutil.copy(garden_clip, odd)
    missing = tmp_path / "gone.mp4"
    project = tmp_path / "p.vdproj"
    code = main(
        [
            "analyze",
            str(zero),
            str(text),
            str(trunc),
            str(missing),
            str(odd),
            "--project",
            str(project),
            *BASE,
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    failed = [ln for ln in err.splitlines() if ln.startswith("✗")]
    assert len(failed) == 4, err
    assert any("empty.mp4" in ln and "empty" in ln.lower() for ln in failed)
    assert any("notes.mp4" in ln for ln in failed)
    assert any("cut.mp4" in ln for ln in failed)
    assert any("gone.mp4: no such file or folder" in ln for ln in failed)
    assert "1 analyzed, 0 unchanged, 4 failed" in err
    _intact(project)
    with Project.open(project, readonly=True) as p:
        done = [v for v in p.videos() if v["status"] == "done"]
        assert len(done) == 1 and done[0]["file_name"] == "clip-\ufffd.mp4"


def test_analyze_json_then_show(
    tmp_path: Path, garden_clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p.vdproj"
    assert main(["analyze", str(garden_clip), "--project", str(project), "--json", *BASE]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["status"] == "done"
    vid = out[0]["video_id"]
    assert main(["show", str(vid), "--project", str(project), "--script"]) == 0
    shown = capsys.readouterr().out
    assert "garden.mp4" in shown and "KindKidsClub" in shown and "grandfather" in shown.lower()
    assert main(["show", "--creator", "KindKidsClub", "--project", str(project), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data[0]["values"]) == 19 and data[0]["script"]
    assert main(["show", "nope.mp4", "--project", str(project)]) == 2
    assert "no video 'nope.mp4'" in capsys.readouterr().err
    # Unchanged: skipped.
    assert main(["analyze", str(garden_clip), "--project", str(project), *BASE]) == 0
    assert "0 analyzed, 1 unchanged" in capsys.readouterr().err


def test_read_only_project_is_refused_and_untouched(
    tmp_path: Path, garden_clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "ro.vdproj"
    Project.open(project).close()
    before = project.read_bytes()
    project.chmod(stat.S_IRUSR)
    try:
        assert main(["analyze", str(garden_clip), "--project", str(project), *BASE]) == 2
        err = capsys.readouterr().err
        assert "ro.vdproj: the project file is read-only" in err
        assert main(["show", "--list", "--project", str(project)]) == 0  # reading still works
    finally:
        project.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert project.read_bytes() == before
    _intact(project)


def test_locked_project_gives_a_clear_message(
    tmp_path: Path, garden_clip: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess
    import sys

    monkeypatch.setenv("VALUEDESK_LOCK_WAIT_S", "0.5")
    project = tmp_path / "busy.vdproj"
    Project.open(project).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(60)",
            str(project),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert main(["analyze", str(garden_clip), "--project", str(project), *BASE]) == 2
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err
    assert "busy.vdproj: the project is locked" in err and f"by another program (pid {holder.pid}" in err
    _intact(project)


def test_demo_prints_a_profile_per_clip(
    tmp_path: Path, garden_clip: Path, voice_only_clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = tmp_path / "samples"
    samples.mkdir()
    for f in (garden_clip, garden_clip.with_suffix(".info.json"), voice_only_clip):
        shutil.copy(f, samples)
    assert main(["demo", "--samples", str(samples), "--project", str(tmp_path / "demo.vdproj"), *BASE]) == 0
    out = capsys.readouterr().out
    assert out.count("━━") == 2 and "garden.mp4" in out and "voice.m4a" in out


def test_unreadable_sidecar_is_reported_and_the_video_still_analyzed(
    tmp_path: Path, voice_only_clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clip = tmp_path / "talk.m4a"
    shutil.copy(voice_only_clip, clip)
    (tmp_path / "talk.info.json").write_text("{not json", encoding="utf-8")
    assert main(["analyze", str(clip), "--project", str(tmp_path / "p.vdproj"), *BASE]) == 0
    err = capsys.readouterr().err
    assert "! talk.info.json: unreadable sidecar" in err and "✓ talk.m4a: done" in err
