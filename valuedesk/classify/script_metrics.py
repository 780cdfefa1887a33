"""The paper's protocol on 4-way labels (−1/0/1/2): endorsed and contradicted scored apart.

- endorsed: gold and prediction in {1, 2} vs not; macro over values whose gold frequency ≥ 5 %.
- contradicted: gold and prediction == −1 vs not; macro over values with ≥ 5 gold −1 labels.
- exact: share of (post, value) cells whose 4-way label matches, and of posts matching on all 19.
- floor: the same figures for predict-all (every value endorsed / every value contradicted), so
  a reader sees at once whether a model beats guessing.
Also Cohen's kappa, for the agreement of two labellings of the same posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from valuedesk.classify.metrics import Report, evaluate_binary
from valuedesk.values import BY_ID, VALUE_IDS

MIN_ENDORSED_FREQUENCY = 0.05
MIN_CONTRADICTED_COUNT = 5


@dataclass(frozen=True)
class PolarityReport:
    endorsed: Report
    contradicted: Report
    endorsed_floor: Report  # predict every value endorsed
    contradicted_floor: Report  # predict every value contradicted
    exact_cells: float  # 4-way agreement over all (post, value) cells
    exact_posts: float  # posts whose 19 labels all match
    exact_nonzero: float  # 4-way agreement over cells where gold or prediction is not absent
    posts: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "posts": self.posts,
            "exact_cells": self.exact_cells,
            "exact_posts": self.exact_posts,
            "exact_nonzero": self.exact_nonzero,
            "endorsed": self.endorsed.as_dict(),
            "contradicted": self.contradicted.as_dict(),
            "floor": {
                "endorsed": self.endorsed_floor.as_dict(),
                "contradicted": self.contradicted_floor.as_dict(),
            },
        }


def _check(gold: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    g, p = np.asarray(gold, dtype=np.int64), np.asarray(pred, dtype=np.int64)
    if g.shape != p.shape or g.ndim != 2 or g.shape[1] != len(VALUE_IDS):
        raise ValueError(f"shape mismatch: gold {g.shape}, prediction {p.shape}; need (n, {len(VALUE_IDS)})")
    bad = ~np.isin(np.concatenate([g.ravel(), p.ravel()]), (-1, 0, 1, 2))
    if bad.any():
        raise ValueError("labels must be -1, 0, 1 or 2")
    return g, p


def included_values(gold: np.ndarray) -> tuple[list[bool], list[bool]]:
    """Which values enter the endorsed and the contradicted macro (the paper's frequency rules)."""
    g = np.asarray(gold)
    n = max(len(g), 1)
    endorsed = list(((g >= 1).sum(axis=0) / n) >= MIN_ENDORSED_FREQUENCY)
    contradicted = list((g == -1).sum(axis=0) >= MIN_CONTRADICTED_COUNT)
    return endorsed, contradicted


def polarity_report(gold: np.ndarray, pred: np.ndarray) -> PolarityReport:
    g, p = _check(gold, pred)
    inc_e, inc_c = included_values(g)
    ones = np.ones_like(g, dtype=bool)
    nonzero = (g != 0) | (p != 0)
    return PolarityReport(
        endorsed=evaluate_binary(g >= 1, p >= 1, include=inc_e),
        contradicted=evaluate_binary(g == -1, p == -1, include=inc_c),
        endorsed_floor=evaluate_binary(g >= 1, ones, include=inc_e),
        contradicted_floor=evaluate_binary(g == -1, ones, include=inc_c),
        exact_cells=float((g == p).mean()) if g.size else 0.0,
        exact_posts=float((g == p).all(axis=1).mean()) if len(g) else 0.0,
        exact_nonzero=float((g == p)[nonzero].mean()) if nonzero.any() else 1.0,
        posts=int(len(g)),
    )


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two labellings (any shape, same categories); 1.0 when both are constant and equal."""
    x, y = np.asarray(a).ravel(), np.asarray(b).ravel()
    if x.shape != y.shape:
        raise ValueError("kappa needs two labellings of the same cells")
    if not x.size:
        return 0.0
    cats = np.union1d(x, y)
    po = float((x == y).mean())
    pe = float(sum((x == c).mean() * (y == c).mean() for c in cats))
    if pe >= 1.0:
        return 1.0 if po >= 1.0 else 0.0
    return (po - pe) / (1 - pe)


def _value_rows(rep: Report, floor: Report, include: list[bool], names: dict[str, str]) -> list[str]:
    rows = [f"{'value':<28} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5} {'floor F1':>9}"]
    for m, f, inc in zip(rep.per_value, floor.per_value, include, strict=True):
        mark = "" if inc else "  (not in macro)"
        rows.append(
            f"{names.get(m.value_id, m.value_id):<28} {m.precision:6.3f} {m.recall:6.3f} {m.f1:6.3f} "
            f"{m.support:5d} {m.predicted:5d} {f.f1:9.3f}{mark}"
        )
    return rows


def format_polarity_report(rep: PolarityReport, title: str = "") -> str:
    """The table `valuedesk evaluate --scripts` prints."""
    names = {k: v.name for k, v in BY_ID.items()}
    inc_e = [m.support / max(rep.posts, 1) >= MIN_ENDORSED_FREQUENCY for m in rep.endorsed.per_value]
    inc_c = [m.support >= MIN_CONTRADICTED_COUNT for m in rep.contradicted.per_value]
    out = [title] if title else []
    for label, r, floor, inc, rule in (
        (
            "endorsed (1 or 2)",
            rep.endorsed,
            rep.endorsed_floor,
            inc_e,
            f"gold frequency ≥ {MIN_ENDORSED_FREQUENCY:.0%}",
        ),
        (
            "contradicted (−1)",
            rep.contradicted,
            rep.contradicted_floor,
            inc_c,
            f"≥ {MIN_CONTRADICTED_COUNT} gold −1",
        ),
    ):
        out += ["", label, *_value_rows(r, floor, inc, names)]
        out.append(
            f"macro_f1     {r.macro_f1:.4f}   predict-all floor {floor.macro_f1:.4f}   "
            f"(values with {rule}: {sum(inc)})"
        )
        out.append(
            f"weighted_f1  {r.weighted_f1:.4f}   predict-all floor {floor.weighted_f1:.4f}   "
            f"macro-P {r.macro_precision:.4f}  macro-R {r.macro_recall:.4f}"
        )
    out += [
        "",
        f"exact 4-way agreement: {rep.exact_cells:.4f} of cells, {rep.exact_nonzero:.4f} of cells where "
        f"gold or prediction is not absent, {rep.exact_posts:.4f} of posts (all 19 right); n={rep.posts} posts",
    ]
    return "\n".join(out)
