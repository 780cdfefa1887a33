"""File ▸ Report PDF… and File ▸ Export…: ask where, then build the file off the GUI thread.

The report package (Qt-widget-free) does the work; this module only chooses, shows progress
and explains failures in plain words.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from valuedesk.project.store import Project
from valuedesk.ui.selection import Notify, SelectionFn
from valuedesk.ui.selection import safe_file_stem as safe_name
from valuedesk.ui.tasks import BackgroundTask


def _report_function(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return getattr(importlib.import_module(module), name, None)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("valuedesk.report"):
            return None
        raise


class ReportActions:
    """The window's report and export commands, given what is on show and a way to say what happened."""

    def __init__(self, parent: QWidget, selection: SelectionFn, notify: Notify) -> None:
        self.parent = parent
        self.selection = selection
        self.notify = notify
        self.last_task: BackgroundTask | None = None

    def _run(
        self, title: str, label: str, job: Callable[[Project], Any], done_text: str
    ) -> BackgroundTask | None:
        w, project = self.parent, self.selection().project
        if project is None:
            return None
        task = BackgroundTask(w, str(project.path), job, title, label)

        def done(result: object) -> None:
            path = Path(str(result)) if result else None
            self.notify(f"{done_text}: {path}" if path else done_text, 8000)
            if path is not None and path.suffix.lower() == ".pdf":
                box = QMessageBox(
                    QMessageBox.Icon.Information,
                    title,
                    f"{done_text}:\n{path}",
                    QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
                    w,
                )
                box.button(QMessageBox.StandardButton.Open).clicked.connect(
                    lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
                )
                box.open()

        def failed(message: str, details: str) -> None:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                title,
                f"The file was not written.\n\n{message}",
                QMessageBox.StandardButton.Close,
                w,
            )
            box.setDetailedText(details)
            box.open()

        task.done.connect(done)
        task.failed.connect(failed)
        task.start()
        self.last_task = task
        return task

    def report_pdf(self, out: str | None = None) -> BackgroundTask | None:
        """A PDF for the creator on show, else for the selected video."""
        w, sel = self.parent, self.selection()
        if sel.project is None:
            return None
        creator = sel.creator
        if creator is None and sel.video_id is None:
            QMessageBox.information(w, "Report PDF", "Select a video or a creator in the library first.")
            return None
        if creator is not None:
            fn = _report_function("valuedesk.report.pdf_creator", "write_creator_report")
            subject, default = creator, f"{safe_name(creator)} - values.pdf"
        else:
            fn = _report_function("valuedesk.report.pdf_video", "write_video_report")
            video = sel.project.video(int(sel.video_id or 0))
            subject = str(video.get("title") or video.get("file_name"))
            default = f"{safe_name(subject)} - values.pdf"
        if fn is None:
            QMessageBox.information(w, "Report PDF", "PDF reports are not part of this build.")
            return None
        if out is None:
            folder = Path(str(sel.project.path)).parent
            out, _ = QFileDialog.getSaveFileName(w, "Save report", str(folder / default), "PDF (*.pdf)")
            if not out:
                return None
        target = out if out.lower().endswith(".pdf") else out + ".pdf"
        key: Any = creator if creator is not None else int(sel.video_id or 0)
        return self._run(
            "Report PDF",
            f"Writing the report on {subject}…",
            lambda project: fn(project, key, target, force=True),
            "Report written",
        )

    def export(self, choice: Any = None) -> BackgroundTask | None:
        """Ask format/videos/place (ExportDialog), then write through `valuedesk.report.exports`."""
        from valuedesk.ui.export_dialog import ExportDialog

        w, sel = self.parent, self.selection()
        if sel.project is None:
            return None
        exporter = _report_function("valuedesk.report.exports", "export")
        if exporter is None:
            QMessageBox.information(w, "Export", "Exports are not part of this build.")
            return None
        if choice is None:
            video = None
            if sel.video_id is not None:
                row = sel.project.video(sel.video_id)
                video = (int(sel.video_id), str(row.get("title") or row.get("file_name")))
            dialog = ExportDialog(
                Path(str(sel.project.path)).parent, video=video, creator=sel.creator, parent=w
            )
            if not dialog.exec():
                return None
            choice = dialog.choice()
        if Path(choice.out).exists() and Path(choice.out).is_dir() and any(Path(choice.out).iterdir()):
            answer = QMessageBox.question(
                w, "Export", f"{choice.out} already exists and holds files.\nReplace the export files in it?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None

        def job(project: Project) -> str:
            written = exporter(
                project,
                choice.fmt,
                choice.out,
                video=choice.video,
                creator=choice.creator,
                force=True,
                onscreen=choice.onscreen,
            )
            return str(choice.out) if len(written) != 1 else str(written[0])

        return self._run("Export", f"Exporting {choice.fmt.upper()}…", job, "Exported")
