"""Fit a v2 model's run-time calibration, thresholds and video rules on the script dev split.

Why on dev posts at video level: the classifier labels whole posts (max over windows, then
`decide_labels`), so the thresholds are tuned on exactly that path — never on the test split.
Steps: per-value Platt scaling of the video presence logit; per-value presence thresholds
(values with few dev positives share one pooled threshold, since a per-value threshold on a
handful of posts is noise); then a small grid over the rules (max present values, polarity
threshold, dominance threshold, max dominant) for endorsed + contradicted macro-F1.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

import numpy as np

from valuedesk.classify.metrics import apply_platt, best_threshold, fit_platt
from valuedesk.classify.model import HeadLogits, TrainedClassifier, VideoRules, decide_labels
from valuedesk.classify.posts import CONTENT_KINDS, Post
from valuedesk.classify.script_metrics import polarity_report
from valuedesk.values import VALUE_IDS

MIN_POSITIVES_OWN_THRESHOLD = 10
MAX_PRESENT_GRID: tuple[int | None, ...] = (2, 3, 4, 5, 6)
POLARITY_GRID = tuple(round(x, 2) for x in np.arange(0.15, 0.851, 0.05))
DOMINANCE_GRID = tuple(round(x, 2) for x in np.arange(0.2, 0.901, 0.05))


def post_scripts(posts: Sequence[Post], kinds: Sequence[str] = CONTENT_KINDS) -> list[list[Any]]:
    return [p.model_input(kinds)[0] for p in posts]


def labels_for(z: HeadLogits, platt: np.ndarray, thresholds: np.ndarray, rules: VideoRules) -> np.ndarray:
    """4-way labels (n, 19) from raw video logits under a calibration and rules."""
    scores = apply_platt(z.presence, platt)
    out = np.zeros(scores.shape, dtype=np.int64)
    for i in range(len(scores)):
        out[i] = decide_labels(
            scores[i],
            thresholds,
            None if z.polarity is None else z.polarity[i],
            None if z.dominance is None else z.dominance[i],
            rules,
        )
    return out


def presence_thresholds(gold_present: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """Per-value F1-optimal thresholds; values with few positives get the pooled threshold."""
    pooled, _ = best_threshold(gold_present.ravel(), prob.ravel())
    thr = np.full(gold_present.shape[1], pooled)
    for j in range(gold_present.shape[1]):
        if gold_present[:, j].sum() >= MIN_POSITIVES_OWN_THRESHOLD:
            thr[j] = best_threshold(gold_present[:, j], prob[:, j])[0]
    return thr


def _objective(gold: np.ndarray, pred: np.ndarray) -> float:
    rep = polarity_report(gold, pred)
    return rep.endorsed.macro_f1 + rep.contradicted.macro_f1


def dev_objective(gold: np.ndarray, logits: np.ndarray) -> float:
    """Best endorsed + contradicted macro-F1 that `tune_on_dev`'s procedure reaches on raw (n, 3·19) logits."""
    k = len(VALUE_IDS)
    z = HeadLogits(logits[:, :k], logits[:, k : 2 * k], logits[:, 2 * k : 3 * k])
    present = (gold != 0).astype(np.float64)
    platt = fit_platt(present, z.presence)
    thr = presence_thresholds(present, apply_platt(z.presence, platt))
    return max(
        _objective(gold, labels_for(z, platt, thr, VideoRules(max_present=mp, polarity_threshold=float(pt))))
        for mp, pt in itertools.product(MAX_PRESENT_GRID, POLARITY_GRID)
    )


def tune_on_dev(
    clf: TrainedClassifier, dev: Sequence[Post], base: VideoRules | None = None
) -> dict[str, Any]:
    """Calibration ("platt", "thresholds") and "video_rules" for the script shape, fitted on dev posts."""
    gold = np.stack([p.label_vector() for p in dev])
    clf.platt = np.tile([1.0, 0.0], (len(VALUE_IDS), 1))  # raw logits: Platt is fitted below
    z = clf.video_logits(post_scripts(dev))
    present = (gold != 0).astype(np.float64)
    platt = fit_platt(present, z.presence)
    prob = apply_platt(z.presence, platt)
    thr = presence_thresholds(present, prob)
    rules = base or clf.rules
    best: tuple[float, VideoRules] = (-1.0, rules)
    for mp, pt in itertools.product(MAX_PRESENT_GRID, POLARITY_GRID if z.polarity is not None else (0.5,)):
        cand = replace(rules, max_present=mp, polarity_threshold=float(pt))
        score = _objective(gold, labels_for(z, platt, thr, cand))
        if score > best[0] + 1e-9:
            best = (score, cand)
    rules = best[1]
    if z.dominance is not None:
        best_d: tuple[float, VideoRules] = (-1.0, rules)
        for dt, md in itertools.product(DOMINANCE_GRID, (1, 2)):
            cand = replace(rules, dominance_threshold=float(dt), max_dominant=md)
            pred = labels_for(z, platt, thr, cand)
            rep = polarity_report(gold, pred)
            score = rep.exact_nonzero + 1e-3 * rep.endorsed.macro_f1
            if score > best_d[0] + 1e-9:
                best_d = (score, cand)
        rules = best_d[1]
    final = polarity_report(gold, labels_for(z, platt, thr, rules))
    return {
        "platt": {
            v: [round(float(a), 6), round(float(b), 6)] for v, (a, b) in zip(VALUE_IDS, platt, strict=True)
        },
        "thresholds": {v: round(float(t), 4) for v, t in zip(VALUE_IDS, thr, strict=True)},
        "video_rules": asdict(rules),
        "dev_figures": {
            "endorsed_macro_f1": round(final.endorsed.macro_f1, 4),
            "contradicted_macro_f1": round(final.contradicted.macro_f1, 4),
            "exact_cells": round(final.exact_cells, 4),
            "posts": final.posts,
        },
    }
