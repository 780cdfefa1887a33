#!/usr/bin/env python3
"""Corpus throughput: the plain pipeline against `batch` with 1 and 2 workers, in one run.

    .venv/bin/python bench/bench_batch.py [--clips 12] [--seconds 20] [--no-ray]

Generates N real clips (espeak-ng speech, drawn text), then analyses all of them into fresh
projects: `analyze` (one process, models loaded once), `batch` on a local process pool with 1 and
2 workers, and `batch --ray local` with 1 and 2 Ray workers. Prints wall time, videos per
minute and the speed-up over the plain pipeline, and the per-video cost used for the cluster
estimate in docs/cluster.md (N nodes × W workers ≈ N × W / per-video seconds, while the one
writer keeps up: saving a video takes milliseconds).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.clipgen import ClipSegment, make_clip  # noqa: E402
from valuedesk.pipeline import AnalysisSettings, Analyzer  # noqa: E402
from valuedesk.pipeline.corpus import run_corpus_batch  # noqa: E402
from valuedesk.project import Project  # noqa: E402

LINES = [
    ("Today I am showing you how I save money for my first bike.", "SAVING UP"),
    ("My little sister helped me bake cookies for the neighbours.", "BAKING DAY"),
    ("We cleaned up the beach and found so much plastic.", "BEACH CLEANUP"),
    ("I practised this trick for three weeks and finally landed it.", "NEVER GIVE UP"),
    ("Grandma taught me the family recipe for the holidays.", "FAMILY RECIPE"),
    ("This prank on my brother went way too far, sorry bro.", "PRANK GONE WRONG"),
]


def make_corpus(folder: Path, n: int, seconds: float) -> list[Path]:
    out = []
    for i in range(n):
        segs, total, k = [], 0.0, i
        while total < seconds:
            speech, text = LINES[k % len(LINES)]
            segs.append(ClipSegment(speech, text, background=(30 + 20 * (k % 5), 60, 90)))
            total += 4.0
            k += 1
        path = folder / f"clip{i:02d}.mp4"
        make_clip(path, segs)
        out.append(path)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clips", type=int, default=12)
    ap.add_argument("--seconds", type=float, default=20.0, help="length of each clip (default 20 s)")
    ap.add_argument("--no-ray", action="store_true", help="skip the Ray rows")
    args = ap.parse_args()
    settings = AnalysisSettings()
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="vd-batch-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        clips = make_corpus(corpus, args.clips, args.seconds)
        print(f"{len(clips)} clips of ≈ {args.seconds:.0f} s in {corpus}")

        def plain() -> None:
            with Project.open(Path(tmp) / "plain.vdproj") as p:
                analyzer = Analyzer(p, settings)
                try:
                    assert all(r.status == "done" for r in analyzer.analyze_paths([corpus]))
                finally:
                    analyzer.close()

        def batch(name: str, workers: int, ray: str | None) -> None:
            with Project.open(Path(tmp) / f"{name}.vdproj") as p:
                results = run_corpus_batch(p, [corpus], settings, workers=workers, ray_address=ray)
                assert all(r.status == "done" for r in results), results

        runs = [("analyze (one process)", plain)]
        runs += [(f"batch, {w} local worker(s)", lambda w=w: batch(f"local{w}", w, None)) for w in (1, 2)]
        if not args.no_ray:
            runs += [
                (f"batch --ray local, {w} worker(s)", lambda w=w: batch(f"ray{w}", w, "local"))
                for w in (1, 2)
            ]
        for name, fn in runs:
            t0 = time.perf_counter()
            fn()
            rows.append((name, time.perf_counter() - t0))
            print(f"  {name:<32} {rows[-1][1]:7.1f} s")
    base = rows[0][1]
    print(f"\n{'run':<32} {'wall s':>8} {'videos/min':>11} {'speed-up':>9} {'s/video':>8}")
    for name, wall in rows:
        print(
            f"{name:<32} {wall:8.1f} {args.clips / wall * 60:11.1f} {base / wall:9.2f} {wall / args.clips:8.2f}"
        )
    print("(wall includes each run's model loading; on a 2-core machine two workers share the cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
