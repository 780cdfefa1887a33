"""ScriptTimeline: current line by time, auto-follow scrolling, clicks, marks, cheap set_time."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from tests.ui._widget_fixtures import LINES, long_lines
from valuedesk.script import ScriptLine
from valuedesk.ui.timeline import MARK_ROLE, ScriptTimeline

pytestmark = pytest.mark.gui


@pytest.fixture
def timeline(qtbot) -> ScriptTimeline:  # type: ignore[no-untyped-def]
    w = ScriptTimeline()
    qtbot.addWidget(w)
    w.set_lines(long_lines(400))
    w.resize(520, 320)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_set_time_highlights_right_line_and_scrolls(timeline: ScriptTimeline) -> None:
    timeline.set_time(0)
    assert timeline.current_line() == 0
    bar = timeline.view.verticalScrollBar()
    assert bar.value() == 0
    timeline.set_time(300 * 2000 + 500)  # inside line 300
    assert timeline.current_line() == 300
    assert bar.value() > 0
    assert timeline.is_line_visible(300)
    assert not timeline.is_line_visible(0)
    timeline.set_time(300 * 2000 + 1950)  # after its end, before the next: still line 300
    assert timeline.current_line() == 300


def test_auto_follow_off_does_not_scroll(timeline: ScriptTimeline) -> None:
    timeline.set_auto_follow(False)
    assert not timeline.follow.isChecked()
    before = timeline.view.verticalScrollBar().value()
    timeline.set_time(350 * 2000)
    assert timeline.current_line() == 350
    assert timeline.view.verticalScrollBar().value() == before
    assert not timeline.is_line_visible(350)
    timeline.follow.setChecked(True)  # the header checkbox switches it back on
    timeline.set_time(351 * 2000)
    assert timeline.is_line_visible(351)


def test_click_emits_seek_and_line(qtbot, timeline: ScriptTimeline) -> None:  # type: ignore[no-untyped-def]
    rect = timeline.view.visualRect(timeline.model.index(3))
    seeks: list[int] = []
    timeline.seek_requested.connect(seeks.append)
    with qtbot.waitSignal(timeline.line_clicked) as sig:
        qtbot.mouseClick(timeline.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args == [3] and seeks == [6000]


def test_set_time_is_cheap_and_quiet_when_line_unchanged(timeline: ScriptTimeline) -> None:
    changes: list[object] = []
    timeline.set_time(10_000)
    timeline.model.dataChanged.connect(lambda *a: changes.append(a))
    t0 = time.perf_counter()
    for k in range(2000):
        timeline.set_time(10_000 + k % 1500)  # all inside line 5
    elapsed = time.perf_counter() - t0
    assert changes == []
    assert elapsed < 0.2
    timeline.set_time(12_000)
    assert len(changes) == 2  # old and new rows only


def test_mark_and_highlight_and_wrapping(qtbot, timeline: ScriptTimeline) -> None:  # type: ignore[no-untyped-def]
    timeline.mark_lines({4, 8}, "#D0342C")
    assert timeline.marked_lines() == {4, 8}
    assert timeline.model.index(4).data(MARK_ROLE) is not None
    assert timeline.model.index(5).data(MARK_ROLE) is None
    timeline.highlight_line(250)
    assert timeline.view.currentIndex().row() == 250 and timeline.is_line_visible(250)
    # long lines wrap: a 4-repeat line is taller than a 1-repeat line at this width
    h1 = timeline.view.visualRect(timeline.model.index(248)).height()  # 248 % 4 == 0 -> short
    h4 = timeline.view.visualRect(timeline.model.index(251)).height()  # 251 % 4 == 3 -> long
    assert h4 > h1


def test_unsorted_and_empty_lines(qtbot) -> None:  # type: ignore[no-untyped-def]
    w = ScriptTimeline()
    qtbot.addWidget(w)
    assert w.current_line() is None
    w.set_time(5000)
    assert w.current_line() is None
    lines = [ScriptLine(5000, 6000, "speech", "a", "late"), ScriptLine(0, 1000, "scene", "", "early")]
    w.set_lines(lines)
    w.set_time(500)
    assert w.current_line() == 1
    w.set_time(5500)
    assert w.current_line() == 0
    w.set_lines(LINES)
    assert w.line_at(6_500) == 4 and w.count.text() == "10 lines"


def test_resetting_same_timing_keeps_place(timeline: ScriptTimeline) -> None:
    timeline.set_time(200 * 2000)
    timeline.mark_lines({199, 200})
    bar = timeline.view.verticalScrollBar()
    before = bar.value()
    corrected = list(timeline.lines())
    ln = corrected[200]
    corrected[200] = ScriptLine(ln.start_ms, ln.end_ms, ln.kind, ln.speaker, "corrected text")
    timeline.set_lines(corrected)
    assert timeline.current_line() == 200 and timeline.marked_lines() == {199, 200}
    assert timeline.lines()[200].text == "corrected text"
    assert abs(bar.value() - before) < 40
    timeline.highlight_line(201)  # already visible: no jump
    assert abs(bar.value() - before) < 40
    timeline.set_lines(long_lines(10))  # a different script resets
    assert timeline.current_line() is None and timeline.marked_lines() == set()
