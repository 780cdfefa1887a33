"""What the window's action helpers may know of it: the project, the video and creator on show.

Reports and reviews used to reach into `MainWindow` (its widgets, its stacked pages), which tied
every helper to the window's layout and made import cycles. They now get a `Selection` function
and a `notify` callback, so they can be driven (and tested) without the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from valuedesk.project.store import Project


@dataclass(frozen=True)
class Selection:
    project: Project | None
    video_id: int | None  # the video the user is looking at
    creator: str | None  # the creator whose view is on show (None when a video is on show)


SelectionFn = Callable[[], Selection]
Notify = Callable[[str, int], None]  # (message, milliseconds on screen)


def safe_file_stem(text: str) -> str:
    """A default file name from a title or creator: letters, digits, '-', '_' and spaces only."""
    keep = "".join(c if c.isalnum() or c in "-_ " else "_" for c in text).strip()
    return (keep or "valuedesk")[:60]
