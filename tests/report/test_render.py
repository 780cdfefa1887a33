"""PDF text: bidi controls in titles, creator names and script lines cannot reorder the page."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from tests.report.projectdata import MODELS, ev, scores
from valuedesk.project import AnalysisRecord, Project
from valuedesk.report.pdf_creator import write_creator_report
from valuedesk.report.pdf_video import write_video_report
from valuedesk.report.render import BIDI_CONTROLS, esc, plain
from valuedesk.script import ScriptLine

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

RLO = "\u202e"
TITLE = f"evil{RLO}txt.exe"
CREATOR = "bad\u202dguy\u2066\u2067\u2068x\u2069\u202a\u202b\u202c"
QUOTE = f"Download the file{RLO}gpj.exe now"
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def pdftext(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return unicodedata.normalize("NFKC", out)  # folds the ﬁ ligature Qt's shaping produces


def bidi_project(path: Path) -> int:
    lines = [
        ScriptLine(0, 0, "caption", "", f"caption{RLO}reversed"),
        ScriptLine(0, 3000, "speech", "GIRL", QUOTE),
        ScriptLine(3000, 6000, "speech", "GIRL", "I want to win every race."),
    ]
    rec = AnalysisRecord(
        lines=lines,
        scores=scores({"achievement": 2}, {"achievement": 0.9}),
        evidence=[ev("achievement", 1, 0.9, lines), ev("achievement", 2, 0.5, lines)],
        language="en",
        models=MODELS,
    )
    with Project.open(path) as p:
        vid = p.add_video(
            "/videos/x/evil.mp4",
            sha256="9" * 64,
            size_bytes=1,
            creator=CREATOR,
            title=TITLE,
            upload_date="20240101",
        )
        p.save_analysis(vid, rec)
    return vid


@needs_poppler
def test_right_to_left_override_in_a_title_does_not_reorder_the_pdf(tmp_path: Path) -> None:
    vid = bidi_project(tmp_path / "p.vdproj")
    with Project.open(tmp_path / "p.vdproj", readonly=True) as project:
        video_pdf = write_video_report(project, vid, tmp_path / "video.pdf")
        creator_pdf = write_creator_report(project, CREATOR, tmp_path / "creator.pdf")
    text = pdftext(video_pdf)
    assert not any(ch in text for ch in CONTROLS)
    assert "evil" in text and "txt.exe" in text and "exe.txt" not in text
    assert "Download the file" in text and "gpj.exe now" in text  # the quoted script line
    assert "badguyx" in text  # creator name, controls removed, letters kept
    assert "caption" in text and "reversed" in text and "desrever" not in text
    title = subprocess.run(["pdfinfo", str(video_pdf)], check=True, capture_output=True, text=True).stdout
    assert RLO not in title and "eviltxt.exe" in title  # the document title too
    text = pdftext(creator_pdf)
    assert not any(ch in text for ch in CONTROLS)
    assert "badguyx" in text and "evil" in text and "txt.exe" in text


def test_esc_removes_every_bidi_control_and_keeps_the_rest() -> None:
    assert set(BIDI_CONTROLS) == {ord(ch) for ch in CONTROLS}
    assert esc(f"<b>{TITLE}</b>") == "&lt;b&gt;eviltxt.exe&lt;/b&gt;"
    assert plain("שלום ✨ café" + CONTROLS) == "שלום ✨ café"
