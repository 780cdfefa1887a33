"""Library management in the window: remove videos, edit titles and creators, relink moved files, notes.

The library tree's context menu gets these entries (through `LibraryPanel.menu_requested`), the
Edit menu gets Remove / Relink (`act_remove`, `act_relink`) and the View menu the Notes dock
(`notes_dock`). The changes themselves are `valuedesk.project.library_ops` calls; this module asks,
confirms, explains problems in plain words and refreshes the views afterwards. In a read-only
project every edit action is disabled.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from valuedesk.project import library_ops
from valuedesk.project.store import ProjectError, video_fs_path
from valuedesk.ui.memo_view import NotesView

READ_ONLY_TIP = "This project is open read-only"


class CreatorDialog(QDialog):
    """Choose a creator by name: an editable list of the project's creators (a new name creates one)."""

    def __init__(
        self, title: str, text: str, names: Iterable[str], current: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(list(names))
        self.combo.setEditText(current)
        line_edit = self.combo.lineEdit()
        assert line_edit is not None  # an editable combo box has one
        line_edit.selectAll()
        self.combo.setMinimumWidth(280)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.combo.editTextChanged.connect(self._check)
        lay = QVBoxLayout(self)
        lay.addWidget(self.label)
        lay.addWidget(self.combo)
        lay.addWidget(self.buttons)
        self._check()

    def name(self) -> str:
        return " ".join(self.combo.currentText().split())

    def set_name(self, name: str) -> None:
        self.combo.setEditText(name)

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.name()))


