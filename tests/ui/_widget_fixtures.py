"""Helpers for the value-widget tests: a small real project file, light/dark palettes, screenshots.

Run as a script to write screenshots of every widget in both palettes:
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui._widget_fixtures /tmp/ui-shots
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from valuedesk.project.records import AnalysisRecord, EvidenceRow, ScoreRow
from valuedesk.project.store import Project
from valuedesk.review import ReviewService
from valuedesk.script import ScriptLine
from valuedesk.values import VALUES

CREATOR = "kidscoach"

# One video's script: a coaching clip (achievement, caring) that mocks humility.
LINES = [
    ScriptLine(0, 30_000, "caption", "", "Never give up!! #motivation #win"),
    ScriptLine(0, 2_000, "scene", "", "A gym. A girl in a red jersey ties her shoes; her coach watches."),
    ScriptLine(1_000, 3_500, "onscreen", "", "DAY 30 OF TRAINING"),
    ScriptLine(2_500, 6_000, "speech", "coach", "You are going to win this, I know you can do it."),
    ScriptLine(6_000, 9_000, "speech", "girl", "I'm the best, everyone else is slow."),
    ScriptLine(9_000, 10_500, "sound", "", "upbeat music"),
    ScriptLine(10_500, 14_000, "speech", "coach", "I'll always be here for you, whatever happens."),
    ScriptLine(14_000, 18_000, "onscreen", "", "FIRST PLACE 🏆"),
    ScriptLine(18_000, 22_000, "speech", "girl", "Look at my new shoes, they cost more than yours."),
    ScriptLine(22_000, 26_000, "scene", "", "She lifts the trophy while the others clap."),
]

# (value_id, score, label) for video 1; the rest absent with low scores.
LABELS_1 = {
    "achievement": (0.93, 2),
    "benevolence_caring": (0.71, 1),
    "humility": (0.66, -1),
    "stimulation": (0.58, 1),
    "power_resources": (0.55, 1),
    "face": (0.62, -1),
}
EVIDENCE_1 = [  # value, line_idx, weight
    ("achievement", 3, 0.9),
    ("achievement", 7, 0.8),
    ("achievement", 9, 0.5),
    ("benevolence_caring", 6, 0.85),
    ("benevolence_caring", 3, 0.4),
    ("humility", 4, 0.9),
    ("humility", 8, 0.6),
    ("face", 4, 0.5),
    ("face", 8, 0.7),
    ("stimulation", 5, 0.3),
    ("power_resources", 8, 0.8),
]

# Two more videos by the same creator (labels only matter for the creator view).
LABELS_2 = {"achievement": (0.8, 1), "humility": (0.7, -1), "hedonism": (0.6, 2), "face": (0.55, 1)}
LABELS_3 = {"achievement": (0.9, 2), "benevolence_caring": (0.6, 1), "tradition": (0.65, 1)}


def _record(
    labels: dict[str, tuple[float, int]], evidence: list[tuple[str, int, float]], lines: list[ScriptLine]
) -> AnalysisRecord:
    scores = []
    for i, v in enumerate(VALUES):
        score, label = labels.get(v.id, (0.05 + 0.01 * i, 0))
        scores.append(ScoreRow(v.id, score, label, contradiction=0.4 if label < 0 else 0.0))
    ev = [EvidenceRow(vid, idx, w, lines[idx].start_ms, lines[idx].end_ms) for vid, idx, w in evidence]
    return AnalysisRecord(lines=list(lines), scores=scores, evidence=ev)


def build_project(path: Path) -> tuple[Project, list[int]]:
    """A project with three analysed videos by one creator plus one unanalysed video by another."""
    project = Project.open(path)
    ids = []
    for n, (labels, evidence, title) in enumerate(
        [
            (LABELS_1, EVIDENCE_1, "Day 30: first place"),
            (LABELS_2, [("hedonism", 5, 0.7)], "Shopping haul"),
            (LABELS_3, [("tradition", 1, 0.6)], "Grandma's recipe"),
        ],
        start=1,
    ):
        fake = f"/videos/{CREATOR}/clip{n}.mp4"
        vid = project.add_video(
            fake,
            sha256=hashlib.sha256(fake.encode()).hexdigest(),
            size_bytes=1000 + n,
            creator=CREATOR,
            title=title,
        )
        project.set_media_info(vid, {"duration_ms": 30_000})
        project.save_analysis(vid, _record(labels, evidence, LINES))
        ids.append(vid)
    project.add_video("/videos/other/x.mp4", sha256="0" * 64, size_bytes=5, creator="someone_else")
    return project, ids


def long_lines(n: int = 400) -> list[ScriptLine]:
    """Many short speech lines (2 s apart) to test scrolling and set_time cost."""
    kinds = ["speech", "onscreen", "speech", "scene", "speech", "sound"]
    return [
        ScriptLine(
            i * 2000,
            i * 2000 + 1900,
            kinds[i % len(kinds)],
            "host" if i % 3 else "guest",
            f"Line number {i}: " + "some words that wrap " * (1 + i % 4),
        )
        for i in range(n)
    ]


def dark_palette():  # type: ignore[no-untyped-def]
    """The explicit dark palette DESIGN.md asks for (Fusion + dark QPalette)."""
    from PySide6.QtGui import QColor, QPalette

    p = QPalette()
    role = QPalette.ColorRole
    for r, c in [
        (role.Window, "#202124"),
        (role.WindowText, "#E8EAED"),
        (role.Base, "#17181A"),
        (role.AlternateBase, "#26282B"),
        (role.Text, "#E8EAED"),
        (role.Button, "#2D2F33"),
        (role.ButtonText, "#E8EAED"),
        (role.Highlight, "#3D6FB6"),
        (role.HighlightedText, "#FFFFFF"),
        (role.ToolTipBase, "#2D2F33"),
        (role.ToolTipText, "#E8EAED"),
        (role.PlaceholderText, "#9AA0A6"),
        (role.Link, "#8AB4F8"),
        (role.Mid, "#3C4043"),
        (role.Midlight, "#44474B"),
        (role.Dark, "#111214"),
        (role.Light, "#5F6368"),
        (role.BrightText, "#FF6B61"),
    ]:
        p.setColor(r, QColor(c))
    p.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor("#80868B"))
    p.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor("#80868B"))
    p.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor("#80868B"))
    return p


def write_screenshots(out: Path) -> list[Path]:
    """Render every value widget in light and dark to PNG files; returns the paths."""
    import tempfile

    from PySide6.QtWidgets import QApplication

    from valuedesk.ui.creator_view import CreatorView
    from valuedesk.ui.review_panel import ReviewPanel
    from valuedesk.ui.timeline import ScriptTimeline
    from valuedesk.ui.value_panel import ValuePanel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    light = app.style().standardPalette()
    with tempfile.TemporaryDirectory() as tmp:
        project, ids = build_project(Path(tmp) / "p.vdproj")
        reviews = ReviewService(project, "fixture")  # state made as users make it
        reviews.set_label(ids[0], "stimulation", 2)
        reviews.accept(ids[0], "humility")
        reviews.set_note(ids[0], "Mocks slower kids.", value="humility")
        for name, pal in (("light", light), ("dark", dark_palette())):
            app.setPalette(pal)
            panel = ValuePanel()
            panel.load(project, ids[0])
            panel.select_value("humility")
            panel.set_time(6_500)
            panel.resize(520, 1050)
            written.append(_grab(panel, out / f"value_panel_{name}.png"))
            written.append(_grab_image(panel.radar.render_image(480, 420), out / f"radar_{name}.png"))

            tl = ScriptTimeline()
            tl.set_lines(project.script_lines(ids[0]))
            tl.mark_lines({4, 8}, "#D0342C")
            tl.set_time(6_500)
            tl.resize(640, 420)
            written.append(_grab(tl, out / f"timeline_{name}.png"))

            cv = CreatorView()
            cv.load(project, CREATOR)
            cv.resize(900, 760)
            written.append(_grab(cv, out / f"creator_view_{name}.png"))

            rp = ReviewPanel()
            rp.set_value("stimulation", model_label=1, score=0.58, reviewed_label=2, note="")
            rp.resize(420, 190)
            written.append(_grab(rp, out / f"review_panel_{name}.png"))
            for w in (panel, tl, cv, rp):
                w.close()
                w.deleteLater()
        project.close()
    return written


def _grab(widget, path: Path) -> Path:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.show()
    for _ in range(3):
        QApplication.processEvents()
    widget.grab().save(str(path))
    return path


def _grab_image(image, path: Path) -> Path:  # type: ignore[no-untyped-def]
    image.save(str(path))
    return path


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for p in write_screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/ui-shots")):
        print(p)
