"""ValuePanel, EvidenceList, ValueLanes, ReviewPanel against a real project file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.ui._widget_fixtures import write_screenshots
from valuedesk.project.store import Project
from valuedesk.review import ReviewService
from valuedesk.ui.evidence_list import EvidenceList
from valuedesk.ui.review_panel import ReviewPanel
from valuedesk.ui.value_panel import ValuePanel

pytestmark = pytest.mark.gui


def _panel_for_one_video(qtbot, project: Project, rec: Any) -> tuple[ValuePanel, int]:  # type: ignore[no-untyped-def]
    """`rec` saved as the analysis of one video added to `project`, shown in a new panel."""
    vid = project.add_video(project.path.parent / "v.mp4", sha256="a" * 64, size_bytes=1, creator="")
    project.save_analysis(vid, rec)
    panel = ValuePanel()
    qtbot.addWidget(panel)
    panel.load(project, vid)
    return panel, vid


@pytest.fixture
def panel(qtbot, project) -> ValuePanel:  # type: ignore[no-untyped-def]
    w = ValuePanel()
    qtbot.addWidget(w)
    w.resize(520, 1000)
    w.load(project[0], project[1][0])
    w.show()
    qtbot.waitExposed(w)
    return w


def test_select_value_fills_evidence_and_click_seeks(qtbot, panel: ValuePanel) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(panel.value_selected) as sel:
        panel.select_value("humility")
    assert sel.args == ["humility"]
    assert panel.selected_value() == "humility"
    ev = panel.evidence
    assert ev.value_id() == "humility" and ev.count() == 2
    assert [ev.item(i)["line_idx"] for i in range(2)] == [4, 8]  # strongest first
    assert "GIRL" in ev.item(0)["text"]
    seeks: list[int] = []
    lines: list[int] = []
    panel.seek_requested.connect(seeks.append)
    panel.line_selected.connect(lines.append)
    ev.click_row(0)
    assert (seeks, lines) == ([6000], [4])
    assert panel.evidence_lines() == {4, 8}
    assert panel.table.currentRow() == 13  # humility's row in circle order
    assert panel.table.item(13, 2).text() == "66%"  # one percentage: the score
    assert panel.table.item(13, 3).text() == "✕ 40%"  # how sure it goes against: its own column


def test_real_click_on_evidence_row(qtbot, panel: ValuePanel) -> None:  # type: ignore[no-untyped-def]
    panel.select_value("achievement")
    tree = panel.evidence.tree
    rect = tree.visualItemRect(tree.topLevelItem(1))
    with qtbot.waitSignal(panel.seek_requested) as sig:
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args == [14_000]  # "FIRST PLACE" line, weight 0.8


def test_radar_click_and_table_selection_drive_selection(qtbot, panel: ValuePanel) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(panel.value_selected) as sig:
        panel.radar.click_value("benevolence_caring")
    assert sig.args == ["benevolence_caring"] and panel.evidence.count() == 2
    with qtbot.waitSignal(panel.value_selected) as sig:
        panel.table.selectRow(4)
    assert sig.args == ["achievement"]
    assert panel.radar._selected == "achievement"
    assert panel.lanes._selected == "achievement"


def test_table_shows_effective_label_and_model_when_reviewed(qtbot, project, panel: ValuePanel) -> None:  # type: ignore[no-untyped-def]
    p: Project = project[0]
    vid = project[1][0]
    panel.select_value("stimulation")
    reviews = ReviewService(p, "tester")
    reviews.set_label(vid, "stimulation", 2)
    assert reviews.add_evidence(vid, "stimulation", 2) is not None
    assert reviews.remove_evidence(vid, "stimulation", 5) is not None
    panel.refresh()
    assert panel.selected_value() == "stimulation"  # kept across reload
    row = 2
    assert panel.table.item(row, 1).text() == "◆ dominant"
    assert "model: present" in panel.table.item(row, 4).text()
    assert panel.table.item(row, 2).text() == "58%"
    items = [panel.evidence.item(i) for i in range(panel.evidence.count())]
    assert [(it["line_idx"], it["added_by_reviewer"]) for it in items] == [(2, True)]
    assert panel.radar.effective_label("stimulation") == 2
    assert "reviewed" in panel.header.text()


def test_lanes_click_seeks_and_time_forwarded(qtbot, panel: ValuePanel) -> None:  # type: ignore[no-untyped-def]
    lanes = panel.lanes
    rect = lanes.lane_rect("achievement")
    x = int(lanes.x_for_ms(15_000))
    with qtbot.waitSignal(panel.seek_requested) as sig:
        qtbot.mouseClick(lanes, Qt.MouseButton.LeftButton, pos=QPoint(x, int(rect.center().y())))
    assert abs(sig.args[0] - 15_000) < 200
    panel.set_time(7_000)
    assert lanes._time == 7_000
    assert lanes._evidence["achievement"][0][:2] == (2_500, 6_000)


def test_review_panel_emits_requests(qtbot, panel: ValuePanel) -> None:  # type: ignore[no-untyped-def]
    panel.select_value("face")
    rp = panel.review
    assert rp is not None and rp.value_id() == "face"
    with qtbot.waitSignal(panel.review_requested) as sig:
        rp.label_buttons[0].click()
    assert (
        sig.args[0]["action"] == "label" and sig.args[0]["label"] == 0 and sig.args[0]["value_id"] == "face"
    )
    with qtbot.waitSignal(panel.review_requested) as sig:
        rp.accept_button.click()
    assert sig.args[0] == {"action": "accept", "value_id": "face", "label": -1, "video_id": panel.video_id()}
    rp.note.setText("  check the shoes line ")
    with qtbot.waitSignal(panel.review_requested) as sig:
        rp.note_button.click()
    assert sig.args[0]["note"] == "check the shoes line"


def test_standalone_widgets_empty_states(qtbot) -> None:  # type: ignore[no-untyped-def]
    ev = EvidenceList()
    qtbot.addWidget(ev)
    ev.set_evidence("tradition", [])
    assert ev.count() == 0 and "No evidence" in ev.empty.text()
    rp = ReviewPanel()
    qtbot.addWidget(rp)
    assert not rp.accept_button.isEnabled()
    with qtbot.assertNotEmitted(rp.review_requested):
        rp._set_label(1)
    panel = ValuePanel(with_review=False)
    qtbot.addWidget(panel)
    assert panel.review is None and panel.selected_value() is None


def test_screenshots_render(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = write_screenshots(tmp_path / "shots")
    assert len(paths) == 10
    assert all(p.stat().st_size > 2000 for p in paths)


def test_unanalysed_video_and_mark_color(qtbot, project, panel: ValuePanel) -> None:  # type: ignore[no-untyped-def]
    p: Project = project[0]
    assert panel.mark_color("humility").name() == "#d0342c"  # contradicted → red
    assert panel.mark_color("achievement").name() == "#c0392b"  # group colour otherwise
    queued = next(v["id"] for v in p.videos() if v["current_run_id"] is None)
    panel.load(p, queued)
    assert "the analysis did not finish" in panel.header.text()  # queued by no live process
    panel.select_value("achievement")
    assert panel.evidence.count() == 0 and panel.radar.contradicted_values() == []
    assert panel.table.item(4, 1).text() == "–"
    panel.clear()
    assert panel.video_id() is None and panel.selected_value() is None


def test_lanes_compact_by_default_and_all_on_request(qtbot, panel: ValuePanel) -> None:  # type: ignore[no-untyped-def]
    shown = panel.lanes.shown_values()
    assert shown == [
        "stimulation",
        "achievement",
        "power_resources",
        "face",
        "humility",
        "benevolence_caring",
    ]
    compact_h = panel.lanes.height()
    panel.select_value("tradition")  # selected lanes are always shown
    assert "tradition" in panel.lanes.shown_values()
    panel.all_lanes.setChecked(True)
    assert len(panel.lanes.shown_values()) == 19 and panel.lanes.height() > compact_h


def test_label_cells_explain_their_label(qtbot, project, panel: ValuePanel) -> None:  # type: ignore[no-untyped-def]
    tips = {
        panel.table.item(r, 1).text(): panel.table.item(r, 1).toolTip() for r in range(panel.table.rowCount())
    }
    against = next(tip for text, tip in tips.items() if "goes against" in text)
    assert against.startswith("−1 goes against:")
    assert any(tip.startswith("0 absent:") for tip in tips.values())


def test_languages_and_warnings_are_shown(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A German line keeps its text and shows its English rendering; the header says which
    languages were spoken and what the profile must be read with."""
    from valuedesk.project.records import AnalysisRecord, ScoreRow
    from valuedesk.script import ScriptLine
    from valuedesk.ui.timeline import ScriptTimeline
    from valuedesk.values import VALUES

    lines = [
        ScriptLine(0, 2000, "speech", "A", "Hey guys", language="en"),
        ScriptLine(
            2000, 5000, "speech", "A", "Das ist mein Hund", language="de", translation="This is my dog"
        ),
    ]
    rec = AnalysisRecord(
        lines=lines,
        scores=[ScoreRow(v.id, 0.1, 0) for v in VALUES],
        evidence=[],
        language="de",
        languages={"de": 3.0, "en": 2.0},
        warnings=["voice activity detection heard 4 s of speech with no transcript (6.0–10.0 s)"],
    )
    with Project.open(tmp_path / "p.vdproj") as p:
        panel, vid = _panel_for_one_video(qtbot, p, rec)
        header = panel.header.text()
        assert "Speech: German 3.0 s, English 2.0 s" in header and "no transcript" in header
        script = ScriptTimeline()
        qtbot.addWidget(script)
        script.set_lines(p.script_lines(vid))
        shown = script.model.data(script.model.index(1, 0))
        assert "(German) Das ist mein Hund" in shown and "↳ English: This is my dog" in shown