class LibraryActions(QObject):
    """The window's library-management commands (`window` is the MainWindow); errors become dialogs."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.act_remove = self._action(
            "&Remove from project…",
            self.remove_selected,
            "Take the selected videos out of the project (the files stay on disk)",
        )
        self.act_relink = self._action(
            "Re&link moved files…",
            self.relink,
            "Find videos whose files were moved: search a folder for the same content",
        )
        # Delete in the library tree only (the script uses Delete for evidence)
        self.act_remove_key = self._action("Remove from project…", self.remove_selected)
        self.act_remove_key.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.act_remove_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        window.library.tree.addAction(self.act_remove_key)

        self.notes_view = NotesView(lambda: self.window.project, window)
        # below, a tab beside the analysis queue: a note needs the width
        self.notes_dock = window._dock(
            "Notes", "notesDock", self.notes_view, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        window.tabifyDockWidget(window.queue_dock, self.notes_dock)
        self.notes_dock.hide()
        self.notes_dock.toggleViewAction().setText("&Notes")
        self.notes_dock.toggleViewAction().triggered.connect(lambda on: on and self.notes_dock.raise_())
        self.notes_dock.toggleViewAction().setStatusTip(
            "Every note in the project; double-click one to open its video"
        )
        self._notes_wanted = False

        window.library.menu_requested.connect(self.extend_menu)
        window.library.search_changed.connect(window.timeline.highlight)
        self.notes_view.video_requested.connect(self.open_note)
        self.set_enabled(False)

    def add_menu_entries(self, edit: QMenu, view: QMenu) -> None:
        """Edit ▸ Remove from project… / Relink moved files…, View ▸ Notes."""
        edit.addSeparator()
        edit.addAction(self.act_remove)
        edit.addAction(self.act_relink)
        view.addAction(self.notes_dock.toggleViewAction())

    def _action(self, text: str, slot: Any, tip: str = "") -> QAction:
        act = QAction(text, self.window)
        if tip:
            act.setStatusTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        return act

    # ------------------------------------------------------------------ state
    def writable(self) -> bool:
        project = self.window.project
        return project is not None and not project.readonly

    def set_enabled(self, on: bool) -> None:
        """Project opened (on) or closed: edits need a writable project; the Notes dock needs a project."""
        writable = on and self.writable()
        for act in (self.act_remove, self.act_relink, self.act_remove_key):
            act.setEnabled(writable)
            act.setToolTip(act.text().replace("&", "") if writable or not on else READ_ONLY_TIP)
        self.notes_dock.toggleViewAction().setEnabled(on)
        if on and self._notes_wanted:  # it was open when the last project closed
            self._notes_wanted = False
            self.notes_dock.show()
        elif not on and not self.notes_dock.isHidden():
            self._notes_wanted = True
            self.notes_dock.hide()
        self.notes_view.refresh()

    # ------------------------------------------------------------------ the tree's context menu
    def extend_menu(self, menu: QMenu, video_ids: list[int]) -> None:
        """Add the management entries for what was right-clicked (a video, several, or a creator row)."""
        creator = self.window.library.selected_creator()  # one creator row right-clicked
        writable = self.writable()
        menu.addSeparator()
        added: list[QAction] = []
        if creator is None and len(video_ids) == 1:
            added.append(menu.addAction("Edit title…", lambda: self.edit_title(video_ids[0])))
        if creator is None:
            what = "Set creator…" if len(video_ids) == 1 else f"Set creator of {len(video_ids)} videos…"
            added.append(menu.addAction(what, lambda: self.set_creator(video_ids)))
        else:
            added.append(menu.addAction("Rename / merge creator…", lambda: self.rename_creator(creator)))
        if any(not library_ops.file_exists(r) for r in self.window.project.videos() if r["id"] in video_ids):
            added.append(menu.addAction("Relink moved files…", self.relink))
        menu.addSeparator()
        what = (
            "Remove from project…" if len(video_ids) == 1 else f"Remove {len(video_ids)} videos from project…"
        )
        added.append(menu.addAction(what, lambda: self.remove_videos(video_ids)))
        for act in added:
            act.setEnabled(writable)
            if not writable:
                act.setToolTip(READ_ONLY_TIP)
        menu.setToolTipsVisible(True)

    # ------------------------------------------------------------------ commands
    def _title(self, video_id: int) -> str:
        v = self.window.project.video(video_id)
        return str(v.get("title") or v.get("file_name") or f"video {video_id}")

    def _refuse(self) -> bool:
        """True (and an explanation) when the project cannot be changed now."""
        w = self.window
        if w.project is None:
            return True
        if w.project.readonly:
            QMessageBox.information(
                w,
                "Read-only project",
                "This project is open read-only: copy it somewhere writable to change it.",
            )
            return True
        return False

    def remove_selected(self) -> bool:
        w = self.window
        ids = w.library.selected_video_ids() or ([w.current_video] if w.current_video is not None else [])
        return self.remove_videos(ids)

    def remove_videos(self, video_ids: list[int], *, confirm: bool = True) -> bool:
        """Ask, then remove the videos and all that the project holds about them; the files stay."""
        w = self.window
        if not video_ids or self._refuse():
            return False
        ids = sorted(set(video_ids))
        n_reviews = int(
            w.project.db.execute(
                f"SELECT COUNT(*) FROM reviews WHERE undone = 0 AND video_id IN ({','.join('?' * len(ids))})",
                ids,
            ).fetchone()[0]
        )
        if len(ids) == 1:
            row = w.project.video(ids[0])
            what = f"“{self._title(ids[0])}”"
            where = f"\n\nThe video file stays on disk:\n{video_fs_path(row)}"
        else:
            what = f"{len(ids)} videos"
            where = "\n\nThe video files stay on disk; only the project forgets them."
        lost = "Its" if len(ids) == 1 else "Their"
        reviews = f", and {n_reviews} review{'s' * (n_reviews != 1)} and notes" if n_reviews else ""
        text = (
            f"Remove {what} from the project?\n\n{lost} scripts, value scores, evidence{reviews} are deleted "
            f"from the project file. This cannot be undone.{where}"
        )
        if confirm:
            answer = QMessageBox.question(
                w,
                "Remove from project",
                text,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            result = library_ops.remove_videos(w.project, ids)
        except ProjectError as exc:
            w._problem("Videos not removed", str(exc), False)
            return False
        if result.busy:
            n = len(result.busy)
            QMessageBox.information(
                w,
                "Some videos are being analysed",
                f"{n} of the videos {'is' if n == 1 else 'are'} queued or being analysed and "
                "stayed in the project. Cancel them in the analysis queue, then remove them.",
            )
        if result.removed:
            n = len(result.removed)
            w.statusBar().showMessage(
                f"Removed {n} video{'s' * (n != 1)} from the project (files kept on disk)", 5000
            )
        self.after_change(removed=result.removed)
        return bool(result.removed)

    def edit_title(self, video_id: int, title: str | None = None) -> bool:
        w = self.window
        if self._refuse():
            return False
        if title is None:
            title, ok = QInputDialog.getText(
                w,
                "Edit title",
                "Title of this video (the file keeps its name):",
                QLineEdit.EchoMode.Normal,
                self._title(video_id),
            )
            if not ok:
                return False
        try:
            library_ops.set_title(w.project, video_id, title)
        except (ProjectError, ValueError) as exc:
            w._problem("Title not changed", str(exc), False)
            return False
        self.after_change(changed=[video_id])
        return True

    def set_creator(self, video_ids: list[int], name: str | None = None) -> bool:
        """Move videos to another (or a new) creator."""
        w = self.window
        if not video_ids or self._refuse():
            return False
        current = str(w.project.video(video_ids[0]).get("creator") or "")
        if name is None:
            many = "this video" if len(video_ids) == 1 else f"these {len(video_ids)} videos"
            dialog = CreatorDialog(
                "Set creator",
                f"Creator of {many}: choose one or type a new name.",
                library_ops.creator_names(w.project),
                current,
                w,
            )
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            name = dialog.name()
        try:
            stored, _dropped = library_ops.set_creator(w.project, video_ids, name)
        except (ProjectError, ValueError) as exc:
            w._problem("Creator not changed", str(exc), False)
            return False
        w.statusBar().showMessage(f"Moved to {stored}", 4000)
        self.after_change(changed=list(video_ids), creator=(current, stored))
        return True

    def rename_creator(self, old: str, new: str | None = None, *, confirm: bool = True) -> bool:
        """Rename a creator; naming it like another creator merges the two (after asking)."""
        w = self.window
        if self._refuse():
            return False
        names = library_ops.creator_names(w.project)
        if new is None:
            dialog = CreatorDialog(
                "Rename or merge creator",
                f"New name for “{old}”. Choose another creator to merge “{old}” into it "
                "(all its videos move there).",
                [n for n in names if n != old],
                old,
                w,
            )
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            new = dialog.name()
        target = next((n for n in names if n == new), None) or next(
            (n for n in names if n.lower() == new.strip().lower() and n != old), None
        )
        if target is not None and target != old and confirm:
            n_old, n_new = len(w.project.videos(creator=old)), len(w.project.videos(creator=target))
            answer = QMessageBox.question(
                w,
                "Merge creators",
                f"“{target}” already exists. Merge “{old}” ({n_old} video{'s' * (n_old != 1)}) into “{target}” "
                f"({n_new} video{'s' * (n_new != 1)})?\n\nAll of “{old}”'s videos move to “{target}” and “{old}” "
                "is removed.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            name, merged = library_ops.rename_creator(w.project, old, new)
        except (ProjectError, ValueError) as exc:
            w._problem("Creator not renamed", str(exc), False)
            return False
        w.statusBar().showMessage(
            f"Merged “{old}” into “{name}”" if merged else f"Renamed “{old}” to “{name}”", 4000
        )
        self.after_change(creator=(old, name))
        return True

    def relink(self, folder: str | None = None) -> bool:
        """Search a folder for the files of videos whose stored path no longer exists; report what was found."""
        from valuedesk.media.probe import sha256_file

        w = self.window
        if self._refuse():
            return False
        missing = library_ops.missing_videos(w.project)
        if not missing:
            QMessageBox.information(
                w, "Relink moved files", "Every video's file is where the project expects it."
            )
            return False
        if folder is None:
            start = str(Path(video_fs_path(missing[0])).parent)
            while start and not Path(start).is_dir() and Path(start).parent != Path(start):
                start = str(Path(start).parent)
            folder = QFileDialog.getExistingDirectory(
                w, f"Folder holding the {len(missing)} moved file{'s' * (len(missing) != 1)}", start
            )
            if not folder:
                return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = library_ops.relink_moved(w.project, folder, hash_file=sha256_file)
        except ProjectError as exc:
            w._problem("Files not relinked", str(exc), False)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        found = len(result.relinked)
        text = (
            f"Found {found} of {len(missing)} missing file{'s' * (len(missing) != 1)} in {folder} "
            f"({result.scanned} media file{'s' * (result.scanned != 1)} looked at)."
        )
        if result.missing:
            titles = [self._title(v) for v in result.missing[:8]]
            text += "\n\nStill missing:\n" + "\n".join(f"• {t}" for t in titles)
            if len(result.missing) > 8:
                text += f"\n… and {len(result.missing) - 8} more"
        if result.errors:
            text += (
                f"\n\n{len(result.errors)} file{'s' * (len(result.errors) != 1)} could not be read, e.g. "
                + result.errors[0]
            )
        QMessageBox.information(w, "Relink moved files", text)
        self.after_change(changed=list(result.relinked), relinked=bool(result.relinked))
        return found > 0

    def open_note(self, video_id: int, value_id: str = "") -> None:
        """A note double-clicked in the Notes view: open its video (and its value)."""
        w = self.window
        if w.project is None:
            return
        if not w.library.select_video(video_id):  # hidden by a filter or search: open it anyway
            w.show_video(video_id)
        if value_id:
            w.select_value(value_id)

    # ------------------------------------------------------------------ refresh
    def after_change(
        self,
        *,
        removed: Iterable[int] = (),
        changed: Iterable[int] = (),
        creator: tuple[str, str] | None = None,
        relinked: bool = False,
    ) -> None:
        """Library, creator view, current video and notes re-read the project after a change."""
        w = self.window
        if w.project is None:
            return
        removed, changed = set(removed), set(changed)
        w._changed_videos -= removed  # queue updates still pending for them: nothing left to update
        w.library.refresh()
        if w.current_video is not None and w.current_video in removed:
            w.player.unload()
            area = getattr(w, "player_area", None)  # the player, or a failed video's banner
            if area is not None:
                area.setCurrentWidget(w.player)
            w.timeline.set_lines([])
            w.value_panel.clear()
            w.target_value(None)
            w.current_video = None
        elif w.current_video is not None and w.current_video in changed:
            w.show_video(w.current_video, reload_player=relinked)
        if w.current_creator is not None:
            name = w.current_creator
            names = library_ops.creator_names(w.project)
            if creator is not None and name == creator[0] and name not in names:  # renamed, merged or emptied
                name = creator[1]
            if name in names:
                w.current_creator = name
                if w.right.currentWidget() is w.creator_view:
                    w.creator_view.load(w.project, name)
                w.library.select_creator(name)
            else:
                w.current_creator = None
                w.creator_view.clear()
                w.right.setCurrentWidget(w.value_panel)
        self.notes_view.refresh()
