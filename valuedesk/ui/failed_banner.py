"""What stands where the player would be when a video has no analysis to show: its error and Retry.

A failed or interrupted video used to show an empty player and "not analysed yet", which hid why.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

HEADINGS = {
    "failed": "The analysis of this video failed",
    "interrupted": "The analysis of this video did not finish",
    "cancelled": "The analysis of this video was cancelled",
}


def needs_banner(video: dict[str, Any]) -> bool:
    """A video with nothing to play or read because its analysis failed, stopped or was cancelled."""
    return video.get("current_run_id") is None and str(video.get("status")) in HEADINGS


class FailedVideoBanner(QWidget):
    """The error of a video in plain words, with Retry (disabled for read-only projects)."""

    retry_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("failedVideoBanner")
        self._video_id: int | None = None
        self.heading = QLabel(self)
        self.heading.setObjectName("failedHeading")
        self.heading.setWordWrap(True)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry = QPushButton("Retry the analysis", self)
        self.retry.clicked.connect(self._retry)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.retry)
        row.addStretch(1)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.heading)
        box.addWidget(self.detail)
        box.addLayout(row)
        box.addStretch(2)

    def show_video(self, video: dict[str, Any], *, writable: bool) -> None:
        self._video_id = int(video["id"])
        status = str(video.get("status"))
        self.heading.setText(f"<h3>{escape(HEADINGS.get(status, status))}</h3>")
        error = str(video.get("error") or "").strip()
        if not error and status == "interrupted":
            error = (
                "ValueDesk stopped while it was analysing this file (closed, killed or the disk was full)."
            )
        where = escape(str(video.get("path") or ""))
        lines = escape(error).replace("\n", "<br>") if error else "No details were recorded."
        self.detail.setText(f"<p>{lines}</p><p><small>{where}</small></p>")
        self.retry.setEnabled(writable)
        self.retry.setToolTip("" if writable else "The project is open read-only.")

    def video_id(self) -> int | None:
        return self._video_id

    def _retry(self) -> None:
        if self._video_id is not None:
            self.retry_requested.emit(self._video_id)
