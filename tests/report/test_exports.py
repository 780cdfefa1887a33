"""Exports round-trip, follow the reviews, and write only the chosen path."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from tests.report.projectdata import EMOJI_CAPTION, TRAVERSAL_TITLE
from valuedesk.cli import main
from valuedesk.project import Project
from valuedesk.report import ReportError
from valuedesk.report import valueeval as ve
from valuedesk.report.exports import (
    EVIDENCE_FIELDS,
    LABEL_FIELDS,
    QUOTE_FIELDS,
    evidence_rows,
    export,
    label_rows,
    quote_rows,
    select,
    video_json,
)
from valuedesk.report.safeio import OutputError, OutputFolder, safe_name
from valuedesk.report.subtitles import srt_time, vtt_time


def tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def as_text(rows: list[dict], fields: tuple[str, ...]) -> list[dict[str, str]]:  # type: ignore[type-arg]
    return [{k: "" if r[k] is None else str(r[k]) for k in fields} for r in rows]


def read_tsv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return header, [dict(zip(header, ln.split("\t"), strict=True)) for ln in lines[1:]]


def test_csv_round_trip_with_reviews(reviewed: Project, ids: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "csv"
    written = export(reviewed, "csv", out)
    assert sorted(p.name for p in written) == ["evidence.csv", "labels.csv"]
    readings = select(reviewed)
    labels = read_csv(out / "labels.csv")
    assert labels == as_text(label_rows(readings), LABEL_FIELDS)
    assert read_csv(out / "evidence.csv") == as_text(evidence_rows(readings), EVIDENCE_FIELDS)
    row = next(r for r in labels if r["video_id"] == str(ids["one"]) and r["value_id"] == "hedonism")
    assert (row["model_label"], row["reviewed_label"], row["effective_label"]) == ("1", "2", "2")
    row = next(r for r in labels if r["video_id"] == str(ids["one"]) and r["value_id"] == "stimulation")
    assert row["reviewed_label"] == "" and row["effective_word"] == "absent"
    assert len(labels) == 4 * 19  # analysed videos only
    ev = read_csv(out / "evidence.csv")
    removed = [r for r in ev if r["status"] == "removed"]
    assert [(r["value_id"], r["line_idx"]) for r in removed] == [("achievement", "3")]
    assert any(r["source"] == "reviewer" and r["line_idx"] == "7" for r in ev)
    assert (out / "labels.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel-friendly BOM


def test_json_round_trip(reviewed: Project, ids: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    export(reviewed, "json", out, creator="sunny.days")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "valuedesk-export" and doc["version"] == 1
    assert doc["videos"] == [
        json.loads(json.dumps(video_json(r))) for r in select(reviewed, creator="sunny.days")
    ]
    one = next(v for v in doc["videos"] if v["id"] == ids["one"])
    assert one["script"][0]["text"] == EMOJI_CAPTION and one["note"].startswith("Watched together")
    face = next(v for v in one["values"] if v["value_id"] == "face")
    assert (face["model_label"], face["reviewed_label"], face["effective_label"]) == (2, 2, 2)
    assert one["run"]["models"]["classifier"] == "minilm-values-test-1"


def test_json_is_streamed_as_the_whole_document(reviewed: Project, tmp_path: Path) -> None:
    """The video-by-video writer gives exactly the text of dumping the whole document at once."""
    out = tmp_path / "all.json"
    export(reviewed, "json", out)
    doc = {"format": "valuedesk-export", "version": 1, "videos": [video_json(r) for r in select(reviewed)]}
    assert out.read_text(encoding="utf-8") == json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize("fmt, target", [("json", "all.json"), ("csv", "csv"), ("tsv", "tsv")])
def test_export_failing_midway_leaves_nothing(
    reviewed: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, target: str
) -> None:
    """A streamed export that fails on its third video (a full disk, a bad row) leaves no file,
    not a truncated one, and no hidden partial file."""
    import valuedesk.report.exports as exports_module

    real = exports_module.video_reading
    calls = {"n": 0}

    def failing(project: Project, video_id: int):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(project, video_id)

    monkeypatch.setattr(exports_module, "video_reading", failing)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OSError):
        export(reviewed, fmt, out / target)
    assert calls["n"] == 3
    # a folder format leaves only the (empty) folder it made; a file format nothing
    assert tree(out) == (set() if fmt == "json" else {target})


def test_quotes_table(reviewed: Project, tmp_path: Path) -> None:
    out = tmp_path / "quotes.csv"
    export(reviewed, "quotes", out)
    rows = read_csv(out)
    assert list(rows[0]) == list(QUOTE_FIELDS)
    assert rows == as_text(quote_rows(select(reviewed)), QUOTE_FIELDS)
    q = next(r for r in rows if r["quote"] == EMOJI_CAPTION)
    assert (q["time"], q["value"], q["label"]) == ("00:00.0", "Hedonism", "dominant")
    brother = [r for r in rows if r["quote"].startswith("My little brother")]
    assert {(r["value"], r["label"]) for r in brother} == {
        ("Face", "dominant"),
        ("Conformity: interpersonal", "goes against"),
    }
    assert not any(r["value"] == "Benevolence: caring" for r in rows if r["video"].startswith("My 5am"))


def test_valueeval_tsv_round_trip(reviewed: Project, ids: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "tsv"
    export(reviewed, "tsv", out)
    assert tree(out) == {"arguments.tsv", "labels.tsv", "labels-contradicted.tsv", "README.txt"}
    readings = select(reviewed)
    header, args = read_tsv(out / "arguments.tsv")
    assert header == ["Text-ID", "Text"] and args == ve.arguments_rows(readings)
    header, labels = read_tsv(out / "labels.tsv")
    assert header == ["Text-ID", *ve.TOUCHE_COLUMNS] and len(header) == 20
    assert labels == ve.label_rows(readings)
    _, contra = read_tsv(out / "labels-contradicted.tsv")
    assert contra == ve.label_rows(readings, contradicted=True)
    assert [r["Text-ID"] for r in labels] == [r["Text-ID"] for r in args]
    by_id = {r["Text-ID"]: r for r in labels}
    one = ids["one"]
    assert by_id[f"v{one}-0007"]["Hedonism"] == "1"  # reviewer-added evidence counts
    assert by_id[f"v{one}-0003"]["Achievement"] == "0"  # reviewer-removed evidence does not
    assert by_id[f"v{one}-0008"]["Benevolence: caring"] == "0"  # label rejected by the reviewer
    assert {r["Text-ID"]: r for r in contra}[f"v{one}-0005"]["Conformity: interpersonal"] == "1"
    long_row = next(r for r in args if r["Text"].startswith("So basically"))
    assert "\t" not in long_row["Text"] and len(long_row["Text"]) > 600
    assert "Text-ID" in (out / "README.txt").read_text()


def test_subtitles(reviewed: Project, ids: dict[str, int], tmp_path: Path) -> None:
    assert srt_time(3_723_045) == "01:02:03,045" and vtt_time(500) == "00:00:00.500"
    srt = tmp_path / "one.srt"
    export(reviewed, "srt", srt, video=str(ids["one"]))
    text = srt.read_text(encoding="utf-8")
    assert text.startswith("1\n00:00:00,500 --> 00:00:03,200\nGIRL: Okay so today I hit one million likes!\n")
    assert "LIKES" not in text and "pop music" not in text  # speech only by default
    vtt = tmp_path / "one.vtt"
    export(reviewed, "vtt", vtt, video="morning.mp4", onscreen=True)
    text = vtt.read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n\n00:00:00.500 --> 00:00:03.200\n<v GIRL>Okay so today")
    assert "[1,000,000 LIKES 🎉]" in text
    folder = tmp_path / "subs"
    written = export(reviewed, "vtt", folder)
    assert len(written) == 4 and all(p.parent == folder for p in written)


def test_never_writes_outside_the_chosen_path(project: Project, ids: dict[str, int], tmp_path: Path) -> None:
    area = tmp_path / "area"
    area.mkdir()
    before = tree(tmp_path)
    for fmt in ("csv", "tsv", "srt", "vtt"):
        out = area / f"out-{fmt}"
        written = export(project, fmt, out)
        assert written and all(p.resolve().parent == out.resolve() for p in written)
    names = {p.name for p in (area / "out-srt").iterdir()}
    evil = next(n for n in names if n.startswith(f"{ids['evil']:04d}-"))
    assert "/" not in evil and ".." not in evil and not evil.startswith(".")
    for fmt in ("json", "quotes"):
        export(project, fmt, area / f"out.{fmt}")
    new = tree(tmp_path) - before
    assert all(p.startswith("area") for p in new)
    assert not (tmp_path / "tmp").exists() and not Path("/tmp/evil").exists()
    assert safe_name(TRAVERSAL_TITLE) == "tmp-evil-name" and safe_name("...") == "video"


def test_refuses_to_overwrite_without_force(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "x.json"
    f.write_text("mine")
    with pytest.raises(OutputError, match="already exists; use --force"):
        export(project, "json", f)
    assert f.read_text() == "mine"
    export(project, "json", f, force=True)
    assert json.loads(f.read_text())["format"] == "valuedesk-export"
    d = tmp_path / "d"
    d.mkdir()
    (d / "keep.txt").write_text("keep")
    with pytest.raises(OutputError, match="not empty"):
        export(project, "csv", d)
    assert tree(d) == {"keep.txt"}
    export(project, "csv", d, force=True)
    assert tree(d) == {"keep.txt", "labels.csv", "evidence.csv"} and (d / "keep.txt").read_text() == "keep"
    with pytest.raises(OutputError, match="is a file"):
        export(project, "tsv", f, force=True)
    with pytest.raises(OutputError, match="is a folder"):
        export(project, "quotes", d, force=True)
    with pytest.raises(OutputError, match="does not exist"):
        export(project, "json", tmp_path / "missing" / "x.json")
    with pytest.raises(OutputError, match="does not exist"):
        export(project, "csv", tmp_path / "missing" / "sub")
    assert not (tmp_path / "missing").exists()


def test_links_are_replaced_never_followed(project: Project, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "link.json"
    link.symlink_to(victim)
    with pytest.raises(OutputError, match="already exists"):
        export(project, "json", link)
    export(project, "json", link, force=True)
    assert victim.read_text() == "precious" and not link.is_symlink()
    # a link planted inside a folder we write into (with --force) is replaced, not followed
    d = tmp_path / "d"
    d.mkdir()
    (d / "labels.csv").symlink_to(victim)
    export(project, "csv", d, force=True)
    assert victim.read_text() == "precious" and not (d / "labels.csv").is_symlink()
    folder_link = tmp_path / "dl"
    folder_link.symlink_to(d, target_is_directory=True)
    with pytest.raises(OutputError, match="is a link"):
        export(project, "tsv", folder_link, force=True)
    folder = OutputFolder(tmp_path / "own")
    for bad in ("../x.txt", "/etc/x", ".hidden", "a/b", ""):
        with pytest.raises(OutputError):
            folder.write(bad, "x")
    assert tree(tmp_path / "own") == set()


def test_selection_errors(project: Project, ids: dict[str, int], tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="not been analysed"):
        export(project, "json", tmp_path / "a.json", video=ids["queued"])
    with pytest.raises(ReportError, match="no creator 'nobody'"):
        export(project, "json", tmp_path / "a.json", creator="nobody")
    with pytest.raises(ReportError, match="unknown format"):
        export(project, "xlsx", tmp_path / "a.xlsx")
    assert tree(tmp_path) <= {
        "proj",
        os.path.join("proj", "p.vdproj"),
        os.path.join("proj", "p.vdproj-wal"),
        os.path.join("proj", "p.vdproj-shm"),
    }


def test_cli_export(project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "q.csv"
    assert (
        main(
            [
                "export",
                "--format",
                "quotes",
                "-o",
                str(out),
                "--creator",
                "sunny.days",
                "--project",
                str(project_path),
            ]
        )
        == 0
    )
    assert str(out) in capsys.readouterr().out
    assert "Garden day with Grandma" in out.read_text(encoding="utf-8-sig")
    assert main(["export", "--format", "quotes", "-o", str(out), "--project", str(project_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("valuedesk: error:") and "--force" in err[0]
    assert (
        main(
            [
                "export",
                "--format",
                "srt",
                "-o",
                str(tmp_path / "s.srt"),
                "--video",
                "noodles.mp4",
                "--project",
                str(project_path),
            ]
        )
        == 0
    )
    assert (tmp_path / "s.srt").read_text().startswith("1\n00:00:00,500")
    assert (
        main(
            [
                "export",
                "--format",
                "json",
                "-o",
                str(tmp_path / "n.json"),
                "--video",
                "nope",
                "--project",
                str(project_path),
            ]
        )
        == 2
    )
    assert "no video 'nope'" in capsys.readouterr().err


def test_csv_reader_sees_one_record_per_row_despite_newlines(project: Project, tmp_path: Path) -> None:
    from valuedesk.report.exports import to_csv

    text = to_csv([{"quote": 'two\nlines, "quoted"', "time": "00:01.0"}], ("quote", "time"))
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows == [{"quote": 'two\nlines, "quoted"', "time": "00:01.0"}]


def test_subtitles_leave_out_the_generic_speaker_tag() -> None:
    from valuedesk.report.subtitles import _speaker_name

    assert _speaker_name("SPEAKER") == "" and _speaker_name(" ") == "" and _speaker_name("GIRL") == "GIRL"


def test_csv_cells_that_look_like_formulas_are_defused() -> None:
    from valuedesk.report.exports import to_csv

    text = to_csv(
        [{"quote": '=HYPERLINK("http://x","click")', "n": -1, "t": "-5 kg in a week", "ok": "fine"}],
        ["quote", "n", "t", "ok"],
    )
    row = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))[0]
    assert row == {
        "quote": '\'=HYPERLINK("http://x","click")',
        "n": "-1",
        "t": "'-5 kg in a week",
        "ok": "fine",
    }


def test_the_format_table_says_what_each_export_writes(project: Project, tmp_path: Path) -> None:
    from valuedesk.report.exports import EXPORT_FORMATS, FORMATS

    assert FORMATS == tuple(f.name for f in EXPORT_FORMATS) == ("csv", "quotes", "json", "tsv", "srt", "vtt")
    for f in EXPORT_FORMATS:
        assert f.description and f.suffix.startswith(".") and f.writes in ("file", "folder", "per-video")
        for one_video in (False, True):
            if one_video and f.writes != "per-video":
                continue
            folder = f.is_folder(one_video=one_video)
            out = tmp_path / (f"{f.name}-{one_video}" if folder else f"{f.name}-{one_video}{f.suffix}")
            written = export(project, f.name, out, video="morning.mp4" if one_video else None)
            if folder:
                assert out.is_dir() and written and all(p.parent == out for p in written)
                assert all(p.suffix == f.suffix or p.name == "README.txt" for p in written)
                assert all(p.name in f.contents for p in written) if f.contents else True
            else:
                assert written == [out] and out.is_file()


def test_a_folder_format_refuses_a_file_name(project: Project, tmp_path: Path) -> None:
    """`export --format csv -o labels.csv` used to create a FOLDER named labels.csv. Now the name is
    refused, nothing is created, and the message says what csv writes and which name to give."""
    area = tmp_path / "area"
    area.mkdir()
    for fmt, name in (
        ("csv", "labels.csv"),
        ("csv", "tables.XLSX"),
        ("tsv", "eval.tsv"),
        ("srt", "subs.srt"),
        ("vtt", "all.json"),
    ):
        out = area / name
        with pytest.raises(OutputError) as err:
            export(project, fmt, out)
        assert not os.path.lexists(out), fmt
        message = str(err.value)
        assert f"{fmt} writes a folder" in message and f"e.g. {out.with_suffix('')}" in message
    with pytest.raises(OutputError, match=r"labels\.csv, evidence\.csv.*quotes format"):
        export(project, "csv", area / "labels.csv")
    assert tree(area) == set()
    # One video's subtitles are one file; a folder that exists is used as it is; other names are folders.
    assert export(project, "srt", area / "one.srt", video="morning.mp4") == [area / "one.srt"]
    (area / "old.csv").mkdir()
    assert {p.name for p in export(project, "csv", area / "old.csv")} == {"labels.csv", "evidence.csv"}
    assert (area / "export.v2" / "labels.csv") in export(project, "csv", area / "export.v2")
    # A file that is there already keeps its own message.
    (area / "x.json").write_text("mine")
    with pytest.raises(OutputError, match="is a file"):
        export(project, "tsv", area / "x.json", force=True)
