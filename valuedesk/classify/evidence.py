"""Per-line attribution that explains the video score: leave-one-line-out within script windows.

Why leave-one-line-out: the video score of a value is the calibrated probability of its best
window, so the most faithful explanation is counterfactual — how much that window's
(calibrated) logit drops when one line is removed. One extra encoder pass per line gives the
drops for all 19 values at once. Drops are combined over the windows where the value is
present, normalised to shares, and the top lines become `Evidence` (weights sum ≤ 1 per value).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from valuedesk.classify.base import Evidence
from valuedesk.script import ScriptLine


@dataclass(frozen=True)
class Window:
    """Consecutive script lines [start, end) given to the encoder together."""

    start: int
    end: int

    def indices(self) -> range:
        return range(self.start, self.end)


def make_windows(token_counts: Sequence[int], max_tokens: int = 120, overlap: int = 1) -> list[Window]:
    """Greedy packing of consecutive lines into windows of at most `max_tokens` word pieces.

    The encoder reads 128 tokens; 120 leaves room for [CLS]/[SEP] and line breaks. A line that
    alone is longer becomes its own (truncated) window. Consecutive windows share `overlap`
    lines so a value expressed across a boundary is still seen together.
    """
    n = len(token_counts)
    if n == 0:
        return []
    windows: list[Window] = []
    start = 0
    while start < n:
        end, used = start, 0
        while end < n and (end == start or used + token_counts[end] + 1 <= max_tokens):
            used += token_counts[end] + 1
            end += 1
        windows.append(Window(start, end))
        if end >= n:
            break
        nxt = end - overlap if end - start > overlap else end
        # overlap only when the shared lines and the next line fit together
        if nxt < end and sum(token_counts[nxt:end]) + (end - nxt) + token_counts[end] + 1 > max_tokens:
            nxt = end
        start = nxt
    return windows


def loo_texts(
    lines: Sequence[ScriptLine],
    window: Window,
    render: Callable[[Sequence[ScriptLine]], str],
    positions: Sequence[int] | None = None,
) -> list[str]:
    """The window's text with each of its lines (or those at `positions`) left out in turn."""
    idx = list(window.indices())
    leave = range(len(idx)) if positions is None else positions
    return [render([lines[j] for j in idx if j != idx[p]]) for p in leave]


def candidate_lines(solo_support: np.ndarray, active: np.ndarray, limit: int) -> list[int]:
    """Positions (in window order) of the lines worth a leave-one-out pass: at most `limit`.

    `solo_support` is (n_lines, k): how well each line *read alone* supports each value's label.
    Active values take turns picking their best remaining line, so every labelled value gets
    candidates even when one value dominates the post. Why: leave-one-out costs one encoder pass
    per line; a line that carries a value almost always carries it alone too, so the passes can
    be spent on a short list (bench/bench_evidence.py measures how often the evidence changes).
    """
    n = solo_support.shape[0]
    cols = np.flatnonzero(active)
    if n <= limit or not cols.size:
        return list(range(n)) if cols.size else []
    ranked = [list(np.argsort(-solo_support[:, j], kind="stable")) for j in cols]
    chosen: list[int] = []
    for rank in range(n):
        for order in ranked:
            i = int(order[rank])
            if i not in chosen:
                chosen.append(i)
                if len(chosen) == limit:
                    return sorted(chosen)
    return sorted(chosen)


def attribute(
    lines: Sequence[ScriptLine],
    windows: Sequence[Window],
    window_logits: np.ndarray,  # (n_windows, k) calibrated logits
    loo_logits: Sequence[np.ndarray],  # per window: (n_lines_in_window, k) calibrated logits
    value_ids: Sequence[str],
    active: Sequence[bool],  # per value: emit evidence?
    thresholds_logit: np.ndarray,  # (k,) decision thresholds in logit space
    top_k: int = 3,
    min_weight: float = 0.05,
) -> list[Evidence]:
    """Evidence lines per active value from leave-one-line-out drops.

    Windows count where the value is above its threshold; if none is, the best window alone.
    A line's drop is its largest over those windows; shares = positive drops / their sum.
    """
    out: list[Evidence] = []
    if not windows:
        return out
    for j, vid in enumerate(value_ids):
        if not active[j]:
            continue
        above = [w for w in range(len(windows)) if window_logits[w, j] >= thresholds_logit[j]]
        use = above or [int(np.argmax(window_logits[:, j]))]
        drop: dict[int, float] = {}
        for w in use:
            for pos, i in enumerate(windows[w].indices()):
                d = float(window_logits[w, j] - loo_logits[w][pos, j])
                drop[i] = max(drop.get(i, float("-inf")), d)
        pos_drop = {i: d for i, d in drop.items() if d > 0}
        total = sum(pos_drop.values())
        if total <= 0:
            continue
        ranked = sorted(pos_drop.items(), key=lambda kv: -kv[1])[:top_k]
        for i, d in ranked:
            wgt = d / total
            if wgt < min_weight:
                continue
            ln = lines[i]
            out.append(Evidence(vid, i, round(wgt, 4), ln.start_ms, ln.end_ms, ln.text))
    return out


def line_coverage(n_lines: int, windows: Sequence[Window], present: np.ndarray) -> np.ndarray:
    """Per value: share of script lines inside at least one window where the value is present.

    `present` is (n_windows, k) booleans. Used by the dominant rule.
    """
    k = present.shape[1] if present.ndim == 2 else 0
    if n_lines == 0 or not windows:
        return np.zeros(k)
    covered = np.zeros((n_lines, k), dtype=bool)
    for w, win in enumerate(windows):
        covered[win.start : win.end] |= present[w]
    return covered.mean(axis=0)
