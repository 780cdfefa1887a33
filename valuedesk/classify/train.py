"""Step 2 training: fine-tune the packaged MiniLM into a 19-value multi-label classifier.

Recipe (DESIGN.md §6 known-good facts plus cheap additions): full fine-tune except the frozen
word embeddings, BCE with pos_weight = sqrt(neg/pos), AdamW lr 8e-5, batch 32, linear warm-up
and decay, 4 epochs; an auxiliary head on the 54 level-1 labels (multi-task); inputs drawn in
run-time shapes every epoch (data.SHAPE_MIX). Calibration (per-value Platt scaling) and
per-value thresholds are fitted on Touché23 validation only, separately for the ValueEval
argument form and for the script form used at run time. Seeded; same seed + same thread count
gives the same model.
"""

from __future__ import annotations

import copy
import json
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from valuedesk.classify.data import (
    SHAPE_MIX,
    Argument,
    DataError,
    Dataset,
    epoch_inputs,
    eval_texts,
    load_split,
    load_webis_extra,
)
from valuedesk.classify.encoder import (
    ValueNet,
    freeze_unshipped,
    load_base_encoder,
    predict_logits,
    save_delta,
    tokenize,
)
from valuedesk.classify.metrics import apply_platt, evaluate_binary, fit_platt, tune_thresholds
from valuedesk.values import VALUE_IDS

MODEL_ID = "valuedesk-minilm-v1"
EVAL_SHAPES: tuple[str, ...] = ("argument", "script")  # threshold sets shipped with a model
RUNTIME_SHAPE = "script"


@dataclass
class TrainConfig:
    epochs: int = 4
    seed: int = 13
    lr: float = 8e-5
    batch_size: int = 32
    max_length: int = 128
    weight_decay: float = 0.01
    warmup: float = 0.06
    aux_weight: float = 0.5  # weight of the level-1 auxiliary loss (0 = off)
    label_smoothing: float = 0.0
    pooling: str = "mean"
    dropout: float = 0.1
    shape_mix: dict[str, float] = field(default_factory=lambda: dict(SHAPE_MIX))
    select_best_epoch: bool = True  # keep the epoch with the best validation macro-F1
    max_train: int | None = None  # cap on training arguments (tests)
    max_steps: int | None = None  # cap on optimiser steps per epoch (tests)
    max_eval: int | None = None  # cap on validation arguments (tests)
    threads: int | None = None


