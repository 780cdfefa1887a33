"""The project's script corpus: splits rebuilt from the reviewed batches, by creator, sizes, agreement."""

from __future__ import annotations

import json
import subprocess
import sys

from valuedesk.classify.data import REPO_ROOT
from valuedesk.classify.posts import read_labels, read_posts
from valuedesk.classify.script_data import creator_split

CORPUS = REPO_ROOT / "resources" / "datasets" / "valuedesk-scripts"


def test_splits_are_the_batches_split_by_creator() -> None:
    run = subprocess.run(
        [sys.executable, str(REPO_ROOT / "packaging" / "build_script_corpus.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    splits = {s: read_posts(CORPUS / f"{s}.jsonl") for s in ("train", "dev", "test")}
    for name, posts in splits.items():
        assert all(creator_split(p.creator) == name for p in posts)
        assert all(p.labels is not None for p in posts)
    creators = {s: {p.creator for p in ps} for s, ps in splits.items()}
    assert not (creators["train"] & creators["dev"]) and not (creators["train"] & creators["test"])
    assert not (creators["dev"] & creators["test"])
    assert len(splits["dev"]) >= 200 and len(splits["test"]) >= 150
    assert sum(len(ps) for ps in splits.values()) >= 1000
    assert len(set().union(*creators.values())) >= 80


def test_corpus_shape_and_agreement_are_recorded() -> None:
    stats = json.loads((CORPUS / "stats.json").read_text(encoding="utf-8"))
    allp = stats["splits"]["all"]
    assert len(stats["splits"]["genres"]) >= 25
    assert 0.25 <= allp["posts_with_a_minus_one"] / allp["posts"] <= 0.45  # "about a third" carry a −1
    assert stats["splits"]["duration_s"]["min"] >= 6 and stats["splits"]["duration_s"]["max"] <= 90
    second = {}
    for path in sorted((CORPUS / "second").glob("*.jsonl")):
        second.update(read_labels(path))
    assert len(second) == allp["posts"] == stats["agreement"]["posts"]  # every post labelled twice
    assert 0.0 < stats["agreement"]["kappa_4way"] <= 1.0
    for name in ("README.md", "LICENSE"):
        assert (CORPUS / name).is_file()
