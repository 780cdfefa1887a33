"""The script lines that carry one value: quote, time and weight, strongest first.

Evidence is what makes a label checkable, so each row is one click away from the moment in the
video (`evidence_clicked` → the player seeks, the timeline jumps to the line). Lines a reviewer
added are marked, so human and model evidence never blur together.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from valuedesk.script import format_ms
from valuedesk.ui.radar import is_dark, label_color, label_text
from valuedesk.values import BY_ID

LINE_ROLE = Qt.ItemDataRole.UserRole
START_ROLE = Qt.ItemDataRole.UserRole + 1


def weight_bar(weight: float, width: int = 5) -> str:
    """A tiny text bar (▰▰▰▱▱) so weight reads without colour and survives copy/paste."""
    w = max(0.0, min(1.0, float(weight)))
    n = round(w * width)
    return "▰" * n + "▱" * (width - n)


class EvidenceList(QWidget):
    """Evidence lines of one value; a click emits (line_idx, start_ms)."""

    evidence_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value_id: str | None = None
        self._items: list[dict[str, Any]] = []
        self._label: int | None = None
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Time", "Weight", "Line"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        head = self.tree.header()
        head.setStretchLastSection(True)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemClicked.connect(self._on_item)
        self.tree.itemActivated.connect(self._on_item)  # Enter key
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.title)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.empty, 1)
        self.set_evidence(None, [])

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(320, 180)

    # ------------------------------------------------------------------ API
    def set_evidence(
        self, value_id: str | None, items: list[dict[str, Any]], label: int | None = None
    ) -> None:
        """Show `items` (line_idx, start_ms, end_ms, weight, text, kind, added_by_reviewer) for a value.

        `label` (optional, the value's effective label) colours the title, so "evidence for a
        contradiction" is not mistaken for evidence of endorsement.
        """
        self._value_id = value_id
        self._label = label
        self._items = sorted(
            items,
            key=lambda it: (
                not it.get("added_by_reviewer", False),
                -float(it.get("weight") or 0.0),
                int(it.get("start_ms", 0)),
            ),
        )
        self.tree.clear()
        for it in self._items:
            reviewer = bool(it.get("added_by_reviewer"))
            weight = it.get("weight")
            wtext = (
                "✎ reviewer"
                if reviewer and weight is None
                else f"{weight_bar(weight or 0)} {float(weight or 0):.0%}"
            )
            if reviewer and weight is not None:
                wtext = "✎ " + wtext
            span = f"{format_ms(int(it.get('start_ms', 0)))}"
            row = QTreeWidgetItem([span, wtext, str(it.get("text", ""))])
            row.setData(0, LINE_ROLE, int(it.get("line_idx", -1)))
            row.setData(0, START_ROLE, int(it.get("start_ms", 0)))
            end = it.get("end_ms")
            kind = it.get("kind", "")
            tip = f"{kind} · {format_ms(int(it.get('start_ms', 0)))}" + (
                f"–{format_ms(int(end))}" if end else ""
            )
            if reviewer:
                tip += "\nadded by a reviewer"
                f = QFont(row.font(1))
                f.setItalic(True)
                row.setFont(1, f)
            for col in range(3):
                row.setToolTip(col, tip if col < 2 else f"{it.get('text', '')}\n\n{tip}")
            self.tree.addTopLevelItem(row)
        self._update_title()
        has = bool(self._items)
        self.tree.setVisible(has)
        self.empty.setVisible(not has)
        if value_id is None:
            self.empty.setText("Select a value on the radar or in the table to see its evidence.")
        else:
            self.empty.setText("No evidence lines for this value.")

    def value_id(self) -> str | None:
        return self._value_id

    def count(self) -> int:
        return len(self._items)

    def item(self, row: int) -> dict[str, Any]:
        return self._items[row]

    def click_row(self, row: int) -> None:
        """Act as if a row was clicked (keyboard, tests)."""
        self._on_item(self.tree.topLevelItem(row), 0)

    # ------------------------------------------------------------------ internals
    def changeEvent(self, ev: QEvent) -> None:  # noqa: N802 (Qt name)
        if ev.type() == QEvent.Type.PaletteChange:
            self._update_title()
        super().changeEvent(ev)

    def _update_title(self) -> None:
        if self._value_id is None:
            self.title.setText("<b>Evidence</b>")
            return
        v = BY_ID.get(self._value_id)
        name = v.name if v else self._value_id
        extra = ""
        if self._label is not None:
            pal = self.palette()
            fg = pal.color(QPalette.ColorRole.WindowText)
            c: QColor = label_color(self._label, fg, is_dark(pal.color(QPalette.ColorRole.Window)))
            extra = f' — <span style="color:{c.name()}">{label_text(self._label)}</span>'
        self.title.setText(f"<b>Evidence: {name}</b>{extra} ({len(self._items)} lines)")

    def _on_item(self, item: QTreeWidgetItem | None, _col: int) -> None:
        if item is None:
            return
        line_idx = int(item.data(0, LINE_ROLE))
        start = int(item.data(0, START_ROLE))
        self.evidence_clicked.emit(line_idx, start)
