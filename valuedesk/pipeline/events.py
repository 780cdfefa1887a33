"""Progress events the pipeline emits; the CLI prints them and the UI turns them into signals."""

from __future__ import annotations

from dataclasses import dataclass

from valuedesk.pipeline.stages import STAGE_NAMES, STAGES

__all__ = ["STAGE_NAMES", "ProgressEvent", "overall_fraction"]


@dataclass(frozen=True)
class ProgressEvent:
    path: str
    stage: str  # one of STAGE_NAMES, or "queued" / "done" / "failed" / "skipped" / "cancelled"
    fraction: float  # overall progress of this video, 0..1
    message: str = ""
    video_id: int | None = None


def overall_fraction(stage: str, within: float = 0.0) -> float:
    """Map (stage, progress within it) to one 0..1 figure for the video (weights: stages.STAGES)."""
    done = 0.0
    for s in STAGES:
        if s.name == stage:
            return min(1.0, done + s.weight * max(0.0, min(1.0, within)))
        done += s.weight
    return 1.0
