"""The whole chain on real generated media: files in, stored profile out; cancel and crash lose nothing."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from valuedesk.pipeline import AnalysisSettings, Analyzer, ProgressEvent
from valuedesk.pipeline.batch import collect_media
from valuedesk.project import Project
from valuedesk.values import VALUE_IDS

SETTINGS = AnalysisSettings(classifier="baseline")


def test_garden_clip_becomes_a_stored_profile(tmp_path: Path, garden_clip: Path) -> None:
    events: list[ProgressEvent] = []
    with Project.open(tmp_path / "p.vdproj") as project:
        analyzer = Analyzer(project, SETTINGS, on_event=events.append)
        [result] = analyzer.analyze_paths([garden_clip])
        assert result.status == "done", result.message
        vid = result.video_id
        video = project.video(vid)
        assert video["creator"] == "KindKidsClub" and video["upload_date"] == "2026-08-05"
        assert video["has_audio"] == 1 and video["duration_ms"] > 5000
        lines = project.script_lines(vid)
        kinds = {ln.kind for ln in lines}
        assert {"speech", "onscreen", "caption", "scene"} <= kinds
        assert [ln.start_ms for ln in lines] == sorted(ln.start_ms for ln in lines)
        speech = " ".join(ln.text for ln in lines if ln.kind == "speech").lower()
        assert "grandfather" in speech and "garden" in speech
        assert any("#family" in ln.text for ln in lines if ln.kind == "caption")
        assert any("GARDEN" in ln.text.upper() for ln in lines if ln.kind == "onscreen")
        words = project.words(vid)
        assert words and all(0 <= w.start_ms <= w.end_ms <= video["duration_ms"] + 500 for w in words)
        assert set(project.value_scores(vid)) == set(VALUE_IDS)
        evidence = project.evidence(vid)
        assert evidence, "the garden clip should carry at least one value"
        for e in evidence:  # evidence points at what is said, shown or written, with its own times
            line = lines[e["line_idx"]]
            assert line.kind in ("speech", "onscreen", "caption")
            assert (e["start_ms"], e["end_ms"]) == (line.start_ms, line.end_ms)
        assert project.thumbnails(vid)
        run = project.run(vid)
        assert "transcribe" in run["timings_json"] and "zeroshot" in run["models_json"].lower()
        stages = [e.stage for e in events]
        assert stages[0] == "queued" and stages[-1] == "done" and "transcribe" in stages
        fractions = [e.fraction for e in events]
        assert fractions == sorted(fractions)
        # Unchanged file: skipped unless forced.
        [again] = analyzer.analyze_paths([garden_clip])
        assert again.status == "skipped"
        [forced] = analyzer.analyze_paths([garden_clip], force=True)
        assert forced.status == "done" and project.db["runs"].count == 2
        analyzer.close()


def test_audio_only_and_silent_video_both_work(
    tmp_path: Path, voice_only_clip: Path, mute_clip: Path
) -> None:
    with Project.open(tmp_path / "p.vdproj") as project:
        analyzer = Analyzer(project, SETTINGS)
        voice, mute = analyzer.analyze_paths([voice_only_clip, mute_clip])
        assert voice.status == "done", voice.message
        assert mute.status == "done", mute.message
        vlines = project.script_lines(voice.video_id)
        assert "championship" in " ".join(ln.text for ln in vlines).lower()
        assert not [ln for ln in vlines if ln.kind == "onscreen"]
        mlines = project.script_lines(mute.video_id)
        assert not [ln for ln in mlines if ln.kind == "speech"]
        assert any("NO SOUND" in ln.text.upper() for ln in mlines if ln.kind == "onscreen")
        assert project.video(mute.video_id)["has_audio"] == 0


def test_collect_media_expands_folders_and_reports_missing(tmp_path: Path, garden_clip: Path) -> None:
    files, errors = collect_media([garden_clip.parent, tmp_path / "missing.mp4", garden_clip])
    assert garden_clip in files and len([f for f in files if f == garden_clip]) == 1
    assert errors == [f"{tmp_path / 'missing.mp4'}: no such file or folder"]


def test_cancel_in_child_process_keeps_project_clean(tmp_path: Path, garden_clip: Path) -> None:
    seen: list[str] = []
    with Project.open(tmp_path / "p.vdproj") as project:
        analyzer = Analyzer(project, SETTINGS, isolate=True, on_event=lambda e: seen.append(e.stage))
        [job] = analyzer.enqueue([garden_clip])
        result = analyzer.run(job, should_stop=lambda: "transcribe" in seen)
        assert result.status == "cancelled"
        assert analyzer.engine._proc is None  # the child was killed at once
        assert project.video(job.video_id)["status"] == "cancelled"
        assert project.db["runs"].count == 0 and project.integrity_check() == "ok"
        analyzer.close()


def test_crash_of_the_analysis_process_fails_one_video_only(
    tmp_path: Path, garden_clip: Path, voice_only_clip: Path
) -> None:
    with Project.open(tmp_path / "p.vdproj") as project:
        analyzer = Analyzer(project, SETTINGS, isolate=True)
        crashed = {"done": False}

        def crash_once(event: ProgressEvent) -> None:
            if event.stage == "ocr" and not crashed["done"]:
                crashed["done"] = True
                os.kill(analyzer.engine.pid, signal.SIGKILL)

        analyzer.on_event = crash_once
        first, second = analyzer.analyze_paths([garden_clip, voice_only_clip])
        analyzer.close()
        assert (
            first.status == "failed"
            and "garden.mp4" in first.message
            and "stopped unexpectedly" in first.message
        )
        assert second.status == "done", second.message
        assert project.video(first.video_id)["status"] == "failed"
        assert project.db["runs"].count == 1 and project.integrity_check() == "ok"


@pytest.mark.parametrize("bad", ["zero", "text", "truncated"])
def test_bad_media_fails_with_named_cause(tmp_path: Path, garden_clip: Path, bad: str) -> None:
    path = tmp_path / f"{bad}.mp4"
    if bad == "zero":
        path.write_bytes(b"")
    elif bad == "text":
        path.write_text("hello, I am a shopping list\n" * 20)
    else:
        data = garden_clip.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    with Project.open(tmp_path / "p.vdproj") as project:
        [result] = Analyzer(project, SETTINGS).analyze_paths([path])
        assert result.status == "failed"
        assert result.message.startswith(f"{path}") or path.name in result.message
        if result.video_id is not None:  # an empty file is refused before it is registered
            assert project.video(result.video_id)["error"] == result.message
        assert project.integrity_check() == "ok"
