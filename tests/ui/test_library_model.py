"""The library's item model: lazy children, set-based reads, filters as one reset, rows updated in place."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from valuedesk.project.records import AnalysisRecord, ScoreRow
from valuedesk.project.store import Project
from valuedesk.review import ReviewService, label_table
from valuedesk.script import ScriptLine
from valuedesk.ui import library as lib
from valuedesk.ui.library import STATUS_COLORS, LibraryPanel, top_values_of
from valuedesk.ui.library_model import ROLE, LibraryModel
from valuedesk.values import VALUES

pytestmark = pytest.mark.gui
BIG = 2_500  # above LAZY_FROM: the library opens folded
BIG_CREATORS = 60


@contextmanager
def statements(project: Project) -> Iterator[list[str]]:
    """The SQL statements run on the project's connection meanwhile."""
    seen: list[str] = []
    project.db.conn.set_trace_callback(seen.append)
    try:
        yield seen
    finally:
        project.db.conn.set_trace_callback(None)


def selects(seen: list[str]) -> list[str]:
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


@pytest.fixture
def small(project_file: tuple[Path, list[int]]) -> Iterator[tuple[Project, list[int]]]:
    path, ids = project_file
    with Project.open(path) as project:
        yield project, ids


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,500 videos by 60 creators (a tenth not analysed), built in one transaction."""
    path = tmp_path_factory.mktemp("big-library") / "big.vdproj"
    rng = random.Random(3)
    with Project.open(path) as project, project.transaction():
        for i in range(BIG):
            creator = f"creator{i % BIG_CREATORS:02d}"
            vid = project.add_video(
                f"/corpus/{creator}/v{i:05d}.mp4", sha256=f"{i:064x}", size_bytes=1, creator=creator, title=f"clip {i}"
            )  # fmt: skip
            if i % 10 == 9:
                continue
            project.set_media_info(vid, {"duration_ms": 1_000 + i})
            labels = {v.id: 0 for v in VALUES}
            labels[VALUES[i % len(VALUES)].id] = 2
            labels["humility"] = -1 if i % 3 == 0 else labels["humility"]
            project.save_analysis(
                vid,
                AnalysisRecord(
                    lines=[ScriptLine(0, 1_000, "speech", "", f"word{i % 7} hello")],
                    scores=[ScoreRow(v.id, rng.random(), labels[v.id]) for v in VALUES],
                    evidence=[],
                    language="en",
                ),
            )
    return path


@pytest.fixture
def big(big_file: Path, qtbot: Any) -> Iterator[tuple[LibraryPanel, Project]]:
    with Project.open(big_file, readonly=True) as project:
        panel = LibraryPanel()
        qtbot.addWidget(panel)
        panel.resize(700, 600)
        panel.show()
        panel.set_project(project)
        yield panel, project


def loaded(project: Project, fetch: Any = ()) -> LibraryModel:
    model = LibraryModel(top_values_of, STATUS_COLORS)
    model.load(project, project.videos(), fetch=fetch)
    return model


# --------------------------------------------------------------------------- the model alone


def test_the_model_keeps_qt_s_rules(qtmodeltester: Any, small: tuple[Project, list[int]]) -> None:
    project, ids = small
    model = loaded(project)  # folded: the tester fetches the children itself
    qtmodeltester.check(model, force_py=False)
    model.set_shown({ids[0]})
    qtmodeltester.check(model, force_py=False)
    model.clear()
    qtmodeltester.check(model, force_py=False)


def test_children_are_fetched_lazily_a_creator_at_a_time(
    small: tuple[Project, list[int]], qtbot: Any
) -> None:
    project, ids = small
    model = loaded(project)
    assert model.rowCount() == 3 and model.columnCount() == 4
    kidcars = model.creator_index("kidcars")
    assert kidcars.data() == "kidcars (1)" and kidcars.data(ROLE) == ("creator", "kidcars")
    assert model.hasChildren(kidcars) and model.canFetchMore(kidcars) and model.rowCount(kidcars) == 0
    assert not model.index(0, 0, kidcars).isValid() and not model.video_index(ids[0]).isValid()
    with statements(project) as seen, qtbot.waitSignal(model.rowsInserted) as inserted:
        model.fetchMore(kidcars)
    assert len(selects(seen)) <= 2  # one label table (scores + reviews), not one query per row
    assert inserted.args[1:] == [0, 0] and inserted.args[0] == kidcars
    assert not model.canFetchMore(kidcars) and model.rowCount(kidcars) == 1
    row = model.index(0, 0, kidcars)
    assert row.data(ROLE) == ("video", ids[0]) and row.parent() == kidcars
    assert not model.hasChildren(row) and model.rowCount(row) == 0
    assert model.flags(row) & Qt.ItemFlag.ItemNeverHasChildren
    assert "✕ Humility" in model.video_index(ids[0], 3).data()
    assert [model.is_fetched(n) for n in ("kidcars", "bestfriends", "newcomer")] == [True, False, False]
    with statements(project) as seen:  # painting asks data(): computed from the rows in memory
        texts = [model.video_index(ids[0], c).data(role) for c in range(4) for role in (0, 3, 9)]
    assert seen == [] and texts[0] == "My new car 1"


def test_everything_fetched_in_one_query(small: tuple[Project, list[int]]) -> None:
    project, ids = small
    with statements(project) as seen:
        model = loaded(project, fetch=None)
    assert len(selects(seen)) <= 3  # the videos were read before; here: one label table
    assert all(model.is_fetched(n) for n in model.creator_names())
    assert all(model.video_index(v).isValid() for v in ids)


def test_a_filter_is_one_reset_not_row_removals(small: tuple[Project, list[int]], qtbot: Any) -> None:
    project, ids = small
    model = loaded(project, fetch=None)
    removed: list[Any] = []
    model.rowsRemoved.connect(lambda *a: removed.append(a))
    with qtbot.waitSignal(model.modelReset):
        model.set_shown({ids[0], ids[1]})
    assert removed == []
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["bestfriends (1)", "kidcars (1)"]
    assert not model.creator_index("newcomer").isValid() and not model.video_index(ids[2]).isValid()
    assert model.visible_ids() == [ids[1], ids[0]] and model.shown_count() == 2
    assert "match the filter" in model.creator_index("kidcars").data(Qt.ItemDataRole.ToolTipRole)
    model.set_shown(set())
    assert model.rowCount() == 0 and model.visible_ids() == []
    model.set_shown(None)
    assert model.rowCount() == 3 and sorted(model.visible_ids()) == ids
    assert model.video_index(ids[2]).isValid()  # fetched rows stay fetched over filters


def test_update_video_changes_one_row_in_place(small: tuple[Project, list[int]], qtbot: Any) -> None:
    project, ids = small
    model = loaded(project, fetch=None)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    changed: list[tuple[QModelIndex, QModelIndex]] = []
    model.dataChanged.connect(lambda a, b, *_r: changed.append((a, b)))
    project.set_status(ids[2], "failed", "later.mp4: cannot read the file")
    assert model.update_video(project.video(ids[2]), None)
    assert resets == []
    row = model.video_index(ids[2])
    assert (row.siblingAtColumn(0), row.siblingAtColumn(3)) in changed
    assert model.creator_index("newcomer") in [a for a, _b in changed]  # its summary tooltip
    assert model.video_index(ids[2], 1).data() == "failed"
    assert "1 failed" in model.creator_index("newcomer").data(Qt.ItemDataRole.ToolTipRole)
    assert model.status_counts()["failed"] == 1 and model.status_counts()["interrupted"] == 0
    moved = dict(project.video(ids[2]), creator="someone else")
    assert not model.update_video(moved, None)  # another creator: the panel reloads instead


# --------------------------------------------------------------------------- the panel on the model


def test_refresh_video_emits_data_changed_for_its_row(qtbot: Any, small: tuple[Project, list[int]]) -> None:
    project, ids = small
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.set_project(project)
    resets: list[int] = []
    panel.model.modelReset.connect(lambda: resets.append(1))
    project.set_status(ids[2], "cancelled")
    changed: list[tuple[Any, int, int]] = []
    panel.model.dataChanged.connect(lambda a, b, *_r: changed.append((a.data(ROLE), a.column(), b.column())))
    panel.refresh_video(ids[2])
    assert ("video", ids[2], 0, 3) in [(*k, c0, c1) for k, c0, c1 in changed]  # the whole row, in place
    assert [k for k, *_c in changed] == [("creator", "newcomer"), ("video", ids[2])]  # and nothing else
    assert resets == [] and panel.model.video_index(ids[2], 1).data() == "cancelled"
    assert "1 cancelled" in panel.summary.text()
    # its labels now pass a filter they failed: the filter is applied again (one reset)
    panel.set_filter("humility", "goes against")
    assert sorted(panel.visible_video_ids()) == ids[:2] and resets == [1]
    panel.select_video(ids[0])
    ReviewService(project, "tester").set_label(ids[0], "humility", 1)
    panel.refresh_video(ids[0])
    assert panel.visible_video_ids() == [ids[1]] and resets == [1, 1]
    assert panel.current_video_id() is None and "1 of 3 videos match" in panel.summary.text()


def test_theme_change_repaints_from_the_palette(qtbot: Any, small: tuple[Project, list[int]]) -> None:
    project, ids = small
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.set_project(project)
    assert panel.model.video_index(ids[0], 1).data(Qt.ItemDataRole.ForegroundRole) is None
    colour = panel.model.video_index(ids[2], 1).data(Qt.ItemDataRole.ForegroundRole)
    assert colour.name().lower() == STATUS_COLORS["interrupted"].lower()


# --------------------------------------------------------------------------- a project above LAZY_FROM


def test_a_big_project_opens_folded_with_set_based_reads(big_file: Path, qtbot: Any) -> None:
    assert lib.LAZY_FROM < BIG
    with Project.open(big_file, readonly=True) as project:
        panel = LibraryPanel()
        qtbot.addWidget(panel)
        panel.resize(700, 600)
        panel.show()
        with statements(project) as seen:
            panel.set_project(project)
            panel.grab()  # painted: the rows shown are computed, not queried
        assert len(selects(seen)) <= 5, selects(seen)  # not one per video (or per creator)
        model = panel.model
        assert model.rowCount() == BIG_CREATORS and not any(
            model.is_fetched(n) for n in model.creator_names()
        )
        assert len(panel.visible_video_ids()) == BIG
        analysed = BIG - BIG // 10
        assert f"{BIG} videos · {analysed} analysed" in panel.summary.text()
        assert (
            model.creator_index("creator07").data()
            == f"creator07 ({BIG // BIG_CREATORS + (BIG % BIG_CREATORS > 7)})"
        )


def test_a_big_project_selects_a_video_of_a_folded_creator(
    big: tuple[LibraryPanel, Project], qtbot: Any
) -> None:
    panel, project = big
    model = panel.model
    vid = next(
        int(v["id"]) for v in project.videos() if v["creator"] == "creator33" and v["title"] == "clip 2433"
    )
    with statements(project) as seen, qtbot.waitSignal(panel.video_selected) as sel:
        assert panel.select_video(vid)
    assert sel.args == [vid] and panel.current_video_id() == vid
    assert len(selects(seen)) <= 2  # that creator's labels, in one go
    assert [n for n in model.creator_names() if model.is_fetched(n)] == ["creator33"]
    assert panel.tree.isExpanded(model.creator_index("creator33"))
    assert model.video_index(vid, 0).data() == "clip 2433" and model.video_index(vid, 2).data() == "00:03.4"
    cells = label_table(project, [vid])[vid]
    assert model.video_index(vid, 3).data() == top_values_of(cells)[0]
    assert panel.select_video(vid, emit=False)  # again, quietly: no signal, still current
    assert panel.current_video_id() == vid
    assert not panel.select_video(10**9)


def test_a_big_project_filters_and_searches_over_every_video(
    big: tuple[LibraryPanel, Project], qtbot: Any
) -> None:
    panel, project = big
    model = panel.model
    vid = next(int(v["id"]) for v in project.videos() if v["title"] == "clip 33")  # humility goes against
    panel.select_video(vid)
    table = label_table(project)
    against = {v for v, cells in table.items() if cells["humility"].effective == -1}
    with statements(project) as seen:
        panel.set_filter("humility", "goes against")
    assert len(selects(seen)) <= 3
    assert set(panel.visible_video_ids()) == against
    assert f"{len(against)} of {BIG} videos match the filter" in panel.summary.text()
    assert sum(len(model.shown_ids_of(n)) for n in model.creator_names()) == len(against)
    assert panel.current_video_id() == vid and panel.tree.isExpanded(model.creator_index("creator33"))
    assert [n for n in model.creator_names() if model.is_fetched(n)] == ["creator33"]  # others still folded

    panel.search.setText("word3")
    panel.run_search()
    with_word3 = {
        int(v["id"]) for v in project.videos() if v["current_run_id"] and int(v["title"][5:]) % 7 == 3
    }
    assert set(panel.visible_video_ids()) == against & with_word3
    assert panel.hit_count() == min(200, len(against & with_word3))
    panel.set_filter(None)  # the search stays on: more lines than the 200 hits, every video still found
    assert set(panel.visible_video_ids()) == with_word3 and len(with_word3) > panel.hit_count() == 200
    panel.search.setText("")
    panel.run_search()
    assert len(panel.visible_video_ids()) == BIG and panel.current_video_id() == vid

    panel.tree.selectAll()  # creator rows selected: all their videos, fetched or not
    assert sorted(panel.selected_video_ids()) == sorted(panel.visible_video_ids())
    menu = panel.context_menu()
    assert menu is not None and menu.actions()[0].text() == f"Analyze {BIG} videos again"
    menu.deleteLater()


def test_a_filter_hiding_the_current_video_brings_it_back(big: tuple[LibraryPanel, Project]) -> None:
    panel, project = big
    vid = next(int(v["id"]) for v in project.videos() if v["title"] == "clip 34")  # humility absent
    assert panel.select_video(vid)
    panel.set_filter("humility", "goes against")
    assert panel.current_video_id() is None and not panel.select_video(vid)
    panel.set_filter(None)
    assert panel.current_video_id() == vid


def test_a_filter_keeps_the_selection_and_a_hidden_creator_can_still_be_chosen(
    qtbot: Any, small: tuple[Project, list[int]]
) -> None:
    project, ids = small
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.set_project(project)
    panel.select_video(ids[0])
    flags = panel.tree.selectionModel().SelectionFlag.Select | panel.tree.selectionModel().SelectionFlag.Rows
    panel.tree.selectionModel().select(panel.model.video_index(ids[1]), flags)
    assert sorted(panel.selected_video_ids()) == ids[:2]
    with qtbot.assertNotEmitted(panel.video_selected):
        panel.set_filter("humility", "goes against")  # both still shown: both still selected, quietly
    assert sorted(panel.selected_video_ids()) == ids[:2] and panel.current_video_id() == ids[0]
    with qtbot.waitSignal(panel.creator_selected) as sig:
        assert panel.select_creator("newcomer")  # all its videos hidden: chosen all the same
    assert sig.args == ["newcomer"] and not panel.select_creator("nobody")
    panel.set_filter(None)
    assert panel.selected_creator() == "newcomer"  # and its row is current once it shows again
