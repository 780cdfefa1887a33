"""Small fixtures derived from the vendored Touché23 data (the first rows of each split), and a
session-wide temporary ONNX cache (tests never read or write the user's ~/.cache)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from valuedesk.classify.data import TOUCHE_DIR
from valuedesk.classify.onnx_backend import BACKEND_ENV, CACHE_ENV


def _head(src: Path, dst: Path, n: int, drop_column: str | None = None) -> None:
    rows = src.read_text(encoding="utf-8").splitlines()[: n + 1]
    if drop_column:
        header = rows[0].split("\t")
        j = header.index(drop_column)
        rows = ["\t".join(c for k, c in enumerate(r.split("\t")) if k != j) for r in rows]
    dst.write_text("\n".join(rows) + "\n", encoding="utf-8")


def make_fixture(root: Path, n: int = 40, *, nineteen: bool = False) -> Path:
    """A ValueEval-layout folder with `n` training and `n` validation rows."""
    root.mkdir(parents=True, exist_ok=True)
    for split in ("training", "validation"):
        _head(TOUCHE_DIR / f"arguments-{split}.tsv", root / f"arguments-{split}.tsv", n)
        _head(
            TOUCHE_DIR / f"labels-{split}.tsv",
            root / f"labels-{split}.tsv",
            n,
            "Universalism: objectivity" if nineteen else None,
        )
        _head(TOUCHE_DIR / f"level1-labels-{split}.tsv", root / f"level1-labels-{split}.tsv", n)
    return root


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixture(tmp_path_factory.mktemp("touche-tiny"))


def make_scripts_fixture(root: Path) -> Path:
    """A script-corpus folder (train.jsonl, dev.jsonl) from the documented example posts."""
    from valuedesk.classify.data import REPO_ROOT
    from valuedesk.classify.posts import attach_labels, post_to_json, read_labels, read_posts

    ex = REPO_ROOT / "docs" / "examples"
    posts = attach_labels(read_posts(ex / "posts.jsonl"), read_labels(ex / "labels.jsonl"), "labels.jsonl")
    root.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(post_to_json(p)) + "\n" for p in posts)
    for split in ("train", "dev"):
        (root / f"{split}.jsonl").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def tiny_scripts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_scripts_fixture(tmp_path_factory.mktemp("scripts-tiny"))


@pytest.fixture(scope="session")
def tiny_data19(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixture(tmp_path_factory.mktemp("touche-tiny19"), nineteen=True)


@pytest.fixture(scope="session", autouse=True)
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One temporary ONNX cache for the session: the shipped model is exported once, then reused."""
    folder = tmp_path_factory.mktemp("valuedesk-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CACHE_ENV, str(folder))
        mp.delenv(BACKEND_ENV, raising=False)
        yield folder
