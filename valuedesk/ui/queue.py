"""The analysis queue: a worker in a QThread feeds files to the analysis child process.

The GUI thread never hashes, decodes or waits: `QueueWorker` lives in its own QThread with its
own `Project` connection (SQLite WAL lets the GUI read meanwhile) and an `Analyzer(isolate=True)`
whose child process holds the models. Cancel is a thread-safe flag the analyzer polls every
50 ms; it kills the child at once. Between jobs the worker returns to its event loop, so new
files, settings and shutdown requests are handled in order.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from valuedesk.pipeline import AnalysisSettings, Analyzer, Job, ProgressEvent, collect_media
from valuedesk.pipeline.stages import stage_label
from valuedesk.project.store import Project, ProjectError

CHILD_NICENESS = 10
FINAL = ("done", "failed", "skipped", "cancelled")
STOPPED = ("failed", "cancelled")  # final without a result: the bar keeps how far the analysis got


def job_key(path: str | os.PathLike[str]) -> str:
    """The key the pipeline's events carry for a file (its path, undecodable bytes replaced)."""
    return os.fsencode(path).decode("utf-8", "replace")


@dataclass
class QueueEntry:
    key: str
    path: str
    status: str = "queued"  # queued | analyzing | done | failed | skipped | cancelled
    stage: str = ""
    fraction: float = 0.0  # how far the analysis got (1.0 once done or skipped)
    message: str = ""
    video_id: int | None = None


def progress_text(entry: QueueEntry) -> str:
    """The progress bar's words: a percentage, or what stopped the analysis and where."""
    percent = f"{entry.fraction * 100:.0f} %"
    if entry.status in STOPPED:
        return f"{entry.status} at {percent}" if entry.fraction > 0 else entry.status
    return percent


