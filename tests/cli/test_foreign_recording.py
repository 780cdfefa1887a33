"""A recording the project did not make, muxed into an mp4, becomes a correct timed transcript."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from valuedesk.cli import main
from valuedesk.media.probe import probe
from valuedesk.project import Project

DATA = Path(__file__).resolve().parents[1] / "media" / "data"


@pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="needs the ffmpeg command (test set-up installs it)"
)
def test_foreign_speech_in_an_mp4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = tmp_path / "interview.mp4"
    seconds = (
        sum(probe(DATA / f).duration_ms for f in ("foreign-speech-fox.ogg", "foreign-speech-counting.ogg"))
        / 1000
    )
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-loop",
            "1",
            "-framerate",
            "5",
            "-i",
            str(DATA / "portrait.jpg"),
            "-i",
            str(DATA / "foreign-speech-fox.ogg"),
            "-i",
            str(DATA / "foreign-speech-counting.ogg"),
            "-filter_complex",
            "[1:a][2:a]concat=n=2:v=0:a=1[a];[0:v]scale=360:-2,format=yuv420p[v]",
            "-map",
            "[v]",
            "-map",
            "[a]",
            "-t",
            f"{seconds:.2f}",
            "-c:v",
            "libx264",
            "-c:a",
            "aac",
            str(video),
        ],
        check=True,
    )
    project = tmp_path / "p.vdproj"
    assert main(["analyze", str(video), "--project", str(project)]) == 0
    with Project.open(project, readonly=True) as p:
        [row] = p.videos()
        words = p.words(row["id"])
        text = " ".join(w.text.strip() for w in words).lower()
        assert "quick brown fox jumps over the lazy dog" in text.replace(".", "").replace(",", "")
        assert all(a.start_ms <= b.start_ms for a, b in zip(words, words[1:], strict=False))
        fox = next(w for w in words if "fox" in w.text.lower())
        assert 300 <= fox.start_ms <= 1800  # "fox" is the fourth word of a 3 s sentence
        assert words[-1].end_ms <= row["duration_ms"] + 300
        assert len(p.value_scores(row["id"])) == 19
        assert any(ln.kind == "scene" and "person" in ln.text.lower() for ln in p.script_lines(row["id"]))
