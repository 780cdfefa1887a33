"""Review requests from the value panel, and Edit ▸ Undo/Redo review, through `valuedesk.review`.

The review service stores people's corrections apart from the model's rows; this module only
turns panel requests into service calls and refreshes the views that show the result.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from valuedesk.project.store import ProjectError

if TYPE_CHECKING:
    from valuedesk.ui.mainwindow import MainWindow


class ReviewActions:
    """The window's review commands; errors become a plain-words dialog."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def apply(self, request: dict[str, Any]) -> bool:
        """ReviewPanel request ({action, value_id, label?, note?, video_id?}) → review service."""
        w = self.window
        if w.project is None:
            return False
        from valuedesk.review import ReviewService

        video_id = int(request.get("video_id") or w.current_video or 0)
        value_id = request.get("value_id")
        note = str(request.get("note") or "")
        service = ReviewService(w.project, os.environ.get("USER", ""))
        action = request.get("action")
        try:
            if action == "accept":
                service.accept(video_id, str(value_id), note=note)
            elif action == "label":
                service.set_label(video_id, str(value_id), int(request["label"]), note=note)
            elif action == "note":
                service.set_note(video_id, note, value=value_id)
            else:
                raise ValueError(f"unknown review action {action!r}")
        except (ProjectError, ValueError, KeyError) as exc:
            w._problem("Review not saved", str(exc), False)
            return False
        self.refresh(video_id)
        return True

    def undo_redo(self, *, undo: bool) -> None:
        w = self.window
        if w.project is None or w.current_video is None:
            return
        from valuedesk.review import ReviewService, describe

        service = ReviewService(w.project)
        try:
            row = service.undo(w.current_video) if undo else service.redo(w.current_video)
        except ProjectError as exc:
            w._problem("Review history", str(exc), False)
            return
        w.statusBar().showMessage(("Undid: " if undo else "Redid: ") + describe(row) if row
                                  else "Nothing to " + ("undo" if undo else "redo"), 4000)
        self.refresh(w.current_video)

    def refresh(self, video_id: int) -> None:
        """Views of this video re-read it: panel labels, corrected script lines, library top values."""
        w = self.window
        if video_id == w.current_video and w.project is not None:
            w.value_panel.refresh()
            w.timeline.set_lines(w.project.script_lines(video_id))
            if w.value_panel.selected_value():
                w._mark_value(w.value_panel.selected_value() or "")
        w.library.refresh_video(video_id)
