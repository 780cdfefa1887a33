"""Stage 2b: refit the ValueEval argument head (`presence_argument`) on frozen encoder features.

Why: after the joint fine-tune, the argument head shares its training with the script heads and
six thousand arguments against fourteen hundred posts; a class-balanced L2 logistic regression
on the same frozen pooled features of the Touché23 (+ Webis) training arguments reads Touché23
validation better (measured while choosing, per-value thresholds on validation for both: 0.427 →
0.471 official F1 at C = 0.01, 0.453 at C = 0.1). ARGUMENT_C is the script heads' choice on
dev, not searched on a grid here; but that experiment did print both values on validation, where
the argument calibration and thresholds are fitted and the figure is reported — Touché23 has no
other labelled split here, so the reported figure is optimistic (the model card says so). Inputs are the classifier's own argument form (evaluate.argument_lines),
so the calibration fitted here is the one `evaluate --data` runs. No lexical part.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from valuedesk.classify.data import Dataset, lines_text
from valuedesk.classify.encoder import load_delta, save_delta
from valuedesk.classify.evaluate import argument_lines
from valuedesk.classify.script_heads import fit_logistic, pooled_features
from valuedesk.values import VALUE_IDS

ARGUMENT_C = 0.01
ARGUMENT_HEAD = "presence_argument"


def argument_texts(ds: Dataset) -> list[str]:
    return [lines_text(argument_lines(a, "argument")) for a in ds.arguments]


def refit_argument_head(
    model_dir: Path, train: Dataset, *, max_length: int, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Refit `model_dir`'s argument head in place on `train`; returns what was fitted."""
    net, cfg = load_delta(model_dir)
    if ARGUMENT_HEAD not in net.heads:
        raise ValueError(f"{model_dir} has no {ARGUMENT_HEAD} head (refit the script heads first)")
    x = pooled_features(net, argument_texts(train), max_length)
    gold = train.label_matrix() > 0.5
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-6
    a = (x - mu) / sd
    k = len(VALUE_IDS)
    w = np.zeros((k, x.shape[1]))
    b = np.zeros(k)
    for j in range(k):
        w[j], b[j] = fit_logistic(a, gold[:, j], ARGUMENT_C)
    at = net.heads.index(ARGUMENT_HEAD) * k
    with torch.no_grad():
        net.head.weight[at : at + k] = torch.from_numpy(w / sd).float()
        net.head.bias[at : at + k] = torch.from_numpy(b - (w * (mu / sd)).sum(axis=1)).float()
    meta = {
        kk: v
        for kk, v in cfg.items()
        if kk
        not in ("base", "base_fingerprint", "pooling", "n_values", "heads", "delta_file", "delta_format")
    }
    fitted = {"C": ARGUMENT_C, "train_arguments": len(train)}
    meta["argument_head"] = fitted
    save_delta(net, model_dir, meta)
    log(f"argument head refitted on {len(train)} training arguments, C={ARGUMENT_C}")
    return fitted


def argument_logits(model_dir: Path, ds: Dataset, max_length: int) -> np.ndarray:
    """The argument head's raw logits (n, 19) on `ds` in the classifier's argument form."""
    from valuedesk.classify.encoder import predict_logits

    net, _ = load_delta(model_dir)
    k = len(VALUE_IDS)
    at = net.heads.index(ARGUMENT_HEAD) * k
    return predict_logits(net, argument_texts(ds), max_length=max_length).numpy()[:, at : at + k]
