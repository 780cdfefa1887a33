"""The main window: library | player + script | values or creator, kept in step with each other.

Playback time drives the script highlight and the value lanes; clicks on the script, evidence
or lanes seek the player. The analysis queue runs in its own thread; this window only reacts
to its signals. Data is read through the GUI's own `Project` connection.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from valuedesk.pipeline.batch import MEDIA_SUFFIXES
from valuedesk.pipeline.stages import stage_label
from valuedesk.project.store import Project, ProjectError, video_fs_path
from valuedesk.review import reviewed_script
from valuedesk.ui import prefs
from valuedesk.ui.creator_view import CreatorView
from valuedesk.ui.failed_banner import FailedVideoBanner, needs_banner
from valuedesk.ui.library import LibraryPanel
from valuedesk.ui.library_actions import LibraryActions
from valuedesk.ui.menus import action, build_menus
from valuedesk.ui.player import PlayerWidget
from valuedesk.ui.queue import AnalysisQueue, QueuePanel
from valuedesk.ui.reports import ReportActions
from valuedesk.ui.review_actions import ReviewActions
from valuedesk.ui.selection import Selection
from valuedesk.ui.settings_dialog import SettingsDialog
from valuedesk.ui.theme import ThemeController
from valuedesk.ui.timeline import ScriptTimeline
from valuedesk.ui.value_panel import ValuePanel
from valuedesk.ui.welcome import WelcomePage
from valuedesk.ui.window_layout import WindowLayout
from valuedesk.values import BY_ID

PROJECT_FILTER = "ValueDesk project (*.vdproj);;All files (*)"
MEDIA_FILTER = "Videos and audio ({});;All files (*)".format(
    " ".join(f"*{s}" for s in sorted(MEDIA_SUFFIXES))
)


class MainWindow(QMainWindow):
    """One project at a time; `open_project` never raises, it explains."""

    # menu actions the window refers to, made by menus.build_menus
    recent_menu: QMenu
    act_import: QAction
    act_import_dir: QAction
    act_export: QAction
    act_report: QAction
    act_close: QAction
    act_undo: QAction
    act_redo: QAction
    act_reanalyze: QAction
    act_cancel_all: QAction
    act_help: QAction
    _project_actions: list[QAction]

    def __init__(self, theme: ThemeController | None = None) -> None:
        super().__init__()
        self.setWindowTitle("ValueDesk")
        self.setObjectName("ValueDeskMain")
        self.theme = theme
        self.project: Project | None = None
        self.queue: AnalysisQueue | None = None
        self.current_video: int | None = None
        self.current_creator: str | None = None
        self.analysis_settings = prefs.load_analysis_settings()
        self._changed_videos: set[int] = set()

        self.welcome = WelcomePage(self)
        self.player = PlayerWidget(self)
        self.timeline = ScriptTimeline(self)
        self.value_panel = ValuePanel(self)
        self.creator_view = CreatorView(self)
        self.right = QStackedWidget(self)
        self.right.addWidget(self.value_panel)
        self.right.addWidget(self.creator_view)
        self.center = QSplitter(Qt.Orientation.Vertical, self)
        self.center.setObjectName("centerSplitter")
        self.failed_banner = FailedVideoBanner(self)
        self.failed_banner.retry_requested.connect(lambda vid: self.reanalyze([vid]))
        self.player_area = QStackedWidget(self)  # the player, or why there is nothing to play
        self.player_area.addWidget(self.player)
        self.player_area.addWidget(self.failed_banner)
        self.center.addWidget(self.player_area)
        self.center.addWidget(self.timeline)
        self.center.setStretchFactor(0, 3)
        self.center.setStretchFactor(1, 2)
        self.main_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_split.setObjectName("mainSplitter")
        self.main_split.addWidget(self.center)
        self.main_split.addWidget(self.right)
        self.main_split.setStretchFactor(0, 3)
        self.main_split.setStretchFactor(1, 2)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.main_split)
        self.setCentralWidget(self.stack)

        self.library = LibraryPanel(self)
        self.library_dock = self._dock(
            "Library", "libraryDock", self.library, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.queue_panel = QueuePanel(self)
        self.queue_dock = self._dock(
            "Analysis queue", "queueDock", self.queue_panel, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.status_text = QLabel(self)
        self.queue_status = QLabel(self)
        self.queue_bar = QProgressBar(self)
        self.queue_bar.setMaximumWidth(160)
        self.queue_bar.setRange(0, 1000)
        self.queue_bar.hide()
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.queue_status)
        self.statusBar().addPermanentWidget(self.queue_bar)
        self.reports = ReportActions(
            self, self.selection, lambda text, ms: self.statusBar().showMessage(text, ms)
        )
        self.review_actions = ReviewActions(
            self.selection,
            self.value_panel.selected_value,
            lambda text, ms: self.statusBar().showMessage(text, ms),
            lambda title, text: self._problem(title, text, False),
            self.review_changed,
        )
        self.timeline.evidence_edit_requested.connect(self.review_actions.edit_evidence)
        self.timeline.text_edit_requested.connect(self.review_actions.correct_text)
        self.library_actions = LibraryActions(self)  # library context menu, Remove/Relink, the Notes dock
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(200)
        self._refresh_timer.timeout.connect(self._apply_video_changes)

        self._build_menus()
        self._connect()
        self.player.install_shortcuts(self)
        self.setAcceptDrops(True)
        self.window_layout = WindowLayout(self)  # sizes, and the layout remembered between sessions
        self.window_layout.fit_to_screen()
        self._restore_layout()
        self._show_welcome()

    # ----------------------------------------------------------------- construction
    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, menu: Any, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        return action(self, menu, text, slot, shortcut, tip)

    def _build_menus(self) -> None:
        build_menus(self)

    def _connect(self) -> None:
        self.welcome.new_requested.connect(self.new_project)
        self.welcome.open_requested.connect(self.choose_project)
        self.welcome.recent_chosen.connect(self.open_project)
        self.player.time_changed.connect(self._on_time)
        self.player.fullscreen_requested.connect(self._set_fullscreen)
        self.timeline.seek_requested.connect(self.seek_to)
        self.timeline.line_clicked.connect(self.timeline.highlight_line)
        self.value_panel.seek_requested.connect(self.seek_to)
        self.value_panel.line_selected.connect(self.timeline.highlight_line)
        self.value_panel.value_selected.connect(self._mark_value)
        self.value_panel.review_requested.connect(self.apply_review)
        self.creator_view.video_selected.connect(self._open_from_creator)
        self.creator_view.value_clicked.connect(lambda vid: self.library.set_filter(vid, "any label"))
        self.library.video_selected.connect(self.show_video)
        self.library.creator_selected.connect(self.show_creator)
        self.library.search_hit_activated.connect(lambda v, i, ms: self.show_video(v, seek_ms=ms, line_idx=i))
        self.library.import_requested.connect(self.import_paths)
        self.library.reanalyze_requested.connect(self.reanalyze)

    # ----------------------------------------------------------------- project
    def new_project(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(
            self, "New ValueDesk project", str(Path.home() / "values.vdproj"), PROJECT_FILTER
        )
        if not path:
            return False
        if not Path(path).suffix:
            path += ".vdproj"
        return self.open_project(path, create=True)

    def choose_project(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open ValueDesk project", str(Path.home()), PROJECT_FILTER
        )
        return self.open_project(path) if path else False

    def open_project(
        self, path: str, *, create: bool = False, readonly: bool = False, quiet: bool = False
    ) -> bool:
        """Open (or create) a project; problems become a plain-words dialog and False."""
        path = os.path.abspath(path)
        if not create and not os.path.exists(path):
            self._problem(
                "The project file is not there any more",
                f"{path}\n\nIt was moved, renamed or deleted.",
                quiet,
            )
            prefs.forget_project(path)
            self.welcome.set_recent(prefs.recent_projects())
            return False
        try:
            project = Project.open(path, readonly=readonly)
        except ProjectError as exc:
            text = str(exc)
            if "read-only" in text and not readonly and not quiet and self._ask_read_only(path):
                return self.open_project(path, readonly=True)
            self._problem("This project cannot be opened", _plain(text, path), quiet)
            return False
        self.close_project(keep_welcome=True)
        self.project = project
        if not readonly:
            self.queue = AnalysisQueue(path, self.analysis_settings, self)
            self.queue.video_changed.connect(self._video_changed)
            self.queue.entry_changed.connect(self._queue_changed)
            self.queue.batch_error.connect(lambda m: self._problem("Analysis stopped", m, False))
        self.queue_panel.set_queue(self.queue)
        prefs.remember_project(path)
        self.library.set_project(project)
        self.stack.setCurrentWidget(self.main_split)
        self.library_dock.show()
        self.window_layout.enter_project_view()
        # an empty queue costs a 768-pixel screen a fifth of its height: shown when something is imported
        self.queue_dock.setVisible(bool(prefs.settings().value("view/queue_visible", False, type=bool)))
        if self.value_panel.review is not None:
            self.value_panel.review.setEnabled(not readonly)
        self.timeline.set_review_enabled(not readonly)
        self._set_project_actions(True)
        name = Path(path).name + (" (read-only)" if readonly else "")
        self.setWindowTitle(f"{name} — ValueDesk")
        self.status_text.setText(f"{path}" + ("  ·  opened read-only: viewing only" if readonly else ""))
        # the rows the library has just read (a second read of every video would double the open time)
        done = next((int(v["id"]) for v in self.library.model.videos() if v["status"] == "done"), None)
        if done is not None:
            self.library.select_video(done)
        return True

    def close_project(self, *, keep_welcome: bool = False) -> None:
        if self.queue is not None:
            self.queue.close()
            self.queue.deleteLater()
            self.queue = None
        self.queue_panel.set_queue(None)
        self.player.unload()
        self.timeline.set_lines([])
        self.timeline.set_review_enabled(False)
        self.value_panel.clear()
        self.creator_view.clear()
        self.right.setCurrentWidget(self.value_panel)
        self.player_area.setCurrentWidget(self.player)
        self.current_video = self.current_creator = None
        if self.project is not None:
            self.project.close()
            self.project = None
            if not keep_welcome:
                prefs.clear_last_project()
        self.library.set_project(None)
        if not keep_welcome:
            self._show_welcome()

    def _show_welcome(self) -> None:
        self.welcome.set_recent(prefs.recent_projects())
        self.window_layout.remember_docks()
        self.stack.setCurrentWidget(self.welcome)
        self.library_dock.hide()
        self.queue_dock.hide()
        self.setWindowTitle("ValueDesk")
        self._set_project_actions(False)
        self.status_text.setText("No project open")

    def _set_project_actions(self, on: bool) -> None:
        self.library_actions.set_enabled(on)
        writable = on and self.project is not None and not self.project.readonly
        for act in self._project_actions:
            act.setEnabled(
                writable
                if act
                in (
                    self.act_import,
                    self.act_import_dir,
                    self.act_undo,
                    self.act_redo,
                    self.act_reanalyze,
                    self.act_cancel_all,
                )
                else on
            )

    def _ask_read_only(self, path: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Read-only project",
            f"{Path(path).name} cannot be changed (the file or its folder is read-only).\n\n"
            "Open it for viewing only? Analysing and reviewing need a writable copy.",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            self,
        )
        return box.exec() == QMessageBox.StandardButton.Open

    def _problem(self, title: str, text: str, quiet: bool) -> None:
        self.welcome.set_message(f"<b>{title}.</b> {text}")
        if not quiet:
            QMessageBox.warning(self, title, text)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for p in prefs.recent_projects():
            act = self.recent_menu.addAction(p)
            act.triggered.connect(lambda _c=False, path=p: self.open_project(path))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    # ----------------------------------------------------------------- import / analysis
    def import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import videos", str(Path.home()), MEDIA_FILTER)
        self.import_paths(paths)

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of videos", str(Path.home()))
        if folder:
            self.import_paths([folder])

    def import_paths(self, paths: list[str], *, force: bool = False) -> None:
        if not paths:
            return
        if self.queue is None:
            self._problem(
                "Cannot import",
                "Open a writable project first."
                if self.project is None
                else "This project is open read-only.",
                False,
            )
            return
        self.queue.add(list(paths), force=force)
        self.queue_dock.show()
        self.queue_dock.raise_()

    def reanalyze(self, video_ids: list[int]) -> None:
        if self.project is None:
            return
        self.import_paths([video_fs_path(self.project.video(v)) for v in video_ids], force=True)

    def _reanalyze_selected(self) -> None:
        self.reanalyze(self.library.selected_video_ids())

    def edit_settings(self) -> None:
        dialog = SettingsDialog(self.analysis_settings, self)
        if dialog.exec():
            self.analysis_settings = dialog.result_settings()
            if self.queue is not None:
                self.queue.set_settings(self.analysis_settings)

    def _video_changed(self, video_id: int) -> None:
        """Coalesce bursts of status changes into one refresh every 200 ms."""
        self._changed_videos.add(video_id)
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _apply_video_changes(self) -> None:
        changed, self._changed_videos = self._changed_videos, set()
        if self.project is None:
            return
        for vid in changed:
            self.library.refresh_video(vid)
        if self.current_video in changed and self.project.video(self.current_video)["status"] == "done":
            self.show_video(self.current_video, reload_player=not self.player.path)
        elif self.current_video is None and changed:
            done = [v for v in changed if self.project.video(v)["status"] == "done"]
            if done:
                self.library.select_video(done[0])
        if self.current_creator is not None and self.right.currentWidget() is self.creator_view:
            self.creator_view.load(self.project, self.current_creator)

    def _queue_changed(self, _key: str) -> None:
        if self.queue is None:
            return
        entries = list(self.queue.entries.values())
        active = [e for e in entries if e.status == "analyzing"]
        waiting = sum(1 for e in entries if e.status == "queued")
        if active:
            e = active[0]
            self.queue_status.setText(
                f"Analysing {Path(e.path).name}: {stage_label(e.stage)}"
                + (f" · {waiting} waiting" if waiting else "")
            )
            self.queue_bar.setValue(int(e.fraction * 1000))
            self.queue_bar.show()
        else:
            failed = sum(1 for e in entries if e.status == "failed")
            self.queue_status.setText(
                f"{waiting} waiting" if waiting else (f"{failed} failed" if failed else "")
            )
            self.queue_bar.hide()

    # ----------------------------------------------------------------- views
    def review_changed(self, video_id: int) -> None:
        """A review was saved, undone or redone: every view of the video re-reads the reading model."""
        if video_id == self.current_video and self.project is not None:
            self.value_panel.refresh()
            self.timeline.set_lines(reviewed_script(self.project, video_id))
            if self.value_panel.selected_value():
                self._mark_value(self.value_panel.selected_value() or "")
        self.library.refresh_video(video_id)

    def target_value(self, value_id: str | None) -> None:
        """Tell the script which value its "Add/Remove as evidence" commands are for (None: none selected)."""
        self.timeline.set_review_value(BY_ID[value_id].name if value_id in BY_ID else None)

    def selection(self) -> Selection:
        """What the action helpers may see: the project and the video or creator on show."""
        creator = self.current_creator if self.right.currentWidget() is self.creator_view else None
        return Selection(self.project, self.current_video, creator)

    def show_video(
        self,
        video_id: int,
        *,
        seek_ms: int | None = None,
        line_idx: int | None = None,
        reload_player: bool = True,
    ) -> None:
        if self.project is None:
            return
        try:
            row = self.project.video(video_id)
        except ProjectError as exc:
            self._problem("Video not found", str(exc), False)
            return
        switching = video_id != self.current_video
        self.current_video, self.current_creator = video_id, None
        self.timeline.set_lines(reviewed_script(self.project, video_id))
        self.value_panel.load(self.project, video_id)
        self.right.setCurrentWidget(self.value_panel)
        if needs_banner(row):
            self.failed_banner.show_video(row, writable=not self.project.readonly)
            self.player_area.setCurrentWidget(self.failed_banner)
        else:
            self.player_area.setCurrentWidget(self.player)
        if switching or reload_player:
            self.player.load(
                video_fs_path(row),
                duration_ms=int(row.get("duration_ms") or 0),
                posters=self.project.thumbnails(video_id),
            )
        if self.value_panel.selected_value():
            self._mark_value(self.value_panel.selected_value() or "")
        else:
            self.timeline.mark_lines(set())
            self.target_value(None)
        if seek_ms is not None:
            self.seek_to(seek_ms)
        if line_idx is not None:
            self.timeline.highlight_line(line_idx)

    def show_creator(self, name: str) -> None:
        if self.project is None:
            return
        self.current_creator = name
        self.creator_view.load(self.project, name)
        self.right.setCurrentWidget(self.creator_view)

    def _open_from_creator(self, video_id: int) -> None:
        if not self.library.select_video(video_id):
            self.show_video(video_id)

    def seek_to(self, ms: int) -> None:
        self.player.seek(ms)

    def _on_time(self, ms: int) -> None:
        self.timeline.set_time(ms)
        self.value_panel.set_time(ms)

    def _mark_value(self, value_id: str) -> None:
        color = self.value_panel.mark_color(value_id)  # red for a contradicted value, else its group colour
        self.timeline.mark_lines(self.value_panel.evidence_lines(value_id), color)
        self.target_value(value_id)

    def select_value(self, value_id: str) -> None:
        self.value_panel.select_value(value_id)

    # ----------------------------------------------------------------- reviews
    def apply_review(self, request: dict[str, Any]) -> None:
        self.review_actions.apply(request)

    def _undo_redo(self, *, undo: bool) -> None:
        self.review_actions.undo_redo(undo=undo)

    # ----------------------------------------------------------------- look and layout
    def set_theme(self, mode: str) -> None:
        prefs.set_theme_mode(mode)
        if self.theme is not None:
            self.theme.apply(mode)

    def _set_fullscreen(self, on: bool) -> None:
        self.window_layout.set_fullscreen(on)

    def _restore_layout(self) -> None:
        self.window_layout.restore()

    def default_layout(self) -> None:
        """Pane sizes in proportion to the window (what a first start gets)."""
        self.window_layout.default_layout()

    def save_layout(self) -> None:
        self.window_layout.save()
        s = prefs.settings()
        if self.project is not None:
            s.setValue("view/queue_visible", self.queue_dock.isVisible())

    def _about(self) -> None:
        from valuedesk import __version__

        QMessageBox.about(
            self,
            "About ValueDesk",
            f"<b>ValueDesk {__version__}</b><br>Explore the 19 human values (Schwartz's refined "
            "theory) that short videos express or contradict. Offline: videos, models and "
            "results stay on this computer. Labels are an automated reading, not a verdict.",
        )

    def dragEnterEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        """Files dropped anywhere on the window are imported (a project file is opened)."""
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        if len(paths) == 1 and paths[0].endswith(".vdproj"):
            self.open_project(paths[0])
        else:
            self.import_paths(paths)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if self.queue is not None and self.queue.is_busy():
            answer = QMessageBox.question(
                self, "Analysis running", "Videos are still being analysed. Stop the analysis and quit?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        if self.isFullScreen():
            self._set_fullscreen(False)
        self.save_layout()
        if self.project is not None:
            prefs.remember_project(str(self.project.path))
        self.close_project(keep_welcome=True)  # keeps "last project" for the next start
        self.player.close_backend()
        super().closeEvent(event)


def _plain(text: str, path: str) -> str:
    """ProjectError messages start with the path; show the cause first, then where."""
    cause = text[len(path) + 2 :] if text.startswith(path + ": ") else text
    return f"{cause[:1].upper()}{cause[1:]}.\n\nFile: {path}"
