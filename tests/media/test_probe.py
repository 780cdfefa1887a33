"""probe(): stream facts of generated clips, rotation, odd file names, hashing."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tests.mediafixtures import BadMedia
from tests.support.clipgen import ClipSegment, ClipTruth, make_clip
from valuedesk.media import MediaInfo, probe, sha256_file
from valuedesk.media.frames import extract_keyframes


def test_probe_speech_clip(speech_clip: ClipTruth) -> None:
    info = probe(speech_clip.path)
    assert isinstance(info, MediaInfo)
    assert info.has_video and info.has_audio
    assert (info.width, info.height) == (360, 640)
    assert info.is_vertical and info.rotation == 0
    assert info.fps == 15.0
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert info.container == "mp4"
    assert abs(info.duration_ms - speech_clip.duration_ms) <= 100
    assert info.size_bytes == speech_clip.path.stat().st_size
    assert Path(info.path).is_absolute()


def test_probe_audio_only_and_silent(audio_only_clip: ClipTruth, silent_video_clip: ClipTruth) -> None:
    a = probe(audio_only_clip.path)
    assert a.has_audio and not a.has_video
    assert (a.width, a.height, a.fps, a.video_codec) == (0, 0, 0.0, "")
    assert a.container == "m4a"
    assert abs(a.duration_ms - audio_only_clip.duration_ms) <= 100

    s = probe(silent_video_clip.path)
    assert s.has_video and not s.has_audio and s.audio_codec == ""
    assert abs(s.duration_ms - 4000) <= 100


def test_rotation_from_display_matrix(tmp_path: Path) -> None:
    truth = make_clip(
        tmp_path / "rot.mp4",
        [ClipSegment(onscreen="TURN", duration_s=1.0)],
        size=(320, 192),
        audio=False,
        rotation=90,
    )
    info = probe(truth.path)
    assert info.rotation == 90
    assert (info.width, info.height) == (320, 192)
    assert info.display_size == (192, 320) and info.is_vertical
    keyframes, _ = extract_keyframes(truth.path, info)
    assert keyframes[0].image.shape[:2] == (320, 192)  # shown upright: turned like a player would


def test_non_utf8_file_name(bad_media_dir: BadMedia) -> None:
    name = bad_media_dir.odd_name
    assert os.path.exists(name)
    by_bytes = probe(name)
    by_str = probe(os.fsdecode(name))
    assert by_bytes.has_video and by_bytes.duration_ms == by_str.duration_ms
    assert sha256_file(name) == sha256_file(os.fsdecode(name))


def test_sha256_file_streams(speech_clip: ClipTruth) -> None:
    assert sha256_file(speech_clip.path) == hashlib.sha256(speech_clip.path.read_bytes()).hexdigest()
    assert sha256_file(speech_clip.path, chunk_size=4096) == sha256_file(speech_clip.path)
