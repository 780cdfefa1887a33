#!/usr/bin/env python3
"""Build the ValueDesk script corpus from its reviewed batches: splits by creator, statistics, agreement.

    python packaging/build_script_corpus.py            # writes train/dev/test.jsonl + stats.json, prints stats
    python packaging/build_script_corpus.py --check    # fails if the committed splits differ from a rebuild

Input (resources/datasets/valuedesk-scripts/): batches/*.jsonl (posts with the first labelling)
and second/*.jsonl (the independent second labelling, {"id", "labels"} lines). The split is a
hash of each creator's handle (no creator is in two splits; a creator's split never changes
as batches are added): ≈ 18 % of creators test, ≈ 24 % dev, the rest train. Agreement compares the two labellings on every doubly-labelled
post: exact 4-way agreement, Cohen's kappa (4-way, endorsed, contradicted) and the second
labelling scored as if it were a model against the first (the human ceiling, same metrics).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from valuedesk.classify.posts import Post, post_to_json, read_labels, read_posts  # noqa: E402
from valuedesk.classify.script_data import DEV_BUCKETS, TEST_BUCKETS, creator_split  # noqa: E402
from valuedesk.classify.script_metrics import cohen_kappa, polarity_report  # noqa: E402
from valuedesk.values import VALUE_IDS  # noqa: E402

CORPUS = ROOT / "resources" / "datasets" / "valuedesk-scripts"


def load_batches(folder: Path) -> list[Post]:
    posts: list[Post] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.jsonl")):
        for p in read_posts(path):
            if p.id in seen:
                raise SystemExit(f"{path.name}: id {p.id!r} repeats an earlier batch's")
            if p.labels is None:
                raise SystemExit(f"{path.name}: post {p.id} has no labels")
            seen.add(p.id)
            posts.append(p)
    return posts


def split_by_creator(posts: list[Post]) -> dict[str, list[Post]]:
    out: dict[str, list[Post]] = {"test": [], "dev": [], "train": []}
    for p in posts:
        out[creator_split(p.creator)].append(p)
    return out


def label_stats(posts: list[Post]) -> dict[str, object]:
    m = np.stack([p.label_vector() for p in posts])
    per_value = {
        v: {
            "present": int((m[:, j] == 1).sum()),
            "dominant": int((m[:, j] == 2).sum()),
            "goes_against": int((m[:, j] == -1).sum()),
        }
        for j, v in enumerate(VALUE_IDS)
    }
    return {
        "posts": len(posts),
        "creators": len({p.creator for p in posts}),
        "posts_with_a_minus_one": int((m == -1).any(axis=1).sum()),
        "labels": {
            "present": int((m == 1).sum()),
            "dominant": int((m == 2).sum()),
            "goes_against": int((m == -1).sum()),
        },
        "mean_nonzero_per_post": round(float((m != 0).sum(axis=1).mean()), 2),
        "per_value": per_value,
    }


def corpus_stats(splits: dict[str, list[Post]]) -> dict[str, object]:
    allp = [p for s in splits.values() for p in s]
    durations = [p.duration_s for p in allp]
    genres = collections.Counter(str(p.extra.get("genre", "")) for p in allp)
    traits = collections.Counter(t for p in allp for t in p.extra.get("traits", []))
    kinds = collections.Counter(ln.kind for p in allp for ln in p.lines)
    return {
        "all": label_stats(allp),
        **{s: label_stats(ps) for s, ps in splits.items()},
        "genres": dict(genres.most_common()),
        "traits": dict(traits.most_common()),
        "line_kinds": dict(kinds.most_common()),
        "duration_s": {"min": min(durations), "median": float(np.median(durations)), "max": max(durations)},
        "silent_posts": sum(1 for p in allp if not p.has_sound),
        "no_speech_posts": sum(1 for p in allp if not any(ln.kind == "speech" for ln in p.lines)),
    }


def agreement(
    posts: list[Post], second: dict[str, dict[str, int]], splits: dict[str, list[Post]]
) -> dict[str, object]:
    both = [p for p in posts if p.id in second]
    if not both:
        return {"posts": 0}
    a = np.stack([p.label_vector() for p in both])
    b = np.stack([np.array([second[p.id][v] for v in VALUE_IDS]) for p in both])
    rep = polarity_report(a, b)
    out: dict[str, object] = {
        "posts": len(both),
        "exact_cells": round(float((a == b).mean()), 4),
        "exact_nonzero_cells": round(rep.exact_nonzero, 4),
        "kappa_4way": round(cohen_kappa(a, b), 4),
        "kappa_endorsed": round(cohen_kappa(a >= 1, b >= 1), 4),
        "kappa_goes_against": round(cohen_kappa(a == -1, b == -1), 4),
        "kappa_per_value_mean": round(
            float(np.mean([cohen_kappa(a[:, j], b[:, j]) for j in range(len(VALUE_IDS))])), 4
        ),
        "second_as_model": {
            "endorsed_macro_f1": round(rep.endorsed.macro_f1, 4),
            "contradicted_macro_f1": round(rep.contradicted.macro_f1, 4),
        },
    }
    test_ids = {p.id for p in splits["test"]}
    tb = [i for i, p in enumerate(both) if p.id in test_ids]
    if tb:
        rt = polarity_report(a[tb], b[tb])
        out["second_as_model_test"] = {
            "posts": len(tb),
            "endorsed_macro_f1": round(rt.endorsed.macro_f1, 4),
            "contradicted_macro_f1": round(rt.contradicted.macro_f1, 4),
        }
    return out


def write_jsonl(path: Path, posts: list[Post]) -> str:
    text = "".join(json.dumps(post_to_json(p), ensure_ascii=False) + "\n" for p in posts)
    path.write_text(text, encoding="utf-8")
    return text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument(
        "--check", action="store_true", help="verify the committed splits instead of writing them"
    )
    args = ap.parse_args()
    posts = load_batches(args.corpus / "batches")
    splits = split_by_creator(posts)
    second: dict[str, dict[str, int]] = {}
    for path in sorted((args.corpus / "second").glob("*.jsonl")):
        second.update(read_labels(path))
    unknown = set(second) - {p.id for p in posts}
    if unknown:
        raise SystemExit(f"second labelling has ids not in the batches: {sorted(unknown)[:5]}")
    stats = {
        "splits": corpus_stats(splits),
        "agreement": agreement(posts, second, splits),
        "split_rule": f"by creator: sha256(handle) mod 100 < {TEST_BUCKETS} test, "
        f"< {TEST_BUCKETS + DEV_BUCKETS} dev, else train",
    }
    if args.check:
        for name, ps in splits.items():
            want = "".join(json.dumps(post_to_json(p), ensure_ascii=False) + "\n" for p in ps)
            have = (args.corpus / f"{name}.jsonl").read_text(encoding="utf-8")
            if want != have:
                print(f"{name}.jsonl differs from a rebuild of the batches", file=sys.stderr)
                return 1
        print("splits match the batches")
        return 0
    for name, ps in splits.items():
        write_jsonl(args.corpus / f"{name}.jsonl", ps)
    (args.corpus / "stats.json").write_text(
        json.dumps(stats, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(json.dumps(stats, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
