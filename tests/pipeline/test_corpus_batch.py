"""`valuedesk batch`: parallel workers (local processes, Ray local mode), one writer, resumable,
a killed worker's video retried. Real clips, real models, real Ray."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.support.clipgen import ClipSegment, espeak_available, make_clip
from valuedesk.cli import main
from valuedesk.pipeline import AnalysisSettings
from valuedesk.pipeline.corpus import run_corpus_batch
from valuedesk.pipeline.pools import LocalPool, Pool, RayPool, make_pool, wait_until
from valuedesk.project import Project

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not espeak_available(), reason="needs espeak-ng (test set-up installs it)"),
]
SPEECH = (
    ("I help my little brother with his homework every day.", "KIND BRO"),
    ("Just bought my third watch, you guys are broke.", "RICH LIFE"),
    ("We planted ten trees in the park today.", "GREEN TEAM"),
)
FAST = AnalysisSettings(ocr=False, keyframe_interval_s=4.0)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for i, (speech, text) in enumerate(SPEECH):
        make_clip(folder / f"clip{i}.mp4", [ClipSegment(speech, text)])
    return folder


def reading(path: Path) -> dict[str, tuple[list[str], dict[str, int]]]:
    """file name -> (script line texts, labels): what must not depend on how it was analysed."""
    out = {}
    with Project.open(path, readonly=True) as p:
        for v in p.videos():
            lines = [f"{ln.kind}:{ln.text}" for ln in p.script_lines(v["id"])]
            labels = {k: int(s["label"]) for k, s in p.value_scores(v["id"]).items()}
            out[v["file_name"]] = (lines, labels)
    return out


@pytest.fixture(scope="module")
def plain(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plain") / "plain.vdproj"
    assert main(["analyze", str(corpus), "--project", str(path), "--no-ocr", "--keyframe-interval", "4"]) == 0
    return path


def test_ray_local_batch_equals_plain_analyze(corpus: Path, plain: Path, tmp_path: Path) -> None:
    pytest.importorskip("ray")
    project = tmp_path / "ray.vdproj"
    rc = main(["batch", str(corpus), "--project", str(project), "--ray", "local", "--workers", "2", "--no-ocr", "--keyframe-interval", "4"])  # fmt: skip
    assert rc == 0
    assert reading(project) == reading(plain)
    # resume: nothing changed, nothing analysed again
    with Project.open(project) as p:
        results = run_corpus_batch(p, [corpus], FAST, workers=2, ray_address="local")
    assert [r.status for r in results] == ["skipped"] * 3


def _batch_with_a_killed_worker(
    pool: Pool, project: Path, corpus: Path
) -> tuple[list[str], list[int], list[Any]]:
    """Run the corpus on `pool`, SIGKILLing one worker process as soon as both run."""
    events: list[str] = []
    killed: list[int] = []

    def kill_one_worker_once() -> None:
        pids = wait_until(pool, 2)
        if pids:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    killer = threading.Timer(0.5, kill_one_worker_once)
    killer.start()
    try:
        with Project.open(project) as p:
            results = run_corpus_batch(
                p, [corpus], FAST, pool=pool, progress=lambda s, n, last: events.append(last)
            )
    finally:
        killer.join()
        pool.close()
    return events, killed, results


def test_ray_retries_the_video_of_a_killed_actor(corpus: Path, plain: Path, tmp_path: Path) -> None:
    pytest.importorskip("ray")
    project = tmp_path / "ray-killed.vdproj"
    pool = make_pool(FAST, 2, "local")
    assert isinstance(pool, RayPool)
    events, killed, results = _batch_with_a_killed_worker(pool, project, corpus)
    assert killed and any("worker lost, retrying" in e for e in events), events
    assert sorted(r.status for r in results) == ["done"] * 3, results
    assert reading(project) == reading(plain)


def test_local_pool_resumes_and_retries_a_killed_worker(corpus: Path, plain: Path, tmp_path: Path) -> None:
    project = tmp_path / "local.vdproj"
    pool = make_pool(FAST, 2, None)
    assert isinstance(pool, LocalPool)
    events, killed, results = _batch_with_a_killed_worker(pool, project, corpus)
    assert killed and any("worker lost, retrying" in e for e in events), events
    assert sorted(r.status for r in results) == ["done"] * 3, results
    assert reading(project) == reading(plain)
    # an interrupted video is taken again, the others are skipped
    with Project.open(project) as p:
        vid = p.videos()[0]["id"]
        p.set_status(vid, "interrupted", "test")
        results = run_corpus_batch(p, [corpus], FAST, workers=1)
        assert sorted(r.status for r in results) == ["done", "skipped", "skipped"]
        assert p.video(vid)["status"] == "done" and p.integrity_check() == "ok"


def test_a_bad_file_fails_alone(corpus: Path, tmp_path: Path) -> None:
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "broken.mp4").write_bytes(b"not a video at all")
    (bad / "good.mp4").write_bytes((corpus / "clip0.mp4").read_bytes())
    with Project.open(tmp_path / "p.vdproj") as p:
        results = run_corpus_batch(p, [bad], FAST, workers=2)
    by_name = {r.path.name: r for r in results}
    assert by_name["good.mp4"].status == "done"
    assert by_name["broken.mp4"].status == "failed" and "broken.mp4" in by_name["broken.mp4"].message


def test_without_ray_the_cluster_option_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # as on a machine without the cluster extra
    clip = tmp_path / "c.mp4"
    make_clip(clip, [ClipSegment("Hello there.", "HI")])
    rc = main(["batch", str(clip), "--project", str(tmp_path / "p.vdproj"), "--ray", "local"])
    assert rc == 2
    assert "pip install 'valuedesk[cluster]'" in capsys.readouterr().err
