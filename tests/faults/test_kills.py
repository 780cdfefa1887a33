"""kill -9 at random moments of saving analyses, of review saves and of real `valuedesk analyze` runs."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.conftest import TALLY, check_project, child_env, kill_after, snapshot, start_writer
from valuedesk.project import Project

SAVE_KILLS = 24
REVIEW_KILLS = 12
ANALYZE_KILLS = 4


def _wait_ready(path: Path) -> None:
    with Project.open(path):
        pass


def test_kills_while_saving_analyses_lose_nothing(tmp_path: Path, rng: random.Random) -> None:
    path = tmp_path / "kills.vdproj"
    _wait_ready(path)
    before = snapshot(path)
    for _ in range(SAVE_KILLS):
        proc = start_writer("save", str(path))
        lines, err = kill_after(proc, rng.uniform(0.3, 1.0))  # start-up is ≈0.3 s; then a save every few ms
        assert proc.returncode == -9, err
        TALLY["kills"] += 1
        before = check_project(path, before)
        committed = [int(line.split()[1]) for line in lines if line.startswith("run ")]
        with Project.open(path, readonly=True) as project:
            present = {r[0] for r in project.db.execute("SELECT id FROM runs").fetchall()}
        lost = [r for r in committed if r not in present]
        TALLY["writes_checked"] += len(committed)
        TALLY["writes_lost"] += len(lost)
        assert not lost, f"runs reported committed but missing after kill -9: {lost}"
    with Project.open(path, readonly=True) as project:
        statuses = {v["status"] for v in project.videos()}
    assert statuses <= {"done", "interrupted"} and "done" in statuses


def test_kills_while_saving_reviews_lose_nothing(tmp_path: Path, rng: random.Random) -> None:
    path = tmp_path / "reviews.vdproj"
    proc = start_writer("save", str(path), "1")
    assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    with Project.open(path) as project:
        video = int(project.videos()[0]["id"])
    before = snapshot(path)
    for _ in range(REVIEW_KILLS):
        proc = start_writer("review", str(path), str(video))
        lines, err = kill_after(proc, rng.uniform(0.3, 0.9))
        assert proc.returncode == -9, err
        TALLY["kills"] += 1
        before = check_project(path, before)
        added = [int(line.split()[1]) for line in lines if line.startswith("review ")]
        with Project.open(path, readonly=True) as project:
            present = {r[0] for r in project.db.execute("SELECT id FROM reviews").fetchall()}
            # add_review drops undone reviews (the redo stack), so only reviews added after the last
            # printed undo are sure to exist.
            last_undo = max((i for i, line in enumerate(lines) if line.startswith("undo ")), default=-1)
            expected = [int(line.split()[1]) for line in lines[last_undo + 1 :] if line.startswith("review ")]
        lost = [r for r in expected if r not in present]
        TALLY["writes_checked"] += len(added)
        TALLY["writes_lost"] += len(lost)
        assert not lost, f"reviews reported committed but missing after kill -9: {lost}"


@pytest.mark.slow
def test_kills_during_real_analysis_leave_the_previous_run_current(
    tmp_path: Path, garden_clip: Path, rng: random.Random
) -> None:
    path = tmp_path / "analyze.vdproj"
    cmd = [
        sys.executable,
        "-m",
        "valuedesk",
        "analyze",
        str(garden_clip),
        "--project",
        str(path),
        "--classifier",
        "baseline",
    ]
    done = subprocess.run(cmd, env=child_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with Project.open(path) as project:
        [video] = project.videos()
        first_run = video["current_run_id"]
    before = snapshot(path)
    for _ in range(ANALYZE_KILLS):
        proc = subprocess.Popen(
            [*cmd, "--force"], env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        _lines, _err = kill_after(proc, rng.uniform(1.0, 8.0))
        TALLY["kills"] += 1
        before = check_project(path, before)
        with Project.open(path, readonly=True) as project:
            [video] = project.videos()
        assert video["status"] in ("interrupted", "done")
        assert video["current_run_id"] is not None and video["current_run_id"] >= first_run
        if video["status"] == "interrupted":
            shown = subprocess.run(
                [sys.executable, "-m", "valuedesk", "show", str(video["id"]), "--project", str(path)],
                env=child_env(),
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert shown.returncode == 0, shown.stderr
            assert "interrupted" in shown.stdout and "previous analysis is shown" in shown.stdout
            assert "model:" in shown.stdout
    rerun = subprocess.run(cmd, env=child_env(), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr  # an interrupted video is analysed again, not skipped
    with Project.open(path, readonly=True) as project:
        [video] = project.videos()
    assert video["status"] == "done"


@pytest.mark.slow
def test_killing_an_isolated_analysis_leaves_no_orphan(tmp_path: Path, garden_clip: Path) -> None:
    path = tmp_path / "orphan.vdproj"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "valuedesk",
            "analyze",
            str(garden_clip),
            "--project",
            str(path),
            "--classifier",
            "baseline",
            "--isolate",
        ],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not children:
        children = _descendants(proc.pid)
        time.sleep(0.1)
    assert children, "the analysis child never started"
    time.sleep(1.0)
    children = _descendants(proc.pid)  # the worker and multiprocessing's resource tracker
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    TALLY["kills"] += 1
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.2)
    survivors = [pid for pid in children if _alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert not survivors, f"orphans kept running after the parent was killed: {survivors}"
    check_project(path, snapshot(path))


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(")") + 2 :].split()[1])
        if ppid == pid or ppid in found:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2 :].split()[0] != "Z"
