"""Review requests from the value panel and the script, and Edit ▸ Undo/Redo, through `valuedesk.review`.

The review service stores people's corrections apart from the model's rows; this module only
turns panel requests into service calls and refreshes the views that show the result.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from valuedesk.project.store import Project, ProjectError
from valuedesk.ui.selection import Notify, SelectionFn
from valuedesk.values import BY_ID


class ReviewActions:
    """The window's review commands: given what is on show, they call the review service and report
    back through callbacks (status text, a problem dialog, "this video changed"); errors never raise."""

    def __init__(
        self,
        selection: SelectionFn,
        selected_value: Callable[[], str | None],
        notify: Notify,
        problem: Callable[[str, str], None],
        changed: Callable[[int], None],
    ) -> None:
        self.selection = selection
        self.selected_value = selected_value
        self.notify = notify
        self.problem = problem
        self.changed = changed

    def _service(self, project: Project) -> Any:
        from valuedesk.review import ReviewService

        return ReviewService(project, os.environ.get("USER", ""))

    def edit_evidence(self, lines: list[int], add: bool) -> bool:
        """Script lines added to / struck from the selected value's evidence: one review per line."""
        sel, value_id = self.selection(), self.selected_value()
        if sel.project is None or sel.video_id is None or not value_id or not lines:
            return False
        video_id = sel.video_id
        service = self._service(sel.project)
        done = 0
        try:
            for idx in lines:
                fn = service.add_evidence if add else service.remove_evidence
                done += fn(video_id, value_id, int(idx)) is not None
        except (ProjectError, ValueError) as exc:
            self.problem("Review not saved", str(exc))
        if done:
            what = f"{done} line{'s' if done > 1 else ''}"
            self.notify(
                (f"Added {what} as evidence for " if add else f"Removed {what} from the evidence for ")
                + BY_ID[value_id].name
                + " (Ctrl+Z undoes)",
                4000,
            )
            self.changed(video_id)
        return done > 0

    def correct_text(self, line_idx: int, text: str) -> bool:
        """A corrected transcript line, stored as a review (the model's text stays in the project)."""
        sel = self.selection()
        if sel.project is None or sel.video_id is None:
            return False
        video_id = sel.video_id
        try:
            review = self._service(sel.project).correct_line(video_id, int(line_idx), text)
        except (ProjectError, ValueError) as exc:
            self.problem("Correction not saved", str(exc))
            return False
        if review is None:
            return False
        self.notify(f"Corrected line {line_idx} (Ctrl+Z undoes)", 4000)
        self.changed(video_id)
        return True

    def apply(self, request: dict[str, Any]) -> bool:
        """ReviewPanel request ({action, value_id, label?, note?, video_id?}) → review service."""
        sel = self.selection()
        if sel.project is None:
            return False
        video_id = int(request.get("video_id") or sel.video_id or 0)
        value_id = request.get("value_id")
        note = str(request.get("note") or "")
        service = self._service(sel.project)
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
            self.problem("Review not saved", str(exc))
            return False
        self.changed(video_id)
        return True

    def undo_redo(self, *, undo: bool) -> None:
        sel = self.selection()
        if sel.project is None or sel.video_id is None:
            return
        from valuedesk.review import describe

        service = self._service(sel.project)
        try:
            row = service.undo(sel.video_id) if undo else service.redo(sel.video_id)
        except ProjectError as exc:
            self.problem("Review history", str(exc))
            return
        self.notify(
            ("Undid: " if undo else "Redid: ") + describe(row)
            if row
            else "Nothing to " + ("undo" if undo else "redo"),
            4000,
        )
        self.changed(sel.video_id)
