"""What the explorer shows is what is stored: the one reading model, and state that is always current."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from valuedesk.project import claims
from valuedesk.project.store import Project
from valuedesk.review import REVIEWER, ReviewService, video_reading


def test_a_value_note_is_shown_again_on_reselect_and_after_reopening(
    window: Any, project_file: tuple[Path, list[int]]
) -> None:
    path, ids = project_file
    window.open_project(str(path))
    window.library.select_video(ids[0])
    window.select_value("humility")
    review = window.value_panel.review
    review.note.setText("bragging about the car, check the end")
    review.note_button.click()
    window.select_value("achievement")
    assert review.note.text() == ""
    window.select_value("humility")
    assert review.note.text() == "bragging about the car, check the end"
    window.close_project()
    window.open_project(str(path))
    window.library.select_video(ids[0])
    window.select_value("humility")
    assert window.value_panel.review.note.text() == "bragging about the car, check the end"


def test_explorer_evidence_is_in_the_reading_models_order(
    window: Any, project_file: tuple[Path, list[int]]
) -> None:
    path, ids = project_file
    with Project.open(path) as p:
        ReviewService(p, "tester").add_evidence(ids[0], "humility", 0)  # a reviewer's line
        expected = [e.line_idx for e in video_reading(p, ids[0]).values["humility"].evidence]
        assert video_reading(p, ids[0]).values["humility"].evidence[0].source == REVIEWER
    window.open_project(str(path))
    window.library.select_video(ids[0])
    window.select_value("humility")
    shown = [
        window.value_panel.evidence.item(i)["line_idx"] for i in range(window.value_panel.evidence.count())
    ]
    assert shown == expected  # the same order the PDF and the exports print


def test_switching_projects_leaves_no_old_creator_view(
    window: Any, project_file: tuple[Path, list[int]], tmp_path: Path, dialogs: Any
) -> None:
    path, ids = project_file
    window.open_project(str(path))
    window.show_creator("kidcars")
    assert window.right.currentWidget() is window.creator_view and window.creator_view.minis
    other = tmp_path / "other.vdproj"
    Project.open(other).close()
    assert window.open_project(str(other))
    assert window.right.currentWidget() is not window.creator_view
    assert window.creator_view.minis == [] and window.creator_view.creator is None
    QApplication.processEvents()
    assert "no video with id" not in dialogs.texts()


def test_library_footer_follows_every_status_change(
    window: Any, project_file: tuple[Path, list[int]]
) -> None:
    path, ids = project_file
    window.open_project(str(path))
    footer = window.library.summary
    claim = claims.new_claim()
    window.project.set_status(ids[-1], "analyzing", claim=claim)
    window.library.refresh_video(ids[-1])
    assert "1 analyzing" in footer.text()
    window.project.set_status(ids[-1], "failed", "later.mp4: cannot read the file")
    claims.release(claim)
    window.library.refresh_video(ids[-1])
    assert "analyzing" not in footer.text() and "1 failed" in footer.text()


def test_theme_switch_leaves_library_text_readable(window: Any, project_file: tuple[Path, list[int]]) -> None:
    from valuedesk.ui.theme import ThemeController

    window.theme = ThemeController(QApplication.instance(), "dark")
    window.open_project(str(project_file[0]))
    window.set_theme("dark")
    QApplication.processEvents()
    window.set_theme("light")
    QApplication.processEvents()
    tree = window.library.tree
    base = tree.palette().color(tree.palette().ColorRole.Base)
    row = window.library.model.video_index(project_file[1][0], 1)  # a 'done' row: no status colour of its own
    assert row.isValid() and row.data() == "done"
    colour = row.data(Qt.ItemDataRole.ForegroundRole)
    text = colour if colour is not None else tree.palette().color(tree.palette().ColorRole.Text)
    assert abs(text.lightness() - base.lightness()) > 100, (text.name(), base.name())


def test_a_failed_video_shows_its_error_and_retry_where_the_player_is(
    window: Any, project_file: tuple[Path, list[int]]
) -> None:
    path, ids = project_file
    with Project.open(path) as p:
        p.set_status(ids[-1], "failed", "later.mp4: the file is not a video (moov atom not found)")
    window.open_project(str(path))
    window.library.select_video(ids[-1])
    assert window.player_area.currentWidget() is window.failed_banner
    assert "moov atom not found" in window.failed_banner.detail.text()
    assert "failed" in window.failed_banner.heading.text()
    assert "the analysis failed" in window.value_panel.header.text()  # not "not analysed yet"
    assert window.failed_banner.retry.isEnabled()
    asked: list[list[int]] = []
    window.reanalyze = lambda vids: asked.append(vids)  # the queue itself is tested in test_queue.py
    window.failed_banner.retry.click()
    assert asked == [[ids[-1]]]
    window.library.select_video(ids[0])
    assert window.player_area.currentWidget() is window.player
