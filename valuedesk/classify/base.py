"""The step-2 interface: anything that turns a script into a 19-value profile with evidence.

The zero-shot baseline and the trained model both implement `ValueClassifier`, so the pipeline,
store and UI never care which one produced a profile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from valuedesk.script import ScriptLine
from valuedesk.values import VALUE_IDS, Label


@dataclass(frozen=True)
class Evidence:
    """One script line that supports (or, for −1, contradicts) a value's score."""

    value_id: str
    line_index: int  # index into the script's ordered lines
    weight: float  # share of the value's score this line explains, 0..1
    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class ValueScore:
    value_id: str
    score: float  # calibrated probability the value is present, 0..1
    label: Label
    threshold: float = 0.5  # decision threshold the label was made with
    contradiction: float = 0.0  # strength of a contradiction signal, 0..1 (0 when unmeasured)


@dataclass
class Profile:
    model_id: str
    scores: dict[str, ValueScore]
    evidence: list[Evidence] = field(default_factory=list)

    def __post_init__(self) -> None:
        missing = set(VALUE_IDS) - set(self.scores)
        if missing:
            raise ValueError(f"profile lacks values: {sorted(missing)}")

    def evidence_for(self, value_id: str) -> list[Evidence]:
        return sorted((e for e in self.evidence if e.value_id == value_id), key=lambda e: -e.weight)


@runtime_checkable
class ValueClassifier(Protocol):
    """Step 2 of the method: script lines in, profile out."""

    model_id: str

    def classify(self, lines: Sequence[ScriptLine]) -> Profile: ...
