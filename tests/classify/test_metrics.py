"""Metrics on small cases worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from valuedesk.classify.metrics import (
    apply_platt,
    best_threshold,
    evaluate_binary,
    fit_platt,
    format_report,
    prf,
)


def test_prf_edge_cases() -> None:
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)
    assert prf(1, 1, 0) == (0.5, 1.0, pytest.approx(2 / 3))


def test_macro_and_valueeval_f1() -> None:
    gold = np.array([[1, 0], [1, 1], [0, 1], [0, 0]])
    pred = np.array([[1, 1], [0, 1], [0, 0], [0, 0]])
    rep = evaluate_binary(gold, pred, value_ids=("a", "b"))
    a, b = rep.per_value
    assert (a.precision, a.recall, a.f1, a.support) == (1.0, 0.5, pytest.approx(2 / 3), 2)
    assert (b.precision, b.recall, b.f1, b.predicted) == (0.5, 0.5, 0.5, 2)
    assert rep.macro_f1 == pytest.approx((2 / 3 + 0.5) / 2)
    mp, mr = 0.75, 0.5
    assert rep.valueeval_f1 == pytest.approx(2 * mp * mr / (mp + mr))
    assert rep.weighted_f1 == pytest.approx((2 / 3 * 2 + 0.5 * 2) / 4)
    assert "macro_f1" in format_report(rep) and "valueeval_f1" in format_report(rep)


def test_mask_and_include() -> None:
    gold = np.array([[1, 0], [0, 1]])
    pred = np.array([[1, 1], [1, 1]])
    mask = np.array([[True, False], [False, True]])
    rep = evaluate_binary(gold, pred, value_ids=("a", "b"), mask=mask, include=[True, False])
    assert rep.per_value[0].f1 == 1.0 and rep.per_value[1].f1 == 1.0
    assert rep.macro_f1 == 1.0


def test_threshold_and_platt() -> None:
    rng = np.random.default_rng(0)
    y = rng.random(400) < 0.3
    logit = np.where(y, 1.0, -1.0) + rng.normal(0, 1.0, 400)
    t, f1 = best_threshold(y, 1 / (1 + np.exp(-logit)))
    assert 0.2 < t < 0.7 and f1 > 0.6
    platt = fit_platt(y[:, None].astype(float), logit[:, None])
    p = apply_platt(logit[:, None], platt)[:, 0]
    assert platt[0, 0] > 0  # monotone: calibration never reorders texts
    assert abs(p.mean() - y.mean()) < 0.03
