"""Retrain from reviews: fine-tune the shipped model on a project's human-reviewed videos.

Why this shape:
- Start from the shipped model (or another model folder), never from the bare base: a few
  reviewed videos can nudge a model, not build one. Small LR, few epochs, seeded.
- Honest before/after: k-fold over videos (K = min(5, n); leave-one-video-out when n < 5);
  every video is scored once by a model that never saw it, the shipped model scores the same
  videos, and both go through the classifier's own video path (windows, calibration, rules).
- Targets are video labels, so the loss is on the video score the classifier uses — the max
  over script windows of the calibrated logit (multiple-instance learning) — not on each window.
  Only reviewed values count (masked BCE). The same 4-way output as the model: presence (label
  ≠ 0), and for v2 models polarity (a reviewed −1 is a positive, 1/2 a negative; read in the
  window with the highest presence, as at run time) and dominance (2 vs 1). v1 models (presence
  head only) learn presence. The shipped calibration, thresholds and video rules are kept (too
  few videos to refit them).
- The result is a new folder (same format as models/value-minilm, so `load_classifier(path)`
  loads it) plus `retrain.json` with the figures and the data it came from. The shipped model
  is never written to.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from valuedesk.classify.data import lines_text
from valuedesk.classify.encoder import ModelLoadError, freeze_unshipped, save_delta, tokenize
from valuedesk.classify.evaluate import (
    ProjectReport,
    ReviewedExample,
    classify_all,
    labels_matrix,
    report_from_labels,
)
from valuedesk.classify.model import TrainedClassifier
from valuedesk.values import BY_ID, VALUE_IDS, Label

MIN_VIDEOS = 3
MAX_FOLDS = 5
RESULT_FILE = "retrain.json"
Log = Callable[[str], None]


class RetrainRefused(ValueError):
    """Not enough reviewed data to retrain honestly (the message says what is missing)."""


@dataclass
class RetrainConfig:
    epochs: int = 4
    seed: int = 13
    lr: float = 3e-5
    batch_videos: int = 4  # videos per optimiser step (all their windows together)
    folds: int | None = None  # None: min(5, n videos)
    weight_decay: float = 0.01
    min_frequency: float = 0.05  # paper protocol: rarer values reported but out of the macro


@dataclass
class RetrainResult:
    out_dir: Path
    before: ProjectReport
    after: ProjectReport
    folds: int
    seconds: float
    summary: str  # the printed before/after table

    def figures(self) -> dict[str, Any]:
        return {"before": self.before.as_dict(), "after": self.after.as_dict(), "folds": self.folds}


# ---------------------------------------------------------------- data
def check_examples(examples: Sequence[ReviewedExample]) -> None:
    """Refuse (with what to do) when the reviews cannot support a retrain and an honest test."""
    n = len(examples)
    if n < MIN_VIDEOS:
        raise RetrainRefused(
            f"retraining needs human reviews on at least {MIN_VIDEOS} videos; this project has "
            f"{n}. Review more videos (accept or correct their value labels) and try again."
        )
    if not any(int(lab) != 0 for ex in examples for lab in ex.labels.values()):
        raise RetrainRefused(
            f"all reviewed labels on the {n} reviewed videos are 'absent' (0); retraining needs at "
            "least one reviewed value that is present, dominant or contradicted."
        )


def fold_indices(n: int, k: int, seed: int) -> list[list[int]]:
    """Held-out video indices per fold: a seeded shuffle dealt round-robin (k = n is leave-one-out)."""
    if not 2 <= k <= n:
        raise RetrainRefused(f"--folds must be between 2 and the number of reviewed videos ({n}); got {k}")
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[f::k]) for f in range(k)]


def default_folds(n: int) -> int:
    return min(MAX_FOLDS, n)


@dataclass
class _Video:
    texts: list[str]  # the script windows, rendered exactly as the classifier renders them
    labels: np.ndarray  # (19,) reviewed 4-way labels (0 where not reviewed)
    mask: np.ndarray  # (19,) True = reviewed


def _targets(ex: ReviewedExample) -> tuple[np.ndarray, np.ndarray]:
    labels = np.zeros(len(VALUE_IDS), dtype=np.int64)
    mask = np.zeros(len(VALUE_IDS), dtype=bool)
    for vid, lab in ex.labels.items():
        if vid in BY_ID and vid in VALUE_IDS:
            j = VALUE_IDS.index(vid)
            mask[j] = True
            labels[j] = int(Label.parse(int(lab)))
    return labels, mask


def training_videos(clf: TrainedClassifier, examples: Sequence[ReviewedExample]) -> list[_Video]:
    """Each reviewed video as its windows + masked targets (videos without script lines are skipped)."""
    out = []
    for ex in examples:
        lines = list(ex.lines)
        wins = clf.windows(lines) if lines else []
        if not wins:
            continue
        labels, mask = _targets(ex)
        out.append(_Video([lines_text(lines[w.start : w.end]) for w in wins], labels, mask))
    return out


# ---------------------------------------------------------------- training
def _masked_bce(z: torch.Tensor, y: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    cells = torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none") * m
    return cells.sum() / m.sum().clamp(min=1.0)


def fine_tune(clf: TrainedClassifier, videos: Sequence[_Video], cfg: RetrainConfig, seed: int) -> list[float]:
    """Fine-tune `clf.net` in place on video-level masked BCE; returns the mean loss per epoch."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    net = clf.net
    freeze_unshipped(net)
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    platt = torch.tensor(clf.platt, dtype=torch.float32)  # (19, 2): the shipped calibration, kept fixed
    k = len(VALUE_IDS)
    heads = clf.heads
    losses: list[float] = []
    net.train()
    for _ in range(cfg.epochs):
        order = list(range(len(videos)))
        rng.shuffle(order)
        epoch_loss: list[float] = []
        for s in range(0, len(order), cfg.batch_videos):
            batch = [videos[i] for i in order[s : s + cfg.batch_videos]]
            texts = [t for v in batch for t in v.texts]
            logits, _ = net(**tokenize(texts, clf.max_length))
            if clf.lexical is not None:  # the lexical head's share is kept fixed: only the encoder learns
                lex = torch.from_numpy(clf.lexical.logits(texts)).float()
                logits = torch.cat([logits[:, : lex.shape[1]] + lex, logits[:, lex.shape[1] :]], dim=1)
            z = logits[:, :k] * platt[:, 0] + platt[:, 1]
            at, video_z, video_pol, video_dom = 0, [], [], []
            for v in batch:
                zw = z[at : at + len(v.texts)]
                best = zw.argmax(dim=0)  # the window the video's score comes from, per value
                video_z.append(zw.max(dim=0).values)
                rows = logits[at : at + len(v.texts)]
                cols = torch.arange(k)
                if "polarity" in heads:
                    video_pol.append(rows[best, k + cols])
                if "dominance" in heads:
                    video_dom.append(rows[best, 2 * k + cols])
                at += len(v.texts)
            lab = torch.from_numpy(np.stack([v.labels for v in batch]))
            m = torch.from_numpy(np.stack([v.mask for v in batch])).float()
            loss = _masked_bce(torch.stack(video_z), (lab != 0).float(), m)
            if video_pol:
                loss = loss + _masked_bce(torch.stack(video_pol), (lab == -1).float(), m * (lab != 0).float())
            if video_dom:
                loss = loss + 0.5 * _masked_bce(
                    torch.stack(video_dom), (lab == 2).float(), m * (lab >= 1).float()
                )
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            epoch_loss.append(float(loss.item()))
        losses.append(round(float(np.mean(epoch_loss)), 4) if epoch_loss else 0.0)
    net.eval()
    return losses


