"""Progress events the pipeline emits; the CLI prints them and the UI turns them into signals."""

from __future__ import annotations

from dataclasses import dataclass

# Stages in the order they run, with their share of a typical run's time (for one progress bar).
STAGES: tuple[tuple[str, float], ...] = (
    ("probe", 0.02),
    ("transcribe", 0.55),
    ("frames", 0.08),
    ("ocr", 0.15),
    ("cues", 0.04),
    ("classify", 0.12),
    ("save", 0.04),
)
STAGE_NAMES = tuple(name for name, _ in STAGES)


@dataclass(frozen=True)
class ProgressEvent:
    path: str
    stage: str  # one of STAGE_NAMES, or "queued" / "done" / "failed" / "skipped" / "cancelled"
    fraction: float  # overall progress of this video, 0..1
    message: str = ""
    video_id: int | None = None


def overall_fraction(stage: str, within: float = 0.0) -> float:
    """Map (stage, progress within it) to one 0..1 figure for the video."""
    done = 0.0
    for name, share in STAGES:
        if name == stage:
            return min(1.0, done + share * max(0.0, min(1.0, within)))
        done += share
    return 1.0
