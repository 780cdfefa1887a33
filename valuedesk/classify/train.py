"""Step 2 training (model v2): one MiniLM, per value presence + polarity + dominance heads.

Data, jointly: Touché23 training (+ Webis-22 extras) — presence only: its positives are
endorsements, so the polarity and dominance losses are masked for it — and the project's
labelled short-video scripts (resources/datasets/valuedesk-scripts, train split), each drawn
`script_repeats` times per epoch with and without scene lines and with ASR-like noise
(script_data.py). Losses: BCE presence (label ≠ 0; pos_weight sqrt(neg/pos)), BCE polarity
(−1 vs 1/2, only where the gold label is not absent), BCE dominance (2 vs 1, only where
endorsed), plus the level-1 auxiliary head on Touché23. Full fine-tune except the frozen word
embeddings, AdamW, linear warm-up and decay.

Choices on validation data only: the epoch (script dev endorsed + contradicted macro-F1 plus
Touché23 validation macro-F1), the ValueEval "argument" calibration and thresholds (Touché23
validation), and the run-time "script" calibration, thresholds and video rules (script dev
split, tune.py). The script test split is never read here. Seeded.
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
    HEADS_V2,
    ValueNet,
    freeze_unshipped,
    load_base_encoder,
    predict_logits,
    save_delta,
    tokenize,
)
from valuedesk.classify.metrics import apply_platt, evaluate_binary, fit_platt, tune_thresholds
from valuedesk.classify.posts import Post, labelled, read_posts
from valuedesk.classify.script_data import label_matrix, post_draws, post_text, targets_from_labels
from valuedesk.classify.script_metrics import polarity_report
from valuedesk.values import VALUE_IDS

MODEL_ID = "valuedesk-minilm-v2.1"  # v2 + a lexical head (lexical.py) + the refitted argument head
EVAL_SHAPES: tuple[str, ...] = ("argument", "script")  # threshold sets shipped with a model
RUNTIME_SHAPE = "script"


@dataclass
class TrainConfig:
    epochs: int = 3
    seed: int = 13
    lr: float = 8e-5
    batch_size: int = 32
    max_length: int = 256  # scripts: a 60 s post's speech, on-screen text and caption fit one window
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
    script_repeats: int = 2  # draws of each training post per epoch (shapes and noise differ)
    scene_share: float = 0.5  # share of script draws that include scene and sound lines
    noise_share: float = 0.35  # share of script draws with ASR-like noise on the speech
    polarity_weight: float = 1.0
    dominance_weight: float = 0.5
    max_scripts: int | None = None  # cap on training posts (tests)
    arguments_per_epoch: int | None = (
        3000  # Touché23/Webis arguments drawn per epoch, fresh each epoch (None: all)
    )


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


def load_training_data(
    data_dir: Path, webis_dir: Path | None, log: Callable[[str], None]
) -> tuple[Dataset, Dataset]:
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
    k = len(VALUE_IDS)  # the presence head (v2 nets also have polarity and dominance columns)
    return {
        s: predict_logits(net, eval_texts(val, s), max_length=max_length).numpy()[:, :k] for s in EVAL_SHAPES
    }


def calibrate(gold: np.ndarray, logits: dict[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    """Per shape: Platt parameters and F1-optimal thresholds on the calibrated probabilities."""
    out: dict[str, dict[str, Any]] = {}
    for shape, lg in logits.items():
        platt = fit_platt(gold, lg)
        prob = apply_platt(lg, platt)
        thr = tune_thresholds(gold, prob)
        out[shape] = {
            "platt": {
                v: [round(float(a), 6), round(float(b), 6)]
                for v, (a, b) in zip(VALUE_IDS, platt, strict=True)
            },
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


SCRIPT_SPLITS = ("train", "dev")  # the test split is never read while training


def load_scripts(scripts_dir: Path) -> tuple[list[Post], list[Post]]:
    """The labelled script corpus's train and dev splits (`<split>.jsonl`)."""
    out = []
    for split in SCRIPT_SPLITS:
        path = scripts_dir / f"{split}.jsonl"
        if not path.is_file():
            raise DataError(f"missing script corpus file: {path}")
        out.append(labelled(read_posts(path), path.name))
    return out[0], out[1]


@dataclass
class _Sample:
    text: str
    presence: np.ndarray
    polarity: np.ndarray
    polarity_mask: np.ndarray
    dominance: np.ndarray
    dominance_mask: np.ndarray
    level1: np.ndarray | None


