"""CreatorView: counts over a 3-video creator, aggregate radar, small multiples open videos."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui._widget_fixtures import CREATOR
from valuedesk.review import ReviewService
from valuedesk.ui.creator_view import CreatorView, MiniRadar, creator_stats

pytestmark = pytest.mark.gui


@pytest.fixture
def view(qtbot, project) -> CreatorView:  # type: ignore[no-untyped-def]
    w = CreatorView()
    qtbot.addWidget(w)
    w.resize(900, 760)
    w.load(project[0], CREATOR)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_counts_for_three_videos(view: CreatorView) -> None:
    st = view.stats
    assert (st.n_videos, st.n_analysed) == (3, 3)
    assert view.counts("achievement") == (1, 2, 0)
    assert view.counts("humility") == (0, 0, 2)
    assert view.counts("face") == (1, 0, 1)
    assert view.counts("benevolence_caring") == (2, 0, 0)
    assert view.counts("hedonism") == (0, 1, 0)
    assert view.counts("universalism_nature") == (0, 0, 0)
    row = 13  # humility
    assert view.table.item(row, 3).text() == "✕ 2"
    assert view.table.item(4, 4).text() == "100%"  # achievement expressed in all three
    assert "3 videos" in view.header.text()


def test_aggregate_radar_shares(view: CreatorView) -> None:
    assert view.radar.contradicted_values() == ["face", "humility"]
    endorsed, contradicted = view.radar._shares  # type: ignore[misc]
    assert endorsed["achievement"] == 1.0
    assert abs(endorsed["benevolence_caring"] - 2 / 3) < 1e-9
    assert abs(contradicted["humility"] - 2 / 3) < 1e-9


def test_small_multiples_click_selects_video(qtbot, view: CreatorView, project) -> None:  # type: ignore[no-untyped-def]
    assert len(view.minis) == 3
    assert [m.title for m in view.minis] == ["Day 30: first place", "Shopping haul", "Grandma's recipe"]
    assert view.minis[1].isVisible()
    with qtbot.waitSignal(view.video_selected) as sig:
        qtbot.mouseClick(view.minis[1], Qt.MouseButton.LeftButton)
    assert sig.args == [project[1][1]]


def test_reviews_change_counts_and_unknown_creator(qtbot, project) -> None:  # type: ignore[no-untyped-def]
    p, ids = project
    ReviewService(p, "tester").set_label(ids[2], "humility", -1)
    st = creator_stats(p, CREATOR)
    assert st.contradicted["humility"] == 3 and st.reviewed["humility"] == 1
    other = creator_stats(p, "someone_else")  # one video, never analysed
    assert (other.n_videos, other.n_analysed, other.per_video) == (1, 0, [])
    w = CreatorView()
    qtbot.addWidget(w)
    w.load(p, "someone_else")
    assert w.minis == [] and "1 video" in w.header.text()
    assert isinstance(MiniRadar(1, "t", {}), MiniRadar)


def test_narrow_view_stacks_radar_above_table(qtbot, view: CreatorView) -> None:  # type: ignore[no-untyped-def]
    assert view.top_split.orientation() == Qt.Orientation.Horizontal
    view.resize(500, 760)
    qtbot.wait(10)
    assert view.top_split.orientation() == Qt.Orientation.Vertical
    assert view.radar.width() > 400
