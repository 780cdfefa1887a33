"""Review edits from the script: add/remove a line as evidence, correct a line's text, undo/redo.

The project (tests/ui/conftest.py make_project) has, in its first video, lines 0 caption,
1 on-screen, 2 speech, 3 on-screen, 4 speech, 5 on-screen, 6 speech; the model's evidence is
power_resources → 2, benevolence_caring → 4, humility → 6, achievement → 6.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QInputDialog

from valuedesk.review import REVIEWER, video_reading
from valuedesk.ui.evidence_list import LINE_ROLE

pytestmark = pytest.mark.gui


def _open(
    window: Any, project_file: tuple[Path, list[int]], value: str | None = "power_resources", **kwargs: Any
) -> int:
    path, ids = project_file
    assert window.open_project(str(path), **kwargs)
    window.library.select_video(ids[0])
    assert window.current_video == ids[0]
    if value:
        window.select_value(value)
    return ids[0]


def _select(window: Any, *rows: int) -> None:
    sm = window.timeline.view.selectionModel()
    sm.clearSelection()
    for r in rows:
        sm.select(window.timeline.model.index(r), QItemSelectionModel.SelectionFlag.Select)


def _evidence(window: Any) -> list[tuple[int, str]]:
    """(line, weight column) of the evidence list, top to bottom."""
    tree = window.value_panel.evidence.tree
    return [
        (tree.topLevelItem(i).data(0, LINE_ROLE), tree.topLevelItem(i).text(1))
        for i in range(tree.topLevelItemCount())
    ]


def _menu_texts(window: Any) -> list[str]:
    menu = window.timeline.context_menu()
    try:
        return [a.text() for a in menu.actions() if not a.isSeparator() and a.isEnabled()]
    finally:
        menu.deleteLater()


def test_add_a_line_as_evidence_then_undo_and_redo(window: Any, project_file: tuple[Path, list[int]]) -> None:
    vid = _open(window, project_file)
    model_rows = [dict(r) for r in window.project.evidence(vid)]
    _select(window, 4)
    assert _menu_texts(window) == ["Add line as evidence for Power: resources", "Correct text…"]
    window.timeline.act_add.trigger()

    assert _changes(window, vid, "power_resources") == ({4}, set())
    assert [dict(r) for r in window.project.evidence(vid)] == model_rows  # the model's rows stay
    ev = _evidence(window)
    assert ev[0] == (4, "✎ reviewer") and [ln for ln, _w in ev] == [4, 2]  # a person's line first, marked
    assert window.timeline.marked_lines() == {2, 4}
    assert _menu_texts(window) == ["Remove line as evidence for Power: resources", "Correct text…"]

    window.act_undo.trigger()
    assert _changes(window, vid, "power_resources") == (set(), set())
    assert [ln for ln, _w in _evidence(window)] == [2] and window.timeline.marked_lines() == {2}
    window.act_redo.trigger()
    assert [ln for ln, _w in _evidence(window)] == [4, 2]


def test_remove_model_evidence_with_the_delete_key(
    window: Any, project_file: tuple[Path, list[int]], qtbot: Any
) -> None:
    vid = _open(window, project_file, "benevolence_caring")
    assert [ln for ln, _w in _evidence(window)] == [4]
    window.timeline.highlight_line(4)
    window.activateWindow()
    window.timeline.view.setFocus()
    qtbot.waitUntil(window.timeline.view.hasFocus, timeout=2000)
    qtbot.keyClick(window.timeline.view, Qt.Key.Key_Delete)

    assert _changes(window, vid, "benevolence_caring") == (set(), {4})
    assert _evidence(window) == [] and window.timeline.marked_lines() == set()
    assert len(window.project.evidence(vid)) == 4  # the model's rows stay
    window.act_undo.trigger()
    assert [ln for ln, _w in _evidence(window)] == [4] and window.timeline.marked_lines() == {4}


def test_a_multi_line_selection_makes_one_review_per_line(
    window: Any, project_file: tuple[Path, list[int]]
) -> None:
    vid = _open(window, project_file)
    _select(window, 0, 1, 2)  # 2 is already the model's evidence
    assert _menu_texts(window) == [
        "Add 2 of 3 lines as evidence for Power: resources",
        "Remove 1 of 3 lines as evidence for Power: resources",
    ]  # "Correct text…" needs one line
    window.timeline.act_add.trigger()
    assert _changes(window, vid, "power_resources") == ({0, 1}, set())
    assert len([r for r in window.project.reviews(vid) if r["action"] == "evidence_add"]) == 2
    assert sorted(ln for ln, _w in _evidence(window)) == [0, 1, 2]
    window.act_undo.trigger()  # one line at a time
    assert _changes(window, vid, "power_resources") == ({0}, set())


def test_correct_a_line_then_undo(
    window: Any, project_file: tuple[Path, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    vid = _open(window, project_file)
    old = window.timeline.lines()[2].text
    asked: list[str] = []
    answer = ["  Hello everyone,   today I show you my new car. ", True]

    def fake_get_text(_parent: Any, _title: str, _label: str, _echo: Any, text: str) -> tuple[str, bool]:
        asked.append(text)
        return answer[0], answer[1]

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(fake_get_text))
    _select(window, 2)
    window.timeline.act_text.trigger()

    assert asked == [old]
    new = "Hello everyone, today I show you my new car."
    assert window.timeline.lines()[2].text == new
    assert window.project.script_lines(vid)[2].text == old
    assert window.timeline.marked_lines() == {2}  # marks and selection survive the refresh
    assert window.timeline.selected_lines() == [2]
    assert new in window.value_panel.evidence.tree.topLevelItem(0).text(2)

    n = len(window.project.reviews(vid))
    for answer[:] in (["", True], [new, True], ["something else", False]):  # empty, unchanged, cancelled
        window.timeline.act_text.trigger()
    assert len(window.project.reviews(vid)) == n

    window.act_undo.trigger()
    assert window.timeline.lines()[2].text == old


def test_no_value_selected_or_read_only_disables_the_edits(
    window: Any, project_file: tuple[Path, list[int]]
) -> None:
    _open(window, project_file, value=None)
    _select(window, 3)
    assert _menu_texts(window) == ["Correct text…"]
    assert window.timeline.context_menu().actions()[0].text() == "Add as evidence (select a value first)"
    window.close_project()

    _open(window, project_file, readonly=True)
    _select(window, 3)
    assert window.project.readonly and _menu_texts(window) == []


def _changes(window: Any, vid: int, value_id: str) -> tuple[set[int], set[int]]:
    """(lines a reviewer added, model lines a reviewer struck) for a value, from the reading model."""
    reading = video_reading(window.project, vid).values[value_id]
    return {e.line_idx for e in reading.evidence if e.source == REVIEWER}, {
        e.line_idx for e in reading.removed
    }
