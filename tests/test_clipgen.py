"""The clip generator writes real, small, well-formed media and says truthfully what is in it."""

from __future__ import annotations

import json
from pathlib import Path

import av

from tests.support.clipgen import ClipSegment, ClipTruth, make_clip, write_info_json


def test_speech_clip_truth(speech_clip: ClipTruth) -> None:
    segs = speech_clip.segments
    assert len(segs) == 3 and segs[0].start_ms == 0 and segs[-1].end_ms == speech_clip.duration_ms
    for a, b in zip(segs, segs[1:], strict=False):
        assert a.end_ms == b.start_ms
    for s in segs:
        assert s.speech_start_ms is not None and s.speech_end_ms is not None
        assert s.start_ms <= s.speech_start_ms < s.speech_end_ms <= s.end_ms
        # a shot lasts its speech + 0.4 s
        assert abs((s.end_ms - s.start_ms) - (s.speech_end_ms - s.speech_start_ms) - 400) <= 2
    assert 8000 <= speech_clip.duration_ms <= 12000


def test_streams_and_encoding(speech_clip: ClipTruth) -> None:
    with av.open(str(speech_clip.path)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        assert v.codec_context.name == "h264" and v.codec_context.pix_fmt == "yuv420p"
        assert a.codec_context.name == "aac" and a.codec_context.channels == 1
        packets = [p for p in c.demux(v) if p.size]
        assert packets[0].is_keyframe
        # no B-frames: decode order is presentation order
        pts = [p.pts for p in packets]
        assert pts == sorted(pts)


def test_twenty_seconds_stay_small(tmp_path: Path) -> None:
    segs = [
        ClipSegment(onscreen=f"PART {i}", duration_s=5.0, music=True, background=(30 * i, 50, 90))
        for i in range(4)
    ]
    truth = make_clip(tmp_path / "long.mp4", segs, subtitles=True)
    assert truth.duration_ms == 20000
    assert truth.path.stat().st_size <= 1_000_000


def test_audio_only_and_silent_outputs(audio_only_clip: ClipTruth, silent_video_clip: ClipTruth) -> None:
    with av.open(str(audio_only_clip.path)) as c:
        assert not c.streams.video and len(c.streams.audio) == 1
    with av.open(str(silent_video_clip.path)) as c:
        assert len(c.streams.video) == 1 and not c.streams.audio
    assert all(s.speech is None for s in silent_video_clip.segments)
    assert [s.end_ms for s in silent_video_clip.segments] == [2000, 4000]


def test_write_info_json(speech_clip: ClipTruth, tmp_path: Path) -> None:
    clip = tmp_path / "post.mp4"
    clip.write_bytes(speech_clip.path.read_bytes())
    sidecar = write_info_json(
        clip, "Mia Runs", "My morning routine #running #Family\nsee you", upload_date="20260315"
    )
    assert sidecar == tmp_path / "post.info.json"
    info = json.loads(sidecar.read_text(encoding="utf-8"))
    assert set(info) == {
        "id", "title", "uploader", "uploader_id", "channel", "description",
        "upload_date", "duration", "tags", "webpage_url",
    }  # fmt: skip
    assert info["id"] == "post" and info["uploader"] == "Mia Runs" and info["channel"] == "Mia Runs"
    assert info["tags"] == ["running", "Family"]
    assert info["title"] == "My morning routine"
    assert info["upload_date"] == "20260315" and info["webpage_url"] == ""
    assert abs(info["duration"] * 1000 - speech_clip.duration_ms) <= 100
    titled = json.loads(write_info_json(clip, "x", "y", title="Custom").read_text(encoding="utf-8"))
    assert titled["title"] == "Custom"
