"""Evaluation metrics (DESIGN.md §6), threshold tuning and probability calibration.

Two aggregates are always named apart: `macro_f1` (mean of per-value F1) and `valueeval_f1`
(the official ValueEval'23 score: harmonic mean of macro-precision and macro-recall).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from valuedesk.values import VALUE_IDS


@dataclass(frozen=True)
class ValueMetrics:
    value_id: str
    precision: float
    recall: float
    f1: float
    support: int  # gold positives
    predicted: int


@dataclass(frozen=True)
class Report:
    per_value: list[ValueMetrics]
    macro_precision: float
    macro_recall: float
    macro_f1: float
    valueeval_f1: float
    n: int
    weighted_f1: float = 0.0  # support-weighted mean of per-value F1 (paper protocol)

    def as_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "macro_f1": self.macro_f1,
            "valueeval_f1": self.valueeval_f1,
            "macro_precision": self.macro_precision,
            "macro_recall": self.macro_recall,
            "weighted_f1": self.weighted_f1,
            "per_value": [asdict(m) for m in self.per_value],
        }


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1 with 0 for empty denominators (a value never predicted has P = 0)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate_binary(
    gold: np.ndarray,
    pred: np.ndarray,
    value_ids: Sequence[str] = VALUE_IDS,
    include: Sequence[bool] | None = None,
    mask: np.ndarray | None = None,
) -> Report:
    """Per-value P/R/F1 for 0/1 matrices of shape (n, len(value_ids)).

    `include` marks the values that enter the macro averages (all by default); the paper
    protocol leaves out values below 5 % frequency but still reports them. `mask` (same shape)
    marks the cells that count (e.g. only values a human reviewed).
    """
    gold = np.asarray(gold).astype(bool)
    pred = np.asarray(pred).astype(bool)
    if gold.shape != pred.shape or gold.ndim != 2 or gold.shape[1] != len(value_ids):
        raise ValueError(f"shape mismatch: gold {gold.shape}, pred {pred.shape}, {len(value_ids)} values")
    m = np.ones_like(gold, dtype=bool) if mask is None else np.asarray(mask).astype(bool)
    rows: list[ValueMetrics] = []
    for j, vid in enumerate(value_ids):
        g, p = gold[m[:, j], j], pred[m[:, j], j]
        tp, fp, fn = int((g & p).sum()), int((~g & p).sum()), int((g & ~p).sum())
        pr, rc, f1 = prf(tp, fp, fn)
        rows.append(ValueMetrics(vid, pr, rc, f1, int(g.sum()), int(p.sum())))
    keep = [r for r, k in zip(rows, include if include is not None else [True] * len(rows), strict=True) if k]
    mp = float(np.mean([r.precision for r in keep])) if keep else 0.0
    mr = float(np.mean([r.recall for r in keep])) if keep else 0.0
    mf = float(np.mean([r.f1 for r in keep])) if keep else 0.0
    vf = 2 * mp * mr / (mp + mr) if mp + mr else 0.0
    sup = sum(r.support for r in keep)
    wf = float(sum(r.f1 * r.support for r in keep) / sup) if sup else 0.0
    return Report(rows, mp, mr, mf, vf, int(gold.shape[0]), wf)


def best_threshold(gold: np.ndarray, prob: np.ndarray, grid: np.ndarray | None = None) -> tuple[float, float]:
    """The threshold on one value's probabilities that maximises F1 (ties → the middle of the best run)."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2) if grid is None else grid
    g = np.asarray(gold).astype(bool)
    scores = []
    for t in grid:
        p = prob >= t
        tp, fp, fn = int((g & p).sum()), int((~g & p).sum()), int((g & ~p).sum())
        scores.append(prf(tp, fp, fn)[2])
    s = np.asarray(scores)
    # smooth over neighbours so a single lucky grid point on a rare value is not chosen
    smooth = np.convolve(np.pad(s, 2, mode="edge"), np.ones(5) / 5, mode="valid")
    best = np.flatnonzero(smooth >= smooth.max() - 1e-9)
    i = int(best[len(best) // 2])
    return float(grid[i]), float(s[i])


def tune_thresholds(gold: np.ndarray, prob: np.ndarray) -> np.ndarray:
    return np.array(
        [best_threshold(gold[:, j], prob[:, j])[0] for j in range(gold.shape[1])], dtype=np.float64
    )


def fit_platt(gold: np.ndarray, logits: np.ndarray, iters: int = 200) -> np.ndarray:
    """Per-value Platt scaling p = sigmoid(a·logit + b), fitted by Newton steps; returns (k, 2)."""
    out = np.zeros((gold.shape[1], 2))
    for j in range(gold.shape[1]):
        y, x = gold[:, j].astype(np.float64), logits[:, j].astype(np.float64)
        # Platt's smoothed targets keep the fit finite on separable or rare values
        n1, n0 = y.sum(), len(y) - y.sum()
        t = np.where(y > 0, (n1 + 1) / (n1 + 2), 1 / (n0 + 2))

        def loss(a: float, b: float, x: np.ndarray = x, t: np.ndarray = t) -> float:
            z = a * x + b  # cross-entropy with the smoothed targets, computed without overflow
            return float(np.sum(t * np.logaddexp(0.0, -z) + (1 - t) * np.logaddexp(0.0, z)))

        a, b = 1.0, 0.0
        cur = loss(a, b)
        for _ in range(iters):
            p = 1 / (1 + np.exp(-np.clip(a * x + b, -40, 40)))
            w = np.maximum(p * (1 - p), 1e-9)
            ga, gb = np.sum((p - t) * x), np.sum(p - t)
            haa, hab, hbb = np.sum(w * x * x) + 1e-6, np.sum(w * x), np.sum(w) + 1e-6
            det = haa * hbb - hab * hab
            if det <= 0:
                break
            da, db = (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det
            step = 1.0  # damped Newton: halve the step until the loss does not rise (saturated logits)
            while step > 1e-6 and loss(a - step * da, b - step * db) > cur:
                step /= 2
            if step <= 1e-6:
                break
            a, b = a - step * da, b - step * db
            new = loss(a, b)
            if abs(step * da) + abs(step * db) < 1e-8 or cur - new < 1e-10:
                cur = new
                break
            cur = new
        out[j] = (a, b)
    return out


def apply_platt(logits: np.ndarray, platt: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(logits * platt[:, 0] + platt[:, 1], -40, 40)))


def format_report(rep: Report, title: str = "", value_names: dict[str, str] | None = None) -> str:
    """The evaluation table as printed by `valuedesk evaluate`."""
    names = value_names or {}
    lines = [title] if title else []
    lines.append(f"{'value':<28} {'P':>6} {'R':>6} {'F1':>6} {'support':>8} {'pred':>6}")
    for m in rep.per_value:
        lines.append(
            f"{names.get(m.value_id, m.value_id):<28} {m.precision:6.3f} {m.recall:6.3f} {m.f1:6.3f} "
            f"{m.support:8d} {m.predicted:6d}"
        )
    lines.append(f"macro_f1     {rep.macro_f1:.4f}   (mean of per-value F1, n={rep.n})")
    lines.append(
        f"valueeval_f1 {rep.valueeval_f1:.4f}   (harmonic mean of macro-P {rep.macro_precision:.4f} "
        f"and macro-R {rep.macro_recall:.4f})"
    )
    return "\n".join(lines)
