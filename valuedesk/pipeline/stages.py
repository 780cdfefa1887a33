"""The one table of analysis stages: their order, share of the progress bar, version and words.

The pipeline stores `stage_versions()` with every run, `events.overall_fraction` turns a stage's
own progress into one figure for the video, and the queue and the status bar show `stage_label`.
A new stage, a re-weighted one or a changed output is one row here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    name: str  # the stage in ProgressEvent.stage
    weight: float  # its share of a typical run's time (all weights sum to 1)
    version: str  # bumped when its output for the same input changes; "" = no output of its own
    label: str  # what the queue and the status bar say while it runs
    stored_as: str = ""  # the key its version is stored under in a run's stage_versions, if not `name`

    @property
    def version_key(self) -> str:
        return self.stored_as or self.name


# In the order they run. "media" (probe) covers the file's info, its decoded audio and the
# keyframes; "script" puts the lines together and takes no time worth a share of the bar.
STAGES: tuple[Stage, ...] = (
    Stage("probe", 0.02, "1", "reading file", stored_as="media"),
    Stage("transcribe", 0.55, "1", "transcribing"),
    Stage("frames", 0.08, "", "keyframes"),
    Stage("ocr", 0.15, "1", "on-screen text"),
    Stage("cues", 0.04, "1", "scene cues"),
    Stage(
        "scenes", 0.0, "", "describing scenes (LLM)"
    ),  # only with a local LLM; its run records the prompt version
    Stage("script", 0.0, "1", "assembling the script"),
    Stage("classify", 0.12, "2", "scoring values"),
    Stage("save", 0.04, "", "saving"),
)
STAGE_NAMES: tuple[str, ...] = tuple(s.name for s in STAGES)
_BY_NAME = {s.name: s for s in STAGES}


def stage(name: str) -> Stage | None:
    return _BY_NAME.get(name)


def stage_versions() -> dict[str, str]:
    """What a run stores as its stage_versions: {"media": "1", "transcribe": "1", ...}, in stage order."""
    return {s.version_key: s.version for s in STAGES if s.version}


def stage_label(name: str) -> str:
    """Words for a stage (the queue's Stage column, the status bar); an unknown name as it is."""
    found = _BY_NAME.get(name)
    return found.label if found is not None else name
