"""The lexical head: the same TF-IDF rows as scikit-learn, logits, and its files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from valuedesk.classify.lexical import VOCAB_FILE, WEIGHTS_FILE, LexicalHead, fit_vectorizer, terms
from valuedesk.classify.tokens import ModelLoadError

TRAIN = [
    "Rules are for losers #prank #noRules",
    "I put glue on the teacher's chair, who cares if people get hurt",
    "Never give up!! 5am grind, work harder than everyone else #grindset",
    "Sunday with grandma: I cook her lunch and help her with her medicine",
    "the teacher's chair again lol, rules are for losers",
    "5am grind again, never give up on the grind",
    "Grandma's garden, her lunch, her medicine ❤️",
]
OTHER = ["RULES are for LOSERS 😂 grandma", "zebra xylophone quartz", "", "never never give up"]


def test_terms_are_words_then_word_pairs() -> None:
    assert terms("Rules are 4 LOSERS #noRules") == [
        "rules", "are", "losers", "norules", "rules are", "are losers", "losers norules",
    ]  # fmt: skip


def test_rows_match_scikit_learn() -> None:
    vocab, idf, vec = fit_vectorizer(TRAIN, max_features=1000)
    rng = np.random.default_rng(0)
    head = LexicalHead(vocab, idf, rng.normal(size=(57, len(vocab))))
    want = vec.transform(TRAIN + OTHER).toarray()  # type: ignore[attr-defined]
    for text, row in zip(TRAIN + OTHER, want, strict=True):
        idx, val = head.features(text)
        got = np.zeros(len(vocab))
        got[idx] = val
        np.testing.assert_allclose(got, row, atol=1e-12)
    np.testing.assert_allclose(head.logits(TRAIN + OTHER), want @ head.weight.T, atol=1e-9)
    assert not head.logits(["zebra xylophone quartz"]).any()


def test_files_round_trip_and_errors(tmp_path: Path) -> None:
    vocab, idf, _ = fit_vectorizer(TRAIN, max_features=1000)
    head = LexicalHead(vocab, idf, np.arange(57 * len(vocab), dtype=np.float64).reshape(57, -1) / 1000)
    assert LexicalHead.load(tmp_path) is None  # a folder without one: no lexical head
    head.save(tmp_path)
    again = LexicalHead.load(tmp_path)
    assert again is not None and again.vocabulary == vocab
    np.testing.assert_allclose(again.logits(OTHER), head.logits(OTHER), rtol=1e-6)
    (tmp_path / VOCAB_FILE).unlink()
    with pytest.raises(ModelLoadError, match="lexical head"):
        LexicalHead.load(tmp_path)
    (tmp_path / VOCAB_FILE).write_text('["only one term"]\n', "utf-8")
    with pytest.raises(ModelLoadError, match="1 terms"):
        LexicalHead.load(tmp_path)
    (tmp_path / WEIGHTS_FILE).write_bytes(b"not safetensors")
    with pytest.raises(ModelLoadError, match="unreadable"):
        LexicalHead.load(tmp_path)
