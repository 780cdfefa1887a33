"""Score and evaluate any `ValueClassifier` on labelled-script files (what `score` and `evaluate --scripts` run).

Both go through the classifier's own video path (`classify_many`: windows, calibration, rules),
on the same lines the analysis pipeline would give it (speech, on-screen text, caption and
hashtags by default), so a figure printed here is the figure of the app's reading.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from valuedesk.classify.base import Profile
from valuedesk.classify.evaluate import classify_all, labels_matrix
from valuedesk.classify.posts import CONTENT_KINDS, Post
from valuedesk.classify.script_metrics import PolarityReport, polarity_report
from valuedesk.values import VALUE_IDS, Label


def profiles_for(
    classifier: Any,
    posts: Sequence[Post],
    *,
    kinds: Sequence[str] = CONTENT_KINDS,
    evidence: bool = True,
    chunk: int = 256,
) -> Iterator[tuple[Post, Profile, list[int | None]]]:
    """(post, profile, index map) per post, in order, scored `chunk` posts at a time."""
    for s in range(0, len(posts), chunk):
        part = posts[s : s + chunk]
        inputs = [p.model_input(kinds) for p in part]
        profs = classify_all(classifier, [lines for lines, _ in inputs], evidence=evidence)
        for p, prof, (_, index) in zip(part, profs, inputs, strict=True):
            yield p, prof, index


def prediction_record(post: Post, profile: Profile, index: list[int | None]) -> dict[str, Any]:
    """`score`'s output line: labels, scores, evidence as indexes into the post's `lines`.

    Evidence from the caption or hashtags (not a line of the post) is listed in
    `caption_evidence` instead. `against` is the model's probability that the post goes against
    the value given that it is at stake (0 for models without a polarity head).
    """
    evidence: dict[str, list[int]] = {}
    caption: list[str] = []
    for vid in VALUE_IDS:
        if profile.scores[vid].label == Label.ABSENT:
            continue
        for e in profile.evidence_for(vid):
            at = index[e.line_index] if 0 <= e.line_index < len(index) else None
            if at is None:
                if vid not in caption:
                    caption.append(vid)
            elif at not in evidence.setdefault(vid, []):
                evidence[vid].append(at)
    rec: dict[str, Any] = {
        "id": post.id,
        "model": profile.model_id,
        "labels": {v: int(profile.scores[v].label) for v in VALUE_IDS},
        "scores": {v: round(float(profile.scores[v].score), 4) for v in VALUE_IDS},
        "against": {v: round(float(profile.scores[v].contradiction), 4) for v in VALUE_IDS},
        "evidence": {v: ix for v, ix in evidence.items() if ix},
    }
    if caption:
        rec["caption_evidence"] = caption
    return rec


def evaluate_posts(
    classifier: Any, posts: Sequence[Post], *, kinds: Sequence[str] = CONTENT_KINDS
) -> PolarityReport:
    """The paper's protocol (script_metrics) for a classifier on labelled posts."""
    profs = [prof for _, prof, _ in profiles_for(classifier, posts, kinds=kinds, evidence=False)]
    gold = np.stack([p.label_vector() for p in posts])
    return polarity_report(gold, labels_matrix(profs))
