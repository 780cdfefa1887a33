"""The one stage table (valuedesk.pipeline.stages) and the progress a real analysis reports with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.clipgen import ClipTruth
from valuedesk.pipeline import STAGE_NAMES, AnalysisEngine, AnalysisSettings
from valuedesk.pipeline.events import overall_fraction
from valuedesk.pipeline.sidecar import read_post_info
from valuedesk.pipeline.stages import STAGES, stage, stage_label, stage_versions

# What every run stored before the table existed: the same keys, values and order.
STORED_BEFORE = {"media": "1", "transcribe": "1", "ocr": "1", "cues": "1", "script": "1", "classify": "2"}


def test_the_table_gives_versions_fractions_and_words() -> None:
    assert stage_versions() == STORED_BEFORE and list(stage_versions()) == list(STORED_BEFORE)
    assert STAGE_NAMES == (
        "probe",
        "transcribe",
        "frames",
        "ocr",
        "cues",
        "scenes",
        "script",
        "classify",
        "save",
    )
    assert sum(s.weight for s in STAGES) == pytest.approx(1.0)
    assert overall_fraction("probe") == 0.0
    assert overall_fraction("transcribe") == pytest.approx(0.02)
    assert overall_fraction("transcribe", 0.5) == pytest.approx(0.02 + 0.55 / 2)
    assert overall_fraction("transcribe", 2.0) == overall_fraction("frames") == pytest.approx(0.57)
    assert overall_fraction("save", 1.0) == pytest.approx(1.0) and overall_fraction("done") == 1.0
    for a, b in zip(STAGE_NAMES, STAGE_NAMES[1:], strict=False):  # each stage starts where the last ended
        assert overall_fraction(a, 1.0) == pytest.approx(overall_fraction(b))
    assert stage_label("transcribe") == "transcribing" and stage_label("ocr") == "on-screen text"
    assert stage_label("queued") == "queued"  # not a stage: shown as it is
    labels = [s.label for s in STAGES]
    assert all(labels) and len(set(labels)) == len(labels)
    probe = stage("probe")
    assert probe is not None and probe.version_key == "media" and stage("nope") is None


def moments(times: list[float], gap: float) -> list[float]:
    out: list[float] = []
    previous = None
    for t in sorted(times):
        if previous is None or t - previous > gap:
            out.append(t)
        previous = t
    return out


def test_analysis_stores_the_tables_stage_versions(speech_clip: ClipTruth) -> None:
    """The run stores the table's versions (the same keys and values as before the table), and the
    progress it reports never goes back and covers the transcribe stage's whole share."""
    engine = AnalysisEngine(AnalysisSettings(classifier="baseline", threads=2))
    events: list[tuple[str, float]] = []
    out = engine.analyze(
        Path(speech_clip.path),
        read_post_info(Path(speech_clip.path)),
        progress=lambda s, f, m: events.append((s, f)),
    )
    assert out.record.stage_versions == STORED_BEFORE
    fractions = [f for _, f in events]
    assert fractions == sorted(fractions)
    asr = [f for s, f in events if s == "transcribe"]
    assert asr[0] == pytest.approx(overall_fraction("transcribe"))
    assert asr[-1] == pytest.approx(overall_fraction("transcribe", 1.0))
