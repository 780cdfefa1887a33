"""The Notes view: every note of the project, filterable; double-click opens the video (and value)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from valuedesk.review import ReviewService
from valuedesk.ui.memo_view import NotesView

pytestmark = pytest.mark.gui


def _rows(view: NotesView) -> list[list[str]]:
    tree = view.tree
    return [
        [tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
        for i in range(tree.topLevelItemCount())
    ]


def test_lists_video_and_value_notes_with_author_and_date(qtbot: Any, project: Any, tmp_path: Path) -> None:
    p, ids = project
    view = NotesView(lambda: p)
    qtbot.addWidget(view)
    assert view.count.text() == "No notes yet"
    ReviewService(p, "ana").set_note(ids[0], "Coach praises effort, not talent")
    ReviewService(p, "ben").set_note(ids[0], "Mocks slower kids", value="humility")
    ReviewService(p, "ben").set_label(ids[1], "hedonism", 1, note="More shopping than pleasure")
    view.refresh()

    rows = _rows(view)
    assert view.tree.headerItem().text(2) == "Note"
    assert sorted(r[:4] for r in rows) == sorted(
        [
            ["Day 30: first place", "whole video", "Coach praises effort, not talent", "ana"],
            ["Day 30: first place", "Humility", "Mocks slower kids", "ben"],
            ["Shopping haul", "Hedonism", "More shopping than pleasure", "ben"],
        ]
    )
    assert all(len(r[4]) == 16 and r[4][4] == "-" for r in rows)  # 'YYYY-MM-DD HH:MM'
    assert view.count.text() == "3 notes"
    view.filter.setText("shopping")
    assert [r[0] for r in _rows(view)] == ["Shopping haul"]
    assert view.count.text() == "1 of 3 notes"
    view.filter.setText("ANA")  # authors match too
    assert [r[2] for r in _rows(view)] == ["Coach praises effort, not talent"]
    view.filter.clear()
    view.resize(760, 260)
    view.grab().save(str(tmp_path / "notes_view.png"))


def test_without_a_project(qtbot: Any) -> None:
    view = NotesView()
    qtbot.addWidget(view)
    assert view.count.text() == "No project open" and view.notes() == []


def test_view_notes_opens_the_dock_and_double_click_opens_the_video(
    window: Any, project_file: tuple[Path, list[int]], qtbot: Any, tmp_path: Path
) -> None:
    path, ids = project_file
    assert window.open_project(str(path))
    service = ReviewService(window.project, "ana")
    service.set_note(ids[0], "Says “my new car” three times", value="power_resources")
    service.set_note(ids[1], "A friendly one")
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    toggle = next(a for a in view_menu.actions() if a.text() == "&Notes")
    dock = window.library_actions.notes_dock
    assert not dock.isVisible()
    toggle.trigger()
    assert dock.isVisible()
    notes = window.library_actions.notes_view
    assert {(n.video_id, n.value_id) for n in notes.notes()} == {(ids[0], "power_resources"), (ids[1], None)}
    window.grab().save(str(tmp_path / "window_notes.png"))

    row = next(i for i, n in enumerate(notes.notes()) if n.value_id == "power_resources")
    notes.tree.itemDoubleClicked.emit(notes.tree.topLevelItem(row), 0)
    assert window.current_video == ids[0]
    assert window.library.current_video_id() == ids[0]
    assert window.value_panel.selected_value() == "power_resources"

    # a note written in the value panel shows up (the view polls while it is shown)
    window.apply_review({"action": "note", "video_id": ids[0], "value_id": None, "note": "Check the ending"})
    notes._check()
    assert "Check the ending" in [n.text for n in notes.notes()]


def test_notes_dock_follows_the_project(window: Any, project_file: tuple[Path, list[int]]) -> None:
    path, _ids = project_file
    dock = window.library_actions.notes_dock
    assert not dock.toggleViewAction().isEnabled()  # no project
    assert window.open_project(str(path))
    dock.toggleViewAction().trigger()
    assert dock.isVisible()
    window.close_project()
    assert not dock.isVisible() and not dock.toggleViewAction().isEnabled()
    assert window.open_project(str(path))
    assert dock.isVisible()  # open again where it was
    assert window.library_actions.notes_view.count.text() == "No notes yet"
