"""ValueEval TSV: script text that a spreadsheet would run as a formula is defused, like the CSVs."""

from __future__ import annotations

from pathlib import Path

from tests.report.projectdata import MODELS, ev, scores
from valuedesk.project import AnalysisRecord, Project
from valuedesk.report import valueeval as ve
from valuedesk.report.exports import export
from valuedesk.script import ScriptLine

HYPERLINK = '=HYPERLINK("http://x","y")'


def hostile_project(path: Path) -> int:
    lines = [
        ScriptLine(0, 0, "caption", "", HYPERLINK),
        ScriptLine(0, 2000, "speech", "GIRL", "@SUM(A1)"),
        ScriptLine(2000, 4000, "onscreen", "", "+1 follow me"),
        ScriptLine(4000, 6000, "speech", "GIRL", "-5 kg in a week"),
        ScriptLine(6000, 8000, "speech", "GIRL", "I won the race, = best day"),
    ]
    labels = {"achievement": 2, "humility": -1}
    rec = AnalysisRecord(
        lines=lines,
        scores=scores(labels, {"achievement": 0.9, "humility": 0.7}),
        evidence=[
            ev("achievement", 0, 0.9, lines),
            ev("achievement", 4, 0.5, lines),
            ev("humility", 1, 0.6, lines),
        ],
        language="en",
        models=MODELS,
    )
    with Project.open(path) as p:
        vid = p.add_video(
            "/videos/x/formula.mp4", sha256="f" * 64, size_bytes=1, creator="@SUM(A1)", title=HYPERLINK
        )
        p.save_analysis(vid, rec)
    return vid


def read_rows(path: Path) -> list[list[str]]:
    return [ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines()]


def test_tsv_text_cells_that_look_like_formulas_are_defused(tmp_path: Path) -> None:
    vid = hostile_project(tmp_path / "p.vdproj")
    with Project.open(tmp_path / "p.vdproj") as project:
        export(project, "tsv", tmp_path / "tsv")
    args = read_rows(tmp_path / "tsv" / "arguments.tsv")
    assert args[0] == ["Text-ID", "Text"]
    assert args[1:] == [
        [f"v{vid}-0000", "'" + HYPERLINK],
        [f"v{vid}-0001", "'@SUM(A1)"],
        [f"v{vid}-0002", "'+1 follow me"],
        [f"v{vid}-0003", "'-5 kg in a week"],
        [f"v{vid}-0004", "I won the race, = best day"],  # only a leading formula sign matters
    ]
    for name in ("labels.tsv", "labels-contradicted.tsv"):  # 0/1 value columns stay numbers
        rows = read_rows(tmp_path / "tsv" / name)
        assert rows[0] == ["Text-ID", *ve.TOUCHE_COLUMNS]
        assert all(cell in ("0", "1") for row in rows[1:] for cell in row[1:])
        assert [row[0] for row in rows[1:]] == [f"v{vid}-{i:04d}" for i in range(5)]
    header = ["Text-ID", *ve.TOUCHE_COLUMNS]
    labels = {
        row[0]: dict(zip(header, row, strict=True)) for row in read_rows(tmp_path / "tsv" / "labels.tsv")[1:]
    }
    assert labels[f"v{vid}-0000"]["Achievement"] == "1"
    for path in (tmp_path / "tsv").glob("*.tsv"):
        text = path.read_text(encoding="utf-8")
        assert not any(
            cell.startswith(("=", "+", "-", "@")) for ln in text.splitlines() for cell in ln.split("\t")
        )


def test_to_tsv_defuses_text_but_not_value_columns() -> None:
    header = ("Text-ID", "Text", "Achievement")
    text = ve.to_tsv([{"Text-ID": "v1-0000", "Text": "@SUM(A1)", "Achievement": "1"}], header)
    assert text == "Text-ID\tText\tAchievement\nv1-0000\t'@SUM(A1)\t1\n"
