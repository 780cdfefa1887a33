"""Plain records the store writes and reads; the pipeline fills them, the UI and reports read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from valuedesk.script import ScriptLine, Word


@dataclass(frozen=True)
class ScoreRow:
    value_id: str
    score: float
    label: int
    threshold: float = 0.5
    contradiction: float = 0.0


@dataclass(frozen=True)
class EvidenceRow:
    value_id: str
    line_idx: int
    weight: float
    start_ms: int
    end_ms: int


@dataclass
class AnalysisRecord:
    """Everything one successful analysis of one video produced; saved in one transaction."""

    lines: list[ScriptLine]
    scores: list[ScoreRow]
    evidence: list[EvidenceRow]
    words: list[Word] = field(default_factory=list)
    thumbnails: list[tuple[int, bytes]] = field(default_factory=list)  # (t_ms, jpeg)
    language: str = ""
    languages: dict[str, float] = field(default_factory=dict)  # code -> seconds of speech
    warnings: list[str] = field(default_factory=list)  # said with the profile (lost speech, languages)
    stage_versions: dict[str, str] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    started_at: str = ""
    llm: dict[str, Any] = field(default_factory=dict)  # an LLM run's mode, model, calls, reasons


@dataclass(frozen=True)
class ReviewedExample:
    """A video with human-reviewed labels: training and evaluation data from the project."""

    video_id: int
    lines: list[ScriptLine]
    labels: dict[str, int]  # value_id -> -1/0/1/2, reviewed values only


@dataclass(frozen=True)
class SearchHit:
    video_id: int
    line_idx: int
    start_ms: int
    end_ms: int
    kind: str
    text: str
    snippet: str