class QueueWorker(QObject):
    """Runs in the queue's QThread. Slots arrive through queued signals; `cancel` is thread-safe."""

    progress = Signal(object)  # ProgressEvent (not `event`: that would shadow QObject.event)
    batch_error = Signal(str)
    idle = Signal()

    def __init__(self, project_path: str, settings: AnalysisSettings) -> None:
        super().__init__()
        self.project_path = project_path
        self.settings = settings
        self._project: Project | None = None
        self._analyzer: Analyzer | None = None
        self._pending: deque[Job] = deque()
        self._known: set[str] = set()
        self._running: str | None = None
        self._lock = threading.Lock()
        self._cancelled: set[str] = set()
        self._stopping = False
        self._niced_pid: int | None = None

    # thread-safe, called from the GUI thread
    def cancel(self, key: str) -> None:
        with self._lock:
            self._cancelled.add(key)

    def stop(self) -> None:
        with self._lock:
            self._stopping = True

    def child_pid(self) -> int | None:
        """The analysis child's pid while one runs (tests and the details view)."""
        engine = getattr(self._analyzer, "_engine", None)
        return getattr(engine, "pid", None)

    def _should_stop(self, key: str) -> bool:
        self._lower_child_priority()
        with self._lock:
            return self._stopping or key in self._cancelled

    def _lower_child_priority(self) -> None:
        """The models run at a lower CPU priority than the window, so playback and clicks stay smooth
        on a busy machine (it costs nothing when cores are free)."""
        pid = self.child_pid()
        if pid is None or pid == self._niced_pid or not hasattr(os, "setpriority"):
            return
        self._niced_pid = pid
        with contextlib.suppress(OSError):  # not permitted or already gone: it runs at normal priority
            os.setpriority(os.PRIO_PROCESS, pid, max(os.getpriority(os.PRIO_PROCESS, pid), CHILD_NICENESS))

    # worker-thread slots
    def _ensure(self) -> Analyzer:
        if self._project is None:
            self._project = Project.open(self.project_path)
        if self._analyzer is None:
            self._analyzer = Analyzer(self._project, self.settings, isolate=True, on_event=self.progress.emit)
        return self._analyzer

    @Slot(list, bool)
    def add_paths(self, paths: list[str], force: bool) -> None:
        if self._stopping:
            return
        try:
            analyzer = self._ensure()
            files, errors = collect_media([os.path.abspath(p) for p in paths])
            for err in errors:
                where = err.split(": ", 1)[0]
                self.progress.emit(ProgressEvent(where, "failed", 1.0, err))
            fresh = []
            for f in files:
                key = job_key(f)
                if key in self._known:
                    continue
                with self._lock:
                    self._cancelled.discard(key)
                fresh.append(f)
            for job in analyzer.enqueue(fresh, force=force):
                self._known.add(job_key(job.path))
                self._pending.append(job)
        except ProjectError as exc:
            self.batch_error.emit(str(exc))
            return
        except OSError as exc:
            self.batch_error.emit(f"cannot add the files: {exc}")
            return
        QTimer.singleShot(0, self._run_next)

    @Slot(object)
    def set_settings(self, settings: AnalysisSettings) -> None:
        """New settings apply from the next video (the child is restarted with them)."""
        self.settings = settings
        if self._analyzer is not None:
            self._analyzer.close()
            self._analyzer = None

    @Slot()
    def _run_next(self) -> None:
        if self._running is not None or self._stopping:
            return
        if not self._pending:
            self.idle.emit()
            return
        job = self._pending.popleft()
        key = job_key(job.path)
        self._known.discard(key)
        analyzer = self._ensure()
        if self._should_stop(key) and not self._stopping:
            self._cancel_pending(analyzer, job, key)
        else:
            self._running = key
            try:
                analyzer.run(job, should_stop=lambda: self._should_stop(key))
            except ProjectError as exc:
                self._pending.clear()
                self._known.clear()
                self.batch_error.emit(str(exc))
            finally:
                self._running = None
        with self._lock:
            self._cancelled.discard(key)
        QTimer.singleShot(0, self._run_next)

    def _cancel_pending(self, analyzer: Analyzer, job: Job, key: str) -> None:
        if job.video_id is not None and not job.skipped and not job.error:
            analyzer.project.set_status(job.video_id, "cancelled")
            analyzer.release(job)
        self.progress.emit(ProgressEvent(key, "cancelled", 1.0, "cancelled before it started", job.video_id))

    @Slot()
    def shutdown(self) -> None:
        """Close the child and the connection in the thread that opened them."""
        self._pending.clear()
        if self._analyzer is not None:
            self._analyzer.close()
            self._analyzer = None
        if self._project is not None:
            self._project.close()
            self._project = None


