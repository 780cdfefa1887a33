"""Analysis ▸ Retrain from reviews…: the CLI's `train --project`, off the GUI thread.

The job (valuedesk.classify.retrain) runs in a `BackgroundTask` with its own project
connection; its progress lines update the progress dialog. The result dialog shows the same
before/after table the CLI prints and offers "Use this model", which only switches the
classifier setting to the new folder — the shipped model is never changed, and switching back
is Settings ▸ Value classifier = shipped model.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from valuedesk.ui import prefs
from valuedesk.ui.tasks import BackgroundTask

TITLE = "Retrain from reviews"


class _Progress(QObject):
    """Lives in the GUI thread; the worker emits, Qt queues the text to the dialog."""

    message = Signal(str)


class RetrainResultDialog(QDialog):
    """The before/after summary; accepted = "Use this model"."""

    def __init__(self, result: Any, project_path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from valuedesk.classify.retrain import usage_hint

        self.result_ = result
        self.setWindowTitle(TITLE)
        self.resize(860, 560)
        be, ae = result.before.endorsed, result.after.endorsed
        head = QLabel(
            f"<b>Endorsed macro F1 on held-out reviewed videos: {be.macro_f1:.3f} → {ae.macro_f1:.3f}</b>"
            f"<br>New model saved in {result.out_dir}<br>The shipped model was not changed.",
            self,
        )
        head.setWordWrap(True)
        text = QPlainTextEdit(self)
        text.setReadOnly(True)
        text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        text.setPlainText(f"{result.summary}\n\n{usage_hint(result.out_dir, project_path)}")
        self.text = text
        buttons = QDialogButtonBox(self)
        self.use_button = buttons.addButton("Use this model", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Keep the current model", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(text, 1)
        lay.addWidget(buttons)


def use_model(window: Any, folder: Path | str) -> None:
    """Make `folder` the value classifier for new analyses (saved like the Settings dialog does)."""
    settings = dataclasses.replace(window.analysis_settings, classifier=str(folder))
    prefs.save_analysis_settings(settings)
    window.analysis_settings = settings
    if getattr(window, "queue", None) is not None:
        window.queue.set_settings(settings)
    window.statusBar().showMessage(f"Value classifier: {folder} (switch back in Analysis ▸ Settings…)", 10000)


def retrain_from_reviews(window: Any, **kwargs: Any) -> BackgroundTask | None:
    """Start retraining on the open project; returns the task (None when there is no project)."""
    if window.project is None:
        QMessageBox.information(window, TITLE, "Open a project with reviewed videos first.")
        return None
    path = str(window.project.path)
    progress = _Progress(window)

    def job(project: Any) -> Any:
        # imported here so torch loads in the worker thread, not while the GUI starts
        from valuedesk.classify.retrain import retrain_project

        return retrain_project(project, log=progress.message.emit, **kwargs)

    task = BackgroundTask(window, path, job, TITLE, "Retraining the value model on reviewed videos…")
    progress.message.connect(task.dialog.setLabelText)

    def done(result: Any) -> None:
        progress.deleteLater()
        dialog = RetrainResultDialog(result, path, window)
        dialog.accepted.connect(lambda: use_model(window, result.out_dir))
        task.result_dialog = dialog  # type: ignore[attr-defined]  # keep it alive while open (tests read it)
        dialog.open()

    def failed(message: str, _details: str) -> None:
        progress.deleteLater()
        QMessageBox.warning(window, TITLE, message)

    task.done.connect(done)
    task.failed.connect(failed)
    task.start()
    return task