# ---------------------------------------------------------------- evaluation
def _predict(clf: TrainedClassifier, examples: Sequence[ReviewedExample]) -> np.ndarray:
    return labels_matrix(classify_all(clf, [ex.lines for ex in examples]))


def format_summary(
    before: ProjectReport,
    after: ProjectReport,
    examples: Sequence[ReviewedExample],
    folds: int,
    polarity: bool,
) -> str:
    """Per-value and macro P/R/F1 for endorsed (1/2), before → after, plus the contradicted truth."""
    reviewed = {v: sum(v in ex.labels for ex in examples) for v in VALUE_IDS}
    how = "leave-one-video-out" if folds == len(examples) else f"{folds}-fold"
    out = [
        f"Held-out figures on {before.videos} reviewed videos ({before.reviewed_cells} reviewed value labels), "
        f"{how}: each video scored by a model that never saw it.",
        "",
        "endorsed (1 or 2)   before = shipped model, after = retrained",
        f"{'value':<26} {'reviewed':>8} {'gold':>5} {'P before→after':>15} {'R before→after':>15} "
        f"{'F1 before→after':>16}",
    ]
    for b, a in zip(before.endorsed.per_value, after.endorsed.per_value, strict=True):
        if not reviewed[b.value_id]:
            continue
        out.append(
            f"{BY_ID[b.value_id].name:<26} {reviewed[b.value_id]:8d} {b.support:5d} "
            f"{b.precision:7.2f}→{a.precision:<7.2f} {b.recall:7.2f}→{a.recall:<7.2f} "
            f"{b.f1:8.2f}→{a.f1:.2f}"
        )
    unrev = len(VALUE_IDS) - sum(1 for v in reviewed.values() if v)
    if unrev:
        out.append(f"({unrev} values never reviewed are not shown)")
    be, ae = before.endorsed, after.endorsed
    out += [
        f"macro_f1      {be.macro_f1:.4f} → {ae.macro_f1:.4f}   (mean of per-value F1; values under 5 % "
        "of their reviewed labels are left out)",
        f"valueeval_f1  {be.valueeval_f1:.4f} → {ae.valueeval_f1:.4f}",
        f"weighted_f1   {be.weighted_f1:.4f} → {ae.weighted_f1:.4f}",
    ]
    n_contra = sum(m.support for m in before.contradicted.per_value)
    pred_b = sum(m.predicted for m in before.contradicted.per_value)
    pred_a = sum(m.predicted for m in after.contradicted.per_value)
    bc, ac = before.contradicted, after.contradicted
    out += [
        "",
        f"goes against (−1): {n_contra} reviewed label(s); predicted −1 before {pred_b}, after {pred_a}.",
        f"macro_f1      {bc.macro_f1:.4f} → {ac.macro_f1:.4f}   (values with a reviewed −1 on at least 5 % "
        "of their reviewed labels)",
    ]
    if not polarity:
        out.append(
            "  This model has no polarity head (a v1 model): it never outputs −1; retraining teaches it "
            "presence only."
        )
    if before.videos < 10:
        out.append(f"  Caution: {before.videos} videos is very few; these figures move a lot with one video.")
    return "\n".join(out)


