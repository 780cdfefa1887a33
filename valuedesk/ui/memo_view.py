"""The Notes view: every reviewer's note in the project (on whole videos and on single values).

A researcher's memos, read from the reviews table (`review.project_notes`: the current note per video
and value). Double-click (or Enter) opens that video, and the value when the note is on one. The
view re-reads the project when shown, and while shown polls a cheap signature of the reviews
table every few seconds, so notes written anywhere (the value panel, undo, another program) show.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from valuedesk.project.store import Project, ProjectError
from valuedesk.review import Note
from valuedesk.review import project_notes as notes
from valuedesk.values import BY_ID

ROLE = Qt.ItemDataRole.UserRole
POLL_MS = 2500


def value_name(value_id: str | None) -> str:
    if not value_id:
        return "whole video"
    value = BY_ID.get(value_id)
    return value.name if value is not None else value_id


def short_date(iso: str) -> str:
    """'2025-03-01T10:22:05+00:00' -> '2025-03-01 10:22'."""
    return iso[:16].replace("T", " ") if iso else ""


class NotesView(QWidget):
    """All notes of the open project: video, value, text, author, date; filterable; double-click opens."""

    video_requested = Signal(int, str)  # video id, value id ("" for a note on the whole video)
    COLUMNS = ("Video", "Value", "Note", "Author", "Date")

    def __init__(
        self, project: Callable[[], Project | None] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._project_fn = project or (lambda: None)
        self._loaded_for: Project | None = None
        self._signature: tuple[object, ...] | None = None
        self._notes: list[Note] = []

        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter notes (text, video, creator, value, author)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(lambda _t: self._fill())
        self.count = QLabel(self)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(len(self.COLUMNS))
        self.tree.setHeaderLabels(list(self.COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setSortingEnabled(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        head = self.tree.header()
        head.setStretchLastSection(False)
        for col, mode in enumerate(
            (
                QHeaderView.ResizeMode.Interactive,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.ResizeToContents,
            )
        ):
            head.setSectionResizeMode(col, mode)
        self.tree.setColumnWidth(0, 170)
        self.tree.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        self.tree.itemActivated.connect(self._activated)  # double-click or Enter
        self.tree.itemDoubleClicked.connect(self._activated)

        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.count)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.tree, 1)
        hint = QLabel("Double-click a note to open its video.", self)
        hint.setEnabled(False)
        lay.addWidget(hint)

        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check)
        self.refresh()

    # ------------------------------------------------------------------ API
    def project(self) -> Project | None:
        return self._project_fn()

    def refresh(self) -> None:
        """Re-read the notes of the project now open."""
        project = self.project()
        self._loaded_for = project
        self._signature = self._read_signature(project)
        try:
            self._notes = notes(project) if project is not None else []
        except ProjectError:
            self._notes = []
        self._fill()

    def notes(self) -> list[Note]:
        """The notes listed now (after the filter), top to bottom."""
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item.data(0, ROLE) for item in items if item is not None]  # never None within the count

    def activate_row(self, row: int) -> None:
        self._activated(self.tree.topLevelItem(row))

    # ------------------------------------------------------------------ internals
    def _fill(self) -> None:
        needle = self.filter.text().strip().lower()
        self.tree.setSortingEnabled(False)
        self.tree.clear()
        shown = 0
        for n in self._notes:
            value = value_name(n.value_id)
            fields = (n.video_title, value, n.text, n.author, short_date(n.created_at))
            if needle and needle not in " ".join((*fields, n.creator)).lower():
                continue
            item = QTreeWidgetItem(self.tree, list(fields))
            item.setData(0, ROLE, n)
            item.setToolTip(0, f"{n.video_title}\n{n.creator}")
            item.setToolTip(2, n.text)
            item.setToolTip(4, n.created_at)
            if not n.value_id:
                font = item.font(1)
                font.setItalic(True)
                item.setFont(1, font)
            shown += 1
        self.tree.setSortingEnabled(True)
        total = len(self._notes)
        if self.project() is None:
            self.count.setText("No project open")
        elif not total:
            self.count.setText("No notes yet")
        else:
            self.count.setText(
                f"{shown} of {total} notes" if shown != total else f"{total} note{'s' * (total != 1)}"
            )

    def _activated(self, item: QTreeWidgetItem | None, _column: int = 0) -> None:
        note: Note | None = item.data(0, ROLE) if item is not None else None
        if note is not None:
            self.video_requested.emit(note.video_id, note.value_id or "")

    @staticmethod
    def _read_signature(project: Project | None) -> tuple[object, ...] | None:
        """Changes whenever a note could have changed: reviews added, undone or redone, titles edited."""
        if project is None:
            return None
        try:
            return tuple(
                project.db.execute(
                    "SELECT (SELECT COUNT(*) FROM reviews), (SELECT MAX(id) FROM reviews), "
                    "(SELECT SUM(undone) FROM reviews), (SELECT COUNT(*) FROM videos), "
                    "(SELECT MAX(updated_at) FROM videos)"
                ).fetchone()
            )
        except Exception:  # noqa: BLE001 (a closed or busy connection: check again later)
            return None

    def _check(self) -> None:
        project = self.project()
        if project is not self._loaded_for or self._read_signature(project) != self._signature:
            self.refresh()

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)  # type: ignore[arg-type]
        self._check()
        self._poll.start()

    def hideEvent(self, event: object) -> None:  # noqa: N802 (Qt override)
        super().hideEvent(event)  # type: ignore[arg-type]
        self._poll.stop()
