"""Keyframes at cuts and at least every interval; audio-only files have none."""

from __future__ import annotations

from tests.support.clipgen import ClipTruth
from valuedesk.media import extract_keyframes, load_audio, probe


def test_cuts_and_keyframes(speech_clip: ClipTruth) -> None:
    info = probe(speech_clip.path)
    keyframes, cuts = extract_keyframes(speech_clip.path, info, interval_s=2.0)
    frame_ms = 1000 / info.fps
    truth = speech_clip.cuts_ms
    assert len(cuts) == len(truth)
    for found, expected in zip(cuts, truth, strict=True):
        assert abs(found - expected) <= frame_ms + 1
    times = [k.t_ms for k in keyframes]
    assert times[0] == 0 and keyframes[0].is_cut
    assert set(cuts) <= set(times)
    assert all(k.is_cut == (k.t_ms in cuts or k.t_ms == 0) for k in keyframes)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert max(gaps) <= 2000 + frame_ms / 2 + 1
    assert info.duration_ms - times[-1] <= 2000 + frame_ms
    for k in keyframes:
        assert k.image.dtype.name == "uint8" and k.image.ndim == 3 and k.image.shape[2] == 3
        assert max(k.image.shape[:2]) <= 640
    assert all(k.changed for k in keyframes if k.is_cut)


def test_interval_changes_density(speech_clip: ClipTruth) -> None:
    info = probe(speech_clip.path)
    dense, _ = extract_keyframes(speech_clip.path, info, interval_s=0.5)
    sparse, _ = extract_keyframes(speech_clip.path, info, interval_s=5.0)
    assert len(dense) > len(sparse) >= 3


def test_audio_only_has_no_keyframes(audio_only_clip: ClipTruth) -> None:
    info = probe(audio_only_clip.path)
    assert extract_keyframes(audio_only_clip.path, info) == ([], [])


def test_load_audio(speech_clip: ClipTruth, silent_video_clip: ClipTruth) -> None:
    audio = load_audio(speech_clip.path)
    assert audio.dtype.name == "float32" and audio.ndim == 1
    assert abs(audio.size / 16000 * 1000 - speech_clip.duration_ms) <= 100
    assert 0.1 < float(abs(audio).max()) <= 1.0
    assert load_audio(speech_clip.path, sample_rate=8000).size * 2 - audio.size <= 4
    silent = load_audio(silent_video_clip.path)
    assert silent.size == 0 and silent.dtype.name == "float32"