# ---------------------------------------------------------------- provenance
def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_out_dir(project_path: Path, when: dt.datetime | None = None) -> Path:
    """`<project stem>.models/retrained-<timestamp>/` beside the project file."""
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return project_path.parent / f"{project_path.stem}.models" / f"retrained-{stamp}"


def _refuse_shipped(out_dir: Path, base_dir: Path) -> None:
    from valuedesk.classify import default_model_dir
    from valuedesk.classify.model import DEFAULT_MODEL_DIR

    target = out_dir.resolve()
    for shipped in {DEFAULT_MODEL_DIR.resolve(), default_model_dir().resolve(), base_dir.resolve()}:
        if target == shipped or shipped in target.parents:
            raise RetrainRefused(
                f"{out_dir} is inside the model retraining starts from ({shipped}); "
                "choose another --out folder"
            )
    if out_dir.exists() and any(out_dir.iterdir()):
        raise RetrainRefused(f"{out_dir} already exists and is not empty; choose another --out folder")


# ---------------------------------------------------------------- the whole job
def retrain(
    examples: Sequence[ReviewedExample],
    out_dir: str | Path,
    *,
    base: str | Path | None = None,
    config: RetrainConfig | None = None,
    provenance: dict[str, Any] | None = None,
    log: Log = print,
) -> RetrainResult:
    """Cross-validated before/after on the reviews, then the final model trained on all of them."""
    cfg = config or RetrainConfig()
    t0 = time.time()
    check_examples(examples)
    if cfg.epochs < 1:
        raise RetrainRefused("--epochs must be at least 1")
    from valuedesk.classify import default_model_dir

    base_dir = Path(base) if base is not None else default_model_dir()
    out = Path(out_dir)
    _refuse_shipped(out, base_dir)
    examples = list(examples)
    n = len(examples)
    k = cfg.folds or default_folds(n)
    folds = fold_indices(n, k, cfg.seed)
    log(f"loading {base_dir} …")
    try:
        clf = TrainedClassifier(base_dir)
    except ModelLoadError as exc:
        raise RetrainRefused(str(exc)) from None
    start_state = copy.deepcopy(clf.net.state_dict())
    before_pred = _predict(clf, examples)
    after_pred = np.zeros_like(before_pred)
    how = "leave-one-video-out" if k == n else f"{k}-fold"
    for f, test in enumerate(folds, 1):
        held = set(test)
        train_videos = training_videos(clf, [ex for i, ex in enumerate(examples) if i not in held])
        clf.net.load_state_dict(start_state)
        losses = fine_tune(clf, train_videos, cfg, cfg.seed + f)
        after_pred[test] = _predict(clf, [examples[i] for i in test])
        log(f"{how} {f}/{k}: trained on {len(train_videos)} videos, tested on {len(test)} (loss {losses})")
    before = report_from_labels(examples, before_pred, cfg.min_frequency)
    after = report_from_labels(examples, after_pred, cfg.min_frequency)
    summary = format_summary(before, after, examples, k, "polarity" in clf.heads)

    log(f"final model: training on all {n} reviewed videos …")
    clf.net.load_state_dict(start_state)
    losses = fine_tune(clf, training_videos(clf, examples), cfg, cfg.seed)
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    meta = {
        k2: v
        for k2, v in clf.config.items()
        if k2 not in ("base", "base_fingerprint", "pooling", "n_values", "delta_file", "delta_format")
    }
    origin = str(clf.config.get("model_id", "valuedesk-minilm"))
    meta["model_id"] = f"{origin}+reviews-{out.name}"
    meta["retrained_from"] = {
        "model_id": origin,
        "folder": str(base_dir),
        "at": stamp,
        "videos": n,
        "epochs": cfg.epochs,
        "loss": losses,
    }
    save_delta(clf.net, out, meta)
    if clf.lexical is not None:
        clf.lexical.save(out)
    record = {
        "created_at": stamp,
        "model_id": meta["model_id"],
        "base_model": {"model_id": origin, "folder": str(base_dir.resolve())},
        "config": asdict(cfg) | {"folds": k},
        "protocol": f"{how} over reviewed videos; endorsed = label 1 or 2; only reviewed values count",
        "figures": {"before": before.as_dict(), "after": after.as_dict()},
        "final_training_loss": losses,
        "videos": [
            {"video_id": int(ex.video_id), "reviewed_values": dict(sorted(ex.labels.items()))}
            for ex in examples
        ],
        **(provenance or {}),
    }
    (out / RESULT_FILE).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return RetrainResult(out, before, after, k, time.time() - t0, summary)