class AnalysisQueue(QObject):
    """GUI-side handle: owns the thread, keeps one entry per file, re-emits what the UI needs."""

    entry_changed = Signal(str)  # key
    video_changed = Signal(int)  # a video's status or results changed: refresh views of it
    video_done = Signal(int)
    batch_error = Signal(str)
    busy_changed = Signal(bool)
    _add = Signal(list, bool)
    _settings = Signal(object)
    _shutdown = Signal()

    def __init__(self, project_path: str, settings: AnalysisSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: dict[str, QueueEntry] = {}
        self._busy = False
        self._thread = QThread(self)
        self._thread.setObjectName("valuedesk-queue")
        self.worker = QueueWorker(project_path, settings)
        self.worker.moveToThread(self._thread)
        self._add.connect(self.worker.add_paths)
        self._settings.connect(self.worker.set_settings)
        self._shutdown.connect(self.worker.shutdown, Qt.ConnectionType.BlockingQueuedConnection)
        self.worker.progress.connect(self._on_event)
        self.worker.batch_error.connect(self._on_batch_error)
        self.worker.idle.connect(lambda: self._set_busy(False))
        self._thread.start()

    def add(self, paths: list[str], *, force: bool = False) -> None:
        """Queue files or folders (folders are searched for media in the worker thread)."""
        if paths:
            self._set_busy(True)
            self._add.emit([os.fspath(p) for p in paths], force)

    def set_settings(self, settings: AnalysisSettings) -> None:
        self._settings.emit(settings)

    def cancel(self, key: str) -> None:
        entry = self.entries.get(key)
        if entry is not None and entry.status not in FINAL:
            self.worker.cancel(key)

    def cancel_all(self) -> None:
        for key in list(self.entries):
            self.cancel(key)

    def retry(self, key: str) -> None:
        entry = self.entries.get(key)
        if entry is not None and entry.status in ("failed", "cancelled"):
            self.add([entry.path], force=False)

    def clear_finished(self) -> None:
        for key in [k for k, e in self.entries.items() if e.status in FINAL]:
            del self.entries[key]
            self.entry_changed.emit(key)

    def is_busy(self) -> bool:
        return self._busy or any(e.status not in FINAL for e in self.entries.values())

    def close(self, timeout_ms: int = 15000) -> None:
        """Cancel what runs (the child is killed), close the worker's resources, end the thread."""
        if not self._thread.isRunning():
            return
        self.worker.stop()
        self._shutdown.emit()
        self._thread.quit()
        self._thread.wait(timeout_ms)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    def _on_event(self, ev: ProgressEvent) -> None:
        entry = self.entries.get(ev.path)
        if entry is None:
            entry = self.entries[ev.path] = QueueEntry(ev.path, ev.path)
        previous = entry.status
        if ev.video_id is not None:
            entry.video_id = ev.video_id
        if ev.stage in FINAL or ev.stage == "queued":
            entry.status = ev.stage
            entry.stage = "" if ev.stage == "queued" else entry.stage
            entry.message = ev.message
            if ev.stage not in STOPPED:
                entry.fraction = 0.0 if ev.stage == "queued" else 1.0  # (again) waiting; done or skipped
            elif previous != "analyzing" and previous not in STOPPED:
                entry.fraction = 0.0  # stopped before it started (the event's 1.0 means "over", not "done")
            # else: failed or cancelled while analysing: the bar keeps the fraction reached
        else:
            entry.status = "analyzing"
            entry.stage = ev.stage
            entry.fraction = max(0.0, min(1.0, ev.fraction))
            entry.message = ev.message
        self.entry_changed.emit(ev.path)
        if entry.video_id is not None and (entry.status != previous or ev.stage == "save"):
            self.video_changed.emit(entry.video_id)
            if entry.status == "done":
                self.video_done.emit(entry.video_id)

    def _on_batch_error(self, message: str) -> None:
        for entry in self.entries.values():
            if entry.status not in FINAL:
                entry.status, entry.message = "failed", message
                self.entry_changed.emit(entry.key)
        self._set_busy(False)
        self.batch_error.emit(message)


class QueuePanel(QWidget):
    """A table of files with stage, a progress bar and status; cancel, retry, details."""

    COLUMNS = ("File", "Stage", "Progress", "Status")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue: AnalysisQueue | None = None
        self._rows: dict[str, int] = {}
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(2, 140)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(lambda *_: self.show_details())
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_all_button = QPushButton("Cancel all", self)
        self.retry_button = QPushButton("Retry", self)
        self.details_button = QPushButton("Details…", self)
        self.clear_button = QPushButton("Clear finished", self)
        self.cancel_button.clicked.connect(self._cancel_selected)
        self.cancel_all_button.clicked.connect(lambda: self.queue and self.queue.cancel_all())
        self.retry_button.clicked.connect(self._retry_selected)
        self.details_button.clicked.connect(self.show_details)
        self.clear_button.clicked.connect(lambda: self.queue and self.queue.clear_finished())
        buttons = QHBoxLayout()
        for b in (self.cancel_button, self.cancel_all_button, self.retry_button, self.details_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def set_queue(self, queue: AnalysisQueue | None) -> None:
        if self.queue is not None:
            self.queue.entry_changed.disconnect(self._entry_changed)
        self.queue = queue
        self._rows.clear()
        self.table.setRowCount(0)
        if queue is not None:
            queue.entry_changed.connect(self._entry_changed)
            for key in queue.entries:
                self._entry_changed(key)
        self._update_buttons()

    def selected_keys(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        by_row = {r: k for k, r in self._rows.items()}
        return [by_row[r] for r in rows if r in by_row]

    def _entry_changed(self, key: str) -> None:
        assert self.queue is not None
        entry = self.queue.entries.get(key)
        if entry is None:
            self._rebuild()
            return
        row = self._rows.get(key)
        if row is None:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self._rows[key] = row
            name = QTableWidgetItem(Path(entry.path).name or entry.path)
            name.setToolTip(entry.path)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(""))
            bar = QProgressBar(self.table)
            bar.setRange(0, 1000)
            bar.setTextVisible(True)
            self.table.setCellWidget(row, 2, bar)
            self.table.setItem(row, 3, QTableWidgetItem(""))
        stage_item = self.table.item(row, 1)
        assert stage_item is not None  # every row gets its items when it is added
        stage_item.setText(stage_label(entry.stage) if entry.status == "analyzing" else "")
        cell = self.table.cellWidget(row, 2)
        if isinstance(cell, QProgressBar):
            cell.setValue(int(entry.fraction * 1000))
            cell.setFormat(progress_text(entry))
        first_line = entry.message.splitlines()[0] if entry.message else ""
        status = (
            entry.status if not first_line or entry.status == "analyzing" else f"{entry.status}: {first_line}"
        )
        item = self.table.item(row, 3)
        assert item is not None
        item.setText(status)
        item.setToolTip(entry.message)
        self._update_buttons()

    def _rebuild(self) -> None:
        self._rows.clear()
        self.table.setRowCount(0)
        if self.queue is not None:
            for key in self.queue.entries:
                self._entry_changed(key)

    def _entries(self) -> list[QueueEntry]:
        if self.queue is None:
            return []
        return [self.queue.entries[k] for k in self.selected_keys() if k in self.queue.entries]

    def _update_buttons(self) -> None:
        chosen = self._entries()
        active = self.queue is not None and any(e.status not in FINAL for e in self.queue.entries.values())
        self.cancel_button.setEnabled(any(e.status not in FINAL for e in chosen))
        self.cancel_all_button.setEnabled(active)
        self.retry_button.setEnabled(any(e.status in ("failed", "cancelled") for e in chosen))
        self.details_button.setEnabled(len(chosen) == 1)
        self.clear_button.setEnabled(
            self.queue is not None and any(e.status in FINAL for e in self.queue.entries.values())
        )

    def _cancel_selected(self) -> None:
        for e in self._entries():
            if self.queue is not None:
                self.queue.cancel(e.key)

    def _retry_selected(self) -> None:
        for e in self._entries():
            if self.queue is not None:
                self.queue.retry(e.key)

    def show_details(self) -> None:
        chosen = self._entries()
        if len(chosen) != 1:
            return
        e = chosen[0]
        box = QMessageBox(self)
        box.setWindowTitle("Analysis details")
        box.setIcon(QMessageBox.Icon.Warning if e.status == "failed" else QMessageBox.Icon.Information)
        summary = e.message.splitlines()[0] if e.message else "No problems reported."
        box.setText(f"{Path(e.path).name}: {e.status}\n\n{summary}")
        box.setDetailedText(f"File: {e.path}\nVideo id: {e.video_id}\nStage: {e.stage}\n\n{e.message}")
        box.open()


def describe(entry: QueueEntry) -> dict[str, Any]:
    """A plain dict of an entry (for tests and the status bar)."""
    return {
        "key": entry.key,
        "status": entry.status,
        "stage": entry.stage,
        "fraction": entry.fraction,
        "message": entry.message,
        "video_id": entry.video_id,
    }
