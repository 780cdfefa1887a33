"""Word and word-pair (TF-IDF) features with linear heads, added to the encoder's script logits.

Why: on the script dev split a class-balanced logistic regression on TF-IDF word uni- and
bigrams reads posts better than one on the fine-tuned MiniLM's pooled features, and the sum of
the two better than either (the figures are in the model card; script_heads.py fits both and
chooses on dev). Words the encoder blurs — hashtags, slang, brand names, "#noRules" — carry much
of a short post's values. The presence, polarity and dominance logits of a script are the
encoder head's plus this head's; the ValueEval argument head has no lexical part.

The features reproduce scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)``
(lower case, tokens ``(?u)\\b\\w\\w+\\b``, 1 + log tf, × idf, L2-normalised rows) for a fixed
vocabulary, with numpy only (tested against scikit-learn). Files in a model folder:
``lexical.safetensors`` (``idf`` (V,), ``weight`` (3·19, V), the feature scale folded in) and
``lexical-vocab.json`` (the terms in column order). No bias: the encoder head holds it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from valuedesk.classify.tokens import ModelLoadError

WEIGHTS_FILE = "lexical.safetensors"
VOCAB_FILE = "lexical-vocab.json"
TOKEN = re.compile(r"(?u)\b\w\w+\b")


def terms(text: str) -> list[str]:
    """Unigrams then bigrams of a text, as scikit-learn's word analyzer makes them."""
    words = TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass
class LexicalHead:
    vocabulary: list[str]
    idf: np.ndarray  # (V,)
    weight: np.ndarray  # (3·19, V)

    def __post_init__(self) -> None:
        self.index = {t: i for i, t in enumerate(self.vocabulary)}
        if self.idf.shape != (len(self.vocabulary),) or self.weight.shape[1] != len(self.vocabulary):
            raise ModelLoadError(
                f"lexical head: {len(self.vocabulary)} terms but idf {self.idf.shape}, weight {self.weight.shape}"
            )

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indexes and TF-IDF values of one text (a sparse row)."""
        counts = Counter(i for t in terms(text) if (i := self.index.get(t)) is not None)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        val = (1.0 + np.log(tf)) * self.idf[idx]
        return idx, val / np.linalg.norm(val)

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
        (model_dir / VOCAB_FILE).write_text(json.dumps(self.vocabulary, ensure_ascii=False) + "\n", "utf-8")

    @classmethod
    def load(cls, model_dir: Path) -> LexicalHead | None:
        """The folder's lexical head, or None when it has none (v1 and earlier v2 models)."""
        weights, vocab = model_dir / WEIGHTS_FILE, model_dir / VOCAB_FILE
        if not weights.exists() and not vocab.exists():
            return None
        try:
            from safetensors.numpy import load_file

            tensors = load_file(str(weights))
            vocabulary = json.loads(vocab.read_text("utf-8"))
            idf, weight = tensors["idf"], tensors["weight"]
        except Exception as exc:  # missing file or tensor, bad JSON, a safetensors header error
            raise ModelLoadError(
                f"{model_dir}: unreadable lexical head ({type(exc).__name__}: {exc})"
            ) from None
        return cls(list(vocabulary), idf.astype(np.float64), weight.astype(np.float64))


def fit_vectorizer(texts: Sequence[str], max_features: int) -> tuple[list[str], np.ndarray, object]:
    """Vocabulary, idf and the fitted scikit-learn vectorizer (training only) for `texts`."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=max_features)
    vec.fit(texts)
    vocab = [""] * len(vec.vocabulary_)
    for t, i in vec.vocabulary_.items():
        vocab[i] = t
    return vocab, vec.idf_.astype(np.float64), vec
