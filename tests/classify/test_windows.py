"""Script windows, coverage, dominance and the contradiction cue (no model needed)."""

from __future__ import annotations

import numpy as np

from valuedesk.classify.base import Evidence
from valuedesk.classify.contradiction import contradiction_strength, line_cue
from valuedesk.classify.evidence import Window, candidate_lines, line_coverage, make_windows
from valuedesk.classify.model import VideoRules, dominant_mask


def test_windows_respect_token_budget_and_overlap() -> None:
    counts = [30, 30, 30, 30, 30, 30]
    wins = make_windows(counts, max_tokens=100, overlap=1)
    assert wins[0] == Window(0, 3)
    assert all(sum(counts[w.start : w.end]) + (w.end - w.start) <= 100 for w in wins)
    assert wins[1].start == 2  # one shared line
    assert wins[-1].end == 6
    assert {i for w in wins for i in w.indices()} == set(range(6))


def test_long_line_gets_its_own_window() -> None:
    assert make_windows([300, 10], max_tokens=120) == [Window(0, 1), Window(1, 2)]
    assert make_windows([], max_tokens=120) == []


def test_coverage_counts_lines_in_present_windows() -> None:
    wins = [Window(0, 2), Window(2, 4)]
    present = np.array([[True, False], [False, False]])
    np.testing.assert_allclose(line_coverage(4, wins, present), [0.5, 0.0])


def test_dominant_rule() -> None:
    rules = VideoRules()
    scores = np.array([0.9, 0.6, 0.2])
    present = np.array([True, True, False])
    cov = np.array([1.0, 1.0, 0.0])
    assert dominant_mask(scores, present, cov, rules).tolist() == [True, False, False]
    # low coverage: not dominant by rule (a), but still the clear top value by rule (b)
    assert dominant_mask(scores, present, np.array([0.1, 1.0, 0.0]), rules).tolist() == [True, False, False]
    # two close strong values, both covering the script: both dominant, never more than max_dominant
    s2 = np.array([0.9, 0.88, 0.86])
    assert dominant_mask(s2, np.ones(3, bool), np.ones(3), rules).sum() == 2


def test_contradiction_cue() -> None:
    assert line_cue("Imagine thinking a luxury car makes you happy lol") == 1.0
    assert line_cue("I do not care about money") == 0.5
    assert line_cue("I saved for three years to buy this car") == 0.0
    ev = [Evidence("face", 0, 0.6, 0, 1, "so cringe 🙄"), Evidence("face", 1, 0.4, 1, 2, "new outfit")]
    assert contradiction_strength(ev) == 0.6
    assert contradiction_strength([]) == 0.0


def test_candidate_lines_take_turns_between_values() -> None:
    """Each labelled value picks its best remaining line in turn; short windows keep every line."""
    support = np.array(
        [
            [5.0, 0.0, 9.0],
            [4.0, 0.1, 9.0],
            [3.0, 0.2, 9.0],
            [2.0, 0.3, 9.0],
            [1.0, 0.4, 9.0],
        ]
    )
    active = np.array([True, True, False])
    assert candidate_lines(support, active, 2) == [0, 4]  # value 0's best, then value 1's best
    assert candidate_lines(support, active, 3) == [0, 1, 4]  # round two: value 0 first again
    assert candidate_lines(support, active, 5) == [0, 1, 2, 3, 4]
    assert candidate_lines(support, np.array([False, False, False]), 2) == []
