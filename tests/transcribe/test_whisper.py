"""faster-whisper wrapper: real tiny.en on generated speech, offline, with word timestamps."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from tests.support.clipgen import ClipTruth
from valuedesk.transcribe import (
    ModelFolderError,
    Transcriber,
    TranscribeSettings,
    Transcript,
    packaged_model_dir,
    resolve_compute_type,
    resolve_model_dir,
)

STOP = {"i", "a", "an", "and", "the", "so", "on", "by", "to", "of", "my", "your", "up", "go", "for"}


def content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z']+", text.lower()) if w not in STOP]


def recall(expected: str, heard: str) -> float:
    want = content_words(expected)
    got = set(content_words(heard))
    return sum(w in got for w in want) / len(want)


def test_transcribes_speech_clip(speech_transcript: Transcript, speech_clip: ClipTruth) -> None:
    t = speech_transcript
    assert recall(speech_clip.speech_text, t.text) >= 0.8, t.text
    assert t.language == "en" and t.language_probability > 0.5 and set(t.languages) == {"en"}
    assert t.model_id == "faster-whisper:tiny.en@model"
    assert abs(t.duration_ms - speech_clip.duration_ms) <= 100
    assert t.lines and all(ln.kind == "speech" and ln.speaker == "SPEAKER" for ln in t.lines)
    assert all(ln.text == ln.text.strip() and ln.text for ln in t.lines)


def test_word_timestamps(speech_transcript: Transcript, speech_clip: ClipTruth) -> None:
    words = speech_transcript.words
    assert len(words) >= 20
    starts = [w.start_ms for w in words]
    assert starts == sorted(starts)
    assert all(0 <= w.start_ms <= w.end_ms <= speech_clip.duration_ms for w in words)
    # each sentence's words fall in (about) its shot
    first_seg = speech_clip.segments[0]
    lake = next(w for w in words if "lake" in w.text.lower())
    assert first_seg.start_ms <= lake.start_ms <= first_seg.end_ms + 300
    last_seg = speech_clip.segments[-1]
    dreams = next(w for w in words if "dream" in w.text.lower())
    assert last_seg.start_ms - 300 <= dreams.start_ms <= last_seg.end_ms


def test_audio_only_file_and_progress(transcriber: Transcriber, audio_only_clip: ClipTruth) -> None:
    seen: list[float] = []
    t = transcriber.transcribe(audio_only_clip.path, progress=seen.append)
    assert recall(audio_only_clip.speech_text, t.text) >= 0.8, t.text
    assert seen and all(0.0 <= f <= 1.0 for f in seen) and seen == sorted(seen)


def test_empty_audio_gives_empty_transcript(transcriber: Transcriber) -> None:
    for audio in (np.zeros(0, dtype=np.float32), np.zeros(16000, dtype=np.float32)):
        t = transcriber.transcribe(audio)
        assert t.lines == [] and t.words == [] and t.warnings == [] and not t.languages
        assert t.duration_ms == audio.size // 16


def test_silent_video_gives_empty_transcript(transcriber: Transcriber, silent_video_clip: ClipTruth) -> None:
    t = transcriber.transcribe(silent_video_clip.path)
    assert t.lines == [] and t.duration_ms == 0


def test_model_resolution(tmp_path: Path) -> None:
    assert resolve_model_dir(TranscribeSettings()) == packaged_model_dir()
    with pytest.raises(ModelFolderError, match="not found"):
        resolve_model_dir(TranscribeSettings(model_dir=str(tmp_path / "nope")))
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.bin.part1").write_bytes(b"x")
    with pytest.raises(ModelFolderError) as err:
        resolve_model_dir(TranscribeSettings(model_dir=str(tmp_path)))
    assert "model.bin" in str(err.value) and "tokenizer.json" in str(err.value) and "part" in str(err.value)


def test_device_and_compute_type() -> None:
    t = Transcriber(TranscribeSettings(device="cpu"))
    assert (t.device, t.compute_type) == ("cpu", "int8")
    assert resolve_compute_type("auto", "cuda") == "float16"
    assert resolve_compute_type("int8_float32", "cpu") == "int8_float32"
    assert Transcriber(TranscribeSettings()).device in ("cpu", "cuda")
