"""Where people speak (Silero VAD), and the checks that no speech is silently lost or invented.

Whisper drops or loops on repetitive speech when its compression-ratio fallback fires (a voice
saying one slogan forty times compresses like a hallucination). ValueDesk turns that fallback
off and guards against real loops itself: a segment whose words repeat one short phrase faster
than anyone speaks is dropped. What VAD heard but no line covers is re-read, then warned about.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16000
_MARGIN_MS = 400  # a line "covers" VAD speech this far beyond its ends (VAD pads, Whisper trims)
_MIN_GAP_MS = 1000  # uncovered speech shorter than this is breath and word edges, not lost speech


@dataclass(frozen=True)
class Span:
    start_ms: int
    end_ms: int

    @property
    def ms(self) -> int:
        return self.end_ms - self.start_ms


def speech_regions(audio: np.ndarray, *, min_silence_ms: int = 500) -> list[Span]:
    """Stretches with a voice in them, by the Silero VAD that ships inside faster-whisper."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps  # type: ignore[import-untyped]

    if audio.size < SAMPLE_RATE // 10:
        return []
    chunks = get_speech_timestamps(
        audio, VadOptions(min_silence_duration_ms=min_silence_ms, speech_pad_ms=200)
    )
    return [Span(int(c["start"] * 1000 // SAMPLE_RATE), int(c["end"] * 1000 // SAMPLE_RATE)) for c in chunks]


def group_spans(regions: Sequence[Span], *, max_spans: int = 8, join_gap_ms: int = 0) -> list[Span]:
    """VAD regions joined into at most `max_spans` spans for language detection, cut at the
    longest pauses (a language switch usually comes with a pause; each detection costs one
    Whisper encoder pass, so their number is bounded)."""
    out: list[Span] = []
    for r in regions:
        if out and r.start_ms - out[-1].end_ms <= join_gap_ms:
            out[-1] = Span(out[-1].start_ms, max(out[-1].end_ms, r.end_ms))
        else:
            out.append(r)
    while len(out) > max(1, max_spans):
        i = min(range(len(out) - 1), key=lambda k: out[k + 1].start_ms - out[k].end_ms)
        out[i : i + 2] = [Span(out[i].start_ms, out[i + 1].end_ms)]
    return out


def seconds(spans: Sequence[Span]) -> float:
    return round(sum(s.ms for s in spans) / 1000, 1)


def uncovered(regions: Sequence[Span], covered: Sequence[tuple[int, int]]) -> list[Span]:
    """Parts of VAD speech (≥ 1 s) that no transcript line covers."""
    out: list[Span] = []
    marks = sorted((max(0, a - _MARGIN_MS), b + _MARGIN_MS) for a, b in covered)
    for r in regions:
        cursor = r.start_ms
        for a, b in marks:
            if b <= cursor or a >= r.end_ms:
                continue
            if a > cursor and a - cursor >= _MIN_GAP_MS:
                out.append(Span(cursor, a))
            cursor = max(cursor, b)
        if r.end_ms - cursor >= _MIN_GAP_MS:
            out.append(Span(cursor, r.end_ms))
    return out


def covered_share(regions: Sequence[Span], covered: Sequence[tuple[int, int]]) -> float:
    total = sum(r.ms for r in regions)
    if not total:
        return 1.0
    return 1.0 - sum(s.ms for s in uncovered(regions, covered)) / total


_WORD = re.compile(r"[\w']+", re.UNICODE)


def is_loop(text: str, start_ms: int, end_ms: int) -> bool:
    """A decoding loop: one short phrase repeated over most of the segment, faster than speech.

    A real speaker repeating a slogan gives one sentence per segment at a normal pace; a loop packs
    the same two or three words a dozen times into a few seconds ("hoater tiger, hoater tiger …").
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 8:
        return False
    best = 0
    for n in (1, 2, 3, 4):
        grams = Counter(tuple(words[i : i + n]) for i in range(0, len(words) - n + 1, 1))
        top = grams.most_common(1)[0][1] if grams else 0
        best = max(best, top * n)
    repeated = best / len(words) >= 0.6
    rate = len(words) / max(0.5, (end_ms - start_ms) / 1000)
    return repeated and (rate > 4.5 or len(words) >= 24)