def _epoch_samples(
    args: list[Argument], posts: list[Post], rng: random.Random, cfg: TrainConfig
) -> list[_Sample]:
    k = len(VALUE_IDS)
    zeros = np.zeros(k, dtype=np.float32)
    if cfg.arguments_per_epoch and cfg.arguments_per_epoch < len(args):
        args = rng.sample(args, cfg.arguments_per_epoch)  # a fresh sample each epoch
    out = [
        _Sample(s.text, s.labels, zeros, zeros, zeros, zeros, s.level1)
        for s in epoch_inputs(args, rng, cfg.shape_mix)
    ]
    for _ in range(cfg.script_repeats):
        for p in posts:
            t = targets_from_labels(p.label_vector())
            out.append(
                _Sample(
                    post_draws(p, rng, scene_share=cfg.scene_share, noise_share=cfg.noise_share),
                    t.presence,
                    t.polarity,
                    t.polarity_mask,
                    t.dominance,
                    t.dominance_mask,
                    None,
                )
            )
    return out


def _columns(samples: list[_Sample], batch: list[int]) -> Callable[[str], torch.Tensor]:
    def col(name: str) -> torch.Tensor:
        return torch.from_numpy(np.stack([getattr(samples[i], name) for i in batch]))

    return col


def _masked_bce(
    logits: torch.Tensor, y: torch.Tensor, mask: torch.Tensor, pos_weight: torch.Tensor
) -> torch.Tensor:
    cells = (
        nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none", pos_weight=pos_weight)
        * mask
    )
    return cells.sum() / mask.sum().clamp(min=1.0)


def _dev_labels(net: ValueNet, dev: list[Post], max_length: int) -> tuple[np.ndarray, np.ndarray]:
    """Quick epoch check: one window per dev post, fixed 0.5 thresholds (the real tuning comes after)."""
    from valuedesk.classify.model import VideoRules, decide_labels

    net.eval()
    z = predict_logits(net, [post_text(p) for p in dev], max_length=max_length).numpy()
    k = len(VALUE_IDS)
    pres, pol, dom = z[:, :k], z[:, k : 2 * k], z[:, 2 * k :]
    rules = VideoRules()
    pred = np.stack(
        [
            decide_labels(1 / (1 + np.exp(-pres[i])), np.full(k, 0.5), pol[i], dom[i], rules)
            for i in range(len(dev))
        ]
    )
    return label_matrix(dev), pred


