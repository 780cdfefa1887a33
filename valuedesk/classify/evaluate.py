"""Evaluation of any `ValueClassifier` on ValueEval TSV data or on a project's reviewed videos.

Both run the classifier's own video-level path (`classify_many`), so thresholds and rules are
evaluated exactly as they are used, not a separate scoring shortcut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from valuedesk.classify.base import Profile
from valuedesk.classify.data import Argument, load_split
from valuedesk.classify.data import argument_text as _argument_text
from valuedesk.classify.metrics import Report, evaluate_binary
from valuedesk.script import ScriptLine
from valuedesk.values import VALUE_IDS, Label

EVAL_INPUTS: tuple[str, ...] = ("argument", "script")


class ReviewedExample(Protocol):
    """What `valuedesk.review.reviewed_examples(project)` returns (read-only: a frozen dataclass fits)."""

    @property
    def video_id(self) -> int: ...
    @property
    def lines(self) -> list[ScriptLine]: ...
    @property
    def labels(self) -> dict[str, int]: ...


def argument_lines(a: Argument, shape: str) -> list[ScriptLine]:
    """An argument as a one-line script: the ValueEval form, or its premise as speech (run-time form)."""
    if shape == "argument":
        return [ScriptLine(0, 0, "scene", "", _argument_text(a))]
    if shape == "script":
        return [ScriptLine(0, 0, "speech", "SPEAKER", a.premise)]
    raise ValueError(f"unknown input {shape!r}; expected one of {EVAL_INPUTS}")


def classify_all(
    classifier: Any, scripts: Sequence[Sequence[ScriptLine]], *, evidence: bool = False, chunk: int = 1024
) -> list[Profile]:
    """Batch through `classify_many` when the classifier has it, else one `classify` call per script."""
    out: list[Profile] = []
    many = getattr(classifier, "classify_many", None)
    for s in range(0, len(scripts), chunk):
        part = scripts[s : s + chunk]
        out += many(part, evidence=evidence) if many else [classifier.classify(x) for x in part]
    return out


def labels_matrix(profiles: Sequence[Profile]) -> np.ndarray:
    return np.array([[int(p.scores[v].label) for v in VALUE_IDS] for p in profiles], dtype=np.int64)


def evaluate_tsv(
    classifier: Any, data_dir: str | Path, split: str = "validation", *, shape: str = "argument"
) -> Report:
    """ValueEval protocol: presence (label ≠ 0) against the split's 0/1 labels, 19 values."""
    ds = load_split(data_dir, split, with_level1=False)
    if hasattr(classifier, "use_shape"):
        classifier.use_shape(shape)
    profiles = classify_all(classifier, [argument_lines(a, shape) for a in ds.arguments])
    pred = labels_matrix(profiles) != int(Label.ABSENT)
    return evaluate_binary(ds.label_matrix(), pred)


@dataclass(frozen=True)
class ProjectReport:
    endorsed: Report  # gold and prediction in {1, 2}
    contradicted: Report  # gold and prediction == −1
    videos: int
    reviewed_cells: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "videos": self.videos,
            "reviewed_cells": self.reviewed_cells,
            "endorsed": self.endorsed.as_dict(),
            "contradicted": self.contradicted.as_dict(),
        }


def evaluate_reviewed(
    classifier: Any, examples: Sequence[ReviewedExample], *, min_frequency: float = 0.05
) -> ProjectReport:
    """Paper protocol on human-reviewed videos: endorsed and contradicted P/R/F1 separately.

    Only reviewed (video, value) cells count. Values whose gold frequency (of that polarity)
    is below `min_frequency` are reported but left out of the macro and weighted averages.
    """
    pred = labels_matrix(classify_all(classifier, [ex.lines for ex in examples])) if examples else None
    return report_from_labels(examples, pred, min_frequency)


def report_from_labels(
    examples: Sequence[ReviewedExample], pred: np.ndarray | None, min_frequency: float = 0.05
) -> ProjectReport:
    """The `evaluate_reviewed` protocol on ready predictions (so retraining folds can be pooled)."""
    k = len(VALUE_IDS)
    gold = np.zeros((len(examples), k), dtype=np.int64)
    mask = np.zeros((len(examples), k), dtype=bool)
    for i, ex in enumerate(examples):
        for vid, lab in ex.labels.items():
            if vid in VALUE_IDS:
                j = VALUE_IDS.index(vid)
                gold[i, j] = int(Label.parse(int(lab)))
                mask[i, j] = True
    if pred is None:
        pred = gold.copy()
    reports = []
    for g, p in (((gold >= 1), (pred >= 1)), ((gold == -1), (pred == -1))):
        freq = (g & mask).sum(axis=0) / np.maximum(mask.sum(axis=0), 1)
        reports.append(evaluate_binary(g, p, include=list(freq >= min_frequency), mask=mask))
    return ProjectReport(reports[0], reports[1], len(examples), int(mask.sum()))
