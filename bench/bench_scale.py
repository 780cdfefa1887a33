#!/usr/bin/env python3
"""Scale benchmark: a research-size project (default 10,000 videos) against a 100-video one.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_scale.py [--videos 10000] [--keep DIR]

Builds both projects through the project API (≈ 30 script lines, 19 scores, evidence and a
thumbnail per video, 300 creators; the large one is cached in --keep and reused), then measures in
one process, each operation on both: open (file → window usable, library filled), library
first paint, scrolling the library, FTS search, a value filter ("Humility goes against"), the
creator view with its radar, selecting a video (player + script + radar), `show --list`, exports
of everything (json, csv; each in its own process, as a user runs it), and the peak RSS of the
explorer's process and of each export's. Prints a table and the ratio large / small.
Targets (issue 12, 2 cores, 10,000 videos): open < 1 s, filter < 100 ms, search < 100 ms,
creator radar < 200 ms, video selection < 150 ms, peak RSS < 600 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from valuedesk.project import Project  # noqa: E402
from valuedesk.project.records import AnalysisRecord, EvidenceRow, ScoreRow  # noqa: E402
from valuedesk.script import ScriptLine  # noqa: E402
from valuedesk.values import VALUES  # noqa: E402

WORDS = [
    "never",
    "give",
    "up",
    "grind",
    "every",
    "day",
    "money",
    "flex",
    "prank",
    "sister",
    "brother",
    "dog",
    "rescue",
    "school",
    "rules",
    "hustle",
    "glow",
    "up",
    "makeup",
    "challenge",
    "win",
    "lose",
    "friends",
    "family",
    "holiday",
    "grandma",
    "garden",
    "ocean",
    "beach",
    "kind",
    "share",
    "help",
    "laugh",
    "cry",
    "epic",
    "fail",
    "crazy",
    "boss",
    "brand",
    "new",
    "car",
    "shoes",
    "haul",
    "unboxing",
    "dance",
    "trend",
    "viral",
]
TARGETS = {"open": 1.0, "filter": 0.1, "search": 0.1, "creator radar": 0.2, "video selection": 0.15}


def _jpeg() -> bytes:
    import cv2
    import numpy as np

    ok, buf = cv2.imencode(".jpg", np.full((120, 68, 3), 90, np.uint8))
    return buf.tobytes()


def build(path: Path, n: int, *, creators: int = 300, seed: int = 5) -> None:
    rng = random.Random(seed)
    jpeg = _jpeg()
    with Project.open(path) as project:
        for i in range(n):
            creator = f"creator{i % creators:03d}"
            vid = project.add_video(
                f"/corpus/{creator}/video{i:05d}.mp4", sha256=f"{i:064x}", size_bytes=1000 + i, creator=creator,
                title=f"{rng.choice(WORDS)} {rng.choice(WORDS)} #{i}",
            )  # fmt: skip
            project.set_media_info(
                vid,
                {"duration_ms": 30_000, "width": 720, "height": 1280, "has_video": True, "has_audio": True},
            )
            lines = [ScriptLine(0, 30_000, "caption", "", " ".join(rng.choices(WORDS, k=8)))]
            for k in range(29):
                kind = ("speech", "onscreen", "scene")[k % 3]
                lines.append(
                    ScriptLine(
                        k * 1000,
                        k * 1000 + 900,
                        kind,
                        "SPEAKER" if kind == "speech" else "",
                        " ".join(rng.choices(WORDS, k=9)),
                    )
                )
            labels = {v.id: 0 for v in VALUES}
            for v in rng.sample(VALUES, 3):
                labels[v.id] = rng.choice((-1, 1, 2))
            scores = [ScoreRow(v.id, rng.random(), labels[v.id], 0.5, rng.random() * 0.5) for v in VALUES]
            ev = [
                EvidenceRow(v, idx, 0.5, lines[idx].start_ms, lines[idx].end_ms)
                for v, lab in labels.items()
                if lab
                for idx in (1, 4)
            ]
            project.save_analysis(
                vid,
                AnalysisRecord(
                    lines=lines, scores=scores, evidence=ev, thumbnails=[(0, jpeg)], language="en"
                ),
            )


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def measure(path: Path) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from valuedesk.cli import main as cli
    from valuedesk.ui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication([])
    out: dict[str, float] = {}
    window = MainWindow()
    window.resize(1366, 768)
    window.show()
    app.processEvents()

    def open_it() -> None:
        window.open_project(str(path), readonly=True, quiet=True)
        app.processEvents()

    out["open"] = timed(open_it, 2)
    out["first paint"] = timed(lambda: window.grab(), 2)
    tree = window.library.tree

    def scroll() -> None:
        bar = tree.verticalScrollBar()
        for k in range(20):
            bar.setValue(bar.maximum() * k // 19)
            tree.viewport().repaint()

    out["scroll (20 pages)"] = timed(scroll, 2)
    lib = window.library

    def search() -> None:
        lib.search.setText("grandma ocean")
        lib.run_search()
        app.processEvents()

    out["search"] = timed(search)
    lib.search.setText("")
    lib.run_search()

    def value_filter() -> None:
        lib.set_filter("humility", "goes against")
        app.processEvents()

    out["filter"] = timed(value_filter)
    lib.set_filter(None)
    creator = window.project.creators()[len(window.project.creators()) // 2]["name"]
    out["creator radar"] = timed(lambda: (window.show_creator(creator), app.processEvents()))
    ids = [int(v["id"]) for v in window.project.videos()]
    picks = iter(random.Random(1).sample(ids, 10))
    out["video selection"] = timed(lambda: (window.show_video(next(picks)), app.processEvents()), 5)
    with contextlib.redirect_stdout(io.StringIO()):
        out["show --list"] = timed(lambda: cli(["show", "--list", "--project", str(path)]), 2)
    out["peak RSS MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the explorer's
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, name in (("json", "all.json"), ("csv", "labels")):
            out[f"export {fmt}"], out[f"export {fmt} RSS MB"] = export_in_child(path, fmt, Path(tmp) / name)
    window.close_project()
    window.close()
    return out


def export_in_child(path: Path, fmt: str, target: Path) -> tuple[float, float]:
    """An export as a user runs it (its own process): wall seconds and that process's peak RSS."""
    code = (
        "import sys, time; from valuedesk.cli import main; t = time.perf_counter(); "
        f"rc = main(['export', '--format', {fmt!r}, '-o', {str(target)!r}, '--force', '--project', {str(path)!r}]); "
        "hwm = next(ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')).split()[1]; "
        "print(time.perf_counter() - t, int(hwm) / 1024); sys.exit(rc)"
    )  # VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child would report
    # the explorer's own peak whenever that is higher than its own
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    wall, rss = done.stdout.split()[-2:]
    return float(wall), float(rss)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--videos", type=int, default=10_000)
    ap.add_argument("--keep", metavar="DIR", help="keep (and reuse) the built projects here")
    args = ap.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="vd-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    small, large = folder / "scale-100.vdproj", folder / f"scale-{args.videos}.vdproj"
    for path, n in ((small, 100), (large, args.videos)):
        if not path.exists():
            t0 = time.perf_counter()
            build(path, n)
            print(
                f"built {path.name}: {n} videos in {time.perf_counter() - t0:.0f} s ({path.stat().st_size / 1e6:.0f} MB)"
            )
    # the small project first: the large one's peak RSS is then the process's peak
    base = measure(small)
    big = measure(large)
    print(f"\n{'operation':<20} {'100 videos':>12} {f'{args.videos} videos':>14} {'ratio':>7}  target")
    for key in base:
        unit = "" if "RSS" in key else " s"
        target = TARGETS.get(key)
        verdict = ""
        if target is not None:
            verdict = f"< {target * 1000:.0f} ms: {'met' if big[key] < target else 'NOT met'}"
        if "RSS" in key:
            verdict = f"< 600 MB: {'met' if big[key] < 600 else 'NOT met'}"
        ratio = big[key] / base[key] if base[key] else float("inf")
        print(f"{key:<20} {base[key]:>10.3f}{unit} {big[key]:>12.3f}{unit} {ratio:>7.1f}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
