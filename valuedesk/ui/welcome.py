"""First screen when no project is open: create one, open one, or pick a recent one."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class WelcomePage(QWidget):
    """Plain words on what ValueDesk does and the three ways in."""

    new_requested = Signal()
    open_requested = Signal()
    recent_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h1>ValueDesk</h1>", self)
        intro = QLabel(
            "See which of the 19 human values a short video expresses or contradicts — "
            "with the moment in the video that shows it. Everything stays on this computer.",
            self,
        )
        intro.setWordWrap(True)
        steps = QLabel(
            "1. Create a project (one file holds all results).<br>"
            "2. Import videos or folders (File ▸ Import, or drop them on the library).<br>"
            "3. Watch a clip with its script; click a value to see its evidence.",
            self,
        )
        steps.setWordWrap(True)
        self.new_button = QPushButton("New project…", self)
        self.open_button = QPushButton("Open project…", self)
        self.new_button.setDefault(True)
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        self.recent_label = QLabel("<b>Recent projects</b>", self)
        self.recent = QListWidget(self)
        self.recent.setMaximumHeight(220)
        self.recent.itemActivated.connect(self._chosen)
        self.recent.itemClicked.connect(self._chosen)
        self.message = QLabel(self)
        self.message.setWordWrap(True)

        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(8)
        column.addWidget(steps)
        column.addSpacing(12)
        column.addLayout(buttons)
        column.addSpacing(12)
        column.addWidget(self.recent_label)
        column.addWidget(self.recent)
        column.addWidget(self.message)
        column.addStretch(2)
        box = QWidget(self)
        box.setLayout(column)
        box.setMaximumWidth(640)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 4)
        outer.addStretch(1)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for p in paths:
            item = QListWidgetItem(f"{os.path.basename(p)}  —  {os.path.dirname(p)}")
            item.setData(Qt.ItemDataRole.UserRole, p)
            item.setToolTip(p if os.path.exists(p) else f"{p}\n(file not found)")
            if not os.path.exists(p):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.recent.addItem(item)
        self.recent_label.setVisible(bool(paths))
        self.recent.setVisible(bool(paths))

    def set_message(self, text: str) -> None:
        self.message.setText(text)

    def _chosen(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.recent_chosen.emit(str(path))
