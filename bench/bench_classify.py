"""Load time and throughput of the value classifiers per inference backend, plus validation macro-F1.

Usage: .venv/bin/python bench/bench_classify.py [--n 512] [--model trained|baseline|PATH]
       [--backends onnx,torch] [--no-f1]

- load: a fresh `python -c "load_classifier(MODEL)"` process with the ONNX cache present (the
  cost a video analysis pays), and for onnx also the one-off export into an empty cache.
- classification: one-line scripts (a validation premise as a speech line), no evidence;
  texts/s = scripts/s.
- evidence: 6-line scripts with leave-one-line-out evidence; texts/s = script lines/s.
- macro-F1: `valuedesk evaluate` numbers on Touché23 validation (argument and script input).
Backends are chosen with $VALUEDESK_CLASSIFY_BACKEND (onnx_backend.BACKEND_ENV).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from valuedesk.classify import load_classifier  # noqa: E402
from valuedesk.classify.data import TOUCHE_DIR, load_split  # noqa: E402
from valuedesk.classify.evaluate import classify_all, evaluate_tsv  # noqa: E402
from valuedesk.classify.onnx_backend import BACKEND_ENV, CACHE_ENV, n_threads  # noqa: E402
from valuedesk.script import ScriptLine  # noqa: E402

LOAD_CODE = (
    "import sys, time; t = time.perf_counter(); from valuedesk.classify import load_classifier; "
    "c = load_classifier(sys.argv[1]); print(f'{time.perf_counter() - t:.2f}', c.backend, "
    "'torch' in sys.modules)"
)


def cold_load(model: str, backend: str, cache: str | None = None) -> str:
    """Seconds for import + load_classifier in a fresh process (what the pipeline's thread pays)."""
    env = dict(os.environ, **{BACKEND_ENV: backend})
    if cache is not None:
        env[CACHE_ENV] = cache
    out = subprocess.run(
        [sys.executable, "-c", LOAD_CODE, model],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    secs, used, torch_loaded = out[-3:]
    return f"{secs} s (backend {used}, torch imported: {torch_loaded})"


def throughput(clf: object, premises: list[str]) -> None:
    single = [[ScriptLine(0, 1000, "speech", "SPEAKER", p)] for p in premises]
    classify_all(clf, single[:32])  # warm-up
    t0 = time.perf_counter()
    classify_all(clf, single, evidence=False)
    dt = time.perf_counter() - t0
    print(f"  classification: {len(single) / dt:.0f} texts/s ({len(single)} one-line scripts in {dt:.2f} s)")
    scripts = [
        [
            ScriptLine(k * 3000, k * 3000 + 2500, "speech", "SPEAKER", premises[(i + k) % len(premises)])
            for k in range(6)
        ]
        for i in range(0, len(premises), 6)
    ]
    n_lines = sum(len(s) for s in scripts)
    t0 = time.perf_counter()
    classify_all(clf, scripts, evidence=True)
    dt = time.perf_counter() - t0
    print(
        f"  evidence: {n_lines / dt:.0f} texts/s ({len(scripts)} six-line scripts = {n_lines} lines in {dt:.2f} s)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=512, help="texts per measurement")
    ap.add_argument("--model", default="trained")
    ap.add_argument("--backends", default="onnx,torch", help="comma-separated: onnx, torch")
    ap.add_argument("--no-f1", action="store_true")
    args = ap.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    print(f"cpu cores: {os.cpu_count()}, threads used: {n_threads()}, model: {args.model}")
    val = load_split(TOUCHE_DIR, "validation", with_level1=False).arguments
    premises = [a.premise for a in val][: args.n]
    for backend in backends:
        print(f"backend {backend}:")
        if backend == "onnx":
            with tempfile.TemporaryDirectory() as empty:
                print(f"  first use (export into an empty cache): {cold_load(args.model, backend, empty)}")
        cold_load(args.model, backend)  # make sure the user cache is filled
        print(f"  load (fresh process, cache present): {cold_load(args.model, backend)}")
        os.environ[BACKEND_ENV] = backend
        clf = load_classifier(args.model)
        print(f"  in-process load done ({clf.model_id}, backend {getattr(clf, 'backend', '?')})")
        throughput(clf, premises)
        if not args.no_f1:
            for shape in ("argument", "script"):
                rep = evaluate_tsv(clf, TOUCHE_DIR, "validation", shape=shape)
                print(
                    f"  validation input={shape}: macro_f1 {rep.macro_f1:.4f}  valueeval_f1 {rep.valueeval_f1:.4f}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
