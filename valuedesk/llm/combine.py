"""The trained encoder and the LLM together: the encoder says what is at stake, the LLM on which side.

Why: the small encoder finds values well enough but is weak at polarity (a brag against Humility,
a cruel prank against Caring); a few-shot LLM reads irony and intent better but, when small, lists
values at random. `CombinedClassifier` keeps the encoder's presence decisions and scores and asks
the LLM only about the side of the values the encoder flags:
- encoder absent → absent (the LLM's extra values are dropped);
- encoder flags it, LLM says −1 → −1 ("goes against"), with the LLM's evidence lines when it gave any;
- encoder says −1, LLM says it is endorsed (1/2) → the LLM's label;
- otherwise the encoder's label (an LLM "absent" does not remove what the encoder found).
Whether this helps is measured on the script dev split (`valuedesk evaluate --model trained+llm`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from valuedesk.classify.base import Evidence, Profile, ValueClassifier, ValueScore
from valuedesk.llm.reader import LABEL_CONTRADICTION, LlmValueClassifier
from valuedesk.script import ScriptLine
from valuedesk.values import VALUE_IDS, Label


def combine_profiles(encoder: Profile, llm: Profile) -> Profile:
    scores: dict[str, ValueScore] = {}
    evidence: list[Evidence] = []
    for vid in VALUE_IDS:
        enc, ask = encoder.scores[vid], llm.scores[vid]
        label = int(enc.label)
        source = encoder
        if label != 0:
            if int(ask.label) == -1:
                label = -1
                source = llm if llm.evidence_for(vid) else encoder
            elif label == -1 and int(ask.label) in (1, 2):
                label = int(ask.label)
                source = llm if llm.evidence_for(vid) else encoder
        against = LABEL_CONTRADICTION[-1] if label == -1 and int(enc.label) != -1 else enc.contradiction
        scores[vid] = replace(enc, label=Label(label), contradiction=against)
        if label != 0:
            evidence += source.evidence_for(vid)
    return Profile(f"{encoder.model_id}+{llm.model_id}", scores, evidence)


class CombinedClassifier:
    """A `ValueClassifier`: `encoder` proposes, `llm` confirms the side (see the module notes)."""

    def __init__(self, encoder: ValueClassifier, llm: LlmValueClassifier) -> None:
        self.encoder = encoder
        self.llm = llm
        self.model_id = f"{encoder.model_id}+{llm.model_id}"

    @property
    def last_call(self) -> object:
        return self.llm.last_call

    def warm_up(self) -> None:
        warm = getattr(self.encoder, "warm_up", None)
        if callable(warm):
            warm()

    def classify(self, lines: Sequence[ScriptLine]) -> Profile:
        lines = list(lines)
        proposed = self.encoder.classify(lines)
        if not any(int(s.label) for s in proposed.scores.values()):
            self.llm.last_call = None
            return proposed  # nothing at stake: nothing to ask the LLM
        combined = combine_profiles(proposed, self.llm.classify(lines))
        self.model_id = combined.model_id
        return combined