def retrain_project(project: Any, out_dir: str | Path | None = None, **kwargs: Any) -> RetrainResult:
    """`retrain` on an open `Project`'s reviewed videos, recording which project/videos it came from."""
    from valuedesk.review import reviewed_examples

    examples = reviewed_examples(project)
    check_examples(examples)
    path = Path(project.path)
    shas = {}
    for ex in examples:
        shas[int(ex.video_id)] = str(project.video(ex.video_id).get("sha256", ""))
    provenance = {
        "project": {"path": str(path.resolve()), "sha256": file_sha256(path)},
        "video_sha256": {str(k): v for k, v in shas.items()},
    }
    return retrain(examples, out_dir or default_out_dir(path), provenance=provenance, **kwargs)


def usage_hint(out_dir: Path, project: Path | str = "…") -> str:
    """How to use the new model and how to switch back (printed by the CLI, shown by the GUI)."""
    return (
        f"Use it:        valuedesk analyze … --classifier {out_dir}\n"
        f"               (GUI: Analysis ▸ Settings… ▸ Value classifier = folder {out_dir})\n"
        f"Measure it:    valuedesk evaluate --project {project} --model {out_dir}\n"
        "Switch back:   --classifier trained (GUI: Value classifier = shipped model). "
        "The shipped model was not changed."
    )
