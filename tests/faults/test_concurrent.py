"""Several writers on one project at once: analysers, saves and reviews all complete, nothing lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.conftest import TALLY, check_project, child_env, snapshot, start_writer
from valuedesk.project import Project

ROUNDS = 3
WRITERS = 3
SAVES = 12


def test_parallel_savers_all_complete_and_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "busy.vdproj"  # created by the writers themselves, at the same moment
    before: dict[str, set[str]] = {}
    for _ in range(ROUNDS):
        procs = [start_writer("save", str(path), str(SAVES)) for _ in range(WRITERS)]
        outputs = [p.communicate(timeout=300) for p in procs]
        for proc, (out, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, f"a writer failed beside the others:\n{err}"
            assert len([ln for ln in out.splitlines() if ln.startswith("run ")]) == SAVES
            TALLY["concurrent_ok"] += 1
        runs = [int(ln.split()[1]) for out, _ in outputs for ln in out.splitlines() if ln.startswith("run ")]
        with Project.open(path, readonly=True) as project:
            present = {r[0] for r in project.db.execute("SELECT id FROM runs").fetchall()}
        TALLY["writes_checked"] += len(runs)
        TALLY["writes_lost"] += len(set(runs) - present)
        assert set(runs) <= present and len(set(runs)) == len(runs)
        before = check_project(path, before) if before else snapshot(path)


def test_reviews_beside_saves_both_complete(tmp_path: Path) -> None:
    path = tmp_path / "review-and-save.vdproj"
    seed = start_writer("save", str(path), "1")
    assert seed.wait(timeout=60) == 0
    with Project.open(path) as project:
        video = int(project.videos()[0]["id"])
    for _ in range(ROUNDS):
        reviewer = start_writer("review", str(path), str(video))
        saver = start_writer("save", str(path), str(SAVES))
        out, err = saver.communicate(timeout=300)
        reviewer.kill()
        r_out, r_err = reviewer.communicate(timeout=30)
        assert saver.returncode == 0, err
        assert "Traceback" not in r_err, r_err
        assert sum(ln.startswith("review ") for ln in r_out.splitlines()) > 0
        TALLY["concurrent_ok"] += 2
        check_project(path, {})


@pytest.mark.slow
def test_two_real_analyzers_on_one_project_both_finish(
    tmp_path: Path, garden_clip: Path, voice_only_clip: Path
) -> None:
    path = tmp_path / "two.vdproj"
    Project.open(path).close()
    for round_ in range(2):
        cmds = [
            [
                sys.executable,
                "-m",
                "valuedesk",
                "analyze",
                str(clip),
                "--project",
                str(path),
                "--classifier",
                "baseline",
                "--no-ocr",
                *(["--force"] if round_ else []),
            ]
            for clip in (garden_clip, voice_only_clip)
        ]
        procs = [
            subprocess.Popen(c, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for c in cmds
        ]
        for proc in procs:
            _out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, f"an analyzer failed beside the other:\n{err}"
            TALLY["concurrent_ok"] += 1
        with Project.open(path, readonly=True) as project:
            videos = project.videos()
        assert len(videos) == 2 and {v["status"] for v in videos} == {"done"}
        assert all(v["current_run_id"] is not None for v in videos)
    check_project(path, {})
