#!/usr/bin/env python3
"""Speech benchmark: word error rate and × real time per installed Whisper model, in one run.

    .venv/bin/python bench/bench_asr.py [--repeat N]

Recordings the project did not make (tests/media/data, from pytest-audioeval, MIT): English,
Spanish and French read speech; a code-switching clip assembled from two of them (English →
Spanish); plus espeak-ng clips the project makes (English → German code switch with a slow
German voice, and a slogan said 40 times, ≈ 100 s) for what no licensed recording here covers.
Rows: "before" = the settings ValueDesk used before issue 11 (tiny.en forced to English, Whisper's
compression-ratio fallback on), then each installed model through ValueDesk's Transcriber.
WER is per language over the lines Whisper put in that language (missing speech counts as
deletions); "lang" says what was detected; "covered" is the share of spoken seconds with lines.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.clipgen import espeak_available, synthesize  # noqa: E402
from valuedesk.media.audio import load_audio  # noqa: E402
from valuedesk.transcribe import Transcriber, TranscribeSettings  # noqa: E402
from valuedesk.transcribe.models import base_parts, packaged_model_dir  # noqa: E402

DATA = ROOT / "tests" / "media" / "data"
REAL = {
    "en fox": ("foreign-speech-fox.ogg", "en", "The quick brown fox jumps over the lazy dog."),
    "en counting": ("foreign-speech-counting.ogg", "en", "One two three four five six seven eight nine ten."),
    "es pangram": (
        "foreign-speech-es-pangrama.ogg",
        "es",
        "El veloz murciélago hindú comía feliz cardillo y kiwi.",
    ),
    "es counting": (
        "foreign-speech-es-conteo.ogg",
        "es",
        "Uno dos tres cuatro cinco seis siete ocho nueve diez.",
    ),
    "fr pangram": ("foreign-speech-fr-pangrama.ogg", "fr", "Portez ce vieux whisky au juge blond qui fume."),
}
EN_TTS = "Hey guys, welcome back to my channel. Today I have a really special video for you."
DE_TTS = (
    "Heute zeige ich euch meinen neuen Hund. Er heißt Bruno und er ist sehr lieb. "
    "Wir gehen jeden Morgen zusammen in den Park."
)
SLOGAN = "Subscribe for more videos like this one."


NUMBERS = {
    "en": "zero one two three four five six seven eight nine ten",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve diez",
    "fr": "zéro un deux trois quatre cinq six sept huit neuf dix",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun zehn",
}


def words(text: str, lang: str = "en") -> list[str]:
    """Lower-case words; digits 0–10 spelled out in the clip's language (Whisper writes "1, 2, 3")."""
    names = NUMBERS.get(lang, NUMBERS["en"]).split()
    out = []
    for tok in re.findall(r"[^\W_]+", text.lower()):
        out.append(names[int(tok)] if tok.isdigit() and int(tok) <= 10 else tok)
    return out


def wer(reference: str, hypothesis: str, lang: str = "en") -> float:
    ref, hyp = words(reference, lang), words(hypothesis, lang)
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[:], i
        for j, h in enumerate(hyp, 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (r != h))
    return d[-1] / max(1, len(ref))


def tts16(text: str, voice: str = "en-us", wpm: int = 165) -> np.ndarray:
    pcm = synthesize(text, voice, speed_wpm=wpm)
    n = round(len(pcm) * 16000 / 22050)
    return np.interp(np.linspace(0, len(pcm) - 1, n), np.arange(len(pcm)), pcm).astype(np.float32)


class Clip:
    def __init__(
        self, name: str, audio: np.ndarray, refs: dict[str, str], spoken: list[tuple[int, int]]
    ) -> None:
        self.name, self.audio, self.refs, self.spoken = name, audio, refs, spoken


