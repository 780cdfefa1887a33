"""Library management in the window: context menu, remove, titles, creators, relink, search × filter."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox

from valuedesk.project import library_ops
from valuedesk.project.store import Project
from valuedesk.review import ReviewService
from valuedesk.ui.library_actions import CreatorDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def opened(window: Any, project_file: tuple[Path, list[int]]) -> tuple[Any, list[int]]:
    path, ids = project_file
    assert window.open_project(str(path))
    return window, ids


def _menu_texts(window: Any) -> dict[str, bool]:
    menu = window.library.context_menu()
    assert menu is not None
    out = {a.text(): a.isEnabled() for a in menu.actions() if a.text()}
    menu.deleteLater()
    return out


def _answer_creator(monkeypatch: pytest.MonkeyPatch, name: str, seen: list[CreatorDialog]) -> None:
    def exec_(dialog: CreatorDialog) -> int:
        seen.append(dialog)
        dialog.set_name(name)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CreatorDialog, "exec", exec_)


# --------------------------------------------------------------------------- context menu


def test_context_menu_offers_library_management(opened: Any, tmp_path: Path) -> None:
    window, ids = opened
    window.library.select_video(ids[0])
    texts = _menu_texts(window)
    assert {"Analyze again", "Edit title…", "Set creator…", "Remove from project…"} <= set(texts)
    assert all(texts[t] for t in ("Edit title…", "Set creator…", "Remove from project…"))
    assert "Relink moved files…" not in texts  # its file is there
    menu = window.library.context_menu()
    menu.resize(menu.sizeHint())
    menu.grab().save(str(tmp_path / "library_menu.png"))
    menu.deleteLater()

    window.library.select_video(ids[1])  # copy1.mp4 was never on disk
    assert "Relink moved files…" in _menu_texts(window)
    window.library.select_creator("bestfriends")
    texts = _menu_texts(window)
    assert "Rename / merge creator…" in texts and "Edit title…" not in texts and "Set creator…" not in texts
    window.library.tree.selectAll()
    assert f"Remove {len(ids)} videos from project…" in _menu_texts(window)


# --------------------------------------------------------------------------- remove


def test_remove_current_video_clears_its_views_and_keeps_the_file(opened: Any, dialogs: Any) -> None:
    window, ids = opened
    window.library.select_video(ids[0])
    assert window.current_video == ids[0] and window.timeline.lines()
    clip = Path(window.project.video(ids[0])["path"])
    dialogs.answer = QMessageBox.StandardButton.Yes

    assert window.library_actions.remove_selected()

    kind, title, text = dialogs.shown[-1]
    assert (kind, title) == ("question", "Remove from project")
    assert "stays on disk" in text and str(clip) in text
    assert clip.exists()
    assert ids[0] not in window.library.visible_video_ids()
    assert "kidcars" not in window.library.model.creator_names()  # its only video went, so did the creator
    assert "kidcars" not in library_ops.creator_names(window.project)
    assert window.current_video is None and window.timeline.lines() == []
    assert not any(h.video_id == ids[0] for h in window.project.search("kind"))
    assert window.project.integrity_check() == "ok"
    assert "Removed 1 video" in window.statusBar().currentMessage()


def test_remove_asks_first_and_cancel_keeps_everything(opened: Any, dialogs: Any) -> None:
    window, ids = opened
    window.library.tree.selectAll()
    dialogs.answer = QMessageBox.StandardButton.Cancel
    window.library_actions.act_remove.trigger()  # Edit ▸ Remove from project…
    assert "Remove 3 videos from the project?" in dialogs.texts()
    assert "files stay on disk" in dialogs.texts()
    assert set(window.library.visible_video_ids()) == set(ids)
    assert len(window.project.videos()) == 3


def test_delete_key_in_the_library_removes_after_asking(opened: Any, dialogs: Any, qtbot: Any) -> None:
    window, ids = opened
    window.library.select_video(ids[1])
    window.library.tree.setFocus()
    dialogs.answer = QMessageBox.StandardButton.Yes
    qtbot.keyClick(window.library.tree, Qt.Key.Key_Delete)
    assert "Remove “My new car 2” from the project?" in dialogs.texts()
    assert [int(v["id"]) for v in window.project.videos()] == [ids[0], ids[2]]


def test_a_video_being_analysed_stays(opened: Any, dialogs: Any) -> None:
    from valuedesk.project import claims

    window, ids = opened
    claim = claims.new_claim()
    try:
        window.project.set_status(ids[2], "analyzing", claim=claim)
        assert not window.library_actions.remove_videos([ids[2]])
        assert "being analysed" in dialogs.texts()
        assert ids[2] in window.library.visible_video_ids()
    finally:
        claims.release(claim)


# --------------------------------------------------------------------------- title and creator


def test_edit_title_updates_tree_and_value_panel(opened: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    window, ids = opened
    window.library.select_video(ids[0])
    asked: list[str] = []

    def get_text(_parent: Any, title: str, _label: str, _mode: Any, text: str) -> tuple[str, bool]:
        asked.append(text)
        return "  Road trip, day 1 ", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    assert window.library_actions.edit_title(ids[0])
    assert asked == ["My new car 1"]
    assert window.project.video(ids[0])["title"] == "Road trip, day 1"
    assert window.library.model.video_index(ids[0]).data() == "Road trip, day 1"
    assert "Road trip, day 1" in window.value_panel.header.text()
    assert window.current_video == ids[0]


def test_set_creator_moves_the_video_to_a_new_creator(opened: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    window, ids = opened
    window.library.select_video(ids[0])
    seen: list[CreatorDialog] = []
    _answer_creator(monkeypatch, "roadtrippers", seen)
    assert window.library_actions.set_creator([ids[0]])
    names = [seen[0].combo.itemText(i) for i in range(seen[0].combo.count())]
    assert names == ["bestfriends", "kidcars", "newcomer"] and seen[0].combo.isEditable()
    assert window.project.video(ids[0])["creator"] == "roadtrippers"
    assert set(window.library.model.creator_names()) == {"roadtrippers", "bestfriends", "newcomer"}
    assert window.library.current_video_id() == ids[0]
    assert "roadtrippers" in window.value_panel.header.text()


def test_creator_dialog_needs_a_name(qtbot: Any) -> None:
    dialog = CreatorDialog("Set creator", "Creator:", ["a", "b"], "a")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert ok.isEnabled() and dialog.name() == "a"
    dialog.set_name("   ")
    assert not ok.isEnabled()
    dialog.set_name("  new   name ")
    assert ok.isEnabled() and dialog.name() == "new name"


def test_rename_creator_onto_an_existing_one_merges_after_asking(
    opened: Any, dialogs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, ids = opened
    window.library.select_creator("kidcars")
    assert window.current_creator == "kidcars"
    texts = _menu_texts(window)
    assert texts["Rename / merge creator…"]
    seen: list[CreatorDialog] = []
    _answer_creator(monkeypatch, "BestFriends", seen)
    dialogs.answer = QMessageBox.StandardButton.Yes

    assert window.library_actions.rename_creator("kidcars")

    assert "Merge “kidcars” (1 video) into “bestfriends” (1 video)?" in dialogs.texts()
    assert set(window.library.model.creator_names()) == {"bestfriends", "newcomer"}
    assert window.current_creator == "bestfriends"
    assert window.right.currentWidget() is window.creator_view
    assert window.creator_view.stats.n_videos == 2
    assert sorted(int(v["id"]) for v in window.project.videos(creator="bestfriends")) == sorted(ids[:2])


def test_rename_creator(opened: Any) -> None:
    window, _ids = opened
    window.library.select_creator("newcomer")
    assert window.library_actions.rename_creator("newcomer", "New Comer")
    names = window.library.model.creator_names()
    assert "New Comer" in names and "newcomer" not in names
    assert window.current_creator == "New Comer"
    assert "New Comer" in window.creator_view.header.text()


# --------------------------------------------------------------------------- relink


def test_relink_finds_a_moved_file_and_reloads_it(
    opened: Any, dialogs: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, ids = opened
    src = tmp_path / "media" / "trip.mp4"
    src.parent.mkdir()
    shutil.copy(window.project.video(ids[0])["path"], src)
    data = src.read_bytes()
    vid = window.project.add_video(
        src, sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), creator="kidcars", title="Trip"
    )
    window.project.set_status(vid, "done")
    window.library.refresh()
    window.library.select_video(vid)
    moved = tmp_path / "elsewhere" / "sub"
    moved.mkdir(parents=True)
    shutil.move(src, moved / "trip (1).mp4")
    assert "Relink moved files…" in _menu_texts(window)
    chosen: list[str] = []

    def pick(_parent: Any, caption: str, start: str) -> str:
        chosen.append(caption)
        return str(tmp_path / "elsewhere")

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(pick))
    assert window.library_actions.relink()

    assert chosen == ["Folder holding the 3 moved files"]  # two fixture videos never had a file
    assert "Found 1 of 3 missing files" in dialogs.texts() and "Still missing:" in dialogs.texts()
    row = window.project.video(vid)
    assert row["path_raw"] == os.fsencode(os.path.realpath(moved / "trip (1).mp4"))
    assert row["file_name"] == "trip (1).mp4"
    assert window.player.path == str(moved / "trip (1).mp4")
    assert window.project.integrity_check() == "ok"


def test_relink_with_nothing_missing_says_so(window: Any, tmp_path: Path, dialogs: Any) -> None:
    with Project.open(tmp_path / "ok.vdproj") as p:
        f = tmp_path / "here.mp4"
        f.write_bytes(b"x")
        p.add_video(f, sha256="a" * 64, size_bytes=1, creator="me")
    assert window.open_project(str(tmp_path / "ok.vdproj"))
    assert not window.library_actions.relink()
    assert "Every video's file is where the project expects it" in dialogs.texts()


# --------------------------------------------------------------------------- read-only


def test_read_only_project_disables_library_edits(
    window: Any, project_file: tuple[Path, list[int]], dialogs: Any
) -> None:
    path, ids = project_file
    assert window.open_project(str(path), readonly=True)
    acts = window.library_actions
    assert not acts.act_remove.isEnabled() and not acts.act_relink.isEnabled()
    assert acts.notes_dock.toggleViewAction().isEnabled()  # viewing notes is fine
    window.library.select_video(ids[0])
    texts = _menu_texts(window)
    assert not any(texts[t] for t in ("Edit title…", "Set creator…", "Remove from project…"))
    assert not acts.remove_videos([ids[0]])
    assert "read-only" in dialogs.texts()
    assert len(window.project.videos()) == 3
    window.close_project()
    assert not acts.act_remove.isEnabled()


def test_edit_menu_has_remove_and_relink(window: Any, project_file: tuple[Path, list[int]]) -> None:
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    texts = [a.text() for a in edit.actions()]
    assert "&Remove from project…" in texts and "Re&link moved files…" in texts
    assert not window.library_actions.act_remove.isEnabled()  # no project yet
    assert window.open_project(str(project_file[0]))
    assert window.library_actions.act_remove.isEnabled() and window.library_actions.act_relink.isEnabled()


# --------------------------------------------------------------------------- search × filter


def test_search_and_value_filter_combine(opened: Any) -> None:
    window, ids = opened
    lib = window.library
    ReviewService(window.project, "tester").set_label(ids[1], "humility", 0)  # a reviewer disagrees
    lib.search.setText("kind")
    lib.run_search()
    assert set(lib.visible_video_ids()) == set(ids[:2])  # only videos with a matching line
    assert {lib.hits.item(i).data(Qt.ItemDataRole.UserRole)[0] for i in range(lib.hit_count())} == set(
        ids[:2]
    )
    lib.set_filter("humility", "goes against")
    assert lib.visible_video_ids() == [ids[0]]  # matches the search and the filter
    assert {lib.hits.item(i).data(Qt.ItemDataRole.UserRole)[0] for i in range(lib.hit_count())} == {ids[0]}
    assert "in the videos the value filter shows" in lib.hits_label.text()
    lib.search.setText("helicopter")
    lib.run_search()
    assert lib.visible_video_ids() == [] and lib.hit_count() == 0
    lib.search.clear()
    lib.run_search()
    assert lib.visible_video_ids() == [ids[0]]  # the filter alone
    lib.set_filter(None)
    assert set(lib.visible_video_ids()) == set(ids)


def test_a_video_opened_from_a_search_shows_the_hits_in_its_script(opened: Any, tmp_path: Path) -> None:
    window, ids = opened
    lib = window.library
    lib.search.setText("kind friends")
    lib.run_search()
    lib.activate_hit(0)
    video = window.current_video
    lines = window.timeline.lines()
    marked = window.timeline.highlighted_lines()
    assert marked and all(
        "kind" in lines[i].text.lower() or "friend" in lines[i].text.lower() for i in marked
    )
    assert 0 in marked  # the caption's #friends: a word starting with a search term
    hit_line = lib.hits.item(0).data(Qt.ItemDataRole.UserRole)[1]
    assert hit_line in marked
    assert window.timeline.delegate.hit_spans("Always be kind to your friends") == [(10, 4), (23, 7)]
    window.timeline.grab().save(str(tmp_path / "script_hits.png"))
    window.library.grab().save(str(tmp_path / "library_search.png"))
    window.library.select_video(ids[1] if video == ids[0] else ids[0])  # another video while searching
    assert window.timeline.highlighted_lines()
    lib.search.clear()
    lib.run_search()
    assert window.timeline.highlighted_lines() == []
