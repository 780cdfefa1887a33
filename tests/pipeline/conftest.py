"""Small real clips for pipeline and CLI tests, generated once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.clipgen import ClipSegment, make_clip, write_info_json

GARDEN = [
    ClipSegment(
        "Today I am helping my grandfather plant tomatoes in his garden.",
        "GRANDPA'S GARDEN",
        background=(30, 80, 40),
    ),
    ClipSegment(
        "We collect rain water so nothing is wasted, and the bees love it.",
        "SAVE WATER",
        background=(20, 60, 90),
    ),
]


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pipeline-clips")


@pytest.fixture(scope="session")
def garden_clip(clip_dir: Path) -> Path:
    path = clip_dir / "garden.mp4"
    make_clip(path, GARDEN)
    write_info_json(
        path,
        uploader="KindKidsClub",
        description="Family first! #family #nature",
        upload_date="20260805",
        title="helping grandpa",
    )
    return path


@pytest.fixture(scope="session")
def voice_only_clip(clip_dir: Path) -> Path:
    path = clip_dir / "voice.m4a"
    make_clip(path, [ClipSegment("Winning the championship was the best day of my life.")], video=False)
    return path


@pytest.fixture(scope="session")
def mute_clip(clip_dir: Path) -> Path:
    path = clip_dir / "mute.mp4"
    make_clip(path, [ClipSegment(None, "NO SOUND HERE", duration_s=3.0)], audio=False)
    return path
