"""PDF reports: the text a parent needs is there, pages are the right size, text is not tiny."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from statistics import median

import pytest

from tests.report.projectdata import MODELS
from valuedesk.project import Project
from valuedesk.report import ReportError
from valuedesk.report.pdf_creator import build_creator_report, write_creator_report
from valuedesk.report.pdf_video import build_video_report, write_video_report
from valuedesk.report.radar import CONTRA, draw_radar, share_spec, video_spec

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdftext(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    )
    # NFKC folds the ﬀ/ﬁ ligatures Qt's shaping produces; join words regardless of where lines wrap
    return " ".join(unicodedata.normalize("NFKC", out.stdout).split())


def words(path: Path) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, word) in PDF points for every word (pdftotext -bbox)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pat = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in pat.findall(html)]


def page_size(path: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert m, info
    return float(m.group(1)), float(m.group(2))


@needs_poppler
def test_video_report_text_and_layout(reviewed: Project, ids: dict[str, int], tmp_path: Path) -> None:
    out = write_video_report(reviewed, ids["one"], tmp_path / "video.pdf")
    text = pdftext(out)
    for expected in (
        "My 5am morning routine",
        "sunny.days",
        "12 Mar 2024",
        "26 s",
        "my morning routine",
        "#grwm #fyp — café au lait",  # caption, emoji dropped by pdftotext
        "This video mostly promotes Achievement (success, winning, being the best)",
        "goes against Humility (being modest, not showing off)",
        "Achievement",
        "Face",
        "Humility",
        "Conformity: interpersonal",
        "Hedonism",
        "00:00.5",
        "Okay so today I hit one million likes!",  # corrected line, quoted with its time
        "00:07.0",
        "My little brother is so embarrassing, look at his hair, ew.",
        "00:21.0",
        "upbeat pop music",
        "(added by a reviewer)",
        "Model: present (64 % confidence) · Reviewer: dominant",
        "confirmed by a reviewer",
        "Reviewer: absent",
        "Just a thank-you.",
        "Watched together; the brother bit is mean.",
        "Talk about it",
        "Why do you think likes and looks matter so much in this video?",
        "not a verdict",
        MODELS["classifier"],
        MODELS["asr"],
        "A person checked 3 of the 19 labels by tester",
        "page 1 of",
    ):
        assert expected in text, expected
    # the long line wraps inside the page instead of running off it
    assert "https://example.invalid/" in text
    w, h = page_size(out)
    assert (round(w), round(h)) == (595, 842)
    boxes = words(out)
    assert boxes and all(x1 <= w - 20 and x0 >= 20 and y1 <= h for x0, _, x1, y1, _ in boxes)
    assert sum("xxxxxxxxxx" in b[4] for b in boxes) >= 2
    # body text is about 9–10 pt, not shrunk to a third by 300-dpi page sizing
    heights = [y1 - y0 for _, y0, _, y1, _ in boxes]
    assert 8.0 <= median(heights) <= 14.0


@needs_poppler
def test_letter_paper(project: Project, ids: dict[str, int], tmp_path: Path) -> None:
    out = write_video_report(project, ids["two"], tmp_path / "letter.pdf", paper="letter")
    assert (round(page_size(out)[0]), round(page_size(out)[1])) == (612, 792)
    text = pdftext(out)
    assert (
        "Spicy noodle challenge" in text
        and "Stimulation" in text
        and "POV: you try the spiciest noodles" in text
    )


@needs_poppler
def test_creator_report(reviewed: Project, tmp_path: Path) -> None:
    out = write_creator_report(reviewed, "SUNNY.DAYS", tmp_path / "creator.pdf", paper="letter")
    text = pdftext(out)
    for expected in (
        "sunny.days",
        "3 analysed videos uploaded between 12 Mar 2024 and 2 May 2024",
        "1 more is not analysed yet",
        "Across 3 videos, sunny.days most often promotes",
        "What these videos go against most often",
        "Conformity: interpersonal — 2 of 3 videos",
        "My little brother is so embarrassing",
        "Dude your face is so red",
        "V1",
        "V2",
        "V3",
        "Garden day with Grandma",
        "Spicy noodle challenge",
        "● dominant",
        "◐ present",
        "✕ goes against",
        "checked by a person",
        "not a verdict",
        MODELS["classifier"],
    ):
        assert expected in text, expected
    assert "Not analysed yet" not in text


def test_report_html_escapes_and_resources(project: Project, ids: dict[str, int]) -> None:
    body, resources, title = build_video_report(project, ids["evil"])
    assert title.startswith("../../") and "radar.png" in resources
    assert "<script" not in body
    assert any(name.startswith("thumb-") for name in resources)  # keyframe + evidence frames
    body, _, _ = build_creator_report(project, "../evil creator")
    assert "../evil creator" in body


def test_report_errors(project: Project, ids: dict[str, int], tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="not been analysed"):
        build_video_report(project, ids["queued"])
    with pytest.raises(ReportError, match="no creator 'nobody'"):
        build_creator_report(project, "nobody")
    with pytest.raises(ReportError, match="unknown paper"):
        build_video_report(project, ids["one"], paper="a3")
    out = tmp_path / "r.pdf"
    out.write_text("keep me")
    with pytest.raises(Exception, match="already exists"):
        write_video_report(project, ids["one"], out)
    assert out.read_text() == "keep me"
    write_video_report(project, ids["one"], out, force=True)
    assert out.read_bytes().startswith(b"%PDF")


def _count(img, rgb: tuple[int, int, int], tol: int = 30) -> int:  # type: ignore[no-untyped-def]
    """Pixels near a colour in the chart area (the legend below always shows a red ×)."""
    from PySide6.QtGui import QColor

    n = 0
    for y in range(0, img.height() - 70, 3):
        for x in range(0, img.width(), 3):
            c = QColor(img.pixel(x, y))
            if abs(c.red() - rgb[0]) + abs(c.green() - rgb[1]) + abs(c.blue() - rgb[2]) < tol:
                n += 1
    return n


def test_radar_marks_contradictions() -> None:
    red = (CONTRA.red(), CONTRA.green(), CONTRA.blue())
    with_contra = draw_radar(video_spec({"achievement": 2, "humility": -1}), scale=1.0)
    without = draw_radar(video_spec({"achievement": 2, "humility": 0}), scale=1.0)
    assert with_contra.width() == 470 and _count(with_contra, red) > 20
    assert _count(without, red) == 0
    shares = draw_radar(share_spec({"face": 0.5}, {"humility": 0.25}), scale=1.0)
    assert _count(shares, red) > 10


def test_report_modules_import_no_widgets() -> None:
    code = (
        "import sys, valuedesk.report.pdf_video, valuedesk.report.pdf_creator, valuedesk.review, "
        "valuedesk.cli.reports; bad = [m for m in sys.modules if m.startswith(('PySide6.QtWidgets', "
        "'pyqtgraph', 'valuedesk.ui'))]; assert not bad, bad; "
        "import valuedesk.report.exports; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
    code = "import sys, valuedesk.report.exports; assert 'PySide6.QtGui' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@needs_poppler
def test_cli_report(project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from valuedesk.cli import main

    out = tmp_path / "cli.pdf"
    assert (
        main(["report", "morning.mp4", "-o", str(out), "--paper", "letter", "--project", str(project_path)])
        == 0
    )
    assert out.read_bytes().startswith(b"%PDF") and str(out) in capsys.readouterr().out
    assert main(["report", "morning.mp4", "-o", str(out), "--project", str(project_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already exists; use --force" in err[0]
    assert (
        main(
            [
                "report",
                "--creator",
                "sunny.days",
                "-o",
                str(tmp_path / "c.pdf"),
                "--project",
                str(project_path),
            ]
        )
        == 0
    )
    assert main(["report", "-o", str(tmp_path / "x.pdf"), "--project", str(project_path)]) == 2
    assert (
        main(["report", "1", "-o", str(tmp_path / "y.pdf"), "--project", str(tmp_path / "missing.vdproj")])
        == 2
    )
    assert "no such project file" in capsys.readouterr().err


def _colourful_pixels(png: Path) -> int:
    from PySide6.QtGui import QColor, QImage

    img = QImage(str(png))
    assert not img.isNull()
    n = 0
    for y in range(0, img.height(), 2):
        for x in range(0, img.width(), 2):
            c = QColor(img.pixel(x, y))
            if max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue()) > 80:
                n += 1
    return n


@needs_poppler
def test_emoji_render_in_colour(tmp_path: Path) -> None:
    """Emoji never reach pdftotext, so check the rendered page: colour glyphs, not blank boxes."""
    from valuedesk.report.render import render_pdf

    pdf = tmp_path / "emoji.pdf"
    pdf.write_bytes(render_pdf('<p style="font-size:40pt">plain ✨💅🎉</p>', {}, footer="x"))
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "e")], check=True
    )
    assert _colourful_pixels(next(tmp_path.glob("e*.png"))) > 30


@needs_poppler
def test_pages_render_to_png(project: Project, ids: dict[str, int], tmp_path: Path) -> None:
    """pdftoppm reads every page; page 1 carries the coloured radar and real content."""
    out = write_video_report(project, ids["one"], tmp_path / "v.pdf")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 2
    assert _colourful_pixels(pages[0]) > 50


def test_radar_labels_do_not_overlap_and_share_the_apps_geometry() -> None:
    """The PDF radar places its labels with radar_geometry: none overlap, none leave the picture."""
    from PySide6.QtCore import QRectF

    from valuedesk.report import radar_geometry as geo
    from valuedesk.report.radar import draw_radar_traced

    labels = {
        "achievement": 2,
        "humility": -1,
        "face": -1,
        "universalism_tolerance": 2,
        "self_direction_action": 1,
    }
    for spec in (
        video_spec(labels),
        share_spec({"face": 0.5, "achievement": 1.0}, {"humility": 0.25, "face": 0.5}),
    ):
        img, trace = draw_radar_traced(spec, scale=1.0)
        boxes = list(trace.label_boxes.values())
        assert len(boxes) == 19
        assert not [(a, b) for n, a in enumerate(boxes) for b in boxes[n + 1 :] if a.intersects(b)]
        picture = QRectF(0, 0, img.width(), img.height() - 60)  # above the legend
        assert all(picture.contains(b) for b in boxes)
    # one vertex per axis, on the ring of its label, in radar_geometry's circle order
    _img, trace = draw_radar_traced(video_spec(labels), scale=1.0)
    for (x, y), (gx, gy) in zip(trace.unit_vertices(), geo.profile_points(labels), strict=True):
        assert abs(x - gx) < 1e-6 and abs(y - gy) < 1e-6


def test_radar_geometry_is_qt_free() -> None:
    code = (
        "import sys, valuedesk.report.radar_geometry; bad = [m for m in sys.modules if m.startswith('PySide6')]; "
        "assert not bad, bad; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
