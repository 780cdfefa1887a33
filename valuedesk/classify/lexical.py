"""Word and character n-gram (TF-IDF) features with linear heads, added to the encoder's script logits.

Why: on the script dev split a class-balanced logistic regression on TF-IDF n-grams reads posts
better than one on the fine-tuned MiniLM's pooled features, and the sum of the two better than
either (the figures are in the model card; script_heads.py fits both and chooses on dev). Words
the encoder blurs — hashtags, slang, brand names, "#noRules" — carry much of a short post's
values. The presence, polarity and dominance logits of a script are the encoder head's plus
this head's; the ValueEval argument head has no lexical part.

Features: one or more blocks, each reproducing a scikit-learn ``TfidfVectorizer`` with
``sublinear_tf=True`` for a fixed vocabulary — "word" (lower case, tokens ``(?u)\\b\\w\\w+\\b``,
n-grams of words) or "char_wb" (lower case, character n-grams inside space-padded words) — as
1 + log tf, × idf, L2-normalised per block; blocks are joined and divided by √(number of
blocks). numpy only at run time (tested against scikit-learn). Files in a model folder:
``lexical.safetensors`` (``idf`` (V,), ``weight`` (3·19, V), the feature scale folded in) and
``lexical-vocab.json`` (per block: analyzer, n-gram range, terms in column order). No bias: the
encoder head holds it.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from valuedesk.classify.tokens import ModelLoadError

WEIGHTS_FILE = "lexical.safetensors"
VOCAB_FILE = "lexical-vocab.json"
TOKEN = re.compile(r"(?u)\b\w\w+\b")


def word_terms(text: str, lo: int = 1, hi: int = 2) -> list[str]:
    """Word n-grams (lo..hi) of a text, in scikit-learn's word analyzer's order."""
    words = TOKEN.findall(text.lower())
    out = list(words) if lo == 1 else []
    for n in range(max(lo, 2), hi + 1):
        out += [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    return out


def char_wb_terms(text: str, lo: int = 2, hi: int = 5) -> list[str]:
    """Character n-grams (lo..hi) inside space-padded words, as scikit-learn's "char_wb" analyzer."""
    out: list[str] = []
    for w in text.lower().split():
        w = f" {w} "
        for n in range(lo, hi + 1):
            out += [w[i : i + n] for i in range(max(1, len(w) - n + 1))]
            if len(w) <= n:  # a short word counts once
                break
    return out


ANALYZERS: dict[str, Callable[[str, int, int], list[str]]] = {"word": word_terms, "char_wb": char_wb_terms}


@dataclass
class Block:
    analyzer: str
    ngram: tuple[int, int]
    vocabulary: list[str]
    offset: int = 0  # first column of this block in the joined features
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.analyzer not in ANALYZERS:
            raise ModelLoadError(f"lexical head: unknown analyzer {self.analyzer!r}")
        self.index = {t: i for i, t in enumerate(self.vocabulary)}

    def counts(self, text: str) -> Counter[int]:
        lo, hi = self.ngram
        return Counter(
            i for t in ANALYZERS[self.analyzer](text, lo, hi) if (i := self.index.get(t)) is not None
        )


@dataclass
class LexicalHead:
    blocks: list[Block]
    idf: np.ndarray  # (V,) over all blocks
    weight: np.ndarray  # (3·19, V)

    def __post_init__(self) -> None:
        at = 0
        for b in self.blocks:
            b.offset = at
            at += len(b.vocabulary)
        if self.idf.shape != (at,) or self.weight.ndim != 2 or self.weight.shape[1] != at:
            raise ModelLoadError(
                f"lexical head: {at} terms but idf {self.idf.shape}, weight {self.weight.shape}"
            )

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indexes and values of one text's joined TF-IDF row (sparse)."""
        idx_parts, val_parts = [], []
        scale = 1.0 / math.sqrt(len(self.blocks)) if self.blocks else 1.0
        for b in self.blocks:
            counts = b.counts(text)
            if not counts:
                continue
            idx = b.offset + np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            val = (1.0 + np.log(tf)) * self.idf[idx]
            idx_parts.append(idx)
            val_parts.append(val * (scale / np.linalg.norm(val)))
        if not idx_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(idx_parts), np.concatenate(val_parts)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 3·19) logits to add to the encoder's presence, polarity and dominance logits."""
        out = np.zeros((len(texts), self.weight.shape[0]))
        for r, text in enumerate(texts):
            idx, val = self.features(text)
            if idx.size:
                out[r] = self.weight[:, idx] @ val
        return out

    def save(self, model_dir: Path) -> None:
        from safetensors.numpy import save_file

        save_file(
            {
                "idf": self.idf.astype(np.float32),
                "weight": np.ascontiguousarray(self.weight, dtype=np.float32),
            },
            str(model_dir / WEIGHTS_FILE),
        )
        blocks = [
            {"analyzer": b.analyzer, "ngram": list(b.ngram), "terms": b.vocabulary} for b in self.blocks
        ]
        (model_dir / VOCAB_FILE).write_text(
            json.dumps({"blocks": blocks}, ensure_ascii=False) + "\n", "utf-8"
        )

    @classmethod
    def load(cls, model_dir: Path) -> LexicalHead | None:
        """The folder's lexical head, or None when it has none (v1 and v2 models)."""
        weights, vocab = model_dir / WEIGHTS_FILE, model_dir / VOCAB_FILE
        if not weights.exists() and not vocab.exists():
            return None
        try:
            from safetensors.numpy import load_file

            tensors = load_file(str(weights))
            spec = json.loads(vocab.read_text("utf-8"))
            blocks = [
                Block(b["analyzer"], (int(b["ngram"][0]), int(b["ngram"][1])), list(b["terms"]))
                for b in spec["blocks"]
            ]
            idf, weight = tensors["idf"], tensors["weight"]
        except ModelLoadError:
            raise
        except Exception as exc:  # missing file or tensor, bad JSON, a safetensors header error
            raise ModelLoadError(
                f"{model_dir}: unreadable lexical head ({type(exc).__name__}: {exc})"
            ) from None
        return cls(blocks, idf.astype(np.float64), weight.astype(np.float64))


@dataclass(frozen=True)
class BlockSpec:
    """How one block is fitted (training only)."""

    analyzer: str
    ngram: tuple[int, int]
    min_df: int
    max_features: int


def fit_vectorizers(texts: Sequence[str], specs: Sequence[BlockSpec]) -> tuple[list[Block], np.ndarray, Any]:
    """Blocks, joined idf, and a function giving the joined sparse matrix (scikit-learn; training only)."""
    import scipy.sparse as sp  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import TfidfVectorizer

    blocks: list[Block] = []
    idfs: list[np.ndarray] = []
    fitted = []
    for s in specs:
        vec = TfidfVectorizer(
            analyzer=s.analyzer,
            ngram_range=s.ngram,
            min_df=s.min_df,
            sublinear_tf=True,
            max_features=s.max_features,
        )
        vec.fit(texts)
        vocab = [""] * len(vec.vocabulary_)
        for t, i in vec.vocabulary_.items():
            vocab[i] = t
        blocks.append(Block(s.analyzer, s.ngram, vocab))
        idfs.append(vec.idf_.astype(np.float64))
        fitted.append(vec)
    scale = 1.0 / math.sqrt(len(fitted))

    def transform(docs: Sequence[str]) -> Any:
        return sp.hstack([v.transform(docs) for v in fitted]).tocsr() * scale

    return blocks, np.concatenate(idfs), transform
