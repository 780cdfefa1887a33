"""Stage 2 of model v2: refit the script heads on the fine-tuned encoder's features (logistic regression).

Why: after the joint fine-tune, the linear heads still carry the debate-argument data's base
rates (six thousand arguments against a few hundred scripts), and on the script dev split they
read worse than a regularised, class-balanced logistic regression on the same pooled features
(measured: dev endorsed / contradicted macro-F1 0.38 / 0.24 with the trained heads, 0.57 / 0.39
with the refitted ones, same encoder and tuning). So the presence, polarity and dominance heads
for scripts are refitted on the script train split — each post drawn three times (run-time
lines, with scene/sound lines, with ASR-like noise) — with the regularisation chosen on dev;
the fine-tuned presence head is kept as `presence_argument` for the ValueEval argument form.
The result is still one linear layer on the encoder (standardisation folded into its weights),
so inference, ONNX export and the delta format do not change.

A lexical head (lexical.py: TF-IDF n-grams of the same draws — words, or words + characters,
LEXICAL_FEATURES — with its own regularisation) is fitted beside it, and the script logits are
`share · encoder + (1 − share) · lexical`; features, C and share (ENCODER_SHARE_GRID; 1.0 drops
the lexical head) are chosen together on dev. Fitting the two apart and mixing their logits read
dev better than one regression on both feature sets (measured while choosing: 1.32 vs 1.15 on
the dev score).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from valuedesk.classify.data import lines_text
from valuedesk.classify.encoder import HEADS_V2, ValueNet, load_delta, save_delta, tokenize
from valuedesk.classify.lexical import VOCAB_FILE, WEIGHTS_FILE, BlockSpec, LexicalHead, fit_vectorizers
from valuedesk.classify.posts import ALL_KINDS, CONTENT_KINDS, Post
from valuedesk.classify.script_data import label_matrix, noisy_lines, post_text
from valuedesk.values import VALUE_IDS

HEADS_V2_SCRIPT: tuple[str, ...] = (*HEADS_V2, "presence_argument")
C_GRID: tuple[float, ...] = (0.01, 0.03, 0.1)
LEXICAL_C_GRID: tuple[float, ...] = (0.1, 0.3, 1.0)
LEXICAL_SCALE = 10.0  # TF-IDF rows have unit norm; scaled so one C grid suits both feature sets
WORDS = BlockSpec("word", (1, 2), min_df=2, max_features=30000)
CHARS = BlockSpec("char_wb", (2, 5), min_df=3, max_features=30000)
LEXICAL_FEATURES: dict[str, tuple[BlockSpec, ...]] = {"words": (WORDS,), "words+chars": (WORDS, CHARS)}
ENCODER_SHARE_GRID: tuple[float, ...] = (0.2, 0.3, 0.4, 0.5, 0.7, 1.0)  # 1.0: no lexical head
SATURATED = 12.0  # logit of a head with no examples of one class (a value never contradicted in train)


@torch.inference_mode()
def pooled_features(net: ValueNet, texts: list[str], max_length: int, batch_size: int = 16) -> np.ndarray:
    net.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: np.ndarray | None = None
    for s in range(0, len(order), batch_size):
        idx = order[s : s + batch_size]
        f = net.features(**tokenize([texts[i] for i in idx], max_length)).float().numpy()
        if out is None:
            out = np.zeros((len(texts), f.shape[1]), dtype=np.float32)
        out[idx] = f
    return out if out is not None else np.zeros((0, net.head.in_features), dtype=np.float32)


def training_draws(posts: Sequence[Post], seed: int) -> tuple[list[str], list[int]]:
    """Three texts per post: run-time lines, with scene/sound lines, run-time lines with ASR noise."""
    rng = random.Random(seed)
    texts: list[str] = []
    owner: list[int] = []
    for i, p in enumerate(posts):
        content, _ = p.model_input(CONTENT_KINDS)
        every, _ = p.model_input(ALL_KINDS)
        for lines in (content or every, every, noisy_lines(content or every, rng)):
            texts.append(lines_text(lines))
            owner.append(i)
    return texts, owner


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """Balanced L2 logistic regression; a constant head when one class is missing."""
    from sklearn.linear_model import LogisticRegression

    if y.sum() < 2 or (~y).sum() < 2:
        return np.zeros(x.shape[1]), SATURATED if y.sum() >= 2 else -SATURATED
    m = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(x, y)
    return m.coef_[0].astype(np.float64), float(m.intercept_[0])


def fit_heads(x: np.ndarray, gold: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """(3·19, d) weights and (3·19,) biases: presence, polarity (on non-absent cells), dominance (on endorsed)."""
    k = len(VALUE_IDS)
    w = np.zeros((3 * k, x.shape[1]))
    b = np.zeros(3 * k)
    for j in range(k):
        g = gold[:, j]
        w[j], b[j] = fit_logistic(x, g != 0, c)
        nz = g != 0
        w[k + j], b[k + j] = (
            fit_logistic(x[nz], g[nz] == -1, c) if nz.any() else (np.zeros(x.shape[1]), -SATURATED)
        )
        en = g >= 1
        w[2 * k + j], b[2 * k + j] = (
            fit_logistic(x[en], g[en] == 2, c) if en.any() else (np.zeros(x.shape[1]), -SATURATED)
        )
    return w, b


def refit_script_heads(
    model_dir: Path,
    out_dir: Path,
    train: Sequence[Post],
    dev: Sequence[Post],
    *,
    seed: int,
    max_length: int,
    score: Callable[[np.ndarray, np.ndarray], float],
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Refit the heads of `model_dir`'s network and write the model to `out_dir`; returns what was chosen.

    `score(gold, logits)` rates dev logits (n, 3·19) against dev gold labels (higher is better).
    """
    net, cfg = load_delta(model_dir)
    texts, owner = training_draws(train, seed)
    dev_texts = [post_text(p) for p in dev]
    x_train = pooled_features(net, texts, max_length)
    x_dev = pooled_features(net, dev_texts, max_length)
    gold_train = label_matrix(train)[owner]
    gold_dev = label_matrix(dev)
    mu, sd = x_train.mean(axis=0), x_train.std(axis=0) + 1e-6
    a_train, a_dev = (x_train - mu) / sd, (x_dev - mu) / sd
    c, w, b, tried = _choose_c("encoder", C_GRID, a_train, a_dev, gold_train, gold_dev, score, log)
    z_enc = a_dev @ w.T + b
    best_lex: tuple[float, str, float, float, Any] = (-1.0, "", 0.0, 1.0, None)
    tried_lex: dict[str, Any] = {}
    for name, specs in LEXICAL_FEATURES.items():
        blocks, idf, transform = fit_vectorizers(texts, specs)
        l_train, l_dev = transform(texts) * LEXICAL_SCALE, transform(dev_texts) * LEXICAL_SCALE
        c_lex, w_lex, b_lex, by_c = _choose_c(
            f"lexical {name}", LEXICAL_C_GRID, l_train, l_dev, gold_train, gold_dev, score, log
        )
        z_lex = l_dev @ w_lex.T + b_lex
        by_share = {}
        for a in ENCODER_SHARE_GRID:
            s_a = score(gold_dev, a * z_enc + (1 - a) * z_lex)
            by_share[str(a)] = round(s_a, 4)
            log(f"script heads: {name}, encoder share {a} dev score {s_a:.4f}")
            if s_a > best_lex[0] + 1e-9:
                best_lex = (s_a, name, c_lex, a, (blocks, idf, w_lex, b_lex))
        tried_lex[name] = {"C": c_lex, "dev_score_by_C": by_c, "dev_score_by_encoder_share": by_share}
    _, lex_name, c_lex, share, (blocks, idf, w_lex, b_lex) = best_lex
    k = len(VALUE_IDS)
    src = net.heads.index("presence_argument") if "presence_argument" in net.heads else 0
    old_w = net.head.weight.detach().double().numpy()[src * k : (src + 1) * k]
    old_b = net.head.bias.detach().double().numpy()[src * k : (src + 1) * k]
    w_raw = share * w / sd  # fold the standardisation and the encoder's share into the linear layer
    b_raw = share * (b - (w * (mu / sd)).sum(axis=1)) + (1 - share) * b_lex
    head = torch.nn.Linear(net.head.in_features, k * len(HEADS_V2_SCRIPT))
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(np.concatenate([w_raw, old_w])).float())
        head.bias.copy_(torch.from_numpy(np.concatenate([b_raw, old_b])).float())
    net.head = head
    net.heads = HEADS_V2_SCRIPT
    meta = {
        kk: v
        for kk, v in cfg.items()
        if kk
        not in ("base", "base_fingerprint", "pooling", "n_values", "heads", "delta_file", "delta_format")
    }
    chosen: dict[str, Any] = {
        "C": c,
        "dev_score_by_C": tried,
        "lexical_features": lex_name if share < 1.0 else None,
        "lexical_C": c_lex,
        "encoder_share": share,
        "lexical_tried": tried_lex,
        "lexical_terms": sum(len(b.vocabulary) for b in blocks) if share < 1.0 else 0,
        "train_draws": len(texts),
        "train_posts": len(train),
    }
    meta["script_heads"] = chosen
    save_delta(net, out_dir, meta)
    for stale in (WEIGHTS_FILE, VOCAB_FILE):
        (out_dir / stale).unlink(missing_ok=True)
    if share < 1.0:
        LexicalHead(blocks, idf, (1 - share) * LEXICAL_SCALE * w_lex).save(out_dir)
    return chosen


def _choose_c(
    name: str,
    grid: Sequence[float],
    x_train: Any,
    x_dev: Any,
    gold_train: np.ndarray,
    gold_dev: np.ndarray,
    score: Callable[[np.ndarray, np.ndarray], float],
    log: Callable[[str], None],
) -> tuple[float, np.ndarray, np.ndarray, dict[str, float]]:
    """The regularisation of `grid` whose heads score best on dev, with those heads."""
    best: tuple[float, float, np.ndarray, np.ndarray] = (-1.0, 0.0, np.zeros(0), np.zeros(0))
    tried = {}
    for c in grid:
        w, b = fit_heads(x_train, gold_train, c)
        s = score(gold_dev, x_dev @ w.T + b)
        tried[str(c)] = round(s, 4)
        log(f"script heads ({name}): C={c} dev score {s:.4f}")
        if s > best[0]:
            best = (s, c, w, b)
    return best[1], best[2], best[3], tried
