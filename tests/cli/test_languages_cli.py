"""A video that switches from English to German, analysed end to end: both texts stored, shown,
searchable and exported; the values read from the English rendering; evidence on original lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.clipgen import ClipTruth
from valuedesk.cli import main
from valuedesk.project import Project
from valuedesk.transcribe.models import base_parts

pytestmark = pytest.mark.skipif(
    base_parts() is None, reason="the multilingual Whisper base model is not installed"
)


@pytest.fixture(scope="module")
def analysed(code_switch_clip: ClipTruth, tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("lang") / "p.vdproj"
    assert main(["analyze", str(code_switch_clip.path), "--project", str(project)]) == 0
    return project


def test_both_texts_are_stored(analysed: Path) -> None:
    with Project.open(analysed, readonly=True) as p:
        vid = p.videos()[0]["id"]
        lines = p.script_lines(vid)
        run = p.run(vid)
        assert run is not None
        assert set(json.loads(run["languages_json"])) == {"en", "de"}
        german = [ln for ln in lines if ln.kind == "speech" and ln.language == "de"]
        assert german and all(ln.translation for ln in german)
        assert any("Hund" in ln.text for ln in german)
        # on-screen text in German is marked too (long enough to tell) or left unmarked, never "en"
        assert all(ln.language in ("", "de") for ln in lines if ln.kind == "onscreen" and "HUND" in ln.text)
        # the original-language transcript is searchable
        hits = p.search("Park")
        assert any(h.video_id == vid and "Park" in h.text for h in hits)
        # evidence points at lines of the stored script (original lines, not the translation)
        for e in p.evidence(vid):
            assert 0 <= e["line_idx"] < len(lines)


def test_show_says_which_languages(analysed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "1", "--project", str(analysed), "--script"]) == 0
    out = capsys.readouterr().out
    assert "speech: " in out and "German" in out and "English" in out
    assert "translated to English for the value reading" in out
    assert "‹de›" in out and "↳ English:" in out


def test_export_keeps_original_and_translation(analysed: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert main(["export", "--project", str(analysed), "--format", "json", "-o", str(target)]) == 0
    data = json.loads(target.read_text())
    video = data[0] if isinstance(data, list) else data["videos"][0]
    german = [ln for ln in video["script"] if ln["language"] == "de"]
    assert german and all(ln["translation"] for ln in german)
    assert set(video["languages"]) == {"en", "de"}
