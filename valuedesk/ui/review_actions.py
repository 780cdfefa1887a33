"""Review requests from the value panel and the script, and Edit ▸ Undo/Redo, through `valuedesk.review`.

The review service stores people's corrections apart from the model's rows; this module only
turns panel requests into service calls and refreshes the views that show the result.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from valuedesk.project.store import ProjectError
from valuedesk.values import BY_ID

if TYPE_CHECKING:
    from valuedesk.ui.mainwindow import MainWindow


class ReviewActions:
    """The window's review commands; errors become a plain-words dialog."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.timeline.evidence_edit_requested.connect(self.edit_evidence)
        window.timeline.text_edit_requested.connect(self.correct_text)

    def _service(self) -> Any:
        from valuedesk.review import ReviewService

        assert self.window.project is not None
        return ReviewService(self.window.project, os.environ.get("USER", ""))

    def target_value(self, value_id: str | None) -> None:
        """Tell the script which value its "Add/Remove as evidence" commands are for (None: none selected)."""
        self.window.timeline.set_review_value(BY_ID[value_id].name if value_id in BY_ID else None)

    def edit_evidence(self, lines: list[int], add: bool) -> bool:
        """Script lines added to / struck from the selected value's evidence: one review per line."""
        w = self.window
        value_id = w.value_panel.selected_value()
        if w.project is None or w.current_video is None or not value_id or not lines:
            return False
        video_id = w.current_video
        service = self._service()
        done = 0
        try:
            for idx in lines:
                fn = service.add_evidence if add else service.remove_evidence
                done += fn(video_id, value_id, int(idx)) is not None
        except (ProjectError, ValueError) as exc:
            w._problem("Review not saved", str(exc), False)
        if done:
            what = f"{done} line{'s' if done > 1 else ''}"
            w.statusBar().showMessage((f"Added {what} as evidence for " if add else f"Removed {what} from the "
                                       "evidence for ") + BY_ID[value_id].name + " (Ctrl+Z undoes)", 4000)
            self.refresh(video_id)
        return done > 0

    def correct_text(self, line_idx: int, text: str) -> bool:
        """A corrected transcript line, stored as a review (the model's text stays in the project)."""
        w = self.window
        if w.project is None or w.current_video is None:
            return False
        video_id = w.current_video
        try:
            review = self._service().correct_line(video_id, int(line_idx), text)
        except (ProjectError, ValueError) as exc:
            w._problem("Correction not saved", str(exc), False)
            return False
        if review is None:
            return False
        w.statusBar().showMessage(f"Corrected line {line_idx} (Ctrl+Z undoes)", 4000)
        self.refresh(video_id)
        return True

    def apply(self, request: dict[str, Any]) -> bool:
        """ReviewPanel request ({action, value_id, label?, note?, video_id?}) → review service."""
        w = self.window
        if w.project is None:
            return False
        video_id = int(request.get("video_id") or w.current_video or 0)
        value_id = request.get("value_id")
        note = str(request.get("note") or "")
        service = self._service()
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
