"""The paper's protocol on a tiny fixture whose figures were worked out by hand (see comments)."""

from __future__ import annotations

import numpy as np
import pytest

from valuedesk.classify.script_metrics import cohen_kappa, format_polarity_report, polarity_report
from valuedesk.values import VALUE_IDS

ACH, HUM = VALUE_IDS.index("achievement"), VALUE_IDS.index("humility")


def _fixture() -> tuple[np.ndarray, np.ndarray]:
    gold = np.zeros((6, 19), dtype=int)
    pred = np.zeros((6, 19), dtype=int)
    gold[:, ACH] = [1, 2, 0, 0, 0, 0]
    pred[:, ACH] = [1, 0, 1, 0, 0, 0]
    gold[:, HUM] = [-1, -1, -1, -1, -1, 0]
    pred[:, HUM] = [-1, -1, 0, 1, 0, -1]
    return gold, pred


def test_hand_checked_figures() -> None:
    rep = polarity_report(*_fixture())
    ach = rep.endorsed.per_value[ACH]
    # endorsed Achievement: TP post 0, FN post 1 (2 vs 0), FP post 2 → P = R = F1 = 0.5
    assert (ach.precision, ach.recall, ach.f1, ach.support, ach.predicted) == (0.5, 0.5, 0.5, 2, 2)
    # only Achievement has gold endorsed frequency ≥ 5 %: the macro is its F1
    assert rep.endorsed.macro_f1 == pytest.approx(0.5)
    hum = rep.contradicted.per_value[HUM]
    # contradicted Humility: TP posts 0-1, FN posts 2-4, FP post 5 → P 2/3, R 2/5, F1 0.5
    assert (hum.precision, hum.recall, hum.f1) == pytest.approx((2 / 3, 2 / 5, 0.5))
    assert rep.contradicted.macro_f1 == pytest.approx(0.5)  # Humility alone has ≥ 5 gold −1
    # the prediction of 1 for Humility on post 3 is an endorsed false positive of a value left out of the macro
    assert rep.endorsed.per_value[HUM].predicted == 1 and rep.endorsed.per_value[HUM].support == 0
    # 6 of 114 cells differ; one post (0) right on all 19; 3 of the 9 non-absent cells match
    assert rep.exact_cells == pytest.approx(108 / 114)
    assert rep.exact_posts == pytest.approx(1 / 6)
    assert rep.exact_nonzero == pytest.approx(3 / 9)
    # predict-all floors: Achievement P 2/6, R 1 → F1 0.5; Humility P 5/6, R 1 → F1 10/11
    assert rep.endorsed_floor.macro_f1 == pytest.approx(0.5)
    assert rep.contradicted_floor.macro_f1 == pytest.approx(10 / 11)


def test_below_five_contradictions_is_reported_but_not_in_the_macro() -> None:
    gold, pred = _fixture()
    gold[0, HUM] = 0  # now 4 gold −1
    rep = polarity_report(gold, pred)
    assert rep.contradicted.per_value[HUM].support == 4
    assert rep.contradicted.macro_f1 == 0.0  # no value qualifies
    text = format_polarity_report(rep, "t")
    assert "Humility" in text and "(not in macro)" in text and "predict-all floor" in text


def test_perfect_and_shape_errors() -> None:
    gold, _ = _fixture()
    rep = polarity_report(gold, gold)
    assert rep.endorsed.macro_f1 == 1.0 and rep.contradicted.macro_f1 == 1.0 and rep.exact_cells == 1.0
    with pytest.raises(ValueError, match="shape"):
        polarity_report(gold, gold[:, :5])
    with pytest.raises(ValueError, match="-1, 0, 1 or 2"):
        polarity_report(gold, gold * 3)


def test_cohen_kappa() -> None:
    # po = 0.75; chance: 0.5·0.25 + 0.5·0.75 = 0.5 → κ = 0.5
    assert cohen_kappa(np.array([0, 1, 0, 1]), np.array([0, 1, 1, 1])) == pytest.approx(0.5)
    assert cohen_kappa(np.array([1, -1, 2]), np.array([1, -1, 2])) == 1.0
    assert cohen_kappa(np.zeros(3), np.zeros(3)) == 1.0
