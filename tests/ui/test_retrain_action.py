"""Analysis ▸ Retrain from reviews…: background run, before/after dialog, "Use this model" switches the setting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from valuedesk.classify.retrain import RetrainConfig
from valuedesk.project.records import AnalysisRecord, ScoreRow
from valuedesk.project.store import Project
from valuedesk.review import ReviewService
from valuedesk.script import ScriptLine
from valuedesk.ui import prefs
from valuedesk.ui.retrain import retrain_from_reviews
from valuedesk.values import VALUE_IDS

pytestmark = pytest.mark.gui

SCRIPTS = (
    ("Family traditions keep us close.", {"tradition": 2, "face": 0}),
    ("Look at my new watch, money is everything.", {"power_resources": 2, "tradition": 0}),
    ("I quit my job to travel the world alone.", {"self_direction_action": 1, "conformity_rules": -1}),
)


def _project(path: Path, reviewed: int) -> Path:
    with Project.open(path) as p:
        svc = ReviewService(p, "tester")
        for i, (text, labels) in enumerate(SCRIPTS):
            vid = p.add_video(path.parent / f"v{i}.mp4", sha256=f"{i:064d}", size_bytes=1, creator="c")
            p.save_analysis(
                vid,
                AnalysisRecord(
                    lines=[ScriptLine(0, 1900, "speech", "A", text)],
                    scores=[ScoreRow(v, 0.1, 0) for v in VALUE_IDS],
                    evidence=[],
                ),
            )
            if i < reviewed:
                for value_id, label in labels.items():
                    svc.set_label(vid, value_id, label)
    return path


def _menu_texts(window: Any) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Analysis")
    return [a.text() for a in menu.actions()]


def test_needs_a_project(window: Any, dialogs: Any) -> None:
    assert "&Retrain from reviews…" in _menu_texts(window)
    assert retrain_from_reviews(window) is None
    assert "Open a project" in dialogs.texts()


def test_refusal_is_shown_in_plain_words(window: Any, dialogs: Any, qtbot: Any, tmp_path: Path) -> None:
    assert window.open_project(str(_project(tmp_path / "few.vdproj", reviewed=2)))
    task = retrain_from_reviews(window)
    assert task is not None
    with qtbot.waitSignal(task.failed, timeout=30000):
        pass
    assert "at least 3 videos" in dialogs.texts()


def test_retrain_and_use_this_model(window: Any, qtbot: Any, tmp_path: Path) -> None:
    path = _project(tmp_path / "clips.vdproj", reviewed=3)
    assert window.open_project(str(path))
    task = retrain_from_reviews(window, config=RetrainConfig(epochs=1))
    assert task is not None
    with qtbot.waitSignal(task.done, timeout=60000) as blocker:
        pass
    result = blocker.args[0]
    assert result.out_dir.parent == tmp_path / "clips.models" and (result.out_dir / "config.json").is_file()
    dialog = task.result_dialog
    assert "before→after" in dialog.text.toPlainText() and "Switch back" in dialog.text.toPlainText()
    dialog.use_button.click()
    assert window.analysis_settings.classifier == str(result.out_dir)
    assert prefs.load_analysis_settings().classifier == str(result.out_dir)
