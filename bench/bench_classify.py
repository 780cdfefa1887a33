"""Throughput of the value classifiers on this machine, plus validation macro-F1.

Usage: .venv/bin/python bench/bench_classify.py [--n 512] [--model trained|baseline|PATH] [--no-f1]

- classification: one-line scripts (a validation premise as a speech line), no evidence;
  texts/s = scripts/s.
- evidence: 6-line scripts with leave-one-line-out evidence; texts/s = script lines/s.
- macro-F1: `valuedesk evaluate` numbers on Touché23 validation (argument and script input).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from valuedesk.classify import load_classifier  # noqa: E402
from valuedesk.classify.data import TOUCHE_DIR, load_split  # noqa: E402
from valuedesk.classify.evaluate import classify_all, evaluate_tsv  # noqa: E402
from valuedesk.script import ScriptLine  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=512, help="texts per measurement")
    ap.add_argument("--model", default="trained")
    ap.add_argument("--no-f1", action="store_true")
    args = ap.parse_args()
    import torch

    print(f"cpu cores: {os.cpu_count()}, torch threads: {torch.get_num_threads()}, model: {args.model}")
    t0 = time.perf_counter()
    clf = load_classifier(args.model)
    print(f"load: {time.perf_counter() - t0:.2f} s ({clf.model_id})")
    val = load_split(TOUCHE_DIR, "validation", with_level1=False).arguments
    premises = [a.premise for a in val][: args.n]
    single = [[ScriptLine(0, 1000, "speech", "SPEAKER", p)] for p in premises]
    classify_all(clf, single[:32])  # warm-up
    t0 = time.perf_counter()
    classify_all(clf, single, evidence=False)
    dt = time.perf_counter() - t0
    print(f"classification: {len(single) / dt:.0f} texts/s ({len(single)} one-line scripts in {dt:.2f} s)")
    scripts = [[ScriptLine(k * 3000, k * 3000 + 2500, "speech", "SPEAKER", premises[(i + k) % len(premises)])
                for k in range(6)] for i in range(0, len(premises), 6)]
    n_lines = sum(len(s) for s in scripts)
    t0 = time.perf_counter()
    classify_all(clf, scripts, evidence=True)
    dt = time.perf_counter() - t0
    print(f"evidence: {n_lines / dt:.0f} texts/s ({len(scripts)} six-line scripts = {n_lines} lines in {dt:.2f} s)")
    if not args.no_f1:
        for shape in ("argument", "script"):
            rep = evaluate_tsv(clf, TOUCHE_DIR, "validation", shape=shape)
            print(f"validation input={shape}: macro_f1 {rep.macro_f1:.4f}  valueeval_f1 {rep.valueeval_f1:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
