"""The analysis queue with the real pipeline in its child process: import → done, cancel, failure, settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psutil
import pytest

from valuedesk.pipeline import AnalysisSettings
from valuedesk.ui import prefs
from valuedesk.ui.settings_dialog import SettingsDialog, value_model_folder

pytestmark = pytest.mark.gui
ANALYSIS_TIMEOUT_MS = 240_000  # a generous ceiling for 2 busy shared cores, not a performance target


def test_settings() -> AnalysisSettings:
    """The shipped trained model when it is there, else the zero-shot baseline (same pipeline)."""
    folder = value_model_folder(AnalysisSettings())
    classifier = "trained" if folder is not None and (folder / "config.json").exists() else "baseline"
    return AnalysisSettings(classifier=classifier, ocr=True, threads=2)


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def entry_for(window: Any, path: Path) -> Any:
    for entry in window.queue.entries.values():
        if Path(entry.path).name == path.name:
            return entry
    return None


def progress_bar(window: Any, path: Path) -> Any:
    from PySide6.QtWidgets import QProgressBar

    bar = window.queue_panel.table.cellWidget(window.queue_panel._rows[entry_for(window, path).key], 2)
    assert isinstance(bar, QProgressBar)
    return bar


@pytest.fixture
def fresh_project(window: Any, tmp_path: Path) -> Any:
    window.analysis_settings = test_settings()
    assert window.open_project(str(tmp_path / "new.vdproj"), create=True)
    return window


def test_import_analyze_shows_results(
    fresh_project: Any, pipeline_clip: Path, qtbot: Any, dialogs: Any
) -> None:
    window = fresh_project
    seen_stages: set[str] = set()
    window.queue.entry_changed.connect(
        lambda k: seen_stages.add(window.queue.entries[k].stage) if k in window.queue.entries else None
    )
    window.import_paths([str(pipeline_clip)])
    qtbot.waitUntil(
        lambda: (e := entry_for(window, pipeline_clip)) is not None and e.status in ("done", "failed"),
        timeout=ANALYSIS_TIMEOUT_MS,
    )
    entry = entry_for(window, pipeline_clip)
    assert entry.status == "done", entry.message + dialogs.texts()
    assert {"probe", "transcribe", "classify"} <= seen_stages  # per-stage progress reached the table
    qtbot.waitUntil(
        lambda: window.current_video == entry.video_id, timeout=5000
    )  # results appear by themselves
    row = window.library.model.video_index(entry.video_id)
    assert row.siblingAtColumn(1).data() == "done" and row.siblingAtColumn(2).data()
    scores = window.project.value_scores(entry.video_id)
    assert len(scores) == 19
    assert window.value_panel.table.item(0, 2).text() != "–"  # the radar/table are filled
    assert window.timeline.lines()  # the transcript arrived
    assert any(ln.kind == "speech" and ln.text for ln in window.timeline.lines())
    # Importing the same unchanged file again is skipped, not re-analysed.
    window.queue.clear_finished()
    window.import_paths([str(pipeline_clip)])
    qtbot.waitUntil(
        lambda: (e := entry_for(window, pipeline_clip)) is not None and e.status == "skipped", timeout=30000
    )


def test_cancel_kills_the_child_and_the_app_lives(fresh_project: Any, ui_clip: Any, qtbot: Any) -> None:
    window = fresh_project
    window.import_paths([str(ui_clip.path)])
    qtbot.waitUntil(
        lambda: (
            (e := entry_for(window, ui_clip.path)) is not None
            and e.status == "analyzing"
            and window.queue.worker.child_pid() is not None
        ),
        timeout=60000,
    )
    pid = window.queue.worker.child_pid()
    assert psutil.pid_exists(pid)
    window.queue_panel.table.selectRow(0)
    window.queue_panel.cancel_button.click()
    qtbot.waitUntil(lambda: entry_for(window, ui_clip.path).status == "cancelled", timeout=10000)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    bar = progress_bar(window, ui_clip.path)  # the bar says so and keeps how far it got: not a full 100 %
    assert bar.text().startswith("cancelled") and bar.value() < bar.maximum()
    assert bar.value() == round(entry_for(window, ui_clip.path).fraction * 1000)
    vid = entry_for(window, ui_clip.path).video_id
    qtbot.waitUntil(
        lambda: (row := window.library.model.video_index(vid, 1)).isValid() and row.data() == "cancelled",
        timeout=3000,
    )
    assert window.queue_panel.retry_button.isEnabled()
    window.library.select_video(vid)  # the window still works
    assert window.current_video == vid


def test_cancel_all_also_drops_waiting_files(
    fresh_project: Any, ui_clip: Any, tmp_path: Path, qtbot: Any
) -> None:
    import shutil

    window = fresh_project
    second = tmp_path / "second.mp4"
    shutil.copy(ui_clip.path, second)
    second.write_bytes(second.read_bytes() + b"\0")  # another file, not a duplicate by content
    window.import_paths([str(ui_clip.path), str(second)])
    qtbot.waitUntil(
        lambda: (
            (e := entry_for(window, second)) is not None
            and e.status == "queued"
            and entry_for(window, ui_clip.path) is not None
            and entry_for(window, ui_clip.path).status == "analyzing"
        ),
        timeout=60000,
    )
    window.queue_panel.cancel_all_button.click()
    qtbot.waitUntil(lambda: entry_for(window, second).status == "cancelled", timeout=10000)
    assert entry_for(window, ui_clip.path).status == "cancelled"
    assert "before it started" in entry_for(window, second).message
    assert not window.queue.is_busy()


def test_broken_file_fails_with_details(fresh_project: Any, tmp_path: Path, qtbot: Any, dialogs: Any) -> None:
    window = fresh_project
    bad = tmp_path / "holiday.mp4"
    bad.write_bytes(b"not a video, just text pretending" * 100)
    window.import_paths([str(bad), str(tmp_path / "missing.mp4")])
    qtbot.waitUntil(lambda: (e := entry_for(window, bad)) is not None and e.status == "failed", timeout=60000)
    assert entry_for(window, tmp_path / "missing.mp4").status == "failed"
    entry = entry_for(window, bad)
    assert "holiday.mp4" in entry.message
    for path in (bad, tmp_path / "missing.mp4"):  # failed at the start: an empty bar that says "failed"
        bar = progress_bar(window, path)
        assert (bar.text(), bar.value()) == ("failed", 0)
    row = window.queue_panel._rows[entry.key]
    window.queue_panel.table.selectRow(row)
    assert window.queue_panel.retry_button.isEnabled()
    window.queue_panel.show_details()
    assert "holiday.mp4: failed" in dialogs.texts()
    qtbot.waitUntil(
        lambda: window.library.model.video_index(entry.video_id).isValid(), timeout=3000
    )  # debounced refresh
    assert window.library.model.video_index(entry.video_id, 1).data() == "failed"


def test_settings_dialog_persists_and_reaches_the_queue(
    fresh_project: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = fresh_project
    dialog = SettingsDialog(window.analysis_settings, window)
    qtbot.addWidget(dialog)
    dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
    dialog.threads.setValue(1)
    dialog.ocr.setChecked(False)
    dialog.keyframes.setValue(4.0)
    dialog.accept()
    chosen = dialog.result_settings()
    assert (chosen.device, chosen.threads, chosen.ocr, chosen.keyframe_interval_s) == ("cpu", 1, False, 4.0)
    assert prefs.load_analysis_settings() == chosen
    window.queue.set_settings(chosen)
    qtbot.waitUntil(lambda: window.queue.worker.settings == chosen, timeout=3000)


def test_settings_dialog_refuses_a_missing_model_folder(qtbot: Any, tmp_path: Path, dialogs: Any) -> None:
    dialog = SettingsDialog(AnalysisSettings())
    qtbot.addWidget(dialog)
    dialog.asr_model.setCurrentIndex(dialog.asr_model.findData("folder"))
    dialog.asr_dir.setText(str(tmp_path / "nowhere"))
    dialog.accept()
    assert "Choose an existing Whisper model folder" in dialogs.texts()
    assert prefs.load_analysis_settings() == AnalysisSettings()


def test_settings_dialog_lists_the_speech_models(qtbot: Any) -> None:
    """tiny.en, base (when its packages are installed) and a folder; the choice round-trips."""
    dialog = SettingsDialog(AnalysisSettings(asr_model="base"))
    qtbot.addWidget(dialog)
    keys = [dialog.asr_model.itemData(i) for i in range(dialog.asr_model.count())]
    assert keys == ["tiny.en", "base", "folder"]
    assert "English only" in dialog.asr_model.itemText(0) and "99 languages" in dialog.asr_model.itemText(1)
    assert dialog.current().asr_model == "base" and not dialog.asr_dir.isEnabled()
    dialog.set_values(AnalysisSettings(asr_model="/models/whisper-small"))
    assert dialog.asr_model.currentData() == "folder" and dialog.asr_dir.isEnabled()
    assert dialog.current().asr_model == "/models/whisper-small"
    dialog.set_values(AnalysisSettings())
    assert dialog.current().asr_model is None


def test_stopped_rows_say_so_instead_of_a_full_bar(qtbot: Any, tmp_path: Path) -> None:
    """Events as the analysis child sends them (it reports "cancelled"/"failed" with fraction 1.0):
    a stopped row keeps the fraction it reached and says why; only done and skipped rows are full."""
    from PySide6.QtWidgets import QProgressBar

    from valuedesk.pipeline import ProgressEvent
    from valuedesk.ui.queue import AnalysisQueue, QueuePanel

    queue = AnalysisQueue(str(tmp_path / "p.vdproj"), AnalysisSettings())
    panel = QueuePanel()
    qtbot.addWidget(panel)
    panel.set_queue(queue)
    try:
        for path, stages in {
            "/v/cancelled.mp4": [("queued", 0.0), ("probe", 0.0), ("transcribe", 0.3), ("cancelled", 1.0)],
            "/v/failed.mp4": [("queued", 0.0), ("probe", 0.0), ("ocr", 0.62), ("failed", 1.0)],
            "/v/broken.mp4": [("queued", 0.0), ("probe", 0.0), ("failed", 1.0)],
            "/v/missing.mp4": [("failed", 1.0)],
            "/v/waiting.mp4": [("queued", 0.0), ("cancelled", 1.0)],
            "/v/done.mp4": [("queued", 0.0), ("classify", 0.9), ("done", 1.0)],
            "/v/skipped.mp4": [("skipped", 1.0)],
        }.items():
            for name, fraction in stages:
                queue._on_event(ProgressEvent(path, name, fraction, f"{name} message"))

        def shown(key: str) -> tuple[str, int, str]:
            bar = panel.table.cellWidget(panel._rows[key], 2)
            assert isinstance(bar, QProgressBar)
            return bar.text(), bar.value(), panel.table.item(panel._rows[key], 3).text()

        assert shown("/v/cancelled.mp4") == ("cancelled at 30 %", 300, "cancelled: cancelled message")
        assert shown("/v/failed.mp4") == ("failed at 62 %", 620, "failed: failed message")
        assert shown("/v/broken.mp4")[:2] == ("failed", 0)
        assert shown("/v/missing.mp4")[:2] == ("failed", 0)
        assert shown("/v/waiting.mp4")[:2] == ("cancelled", 0)
        assert shown("/v/done.mp4")[:2] == ("100 %", 1000)
        assert shown("/v/skipped.mp4")[:2] == ("100 %", 1000)
        queue._on_event(ProgressEvent("/v/cancelled.mp4", "queued", 0.0))  # retried: waiting again, from 0
        assert shown("/v/cancelled.mp4")[:2] == ("0 %", 0)
    finally:
        panel.set_queue(None)
        queue.close()


def test_settings_dialog_sets_up_a_local_llm(
    qtbot: Any, dialogs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The LLM backend from the dialog: a loopback server is taken as it is; a server elsewhere is
    refused unless allowed, and allowing it asks once more, naming what would be sent."""
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.delenv("VALUEDESK_LLM_URL", raising=False)
    dialog = SettingsDialog(AnalysisSettings())
    qtbot.addWidget(dialog)
    assert dialog.llm_mode.currentData() == "off" and not dialog.llm_url.isEnabled()
    dialog.llm_mode.setCurrentIndex(dialog.llm_mode.findData("two-step"))
    assert dialog.llm_url.isEnabled()
    dialog.llm_url.setText("http://127.0.0.1:8080/v1")
    dialog.llm_model.setText("qwen2.5")
    dialog.accept()
    chosen = dialog.result_settings()
    assert (chosen.llm_mode, chosen.llm_url, chosen.llm_model, chosen.llm_allow_remote) == (
        "two-step", "http://127.0.0.1:8080/v1", "qwen2.5", False
    )  # fmt: skip
    assert prefs.load_analysis_settings() == chosen and not dialogs.shown

    remote = SettingsDialog(chosen)
    qtbot.addWidget(remote)
    remote.llm_url.setText("http://192.0.2.7:8080/v1")
    remote.accept()
    assert "192.0.2.7" in dialogs.texts() and prefs.load_analysis_settings() == chosen  # refused
    dialogs.shown.clear()
    remote.llm_remote.setChecked(True)
    dialogs.answer = QMessageBox.StandardButton.No
    remote.accept()
    kind, title, text = dialogs.shown[0]
    assert title == "Send video data to another computer?" and "keyframe" in text and "192.0.2.7" in text
    assert prefs.load_analysis_settings() == chosen  # the user said no
    dialogs.shown.clear()
    dialogs.answer = QMessageBox.StandardButton.Yes
    remote.accept()
    assert prefs.load_analysis_settings().llm_url == "http://192.0.2.7:8080/v1"
