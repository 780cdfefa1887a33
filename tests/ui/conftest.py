"""GUI test frame: offscreen Qt, a private QSettings store, no blocking dialogs, a small real clip.

`QT_QPA_PLATFORM=offscreen` must be set before Qt loads (tests/conftest.py sets it too); the
player then uses VLC's dummy outputs. Dialogs are replaced by recorders so a failing test can
never hang on a modal box.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="vd-ui-config-")  # QSettings land here, not in ~

import pytest
from PySide6.QtWidgets import QMessageBox

from valuedesk.project.records import AnalysisRecord, EvidenceRow, ScoreRow
from valuedesk.project.store import Project
from valuedesk.script import ScriptLine
from valuedesk.values import VALUES

SEGMENTS = (
    ("Hello everyone, today I will show you my new car.", "MY NEW CAR", (40, 40, 70)),
    ("Always be kind to your friends and help your family.", "be kind", (90, 40, 40)),
    ("Nobody is better than me at this game.", "WINNER", (30, 80, 50)),
)


@dataclass
class ClipInfo:
    path: Path
    duration_ms: int
    segments: list[tuple[int, int, str, str]]  # (start_ms, end_ms, speech, onscreen)


@pytest.fixture(scope="session")
def ui_clip(tmp_path_factory: pytest.TempPathFactory) -> ClipInfo:
    """A 10 s phone-shaped clip with three spoken shots (espeak-ng speech, drawn captions)."""
    from tests.support.clipgen import ClipSegment, make_clip

    folder = tmp_path_factory.mktemp("ui-clip")
    truth = make_clip(
        folder / "three shots.mp4",
        [ClipSegment(speech=s, onscreen=o, background=bg) for s, o, bg in SEGMENTS],
    )
    segs = [
        (t.speech_start_ms or t.start_ms, t.speech_end_ms or t.end_ms, t.speech or "", t.onscreen or "")
        for t in truth.segments
    ]
    return ClipInfo(truth.path, truth.duration_ms, segs)


@pytest.fixture(scope="session")
def pipeline_clip(request: pytest.FixtureRequest, ui_clip: ClipInfo) -> Path:
    """The media owner's speech clip when tests/mediafixtures.py provides it, else ours."""
    try:
        clip = request.getfixturevalue("speech_clip")
    except pytest.FixtureLookupError:
        return ui_clip.path
    return Path(getattr(clip, "path", clip))


def analysed_record(clip: ClipInfo) -> AnalysisRecord:
    """A stored analysis for the clip (no models): speech + on-screen lines, three values with evidence."""
    lines: list[ScriptLine] = [
        ScriptLine(0, clip.duration_ms, "caption", "", "my day #car #friends #winning")
    ]
    for start, end, speech, onscreen in clip.segments:
        lines.append(ScriptLine(max(0, start - 150), end, "onscreen", "", onscreen))
        lines.append(ScriptLine(start, end, "speech", "speaker a", speech))
    labels = {
        "power_resources": (0.81, 2),
        "benevolence_caring": (0.74, 1),
        "humility": (0.69, -1),
        "achievement": (0.55, 1),
    }
    scores = [
        ScoreRow(v.id, labels.get(v.id, (0.04 + 0.01 * i, 0))[0], labels.get(v.id, (0, 0))[1])
        for i, v in enumerate(VALUES)
    ]
    evidence = [
        ("power_resources", 2, 0.9),
        ("benevolence_caring", 4, 0.85),
        ("humility", 6, 0.8),
        ("achievement", 6, 0.5),
    ]
    ev = [EvidenceRow(vid, idx, w, lines[idx].start_ms, lines[idx].end_ms) for vid, idx, w in evidence]
    return AnalysisRecord(lines=lines, scores=scores, evidence=ev, language="en")


def make_project(path: Path, clip: ClipInfo, *, creators: tuple[str, ...] = ("kidcars",)) -> list[int]:
    """A project with one analysed copy of the clip per creator (plus a queued, unanalysed one)."""
    ids = []
    with Project.open(path) as project:
        for n, creator in enumerate(creators):
            vid = project.add_video(
                clip.path if n == 0 else clip.path.with_name(f"copy{n}.mp4"),
                sha256=f"{n:064d}",
                size_bytes=clip.path.stat().st_size,
                creator=creator,
                title=f"My new car {n + 1}",
            )
            project.set_media_info(
                vid,
                {
                    "duration_ms": clip.duration_ms,
                    "width": 360,
                    "height": 640,
                    "has_video": True,
                    "has_audio": True,
                },
            )
            project.save_analysis(vid, analysed_record(clip))
            ids.append(vid)
        ids.append(
            project.add_video(
                clip.path.with_name("later.mp4"),
                sha256="f" * 64,
                size_bytes=1,
                creator="newcomer",
                title="Not analysed yet",
            )
        )
    return ids


@pytest.fixture
def project_file(tmp_path: Path, ui_clip: ClipInfo) -> tuple[Path, list[int]]:
    path = tmp_path / "demo.vdproj"
    return path, make_project(path, ui_clip, creators=("kidcars", "bestfriends"))


@pytest.fixture
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A small stored project for widget tests (tests/ui/_widget_fixtures.py): (Project, video ids)."""
    from tests.ui._widget_fixtures import build_project

    p, ids = build_project(tmp_path / "p.vdproj")
    yield p, ids
    p.close()


class DialogRecorder:
    """Stands in for QMessageBox: records what would have been shown, answers as told."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes
        self.exec_answer = QMessageBox.StandardButton.Cancel

    def texts(self) -> str:
        return "\n".join(f"{kind}: {title}: {text}" for kind, title, text in self.shown)


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> DialogRecorder:
    rec = DialogRecorder()

    def static(kind: str) -> Any:
        def show(_parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            rec.shown.append((kind, title, text))
            return rec.answer

        return show

    for kind in ("warning", "information", "critical", "question", "about"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(static(kind)))

    def exec_(box: QMessageBox) -> Any:
        rec.shown.append(("exec", box.windowTitle(), box.text()))
        return rec.exec_answer

    def open_(box: QMessageBox, *args: Any) -> None:
        rec.shown.append(("open", box.windowTitle(), box.text()))

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    monkeypatch.setattr(QMessageBox, "open", open_)
    return rec


@pytest.fixture(autouse=True)
def fresh_settings(qapp: Any) -> None:
    """Each test starts with nothing remembered (no last project, default analysis settings).

    Needs the QApplication first: QSettings made before it exists upset Qt later (a crash in setStyle).
    """
    from valuedesk.ui import prefs

    prefs.settings().clear()
    prefs.settings().sync()


@pytest.fixture(autouse=True)
def collect_after(qapp: Any) -> Any:
    """Delete finished tests' widgets now, in a known state, not whenever Python's GC next runs.

    Without this, a wrapper collected in the middle of a later Qt call (e.g. setStyle walking all
    widgets) can crash the run; where that happens depends only on allocation timing.
    """
    yield
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def window(qtbot: Any) -> Any:
    """The main window, shown offscreen; closed (queue thread, child, VLC) after the test."""
    from valuedesk.ui.mainwindow import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    if w.queue is not None:
        w.queue.cancel_all()
    w.close()
