"""The fault suite: kills, full disks, concurrent writers and damaged files (`pytest -m faults`).

Every test adds to one tally; the summary line at the end prints it (kills survived, writes lost).
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.conftest import clip_dir, garden_clip, voice_only_clip  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
TALLY: Counter[str] = Counter()
SEED = int(os.environ.get("VALUEDESK_FAULT_SEED", "20261201"))

# Tables the project only ever appends to (rows of finished runs never change).
APPEND_ONLY = ("runs", "script_lines", "words", "value_scores", "evidence", "thumbnails")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.faults)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TALLY:
        terminalreporter.write_line(
            f"fault suite (seed {SEED}): {TALLY['kills']} kills survived, {TALLY['writes_checked']} committed writes "
            f"checked, writes lost = {TALLY['writes_lost']}, stale statuses = {TALLY['stale']}, "
            f"integrity failures = {TALLY['integrity_failures']}, concurrent writers completed = "
            f"{TALLY['concurrent_ok']}, damaged files refused unchanged = {TALLY['damaged_refused']}, "
            f"full-disk writes refused cleanly = {TALLY['disk_full']}"
        )


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> random.Random:
    return random.Random(f"{SEED}-{request.node.name}")


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def start_writer(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.writer", *args],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_after(proc: subprocess.Popen[str], delay_s: float) -> tuple[list[str], str]:
    """kill -9 after `delay_s`; the lines it printed (each one a finished commit) and its stderr."""
    time.sleep(delay_s)
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=30)
    return out.splitlines(), err


def snapshot(path: Path) -> dict[str, set[str]]:
    """Digests of every committed row of the append-only tables (read with plain sqlite3)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = {}
        for table in APPEND_ONLY:
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608 - fixed names
            out[table] = {hashlib.sha256(repr(r).encode()).hexdigest() for r in rows}
        return out
    finally:
        conn.close()


def check_project(path: Path, before: dict[str, set[str]]) -> dict[str, set[str]]:
    """After a fault: integrity ok, every row committed before still there unchanged, no stale status."""
    from valuedesk.project import Project

    with Project.open(path) as project:
        ok = project.integrity_check() == "ok"
        TALLY["integrity_failures"] += not ok
        assert ok, f"{path}: integrity_check failed"
        stale = [v for v in project.videos() if v["status"] in ("queued", "analyzing")]
        TALLY["stale"] += len(stale)
        assert not stale, f"stale status after the fault: {[(v['id'], v['status']) for v in stale]}"
        for v in project.videos():
            if v["current_run_id"] is not None:
                run = project.run(int(v["id"]))
                assert run is not None and run["status"] == "done"
    after = snapshot(path)
    for table, rows in before.items():
        missing = rows - after[table]
        TALLY["writes_lost"] += len(missing)
        assert not missing, f"{len(missing)} committed {table} rows changed or vanished"
    return after
