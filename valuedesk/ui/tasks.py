"""Run one slow, Qt-widget-free job (a PDF, an export) off the GUI thread, with a progress dialog.

The job gets its own `Project` connection (opened in the worker thread), so the GUI keeps
reading through its own. Errors come back as plain-words messages, never as a crash.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from valuedesk.project.store import Project, ProjectError


class _Runner(QObject):
    finished = Signal(object)
    failed = Signal(str, str)  # message, details

    def __init__(self, project_path: str, job: Callable[[Project], Any]) -> None:
        super().__init__()
        self.project_path = project_path
        self.job = job

    @Slot()
    def run(self) -> None:
        try:
            with Project.open(self.project_path) as project:
                result = self.job(project)
        except (ProjectError, OSError, ValueError) as exc:
            self.failed.emit(str(exc), traceback.format_exc())
        except Exception as exc:  # a bug in a report must not take the window down
            ours = type(exc).__module__.startswith("valuedesk")  # our errors are already plain words
            self.failed.emit(str(exc) if ours else f"{type(exc).__name__}: {exc}", traceback.format_exc())
        else:
            self.finished.emit(result)


class BackgroundTask(QObject):
    """`BackgroundTask(parent, path, job, title, label)`; connect done/failed, then `start()`."""

    done = Signal(object)
    failed = Signal(str, str)

    _active: set[BackgroundTask] = set()

    def __init__(
        self, parent: QWidget, project_path: str, job: Callable[[Project], Any], title: str, label: str
    ) -> None:
        super().__init__(parent)
        self._thread = QThread(self)
        self._runner = _Runner(project_path, job)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._runner.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self._runner.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self.dialog = QProgressDialog(label, "", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setCancelButton(None)
        self.dialog.setMinimumDuration(300)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)

    def start(self) -> None:
        BackgroundTask._active.add(self)
        self.dialog.show()
        self._thread.start()

    def wait(self, ms: int = 60000) -> bool:
        return self._thread.wait(ms)

    def _end(self) -> None:
        self._thread.quit()
        self._thread.wait()
        self.dialog.reset()
        self.dialog.close()
        BackgroundTask._active.discard(self)

    def _finished(self, result: object) -> None:
        self._end()
        self.done.emit(result)

    def _failed(self, message: str, details: str) -> None:
        self._end()
        self.failed.emit(message, details)