@pytest.mark.parametrize("mode", ["two-step", "combine"])
def test_an_llm_run_shows_its_record_reasons_and_what_the_score_is(qtbot, tmp_path: Path, mode: str) -> None:  # type: ignore[no-untyped-def]
    """The header names the LLM run; a label's tooltip carries the LLM's reason; the Score column
    calls an LLM label's fixed confidence what it is, and stays "model probability" when the
    trained model scored the values (combine)."""
    from valuedesk.project.records import AnalysisRecord, ScoreRow
    from valuedesk.script import ScriptLine
    from valuedesk.values import VALUES

    first = VALUES[0].id
    rec = AnalysisRecord(
        lines=[ScriptLine(0, 2000, "speech", "A", "I am better than all of you")],
        scores=[ScoreRow(v.id, 0.8 if v.id == first else 0.05, -1 if v.id == first else 0) for v in VALUES],
        evidence=[],
        llm={
            "mode": mode,
            "model": "llm:qwen-test",
            "server": "http://127.0.0.1:9/v1",
            "calls": [
                {
                    "task": "label",
                    "prompt_tokens": 900,
                    "completion_tokens": 80,
                    "seconds": 3.2,
                    "attempts": 1,
                }
            ],
            "reasons": {first: "brags that they are better than everyone"},
        },
    )
    with Project.open(tmp_path / "p.vdproj") as p:
        panel, _vid = _panel_for_one_video(qtbot, p, rec)
        assert f"LLM: {mode} with qwen-test at http://127.0.0.1:9/v1" in panel.header.text()
        assert "label: 900+80 tokens, 3.2 s" in panel.header.text()
        row = next(
            r for r in range(panel.table.rowCount()) if panel.table.item(r, 0).text() == VALUES[0].name
        )
        assert (
            "The LLM's reason: brags that they are better than everyone" in panel.table.item(row, 1).toolTip()
        )
        score_tip = panel.table.item(row, 2).toolTip()
        if mode == "two-step":
            assert (
                "the LLM's label, shown as a fixed 80%" in score_tip
                and "probability" not in score_tip.split("(")[0]
            )
        else:
            assert "model probability 80.0%" in score_tip
