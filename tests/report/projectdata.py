"""A small but realistic project built through the Project API (no pipeline, no media)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from valuedesk.project import AnalysisRecord, EvidenceRow, Project, ScoreRow
from valuedesk.report.render import ensure_app
from valuedesk.script import ScriptLine
from valuedesk.values import VALUE_IDS

MODELS = {"classifier": "minilm-values-test-1", "asr": "whisper-tiny.en"}
EMOJI_CAPTION = "my morning routine ✨💅 #grwm #fyp — café au lait ☕"
LONG_LINE = (
    "So basically https://example.invalid/"
    + "x" * 150
    + " is my link and what I want to say is that "
    + "every single morning I do exactly the same thing, " * 12
    + "and that is the end of it"
)
TRAVERSAL_TITLE = "../../../../tmp/evil\\..\\name"


def jpeg(color: str, label: str, w: int = 180, h: int = 320) -> bytes:
    """A real JPEG frame (portrait like a TikTok) with a big label, made with QtGui."""
    ensure_app()
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor(color))
    p = QPainter(img)
    p.setPen(QColor("white"))
    f = QFont("DejaVu Sans")
    f.setPixelSize(40)
    p.setFont(f)
    p.drawText(QRectF(0, 0, w, h), int(Qt.AlignmentFlag.AlignCenter), label)
    p.end()
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "JPG", 85)
    return bytes(buf.data().data())


def scores(labels: dict[str, int], conf: dict[str, float]) -> list[ScoreRow]:
    rows = []
    for vid in VALUE_IDS:
        lab = labels.get(vid, 0)
        c = conf.get(vid, 0.12)
        rows.append(
            ScoreRow(
                vid,
                score=c if lab >= 0 else 0.2,
                label=lab,
                threshold=0.5,
                contradiction=c if lab < 0 else 0.05,
            )
        )
    return rows


def ev(value: str, idx: int, weight: float, lines: list[ScriptLine]) -> EvidenceRow:
    return EvidenceRow(value, idx, weight, lines[idx].start_ms, lines[idx].end_ms)


def video_one() -> AnalysisRecord:
    lines = [
        ScriptLine(0, 0, "caption", "", EMOJI_CAPTION),
        ScriptLine(
            0, 3000, "scene", "", "A teenage girl films herself in a pink bedroom under a ring light."
        ),
        ScriptLine(
            500,
            3200,
            "speech",
            "GIRL",
            "Okay so today I hit one million likes, I literally cannot believe it.",
        ),
        ScriptLine(1000, 4000, "onscreen", "", "1,000,000 LIKES 🎉"),
        ScriptLine(
            3500, 7000, "speech", "GIRL", "If you are not up at five you are basically losing at life."
        ),
        ScriptLine(
            7000, 9500, "speech", "GIRL", "My little brother is so embarrassing, look at his hair, ew."
        ),
        ScriptLine(9500, 21000, "speech", "GIRL", LONG_LINE),
        ScriptLine(21000, 24000, "sound", "", "upbeat pop music"),
        ScriptLine(24000, 26500, "speech", "GIRL", "Thank you mum for the pancakes, love you!"),
    ]
    labels = {
        "achievement": 2,
        "face": 2,
        "hedonism": 1,
        "benevolence_caring": 1,
        "humility": -1,
        "conformity_interpersonal": -1,
    }
    conf = {
        "achievement": 0.91,
        "face": 0.87,
        "hedonism": 0.64,
        "benevolence_caring": 0.58,
        "humility": 0.77,
        "conformity_interpersonal": 0.69,
    }
    evidence = [
        ev("achievement", 2, 0.8, lines),
        ev("achievement", 4, 0.6, lines),
        ev("achievement", 3, 0.4, lines),
        ev("achievement", 6, 0.5, lines),
        ev("face", 3, 0.7, lines),
        ev("face", 2, 0.5, lines),
        ev("face", 5, 0.3, lines),
        ev("hedonism", 0, 0.5, lines),
        ev("benevolence_caring", 8, 0.9, lines),
        ev("humility", 2, 0.6, lines),
        ev("humility", 3, 0.5, lines),
        ev("conformity_interpersonal", 5, 0.8, lines),
    ]
    thumbs = [
        (t, jpeg(c, f"{t // 1000}s"))
        for t, c in (
            (0, "#C2185B"),
            (3000, "#7B1FA2"),
            (7000, "#1565C0"),
            (12000, "#2E7D32"),
            (24000, "#EF6C00"),
        )
    ]
    return AnalysisRecord(
        lines=lines,
        scores=scores(labels, conf),
        evidence=evidence,
        thumbnails=thumbs,
        language="en",
        models=MODELS,
    )


def video_two() -> AnalysisRecord:
    lines = [
        ScriptLine(0, 0, "caption", "", "POV: you try the spiciest noodles 🔥🌶️"),
        ScriptLine(0, 2000, "scene", "", "Two friends at a kitchen table with a bowl of red noodles."),
        ScriptLine(500, 3000, "speech", "BOY", "Bet you can't finish the whole bowl."),
        ScriptLine(3000, 6000, "speech", "FRIEND", "Watch me, I never lose a challenge."),
        ScriptLine(6000, 9000, "onscreen", "", "LEVEL 10 SPICE"),
        ScriptLine(9000, 12000, "speech", "BOY", "Dude your face is so red, everyone is going to see this."),
    ]
    labels = {"stimulation": 2, "hedonism": 1, "achievement": 1, "conformity_interpersonal": -1}
    conf = {"stimulation": 0.88, "hedonism": 0.61, "achievement": 0.55, "conformity_interpersonal": 0.6}
    evidence = [
        ev("stimulation", 2, 0.7, lines),
        ev("stimulation", 4, 0.6, lines),
        ev("hedonism", 0, 0.5, lines),
        ev("achievement", 3, 0.8, lines),
        ev("conformity_interpersonal", 5, 0.7, lines),
    ]
    thumbs = [
        (t, jpeg(c, f"{t // 1000}s")) for t, c in ((0, "#B71C1C"), (5000, "#F57F17"), (10000, "#4E342E"))
    ]
    return AnalysisRecord(
        lines=lines,
        scores=scores(labels, conf),
        evidence=evidence,
        thumbnails=thumbs,
        language="en",
        models=MODELS,
    )


def video_three() -> AnalysisRecord:
    lines = [
        ScriptLine(0, 0, "caption", "", "helping grandma with her garden 🌻"),
        ScriptLine(0, 4000, "speech", "GIRL", "Every Sunday we plant something new with Grandma."),
        ScriptLine(4000, 8000, "speech", "GRANDMA", "The bees need flowers too, you know."),
        ScriptLine(8000, 10000, "onscreen", "", "family tradition 💚"),
    ]
    labels = {"benevolence_caring": 2, "tradition": 1, "universalism_nature": 1, "humility": 1}
    conf = {"benevolence_caring": 0.83, "tradition": 0.66, "universalism_nature": 0.71, "humility": 0.52}
    evidence = [
        ev("benevolence_caring", 1, 0.7, lines),
        ev("tradition", 3, 0.8, lines),
        ev("universalism_nature", 2, 0.9, lines),
        ev("humility", 1, 0.3, lines),
    ]
    return AnalysisRecord(
        lines=lines,
        scores=scores(labels, conf),
        evidence=evidence,
        thumbnails=[(1000, jpeg("#33691E", "1s"))],
        language="en",
        models=MODELS,
    )


def build_project(path: Path) -> dict[str, int]:
    """Four analysed videos (two creators, one with a hostile title) and one queued video."""
    ids: dict[str, int] = {}
    with Project.open(path) as p:
        ids["one"] = p.add_video(
            "/videos/sunny/morning.mp4",
            sha256="a" * 64,
            size_bytes=1,
            creator="sunny.days",
            title="My 5am morning routine ✨ (1M likes!!)",
            upload_date="20240312",
        )
        p.set_media_info(ids["one"], {"duration_ms": 26500})
        p.save_analysis(ids["one"], video_one())
        ids["two"] = p.add_video(
            "/videos/sunny/noodles.mp4",
            sha256="b" * 64,
            size_bytes=1,
            creator="sunny.days",
            title="Spicy noodle challenge",
            upload_date="20240401",
        )
        p.save_analysis(ids["two"], video_two())
        ids["three"] = p.add_video(
            "/videos/sunny/garden.mp4",
            sha256="c" * 64,
            size_bytes=1,
            creator="sunny.days",
            title="Garden day with Grandma",
            upload_date="2024-05-02",
        )
        p.save_analysis(ids["three"], video_three())
        ids["evil"] = p.add_video(
            "/videos/other/evil.mp4",
            sha256="d" * 64,
            size_bytes=1,
            creator="../evil creator",
            title=TRAVERSAL_TITLE,
            upload_date="20240101",
        )
        p.save_analysis(ids["evil"], video_two())
        ids["queued"] = p.add_video(
            "/videos/other/later.mp4",
            sha256="e" * 64,
            size_bytes=1,
            creator="sunny.days",
            title="Not analysed yet",
        )
    return ids
