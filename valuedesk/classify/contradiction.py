"""The zero-shot baseline's explained keyword cue for label −1 (an opt-in baseline, not the model).

The trained v2 model decides −1 with its polarity head; this cue stays only so the baseline can
be compared against it (`valuedesk evaluate --scripts … --model baseline
--contradiction-threshold T`). It is known to be weak: negative words often endorse ("never give
up") and contradiction often has no negative word (a brag goes against Humility). The cue
is deliberately simple and explainable: a value's evidence lines are checked for negation,
rejection and mockery markers; the value's contradiction strength is the evidence-weighted
share of such lines. Classifiers fill `ValueScore.contradiction` with it and only turn a label
into −1 when the user opts in with a threshold (off by default).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from valuedesk.classify.base import Evidence

# Strong cues: the line rejects or ridicules something (score 1.0).
REJECTION: tuple[str, ...] = (
    "hate",
    "hates",
    "ridiculous",
    "stupid",
    "dumb",
    "cringe",
    "cringey",
    "overrated",
    "pointless",
    "waste of",
    "wasting",
    "fake",
    "toxic",
    "who cares",
    "nobody cares",
    "imagine thinking",
    "imagine believing",
    "yeah right",
    "as if",
    "so-called",
    "pathetic",
    "embarrassing",
    "don't need",
    "do not need",
    "stop pretending",
    "stop trying",
    "quit",
    "sick of",
    "tired of",
    "enough with",
    "screw",
    "forget about",
    "not worth",
    "never again",
    "get over",
    "brainwashed",
    "scam",
    "clown",
    "lame",
    "joke",
)
# Mockery markers (score 1.0): emoji and internet irony markers.
MOCKERY: tuple[str, ...] = (
    "lol",
    "lmao",
    "lmfao",
    "rofl",
    "/s",
    "🙄",
    "🤡",
    "😂",
    "🤣",
    "💀",
    "🥱",
    "😒",
    "🤦",
)
# Plain negation (score 0.5): weaker, negation is often part of an endorsement ("never give up").
NEGATION: tuple[str, ...] = (
    "not",
    "no",
    "never",
    "nobody",
    "nothing",
    "don't",
    "doesn't",
    "didn't",
    "isn't",
    "aren't",
    "won't",
    "can't",
    "cannot",
    "without",
    "instead of",
    "stop",
    "against",
)


def _has(text: str, cue: str) -> bool:
    if not cue[0].isalnum():  # emoji, "/s"
        return cue in text
    return re.search(rf"(?<![\w']){re.escape(cue)}(?![\w'])", text) is not None


def line_cue(text: str) -> float:
    """1.0 for rejection or mockery, 0.5 for plain negation, 0.0 otherwise."""
    t = text.lower().replace("’", "'")
    if any(_has(t, c) for c in REJECTION + MOCKERY):
        return 1.0
    if any(_has(t, c) for c in NEGATION):
        return 0.5
    return 0.0


def contradiction_strength(evidence: Sequence[Evidence]) -> float:
    """Evidence-weighted cue share, 0..1 (0 when a value has no evidence lines)."""
    total = sum(e.weight for e in evidence)
    if total <= 0:
        return 0.0
    return round(min(1.0, sum(e.weight * line_cue(e.text) for e in evidence) / total), 4)
