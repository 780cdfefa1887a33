"""On-screen text: captions read, repeats merged into one timed line, burned-in subtitles dropped."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from tests.support.clipgen import ClipTruth
from valuedesk.media import OcrReader, extract_keyframes, onscreen_lines, probe
from valuedesk.media.ocr import normalise, similar
from valuedesk.script import ScriptLine, Word
from valuedesk.transcribe import Transcript


@pytest.fixture(scope="module")
def reader() -> OcrReader:
    return OcrReader()


def _lines(clip: ClipTruth, reader: OcrReader, words: Sequence[Word] = ()) -> list[ScriptLine]:
    info = probe(clip.path)
    keyframes, _ = extract_keyframes(clip.path, info)
    return onscreen_lines(keyframes, reader, speech_words=words, duration_ms=info.duration_ms)


def test_reader_reads_caption(speech_clip: ClipTruth, reader: OcrReader) -> None:
    info = probe(speech_clip.path)
    keyframes, _ = extract_keyframes(speech_clip.path, info)
    shot2 = next(k for k in keyframes if k.t_ms >= speech_clip.segments[1].start_ms)
    read = reader.read(shot2.image)
    assert any(normalise(t) == "family first" and s >= 0.8 for t, s in read), read


def test_captions_merge_into_one_line_each(speech_clip: ClipTruth, reader: OcrReader) -> None:
    lines = _lines(speech_clip, reader)
    assert [normalise(ln.text) for ln in lines] == [normalise(s.onscreen or "") for s in speech_clip.segments]
    for ln, seg in zip(lines, speech_clip.segments, strict=True):
        assert ln.kind == "onscreen" and ln.speaker == ""
        assert abs(ln.start_ms - seg.start_ms) <= 100
        assert abs(ln.end_ms - seg.end_ms) <= 100


def test_subtitles_dropped_captions_kept(
    subtitled_clip: ClipTruth, reader: OcrReader, speech_transcript: Transcript
) -> None:
    without_speech = _lines(subtitled_clip, reader)
    captions = {normalise(s.onscreen or "") for s in subtitled_clip.segments}
    extra = [ln for ln in without_speech if normalise(ln.text) not in captions]
    assert extra, "the burned-in subtitles should be read when no speech is known"

    with_speech = _lines(subtitled_clip, reader, speech_transcript.words)
    texts = [normalise(ln.text) for ln in with_speech]
    # "NEVER GIVE UP" is also spoken, yet it is a caption, not a subtitle track: kept
    assert texts == [normalise(s.onscreen or "") for s in subtitled_clip.segments]


def test_similar_and_normalise() -> None:
    assert normalise("  Never, GIVE up! ") == "never give up"
    assert similar("my morning routine", "my mornlng routine")
    assert not similar("family first", "never give up")


def test_key_phrase_captions_that_repeat_the_speech_are_kept(tmp_path, reader: OcrReader) -> None:  # type: ignore[no-untyped-def]
    """Two captions in the same band, each a key phrase of its sentence, are content, not subtitles."""
    from tests.support.clipgen import ClipSegment, make_clip
    from valuedesk.media import load_audio
    from valuedesk.transcribe import Transcriber, TranscribeSettings

    clip = make_clip(
        tmp_path / "phrases.mp4",
        [
            ClipSegment("Today I am helping my grandpa plant flowers in his garden.", "Grandpa's garden"),
            ClipSegment(
                "He is getting old, so I visit him every Sunday to take care of him.", "Every Sunday"
            ),
        ],
    )
    words = Transcriber(TranscribeSettings()).transcribe(load_audio(clip.path)).words
    texts = [normalise(ln.text) for ln in _lines(clip, reader, words)]
    assert texts == ["grandpas garden", "every sunday"] or texts == ["grandpa s garden", "every sunday"], (
        texts
    )
