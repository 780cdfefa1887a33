"""The main window: start-up paths, plain-words errors, the synchronized views, reviews, reports."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from valuedesk.project.store import Project
from valuedesk.review import video_reading
from valuedesk.ui import prefs

pytestmark = pytest.mark.gui
TOLERANCE_MS = 150  # paused VLC seeks land 0-160 ms early; the smoothed clock reports the target


def test_starts_on_welcome_screen_without_a_project(window: Any) -> None:
    assert window.stack.currentWidget() is window.welcome
    assert window.project is None
    assert not window.act_import.isEnabled()


def test_opens_a_project_and_remembers_it(window: Any, project_file: tuple[Path, list[int]]) -> None:
    path, ids = project_file
    assert window.open_project(str(path))
    assert window.stack.currentWidget() is window.main_split
    assert prefs.last_project() == str(path)
    assert prefs.recent_projects()[0] == str(path)
    assert set(window.library.visible_video_ids()) == set(ids)
    assert window.current_video == ids[1]  # the first analysed video in library order (bestfriends)
    assert window.timeline.lines()


def test_run_gui_reopens_the_last_project(
    qtbot: Any, project_file: tuple[Path, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QApplication

    from valuedesk.ui import main as ui_main

    prefs.remember_project(str(project_file[0]))
    seen: dict[str, Any] = {}

    def fake_exec() -> int:
        (w,) = [
            t for t in QApplication.topLevelWidgets() if t.objectName() == "ValueDeskMain" and t.isVisible()
        ]
        seen["project"] = str(w.project.path) if w.project else None
        w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    assert ui_main.run_gui([]) == 0
    assert seen["project"] == str(project_file[0])


def test_run_gui_with_a_new_file_offers_to_create_it(
    qtbot: Any, tmp_path: Path, dialogs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QApplication

    from valuedesk.ui import main as ui_main

    target = tmp_path / "class 5b.vdproj"

    def fake_exec() -> int:
        for w in QApplication.topLevelWidgets():
            if w.objectName() == "ValueDeskMain" and w.isVisible():
                w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    assert ui_main.run_gui([str(target), "--theme", "dark"]) == 0
    assert "Create a new, empty project" in dialogs.texts()
    assert target.exists() and prefs.last_project() == str(target)
    assert QApplication.palette().color(QApplication.palette().ColorRole.Window).lightness() < 128
    from valuedesk.ui.theme import apply_palette

    apply_palette(QApplication.instance(), False)  # leave the light look for the next tests


def test_prepare_platform_prefers_xwayland() -> None:
    from valuedesk.ui.main import prepare_platform

    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    prepare_platform(env)
    assert env["QT_QPA_PLATFORM"] == "xcb"
    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}
    prepare_platform(env)
    assert env["QT_QPA_PLATFORM"] == "wayland"  # the user's choice wins


def test_theme_switch_recolours_plots(window: Any, project_file: tuple[Path, list[int]]) -> None:
    import pyqtgraph as pg

    from valuedesk.ui.theme import ThemeController

    window.theme = ThemeController(QApplication.instance(), "light")
    window.open_project(str(project_file[0]))
    window.set_theme("dark")
    assert prefs.theme_mode() == "dark"
    QApplication.processEvents()
    assert window.palette().color(window.palette().ColorRole.Window).lightness() < 128
    assert pg.getConfigOption("background").lightness() < 128
    window.set_theme("light")
    assert pg.getConfigOption("background").lightness() > 128


def test_dropping_files_on_the_window_imports_them(
    window: Any, project_file: tuple[Path, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    window.open_project(str(project_file[0]))
    added: list[list[str]] = []
    monkeypatch.setattr(window.queue, "add", lambda paths, force=False: added.append(paths))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile("/videos/a.mp4")])
    window.dropEvent(
        QDropEvent(
            QPointF(5, 5),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    )
    assert added == [["/videos/a.mp4"]]
    assert window.queue_dock.isVisible()


def test_corrupt_file_is_explained_not_fatal(window: Any, tmp_path: Path, dialogs: Any) -> None:
    bad = tmp_path / "broken.vdproj"
    bad.write_bytes(b"this is not a database at all" * 50)
    assert not window.open_project(str(bad))
    assert window.project is None
    assert "Not a ValueDesk project or the file is damaged" in dialogs.texts()
    assert window.stack.currentWidget() is window.welcome


def test_read_only_project_opens_for_viewing(
    window: Any, project_file: tuple[Path, list[int]], dialogs: Any
) -> None:
    path, ids = project_file
    os.chmod(path, 0o444)
    try:
        dialogs.exec_answer = QMessageBox.StandardButton.Open
        assert window.open_project(str(path))
        assert window.project.readonly
        assert window.queue is None and not window.act_import.isEnabled()
        assert "read-only" in dialogs.texts()
        assert set(window.library.visible_video_ids()) == set(ids)
    finally:
        window.close_project()
        os.chmod(path, 0o644)


def test_a_project_on_a_read_only_disk_opens_for_viewing(
    window: Any, project_file: tuple[Path, list[int]], dialogs: Any, tmp_path: Path
) -> None:
    """A USB stick or shared folder: WAL cannot create its -shm file there, the project still opens."""
    import shutil
    import subprocess

    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a read-only mount needs root")
    path, ids = project_file
    stick = tmp_path / "stick"
    stick.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(stick)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        shutil.copy(path, stick / "class.vdproj")
        subprocess.run(["mount", "-o", "remount,ro", str(stick)], check=True)
        dialogs.exec_answer = QMessageBox.StandardButton.Open
        assert window.open_project(str(stick / "class.vdproj"))
        assert window.project.readonly and "read-only" in dialogs.texts()
        assert set(window.library.visible_video_ids()) == set(ids)
        assert window.current_video in ids  # the first analysed video is shown, read from the stick
        assert window.value_panel.review is None or not window.value_panel.review.isEnabled()
    finally:
        window.close_project()
        subprocess.run(["umount", "-l", str(stick)], check=False)


def test_locked_project_is_explained(
    window: Any, project_file: tuple[Path, list[int]], dialogs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VALUEDESK_LOCK_WAIT_S", "0.2")
    path = project_file[0]
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert not window.open_project(str(path))
    finally:
        holder.rollback()
        holder.close()
    assert "locked" in dialogs.texts()
    assert window.project is None


def test_missing_recent_project_is_forgotten(window: Any, tmp_path: Path, dialogs: Any) -> None:
    gone = str(tmp_path / "gone.vdproj")
    prefs.remember_project(gone)
    assert not window.open_project(gone)
    assert gone not in prefs.recent_projects()
    assert "not there any more" in dialogs.texts()


def test_playback_time_drives_script_and_lanes(
    window: Any, project_file: tuple[Path, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    window.open_project(str(project_file[0]))
    window.library.select_video(project_file[1][0])
    lane_times: list[int] = []
    monkeypatch.setattr(window.value_panel, "set_time", lane_times.append)
    speech_2 = 4  # caption, onscreen 1, speech 1, onscreen 2, speech 2 …
    start = window.timeline.lines()[speech_2].start_ms
    window.player.seek(start + 200)
    assert window.timeline.current_line() == speech_2
    assert lane_times[-1] == start + 200


def test_evidence_click_seeks_player_and_highlights_line(
    window: Any, project_file: tuple[Path, list[int]], qtbot: Any
) -> None:
    window.open_project(str(project_file[0]))
    window.library.select_video(project_file[1][0])  # the video whose file exists
    qtbot.waitUntil(lambda: window.player.state() == "paused", timeout=5000)
    window.select_value("benevolence_caring")
    evidence = window.value_panel.evidence
    assert evidence.count() == 1
    target = int(evidence.item(0)["start_ms"])
    evidence.click_row(0)
    qtbot.waitUntil(lambda: abs(window.player.position_ms() - target) < TOLERANCE_MS, timeout=3000)
    qtbot.wait(300)  # VLC has applied the seek: the position stays there
    assert abs(window.player.position_ms() - target) < TOLERANCE_MS
    line = int(evidence.item(0)["line_idx"])
    assert window.timeline.view.currentIndex().row() == line


def test_selecting_a_value_marks_its_lines(window: Any, project_file: tuple[Path, list[int]]) -> None:
    window.open_project(str(project_file[0]))
    window.select_value("humility")
    assert window.timeline.marked_lines() == {6}
    window.select_value("power_resources")
    assert window.timeline.marked_lines() == {2}


def test_creator_selection_shows_creator_view(window: Any, project_file: tuple[Path, list[int]]) -> None:
    path, ids = project_file
    window.open_project(str(path))
    assert window.library.select_creator("bestfriends")
    assert window.right.currentWidget() is window.creator_view
    assert window.creator_view.creator == "bestfriends"
    window.creator_view.video_selected.emit(ids[1])
    assert window.right.currentWidget() is window.value_panel
    assert window.current_video == ids[1]


def test_review_is_stored_apart_and_undoable(window: Any, project_file: tuple[Path, list[int]]) -> None:
    path, ids = project_file
    window.open_project(str(path))
    window.library.select_video(ids[0])
    window.select_value("humility")
    window.value_panel.review.label_buttons[0].click()  # a reviewer says: absent, not contradicted
    assert video_reading(window.project, ids[0]).values["humility"].reviewed_label == 0
    assert int(window.project.value_scores(ids[0])["humility"]["label"]) == -1  # model row untouched
    window.act_undo.trigger()
    assert video_reading(window.project, ids[0]).values["humility"].reviewed_label is None


def test_player_keys_work_window_wide_but_not_while_typing(
    window: Any, project_file: tuple[Path, list[int]], qtbot: Any
) -> None:
    from PySide6.QtCore import Qt

    window.open_project(str(project_file[0]))
    window.library.select_video(project_file[1][0])
    qtbot.waitUntil(lambda: window.player.state() == "paused", timeout=5000)
    window.activateWindow()
    window.library.tree.setFocus()
    window.player.seek(1000)
    qtbot.keyClick(window.library.tree, Qt.Key.Key_Right)
    assert window.player.position_ms() == 6000
    window.library.search.setFocus()
    qtbot.keyClick(window.library.search, Qt.Key.Key_Space)
    qtbot.keyClick(window.library.search, Qt.Key.Key_Left)
    assert window.library.search.text() == " "  # the space was typed, not a play/pause
    assert window.player.position_ms() == 6000 and not window.player.is_playing()


def test_fullscreen_hides_the_panels_and_comes_back(
    window: Any, project_file: tuple[Path, list[int]]
) -> None:
    window.open_project(str(project_file[0]))
    window.player.set_fullscreen(True)
    assert not window.timeline.isVisible() and not window.library_dock.isVisible()
    window.player.set_fullscreen(False)
    assert window.timeline.isVisible() and window.library_dock.isVisible()


def test_report_pdf_is_written_in_the_background(
    window: Any, project_file: tuple[Path, list[int]], tmp_path: Path, qtbot: Any, dialogs: Any
) -> None:
    pytest.importorskip("valuedesk.report.pdf_video")
    window.open_project(str(project_file[0]))
    out = tmp_path / "report.pdf"
    task = window.reports.report_pdf(str(out))
    assert task is not None
    with qtbot.waitSignal(task.done, timeout=60000, raising=False):
        pass
    assert out.exists() and out.read_bytes().startswith(b"%PDF"), dialogs.texts()


def test_export_dialog_and_background_export(
    window: Any, project_file: tuple[Path, list[int]], tmp_path: Path, qtbot: Any, dialogs: Any
) -> None:
    pytest.importorskip("valuedesk.report.exports")
    from valuedesk.ui.export_dialog import ExportChoice, ExportDialog

    path, ids = project_file
    window.open_project(str(path))
    dialog = ExportDialog(tmp_path, video=(ids[0], "My new car 1"), creator=None)
    qtbot.addWidget(dialog)
    assert dialog.scope_video.isChecked()
    dialog.format.setCurrentIndex(dialog.format.findData("srt"))
    assert dialog.target.text().endswith("My new car 1.srt")
    assert dialog.choice() == ExportChoice("srt", str(tmp_path / "My new car 1.srt"), ids[0], None, False)
    dialog.scope_all.setChecked(True)
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert dialog.target.text().endswith("valuedesk-export-csv")

    task = window.reports.export(ExportChoice("csv", str(tmp_path / "tables")))
    with qtbot.waitSignal(task.done, timeout=30000):
        pass
    labels = (tmp_path / "tables" / "labels.csv").read_text(encoding="utf-8-sig")
    assert "humility" in labels and "My new car 1" in labels
    task = window.reports.export(ExportChoice("quotes", str(tmp_path / "quotes.csv"), video=ids[0]))
    with qtbot.waitSignal(task.done, timeout=30000):
        pass
    assert "be kind" in (tmp_path / "quotes.csv").read_text(encoding="utf-8-sig").lower()
    # A place that cannot be written is explained, not raised.
    task = window.reports.export(ExportChoice("json", str(tmp_path / "no" / "such" / "x.json")))
    with qtbot.waitSignal(task.failed, timeout=30000) as failed:
        pass
    assert "does not exist" in failed.args[0]


def test_closing_keeps_layout_and_last_project(window: Any, project_file: tuple[Path, list[int]]) -> None:
    window.open_project(str(project_file[0]))
    window.close()
    assert prefs.settings().value("window/state") is not None
    assert prefs.last_project() == str(project_file[0])
    with Project.open(project_file[0]) as p:  # the file is released and intact
        assert p.integrity_check() == "ok"