def clips() -> list[Clip]:
    out = []
    for name, (file, lang, ref) in REAL.items():
        a = load_audio(DATA / file)
        out.append(Clip(name, a, {lang: ref}, []))
    gap = np.zeros(8000, np.float32)
    fox, es = load_audio(DATA / REAL["en fox"][0]), load_audio(DATA / REAL["es pangram"][0])
    out.append(
        Clip(
            "switch en→es (real)",
            np.concatenate([fox, gap, es]),
            {"en": REAL["en fox"][2], "es": REAL["es pangram"][2]},
            [],
        )
    )
    if espeak_available():
        en, de = tts16(EN_TTS), tts16(DE_TTS, "de+m3", 140)
        out.append(
            Clip("switch en→de (espeak)", np.concatenate([en, gap, de]), {"en": EN_TTS, "de": DE_TTS}, [])
        )
        one, pause = tts16(SLOGAN), np.zeros(6400, np.float32)
        spoken, t = [], 0
        for _ in range(40):
            spoken.append((t, t + len(one) // 16))
            t += (len(one) + len(pause)) // 16
        out.append(
            Clip(
                "slogan ×40 (espeak)",
                np.concatenate([np.concatenate([one, pause]) for _ in range(40)]),
                {"en": SLOGAN * 40},
                spoken,
            )
        )
    return out


def before_issue_11() -> Callable[[np.ndarray], list[tuple[int, int, str, str]]]:
    """tiny.en exactly as ValueDesk called it before: English forced, default fallback."""
    from faster_whisper import WhisperModel

    model = WhisperModel(str(packaged_model_dir()), device="cpu", compute_type="int8", local_files_only=True)

    def run(audio: np.ndarray) -> list[tuple[int, int, str, str]]:
        segs, _ = model.transcribe(
            audio,
            language="en",
            beam_size=1,
            vad_filter=True,
            word_timestamps=True,
            condition_on_previous_text=False,
        )
        return [
            (int(s.start * 1000), int(s.end * 1000), "en", s.text.strip()) for s in segs if s.text.strip()
        ]

    return run


def through(transcriber: Transcriber) -> Callable[[np.ndarray], list[tuple[int, int, str, str]]]:
    def run(audio: np.ndarray) -> list[tuple[int, int, str, str]]:
        t = transcriber.transcribe(audio)
        return [(ln.start_ms, ln.end_ms, ln.language, ln.text) for ln in t.lines]

    return run


def covered(lines: list[tuple[int, int, str, str]], spoken: list[tuple[int, int]]) -> float:
    if not spoken:
        return float("nan")
    got = sum(max(0, min(b, e + 300) - max(a, s - 300)) for a, b in spoken for s, e, _, _ in lines)
    return min(1.0, got / sum(b - a for a, b in spoken))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=1, help="best of N timings per clip (default 1)")
    args = ap.parse_args()
    readers: list[tuple[str, Callable[[np.ndarray], list[tuple[int, int, str, str]]]]] = [
        ("before: tiny.en", before_issue_11())
    ]
    readers.append(
        ("tiny.en, no language check", through(Transcriber(TranscribeSettings(use_multilingual=False))))
    )
    if base_parts() is not None:
        readers.append(("tiny.en + base detection", through(Transcriber())))
        readers.append(("base", through(Transcriber(TranscribeSettings(model_dir="base")))))
    else:
        print("(the multilingual base model is not installed: its rows are skipped)")
    for _, run in readers:  # load every model before timing
        run(np.zeros(16000, np.float32))
    data = clips()
    print(f"{'clip':<24} {'reader':<28} {'s':>6} {'×RT':>6}  {'lang':<10} WER per language / covered")
    totals: dict[str, list[float]] = {}
    for clip in data:
        dur = clip.audio.size / 16000
        for name, run in readers:
            best, lines = float("inf"), []
            for _ in range(max(1, args.repeat)):
                t0 = time.perf_counter()
                lines = run(clip.audio)
                best = min(best, time.perf_counter() - t0)
            langs = sorted({lang for _, _, lang, _ in lines})
            scores = []
            for lang, ref in clip.refs.items():
                hyp = " ".join(text for _, _, lg, text in lines if lg == lang)
                w = wer(ref, hyp, lang)
                scores.append(f"{lang} {w:.2f}")
                if not clip.spoken:
                    totals.setdefault(f"{name}|{lang}", []).append(w)
            cov = covered(lines, clip.spoken)
            tail = "" if np.isnan(cov) else f" / covered {cov:.0%}"
            print(
                f"{clip.name:<24} {name:<28} {best:6.2f} {dur / best:6.1f}  {','.join(langs) or '-':<10} {'  '.join(scores)}{tail}"
            )
        print()
    print("mean WER over the clips that have a language (repetitive clip excluded):")
    for key, ws in sorted(totals.items()):
        name, lang = key.split("|")
        print(f"  {name:<28} {lang}: {np.mean(ws):.3f}  ({len(ws)} clips)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