def train(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    webis_dir: str | Path | None = None,
    scripts_dir: str | Path | None = None,
    config: TrainConfig | None = None,
    log: Callable[[str], None] = print,
) -> TrainResult:
    """Train on Touché23 (+ Webis) and the script corpus, tune on validation/dev, write a model folder."""
    from valuedesk.classify.model import VideoRules

    cfg = config or TrainConfig()
    t_start = time.time()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    seed_everything(cfg.seed)
    data_dir = Path(data_dir)
    train_ds, val_ds = load_training_data(data_dir, Path(webis_dir) if webis_dir else None, log)
    if scripts_dir is None:
        raise DataError("model v2 needs the labelled script corpus (resources/datasets/valuedesk-scripts)")
    posts, dev = load_scripts(Path(scripts_dir))
    if cfg.max_train:
        train_ds = Dataset(train_ds.arguments[: cfg.max_train], train_ds.level1_names)
    if cfg.max_eval:
        val_ds = Dataset(val_ds.arguments[: cfg.max_eval], val_ds.level1_names)
    if cfg.max_scripts:
        posts, dev = posts[: cfg.max_scripts], dev[: cfg.max_scripts]
    if not train_ds.arguments or not val_ds.arguments or not posts or not dev:
        raise DataError("training and validation data must not be empty")
    args: list[Argument] = train_ds.arguments
    use_aux = cfg.aux_weight > 0 and all(a.level1 is not None for a in args)
    n_aux = len(train_ds.level1_names) if use_aux else 0
    log(
        f"training on {len(args)} arguments + {len(posts)} scripts (x{cfg.script_repeats} per epoch); validating "
        f"on {len(val_ds)} arguments and {len(dev)} dev scripts; level-1 auxiliary head: "
        f"{'on' if use_aux else 'off'}; seed {cfg.seed}"
    )
    k = len(VALUE_IDS)
    net = ValueNet(
        load_base_encoder(), k, n_aux=n_aux, pooling=cfg.pooling, dropout=cfg.dropout, heads=HEADS_V2
    )
    freeze_unshipped(net)
    gold_posts = label_matrix(posts)
    presence_all = np.concatenate([np.stack([a.labels for a in args]), (gold_posts != 0).astype(np.float32)])
    pw_presence = pos_weights(presence_all)
    nz = gold_posts != 0
    against = ((gold_posts == -1) & nz).sum(0)
    pw_polarity = torch.tensor(
        np.sqrt(np.maximum(nz.sum(0) - against, 1) / np.maximum(against, 1)), dtype=torch.float32
    )
    pw_dominance = torch.ones(k)
    level1 = [a.level1 for a in args]  # set for every argument when use_aux
    bce_aux = (
        nn.BCEWithLogitsLoss(pos_weight=pos_weights(np.stack(level1)))  # type: ignore[arg-type]
        if use_aux
        else None
    )
    params = [p for p in net.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim >= 2]
    no_decay = [p for p in params if p.ndim < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=cfg.lr,
    )
    n_args = min(len(args), cfg.arguments_per_epoch or len(args))
    n_samples = n_args + cfg.script_repeats * len(posts)
    steps_per_epoch = (n_samples + cfg.batch_size - 1) // cfg.batch_size
    if cfg.max_steps:
        steps_per_epoch = min(steps_per_epoch, cfg.max_steps)
    total = max(1, steps_per_epoch * cfg.epochs)
    warm = max(1, int(total * cfg.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    rng = random.Random(cfg.seed)
    gold_val = val_ds.label_matrix()
    history: list[dict[str, Any]] = []
    best: tuple[float, dict[str, torch.Tensor] | None, dict[str, np.ndarray] | None] = (-1.0, None, None)
    for epoch in range(1, cfg.epochs + 1):
        t0 = time.time()
        net.train()
        samples = _epoch_samples(args, posts, rng, cfg)
        texts = [s.text for s in samples]
        losses: list[float] = []
        for step, b in enumerate(_batches(texts, rng, cfg.batch_size)):
            if step >= steps_per_epoch:
                break
            batch = tokenize([texts[i] for i in b], cfg.max_length)
            logits, aux = net(**batch)
            col = _columns(samples, b)
            loss = _masked_bce(logits[:, :k], col("presence"), torch.ones(len(b), k), pw_presence)
            loss = loss + cfg.polarity_weight * _masked_bce(
                logits[:, k : 2 * k], col("polarity"), col("polarity_mask"), pw_polarity
            )
            loss = loss + cfg.dominance_weight * _masked_bce(
                logits[:, 2 * k :], col("dominance"), col("dominance_mask"), pw_dominance
            )
            with_l1 = [j for j, i in enumerate(b) if samples[i].level1 is not None]
            if bce_aux is not None and aux is not None and with_l1:
                y1 = torch.from_numpy(np.stack([samples[b[j]].level1 for j in with_l1]))  # type: ignore[misc]
                loss = loss + cfg.aux_weight * bce_aux(aux[with_l1], y1)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            losses.append(loss.item())
        val_logits = _eval_logits(net, val_ds, cfg.max_length)
        row: dict[str, Any] = {
            "epoch": epoch,
            "loss": round(float(np.mean(losses)), 4),
            "seconds": round(time.time() - t0, 1),
        }
        for shape, lg in val_logits.items():
            prob = 1 / (1 + np.exp(-lg))
            row[f"{shape}_f1@tuned"] = round(
                evaluate_binary(gold_val, prob >= tune_thresholds(gold_val, prob)).macro_f1, 4
            )
        g, p = _dev_labels(net, dev, cfg.max_length)
        rep = polarity_report(g, p)
        row["dev_endorsed_f1@0.5"] = round(rep.endorsed.macro_f1, 4)
        row["dev_contradicted_f1@0.5"] = round(rep.contradicted.macro_f1, 4)
        history.append(row)
        log(" ".join(f"{k2}={v}" for k2, v in row.items()))
        score = row["argument_f1@tuned"] + row["dev_endorsed_f1@0.5"] + row["dev_contradicted_f1@0.5"]
        if not cfg.select_best_epoch or score > best[0]:
            best = (score, copy.deepcopy(net.state_dict()), val_logits)
    assert best[1] is not None and best[2] is not None
    net.load_state_dict(best[1])
    net.eval()
    calib = calibrate(gold_val, best[2])
    groups = [a.conclusion for a in val_ds.arguments]
    honest = {
        s: round(
            crossfit_macro_f1(gold_val, apply_platt(lg, np.array(list(calib[s]["platt"].values()))), groups),
            4,
        )
        for s, lg in best[2].items()
    }
    log(f"cross-fitted Touché23 validation macro_f1 (thresholds tuned on the other half): {honest}")
    out = Path(out_dir)
    rules = VideoRules(window_tokens=cfg.max_length - 8)
    meta: dict[str, Any] = {
        "model_id": MODEL_ID,
        "value_ids": list(VALUE_IDS),
        "max_length": cfg.max_length,
        "runtime_shape": RUNTIME_SHAPE,
        "calibration": {"argument": calib["argument"], "script": calib["script"]},
        "video_rules": asdict(rules),
        "train_config": asdict(cfg),
        "history": history,
        "crossfit_macro_f1": honest,
        "train_arguments": len(args),
        "validation_arguments": len(val_ds),
        "train_scripts": len(posts),
        "dev_scripts": len(dev),
    }
    save_delta(net, out, meta)
    finish_model(
        out, posts, dev, seed=cfg.seed, max_length=cfg.max_length, arguments=(train_ds, val_ds), log=log
    )
    meta = json.loads((out / "config.json").read_text(encoding="utf-8"))
    return TrainResult(out, meta, history, time.time() - t_start)


def _refit_arguments(
    out: Path, train_ds: Dataset, val_ds: Dataset, *, max_length: int, log: Callable[[str], None]
) -> None:
    """Stage 2b: the argument head refitted, its calibration and cross-fitted F1 on validation."""
    from valuedesk.classify.argument_head import argument_logits, refit_argument_head

    refit_argument_head(out, train_ds, max_length=max_length, log=log)
    gold = val_ds.label_matrix()
    logits = argument_logits(out, val_ds, max_length)
    calib = calibrate(gold, {"argument": logits})["argument"]
    prob = apply_platt(logits, np.array(list(calib["platt"].values())))
    honest = round(crossfit_macro_f1(gold, prob, [a.conclusion for a in val_ds.arguments]), 4)
    log(f"argument head: cross-fitted Touché23 validation macro_f1 {honest}")
    meta = json.loads((out / "config.json").read_text(encoding="utf-8"))
    meta["calibration"]["argument"] = calib
    meta.setdefault("crossfit_macro_f1", {})["argument"] = honest
    (out / "config.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def finish_model(
    out: Path,
    posts: list[Post],
    dev: list[Post],
    *,
    seed: int,
    max_length: int,
    arguments: tuple[Dataset, Dataset] | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Stage 2 and 3 on a jointly fine-tuned model folder, in place: refit the script heads on the
    train split (regularisation chosen on dev, script_heads.py) and, given (training, validation)
    `arguments`, the argument head on the training arguments with its calibration on validation
    (argument_head.py); then fit the run-time calibration, thresholds and video rules on dev
    (tune.py). Returns the dev figures (optimistic: tuned on dev)."""
    from valuedesk.classify.model import TrainedClassifier, VideoRules
    from valuedesk.classify.script_heads import refit_script_heads
    from valuedesk.classify.tune import dev_objective, tune_on_dev

    chosen = refit_script_heads(
        out, out, posts, dev, seed=seed, max_length=max_length, score=dev_objective, log=log
    )
    log(
        f"script heads refitted on {chosen['train_draws']} draws of {chosen['train_posts']} train posts, C={chosen['C']}"
    )
    if arguments is not None:
        _refit_arguments(out, *arguments, max_length=max_length, log=log)
    rules = VideoRules(window_tokens=max_length - 8)
    # Run-time calibration, thresholds and rules: fitted on dev posts through the classifier's own path.
    clf = TrainedClassifier(out, backend="torch")
    tuned = tune_on_dev(clf, dev, rules)
    log(f"script dev (thresholds and rules tuned on it, so optimistic): {tuned['dev_figures']}")
    meta = json.loads((out / "config.json").read_text(encoding="utf-8"))
    meta["calibration"]["script"] = {"platt": tuned["platt"], "thresholds": tuned["thresholds"]}
    meta["video_rules"] = tuned["video_rules"]
    meta["dev_figures"] = tuned["dev_figures"]
    meta["model_id"] = MODEL_ID
    (out / "config.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (out / "training-log.json").write_text(
        json.dumps(
            {
                "history": meta.get("history", []),
                "crossfit_macro_f1": meta.get("crossfit_macro_f1"),
                "script_heads": meta.get("script_heads"),
                "dev_figures": tuned["dev_figures"],
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return dict(tuned["dev_figures"])
