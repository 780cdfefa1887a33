"""What the evidence short list costs and changes: full leave-one-line-out vs at most N lines.

Usage: .venv/bin/python bench/bench_evidence.py [--posts FILE] [--limits 4,6,8,12] [--repeat 2]

On each post of FILE (default: the script corpus's dev split; its 60-ish-second posts are the
shape the pipeline classifies) the shipped model's evidence is computed with every line of the
best window left out in turn (`evidence_candidates=None`, the reference) and with each short-list
size. Printed per size: seconds for the whole file (best of `--repeat`, same process, labels and
windows identical in every run), the speed-up over the reference, and agreement with the
reference evidence: the same top line per (post, value), the mean Jaccard of the evidence line
sets, and the share of (post, value) pairs whose evidence is identical (lines and weights).
The labels never change (evidence does not feed back into them); this is checked too.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from valuedesk.classify import load_classifier  # noqa: E402
from valuedesk.classify.base import Profile  # noqa: E402
from valuedesk.classify.posts import read_posts  # noqa: E402
from valuedesk.resources import resource_path  # noqa: E402


def by_value(profile: Profile) -> dict[str, list[tuple[int, float]]]:
    out: dict[str, list[tuple[int, float]]] = {}
    for e in profile.evidence:
        out.setdefault(e.value_id, []).append((e.line_index, e.weight))
    return out


def agreement(ref: list[Profile], got: list[Profile]) -> tuple[float, float, float, int]:
    top = jac = same = 0.0
    n = 0
    for a, b in zip(ref, got, strict=True):
        ea, eb = by_value(a), by_value(b)
        for v in set(ea) | set(eb):
            la, lb = ea.get(v, []), eb.get(v, [])
            n += 1
            top += bool(la and lb and la[0][0] == lb[0][0])
            sa, sb = {i for i, _ in la}, {i for i, _ in lb}
            jac += len(sa & sb) / len(sa | sb) if sa | sb else 1.0
            same += la == lb
    return top / max(n, 1), jac / max(n, 1), same / max(n, 1), n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", default=str(resource_path("datasets", "valuedesk-scripts", "dev.jsonl")))
    ap.add_argument("--model", default="trained")
    ap.add_argument("--limits", default="4,6,8,12")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    scripts = [p.model_input()[0] for p in read_posts(args.posts)]
    clf = load_classifier(args.model)
    shipped = clf.rules
    lines = sum(len(s) for s in scripts)
    print(
        f"{len(scripts)} posts, {lines} lines, model {clf.model_id}, backend {clf.backend}, "
        f"shipped short list: {shipped.evidence_candidates}"
    )
    clf.classify_many(scripts[:8])  # warm-up

    def run(limit: int | None) -> tuple[float, list[Profile]]:
        clf.rules = replace(shipped, evidence_candidates=limit)
        best, profiles = float("inf"), []
        for _ in range(args.repeat):
            t = time.perf_counter()
            profiles = clf.classify_many(scripts)
            best = min(best, time.perf_counter() - t)
        return best, profiles

    clf.rules = replace(shipped, evidence_candidates=None)
    t0 = time.perf_counter()
    clf.classify_many(scripts, evidence=False)
    t_labels = time.perf_counter() - t0
    t_ref, ref = run(None)
    print(f"labels only (no evidence): {t_labels:.2f} s")
    print(
        f"{'short list':>10}  {'seconds':>8}  {'speed-up':>8}  {'same top line':>13}  {'jaccard':>7}  "
        f"{'identical':>9}  pairs"
    )
    print(f"{'every line':>10}  {t_ref:8.2f}  {1.0:8.2f}  {1.0:13.3f}  {1.0:7.3f}  {1.0:9.3f}  -")
    for limit in [int(x) for x in args.limits.split(",") if x.strip()]:
        secs, got = run(limit)
        for a, b in zip(ref, got, strict=True):
            assert {v: s.label for v, s in a.scores.items()} == {v: s.label for v, s in b.scores.items()}
        top, jac, same, n = agreement(ref, got)
        print(f"{limit:>10}  {secs:8.2f}  {t_ref / secs:8.2f}  {top:13.3f}  {jac:7.3f}  {same:9.3f}  {n}")


if __name__ == "__main__":
    main()
