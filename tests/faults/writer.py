"""A child process that writes to a project in a loop, reporting each commit, until it is killed.

The fault tests run it and kill -9 it at random moments (inside transactions too). Every line it
prints on stdout is flushed only after the commit it names returned, so "committed" means
committed: the parent checks that none of those writes is lost after the kill.

    python -m tests.faults.writer save PROJECT [N]     analyses saved (add_video → analyzing → save)
    python -m tests.faults.writer review PROJECT VID   review labels, undo and redo
"""

from __future__ import annotations

import os
import random
import sys

from valuedesk.project import AnalysisRecord, EvidenceRow, Project, ScoreRow, claims
from valuedesk.script import ScriptLine, Word
from valuedesk.values import VALUE_IDS


def record(seed: int, n_lines: int = 30) -> AnalysisRecord:
    """A full-size synthetic analysis: lines, words, 19 scores, evidence and a thumbnail."""
    rng = random.Random(seed)
    lines = [
        ScriptLine(
            i * 1000, i * 1000 + 900, "speech", "A", f"line {i} of {seed} " + "word " * rng.randint(3, 20)
        )
        for i in range(n_lines)
    ]
    words = [
        Word(i * 1000 + j * 100, i * 1000 + j * 100 + 90, f"w{j}", 0.9)
        for i in range(n_lines)
        for j in range(5)
    ]
    labels = [rng.choice((-1, 0, 0, 1, 2)) for _ in VALUE_IDS]
    scores = [
        ScoreRow(v, rng.random(), lab, 0.5, rng.random()) for v, lab in zip(VALUE_IDS, labels, strict=True)
    ]
    evidence = [
        EvidenceRow(v, rng.randrange(n_lines), rng.random(), 0, 900)
        for v, lab in zip(VALUE_IDS, labels, strict=True)
        if lab
    ]
    return AnalysisRecord(
        lines=lines,
        scores=scores,
        evidence=evidence,
        words=words,
        thumbnails=[(0, os.urandom(2000))],
        models={"classifier": "fault-writer"},
    )


def save_loop(path: str, count: int) -> None:
    with Project.open(path) as project:
        for i in range(count):
            name = f"/clips/fault-{os.getpid()}-{i % 3}.mp4"
            claim = claims.new_claim()
            vid = project.add_video(
                name, sha256=f"{os.getpid()}-{i % 3}", size_bytes=1, creator=f"creator {i % 4}", claim=claim
            )
            project.set_status(vid, "analyzing", claim=claim)
            run = project.save_analysis(vid, record(i))
            claims.release(claim)
            print(f"run {run}", flush=True)


def review_loop(path: str, video_id: int) -> None:
    rng = random.Random(os.getpid())
    with Project.open(path) as project:
        while True:
            action = rng.random()
            if action < 0.7:
                rid = project.add_review(
                    video_id,
                    "label",
                    value_id=rng.choice(VALUE_IDS),
                    before=0,
                    after=rng.choice((-1, 0, 1, 2)),
                )
                print(f"review {rid}", flush=True)
            elif action < 0.85:
                rid = project.undo_review(video_id)
                print(f"undo {rid}", flush=True)
            else:
                rid = project.redo_review(video_id)
                print(f"redo {rid}", flush=True)


def main(argv: list[str]) -> None:
    mode, path = argv[0], argv[1]
    if mode == "save":
        save_loop(path, int(argv[2]) if len(argv) > 2 else 10**9)
    elif mode == "review":
        review_loop(path, int(argv[2]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
