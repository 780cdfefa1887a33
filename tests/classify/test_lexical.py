"""The lexical head: the same TF-IDF rows as scikit-learn, logits, and its files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from valuedesk.classify.lexical import (
    VOCAB_FILE,
    WEIGHTS_FILE,
    BlockSpec,
    LexicalHead,
    char_wb_terms,
    fit_vectorizers,
    word_terms,
)
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
OTHER = ["RULES are for LOSERS 😂 grandma", "zebra xylophone quartz", "", "never never give up", "a  b\tc"]
WORDS = BlockSpec("word", (1, 2), min_df=1, max_features=1000)
CHARS = BlockSpec("char_wb", (2, 5), min_df=1, max_features=1000)


def test_terms_are_words_then_word_pairs() -> None:
    assert word_terms("Rules are 4 LOSERS #noRules", 1, 2) == [
        "rules", "are", "losers", "norules", "rules are", "are losers", "losers norules",
    ]  # fmt: skip


def test_char_terms_pad_words_and_count_short_words_once() -> None:
    assert char_wb_terms("Hi!", 2, 3) == [" h", "hi", "i!", "! ", " hi", "hi!", "i! "]
    assert char_wb_terms("a", 2, 5) == [" a", "a ", " a "]


@pytest.mark.parametrize("specs", [(WORDS,), (WORDS, CHARS)], ids=["words", "words+chars"])
def test_rows_match_scikit_learn(specs: tuple[BlockSpec, ...]) -> None:
    blocks, idf, transform = fit_vectorizers(TRAIN, specs)
    width = sum(len(b.vocabulary) for b in blocks)
    rng = np.random.default_rng(0)
    head = LexicalHead(blocks, idf, rng.normal(size=(57, width)))
    want = transform(TRAIN + OTHER).toarray()
    for text, row in zip(TRAIN + OTHER, want, strict=True):
        idx, val = head.features(text)
        got = np.zeros(width)
        got[idx] = val
        np.testing.assert_allclose(got, row, atol=1e-12)
    np.testing.assert_allclose(head.logits(TRAIN + OTHER), want @ head.weight.T, atol=1e-9)
    assert not head.logits(["", "   "]).any()


def test_files_round_trip_and_errors(tmp_path: Path) -> None:
    blocks, idf, _ = fit_vectorizers(TRAIN, (WORDS, CHARS))
    head = LexicalHead(blocks, idf, np.arange(57 * len(idf), dtype=np.float64).reshape(57, -1) / 1000)
    assert LexicalHead.load(tmp_path) is None  # a folder without one: no lexical head
    head.save(tmp_path)
    again = LexicalHead.load(tmp_path)
    assert again is not None and [b.vocabulary for b in again.blocks] == [b.vocabulary for b in blocks]
    assert [(b.analyzer, b.ngram) for b in again.blocks] == [("word", (1, 2)), ("char_wb", (2, 5))]
    np.testing.assert_allclose(again.logits(OTHER), head.logits(OTHER), rtol=1e-6)
    (tmp_path / VOCAB_FILE).unlink()
    with pytest.raises(ModelLoadError, match="lexical head"):
        LexicalHead.load(tmp_path)
    (tmp_path / VOCAB_FILE).write_text(
        '{"blocks": [{"analyzer": "word", "ngram": [1, 1], "terms": ["x"]}]}', "utf-8"
    )
    with pytest.raises(ModelLoadError, match="1 terms"):
        LexicalHead.load(tmp_path)
    (tmp_path / VOCAB_FILE).write_text(
        '{"blocks": [{"analyzer": "bpe", "ngram": [1, 1], "terms": ["x"]}]}', "utf-8"
    )
    with pytest.raises(ModelLoadError, match="unknown analyzer"):
        LexicalHead.load(tmp_path)
    (tmp_path / WEIGHTS_FILE).write_bytes(b"not safetensors")
    with pytest.raises(ModelLoadError, match="unreadable"):
        LexicalHead.load(tmp_path)