@dataclass
class TrainResult:
    out_dir: Path
    config: dict[str, Any]
    history: list[dict[str, Any]]
    seconds: float


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _batches(texts: list[str], rng: random.Random, batch_size: int) -> list[list[int]]:
    """Length-bucketed batches: shuffle, sort within chunks of 50 batches, shuffle batch order."""
    idx = list(range(len(texts)))
    rng.shuffle(idx)
    chunk = batch_size * 50
    batches: list[list[int]] = []
    for s in range(0, len(idx), chunk):
        part = sorted(idx[s : s + chunk], key=lambda i: len(texts[i]))
        batches += [part[k : k + batch_size] for k in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def pos_weights(labels: np.ndarray) -> torch.Tensor:
    pos = labels.sum(0)
    neg = labels.shape[0] - pos
    return torch.tensor(np.sqrt(np.maximum(neg, 1) / np.maximum(pos, 1)), dtype=torch.float32)


def load_training_data(data_dir: Path, webis_dir: Path | None, log: Callable[[str], None]) -> tuple[Dataset, Dataset]:
    """Touché23 training (+ Webis-22 extras, deduplicated, never a validation argument) and validation."""
    train = load_split(data_dir, "training")
    val = load_split(data_dir, "validation")
    exclude = [train, val]
    zhihu = data_dir / "arguments-validation-zhihu.tsv"
    if zhihu.is_file():
        exclude.append(load_split(data_dir, "validation-zhihu"))
    if webis_dir is not None:
        extra = load_webis_extra(webis_dir, exclude, train.level1_names)
        log(f"webis-22: {len(extra)} arguments not in Touché23 training/validation added")
        train = Dataset(train.arguments + extra.arguments, train.level1_names)
    return train, val


def _eval_logits(net: ValueNet, val: Dataset, max_length: int) -> dict[str, np.ndarray]:
    net.eval()
    return {s: predict_logits(net, eval_texts(val, s), max_length=max_length).numpy() for s in EVAL_SHAPES}


def calibrate(gold: np.ndarray, logits: dict[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    """Per shape: Platt parameters and F1-optimal thresholds on the calibrated probabilities."""
    out: dict[str, dict[str, Any]] = {}
    for shape, lg in logits.items():
        platt = fit_platt(gold, lg)
        prob = apply_platt(lg, platt)
        thr = tune_thresholds(gold, prob)
        out[shape] = {
            "platt": {v: [round(float(a), 6), round(float(b), 6)] for v, (a, b) in zip(VALUE_IDS, platt, strict=True)},
            "thresholds": {v: round(float(t), 4) for v, t in zip(VALUE_IDS, thr, strict=True)},
        }
    return out


def crossfit_macro_f1(gold: np.ndarray, prob: np.ndarray, groups: list[str], seed: int = 0) -> float:
    """Macro-F1 with thresholds tuned on one half of validation and applied to the other (by conclusion).

    An honest estimate next to the (optimistic) tuned-on-validation figure.
    """
    keys = sorted(set(groups))
    random.Random(seed).shuffle(keys)
    half = set(keys[: len(keys) // 2])
    a = np.array([g in half for g in groups])
    pred = np.zeros_like(gold, dtype=bool)
    for fit, app in ((a, ~a), (~a, a)):
        thr = tune_thresholds(gold[fit], prob[fit])
        pred[app] = prob[app] >= thr
    return evaluate_binary(gold, pred).macro_f1


def train(data_dir: str | Path, out_dir: str | Path, *, webis_dir: str | Path | None = None,
          config: TrainConfig | None = None, log: Callable[[str], None] = print) -> TrainResult:
    """Train, calibrate on validation and write a shippable model folder to `out_dir`."""
    cfg = config or TrainConfig()
    t_start = time.time()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    seed_everything(cfg.seed)
    data_dir = Path(data_dir)
    train_ds, val_ds = load_training_data(data_dir, Path(webis_dir) if webis_dir else None, log)
    if cfg.max_train:
        train_ds = Dataset(train_ds.arguments[: cfg.max_train], train_ds.level1_names)
    if cfg.max_eval:
        val_ds = Dataset(val_ds.arguments[: cfg.max_eval], val_ds.level1_names)
    if not train_ds.arguments or not val_ds.arguments:
        raise DataError("training and validation splits must not be empty")
    args: list[Argument] = train_ds.arguments
    use_aux = cfg.aux_weight > 0 and all(a.level1 is not None for a in args)
    n_aux = len(train_ds.level1_names) if use_aux else 0
    log(f"training on {len(args)} arguments, validating on {len(val_ds)}; level-1 auxiliary head: "
        f"{'on' if use_aux else 'off'}; seed {cfg.seed}")

    net = ValueNet(load_base_encoder(), len(VALUE_IDS), n_aux=n_aux, pooling=cfg.pooling, dropout=cfg.dropout)
    freeze_unshipped(net)
    labels = np.stack([a.labels for a in args])
    bce = nn.BCEWithLogitsLoss(pos_weight=pos_weights(labels))
    bce_aux = nn.BCEWithLogitsLoss(pos_weight=pos_weights(np.stack([a.level1 for a in args]))) if use_aux else None  # type: ignore[misc]
    params = [p for p in net.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim >= 2]
    no_decay = [p for p in params if p.ndim < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr)
    steps_per_epoch = (len(args) + cfg.batch_size - 1) // cfg.batch_size
    if cfg.max_steps:
        steps_per_epoch = min(steps_per_epoch, cfg.max_steps)
    total = max(1, steps_per_epoch * cfg.epochs)
    warm = max(1, int(total * cfg.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    rng = random.Random(cfg.seed)
    gold_val = val_ds.label_matrix()
    history: list[dict[str, Any]] = []
    best: tuple[float, dict[str, torch.Tensor] | None, dict[str, np.ndarray] | None] = (-1.0, None, None)
    smooth = cfg.label_smoothing
    for epoch in range(1, cfg.epochs + 1):
        t0 = time.time()
        net.train()
        shaped = epoch_inputs(args, rng, cfg.shape_mix)
        texts = [s.text for s in shaped]
        losses: list[float] = []
        for step, b in enumerate(_batches(texts, rng, cfg.batch_size)):
            if step >= steps_per_epoch:
                break
            batch = tokenize([texts[i] for i in b], cfg.max_length)
            y = torch.from_numpy(np.stack([shaped[i].labels for i in b]))
            if smooth:
                y = y * (1 - smooth) + smooth / 2
            logits, aux = net(**batch)
            loss = bce(logits, y)
            if bce_aux is not None and aux is not None:
                y1 = torch.from_numpy(np.stack([shaped[i].level1 for i in b]))  # type: ignore[arg-type]
                loss = loss + cfg.aux_weight * bce_aux(aux, y1)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            losses.append(loss.item())
        val_logits = _eval_logits(net, val_ds, cfg.max_length)
        row: dict[str, Any] = {"epoch": epoch, "loss": round(float(np.mean(losses)), 4),
                               "seconds": round(time.time() - t0, 1)}
        for shape, lg in val_logits.items():
            prob = 1 / (1 + np.exp(-lg))
            row[f"{shape}_f1@0.5"] = round(evaluate_binary(gold_val, prob >= 0.5).macro_f1, 4)
            row[f"{shape}_f1@tuned"] = round(evaluate_binary(gold_val, prob >= tune_thresholds(gold_val, prob)).macro_f1, 4)
        history.append(row)
        log(" ".join(f"{k}={v}" for k, v in row.items()))
        score = row["argument_f1@tuned"] + row["script_f1@tuned"]
        if not cfg.select_best_epoch or score > best[0]:
            best = (score, copy.deepcopy(net.state_dict()), val_logits)
    assert best[1] is not None and best[2] is not None
    net.load_state_dict(best[1])
    net.eval()
    calib = calibrate(gold_val, best[2])
    groups = [a.conclusion for a in val_ds.arguments]
    honest = {s: round(crossfit_macro_f1(gold_val, apply_platt(lg, np.array(list(calib[s]["platt"].values()))), groups), 4)
              for s, lg in best[2].items()}
    log(f"cross-fitted validation macro_f1 (thresholds tuned on the other half): {honest}")
    out = Path(out_dir)
    meta: dict[str, Any] = {
        "model_id": MODEL_ID,
        "value_ids": list(VALUE_IDS),
        "max_length": cfg.max_length,
        "runtime_shape": RUNTIME_SHAPE,
        "calibration": calib,
        "train_config": asdict(cfg),
        "history": history,
        "crossfit_macro_f1": honest,
        "train_arguments": len(args),
        "validation_arguments": len(val_ds),
    }
    save_delta(net, out, meta)
    (out / "training-log.json").write_text(json.dumps({"history": history, "crossfit_macro_f1": honest}, indent=2) + "\n",
                                           encoding="utf-8")
    return TrainResult(out, meta, history, time.time() - t_start)
