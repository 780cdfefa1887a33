"""The library pane: tree with status and top values, search → seek, value/label filters, drops."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent

from valuedesk.project import claims
from valuedesk.project.store import Project
from valuedesk.review import ReviewService
from valuedesk.ui.library import STATUS_COLORS, LibraryPanel, status_word, top_values

pytestmark = pytest.mark.gui
DISPLAY, TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole


def cell(panel: LibraryPanel, video_id: int, column: int, role: Qt.ItemDataRole = DISPLAY) -> Any:
    """What the video's row shows in a column (the row must exist: fetched, not filtered out)."""
    index = panel.model.video_index(video_id, column)
    assert index.isValid(), f"no row for video {video_id}"
    return index.data(role)


def creator_text(panel: LibraryPanel, name: str) -> str:
    index = panel.model.creator_index(name)
    assert index.isValid(), f"no row for creator {name}"
    return str(index.data())


@pytest.fixture
def library(qtbot: Any, project_file: tuple[Path, list[int]]) -> tuple[LibraryPanel, Project, list[int]]:
    path, ids = project_file
    project = Project.open(path)
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.set_project(project)
    yield panel, project, ids
    project.close()


def test_tree_shows_creators_status_length_and_top_values(library: Any) -> None:
    panel, project, ids = library
    assert set(panel.model.creator_names()) == {"kidcars", "bestfriends", "newcomer"}
    assert creator_text(panel, "kidcars") == "kidcars (1)"
    assert panel.model.creator_index("kidcars").data(Qt.ItemDataRole.FontRole).bold()
    assert cell(panel, ids[0], 0) == "My new car 1"
    assert cell(panel, ids[0], 1) == "done"
    assert cell(panel, ids[0], 2) == "00:10.7" or cell(panel, ids[0], 2).startswith("00:1")
    assert "Pow. resources" in cell(panel, ids[0], 3) and "✕ Humility" in cell(panel, ids[0], 3)
    assert "Humility: goes against" in cell(panel, ids[0], 3, TOOLTIP)
    assert str(project.video(ids[0])["path"]) in cell(panel, ids[0], 0, TOOLTIP)
    assert [panel.model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == list(panel.COLUMNS)
    # Queued by nobody alive (the fixture's process queued it without a claim): not left "queued".
    assert cell(panel, ids[2], 1) == "interrupted"
    assert cell(panel, ids[2], 3) == ""  # not analysed: no values
    assert "3 videos · 2 analysed · 1 interrupted" in panel.summary.text()
    project.set_status(ids[2], "queued", claim=claims.new_claim())
    panel.refresh_video(ids[2])
    assert cell(panel, ids[2], 1) == "queued"


def test_status_updates_in_place(library: Any) -> None:
    panel, project, ids = library
    project.set_status(ids[2], "failed", "later.mp4: cannot read the file")
    panel.refresh_video(ids[2])
    assert cell(panel, ids[2], 1) == "failed"
    assert "cannot read" in cell(panel, ids[2], 1, TOOLTIP)
    assert (
        cell(panel, ids[2], 1, Qt.ItemDataRole.ForegroundRole).name().lower()
        == STATUS_COLORS["failed"].lower()
    )
    project.set_status(ids[2], "cancelled")
    panel.refresh_video(ids[2])
    assert cell(panel, ids[2], 1) == "cancelled"
    assert cell(panel, ids[0], 1, Qt.ItemDataRole.ForegroundRole) is None  # done: the palette's colour


def test_search_hit_opens_the_video_at_the_line(library: Any, qtbot: Any) -> None:
    panel, project, ids = library
    panel.search.setText("kind friends")
    panel.run_search()
    assert panel.hit_count() == 2  # the same line in both analysed copies
    assert "«kind»" in panel.hits.item(0).text()
    with qtbot.waitSignal(panel.search_hit_activated) as hit:
        panel.activate_hit(0)
    video_id, line_idx, start_ms = hit.args
    assert video_id in ids[:2]
    assert project.script_lines(video_id)[line_idx].text.startswith("Always be kind")
    assert start_ms == project.script_lines(video_id)[line_idx].start_ms
    assert panel.current_video_id() == video_id


def test_search_without_match_says_so(library: Any) -> None:
    panel, *_ = library
    panel.search.setText("helicopter")
    panel.run_search()
    assert panel.hit_count() == 0
    assert "No script line matches" in panel.hits_label.text()


def test_filters_by_value_and_label(library: Any) -> None:
    panel, project, ids = library
    panel.set_filter("humility", "contradicted")
    assert set(panel.visible_video_ids()) == set(ids[:2])
    assert "2 of 3 videos match" in panel.summary.text()
    panel.set_filter("hedonism", "dominant")
    assert panel.visible_video_ids() == []
    ReviewService(project, "tester").set_label(ids[0], "hedonism", 2)  # a reviewer's label counts
    panel.set_filter("hedonism", "dominant")
    assert panel.visible_video_ids() == [ids[0]]
    panel.set_filter(None)
    assert set(panel.visible_video_ids()) == set(ids)


def test_dropping_files_asks_for_import(library: Any, qtbot: Any, tmp_path: Path) -> None:
    panel, *_ = library
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "a.mp4")), QUrl.fromLocalFile(str(tmp_path))])
    event = QDropEvent(
        QPoint(10, 10).toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(panel.import_requested) as sig:
        panel.dropEvent(event)
    assert sig.args == [[str(tmp_path / "a.mp4"), str(tmp_path)]]


def test_selection_signals(library: Any, qtbot: Any) -> None:
    panel, project, ids = library
    with qtbot.waitSignal(panel.video_selected) as sig:
        panel.select_video(ids[0])
    assert sig.args == [ids[0]]
    with qtbot.waitSignal(panel.creator_selected) as sig:
        panel.select_creator("bestfriends")
    assert sig.args == ["bestfriends"]


def test_helpers() -> None:
    assert status_word({"status": "interrupted", "error": ""}) == "interrupted"
    assert status_word({"status": "analyzing", "error": ""}) == "analyzing"


def test_top_values_of_unanalysed_video_is_empty(library: Any) -> None:
    _panel, project, ids = library
    assert top_values(project, ids[2]) == ("", "")


def test_large_projects_open_folded_and_make_rows_on_demand(
    qtbot: Any, project_file: tuple[Path, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """From LAZY_FROM videos (10,000 in a research project) the library opens with creators folded
    and fetches a creator's rows when it is expanded or one of its videos is selected; filters and
    counts still cover every video."""
    from valuedesk.ui import library as lib

    monkeypatch.setattr(lib, "LAZY_FROM", 2)
    path, ids = project_file
    with Project.open(path) as project:
        panel = LibraryPanel()
        qtbot.addWidget(panel)
        panel.set_project(project)
        model = panel.model
        names = model.creator_names()
        assert not any(model.is_fetched(n) for n in names)
        assert not any(panel.tree.isExpanded(model.creator_index(n)) for n in names)
        assert all(
            model.rowCount(model.creator_index(n)) == 0 and model.hasChildren(model.creator_index(n))
            for n in names
        )
        assert creator_text(panel, "kidcars") == "kidcars (1)" and sorted(panel.visible_video_ids()) == ids
        panel.tree.setCurrentIndex(model.creator_index("bestfriends"))
        assert panel.selected_video_ids() == [ids[1]]  # a folded creator's videos, rows or not
        assert panel.selected_creator() == "bestfriends"
        panel.tree.setExpanded(model.creator_index("kidcars"), True)
        assert [n for n in names if model.is_fetched(n)] == ["kidcars"]
        assert cell(panel, ids[0], 1) == "done"
        with qtbot.waitSignal(panel.video_selected) as sel:
            assert panel.select_video(ids[1])
        assert sel.args == [ids[1]] and panel.tree.isExpanded(model.creator_index("bestfriends"))
        assert panel.current_video_id() == ids[1] and panel.selected_creator() is None
        panel.set_filter("humility", "goes against")
        assert (
            not model.creator_index("newcomer").isValid() and creator_text(panel, "kidcars") == "kidcars (1)"
        )
        assert sorted(panel.visible_video_ids()) == ids[:2]
        assert panel.current_video_id() == ids[1]  # still shown: still current, its creator still unfolded
        assert panel.tree.isExpanded(model.creator_index("bestfriends"))
        assert panel.tree.isExpanded(model.creator_index("kidcars"))
        panel.set_filter(None)
        assert model.creator_index("newcomer").isValid()
        assert not panel.tree.isExpanded(model.creator_index("newcomer"))  # folded as it was
