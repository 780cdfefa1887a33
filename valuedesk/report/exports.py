"""Exports for other tools: CSV, JSON, a quote table (QualCoder/MAXQDA), ValueEval TSV, SRT/VTT.

Every export reads `review.video_reading` (model, reviewed and effective labels side by side)
and writes only the chosen path: one file, or — for multi-file formats — one folder it creates
(see safeio). Layouts:

  csv     folder: labels.csv (one row per video × value) and evidence.csv (one row per evidence
          line, status "shown" or "removed" by a reviewer); UTF-8 with BOM so Excel reads emoji
  json    file: {"format": "valuedesk-export", "version": 1, "videos": [...]} with labels,
          evidence and the script of each video
  quotes  file (CSV): quote, time, start_ms, end_ms, video, video_id, file_name, creator, value,
          label, speaker, kind, source — one row per shown evidence line of a non-absent value
  tsv     folder: see valuedesk.report.valueeval
  srt/vtt file for one video (--video), else a folder with one file per video

`EXPORT_FORMATS` is the one list of formats: the CLI's --format choices and help and the export
dialog read it. A format that writes a folder refuses a path ending in a file suffix (.csv,
.json, ...) unless that folder already exists: `-o labels.csv` for csv would otherwise make a
folder named labels.csv; the message suggests the folder name (see `check_target`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from valuedesk.project.store import Project
from valuedesk.report import valueeval
from valuedesk.report.errors import ReportError
from valuedesk.report.safeio import (
    OutputError,
    OutputFolder,
    StreamedFile,
    defuse_formula,
    safe_name,
    write_file,
)
from valuedesk.report.subtitles import cues, to_srt, to_vtt
from valuedesk.review import EvidenceLine, VideoReading, video_reading
from valuedesk.run_details import models_used
from valuedesk.script import format_ms
from valuedesk.values import GROUPS, Label


@dataclass(frozen=True)
class ExportFormat:
    name: str  # --format NAME
    description: str  # what users read: the export dialog's list and `valuedesk export --help`
    writes: str  # "file", "folder", or "per-video": a file for one video, else a folder of them
    suffix: str  # the suffix of the file it writes (of the files inside, for a folder)
    contents: str = ""  # a folder's files, for the help

    def is_folder(self, *, one_video: bool = False) -> bool:
        """Whether this export, of one video or of several, is a folder."""
        return self.writes == "folder" or (self.writes == "per-video" and not one_video)

    @property
    def where(self) -> str:
        """Where the export goes, in words: 'one .csv file', 'a folder (labels.csv, evidence.csv)'."""
        if self.writes == "file":
            return f"one {self.suffix} file"
        if self.writes == "folder":
            return f"a folder ({self.contents})"
        return f"one {self.suffix} file for one video, else a folder (a file per video)"


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat(
        "csv", "Spreadsheet tables: labels and evidence", "folder", ".csv", "labels.csv, evidence.csv"
    ),
    ExportFormat("quotes", "Quote table for QualCoder / MAXQDA", "file", ".csv"),
    ExportFormat("json", "Everything, for other programs", "file", ".json"),
    ExportFormat(
        "tsv",
        "ValueEval / Touché23 TSV for model evaluation",
        "folder",
        ".tsv",
        "arguments.tsv, labels.tsv, labels-contradicted.tsv, README.txt",
    ),
    ExportFormat("srt", "Subtitles with the script (SRT)", "per-video", ".srt"),
    ExportFormat("vtt", "Subtitles with the script (WebVTT)", "per-video", ".vtt"),
)
FORMATS: tuple[str, ...] = tuple(f.name for f in EXPORT_FORMATS)
_BY_NAME = {f.name: f for f in EXPORT_FORMATS}
# Endings that name a file, not a folder: a folder export given one of these is refused.
FILE_SUFFIXES = frozenset(
    {f.suffix for f in EXPORT_FORMATS} | {".txt", ".xlsx", ".xls", ".ods", ".zip", ".pdf"}
)
JSON_VERSION = 1


def export_format(name: str) -> ExportFormat:
    found = _BY_NAME.get(name.lower())
    if found is None:
        raise ReportError(f"unknown format {name!r}: use one of {', '.join(FORMATS)}")
    return found


def check_target(fmt: str, out: str | os.PathLike[str], *, one_video: bool = False) -> None:
    """Refuse a folder export whose path looks like a file name (labels.csv): raise OutputError
    that says what the format writes and suggests the folder name. Whatever already exists there
    (a folder of that name, or a file: refused by OutputFolder) is left to the writing rules."""
    spec = export_format(fmt)
    path = Path(out)
    if (
        not spec.is_folder(one_video=one_video)
        or path.suffix.lower() not in FILE_SUFFIXES
        or os.path.lexists(path)
    ):
        return
    what = f"a folder ({spec.contents})" if spec.writes == "folder" else "a folder with one file per video"
    hint = {
        "csv": "; for one CSV file of quotes use the quotes format",
        "srt": "; or export one video for one file",
        "vtt": "; or export one video for one file",
    }
    raise OutputError(
        f"{path}: {spec.name} writes {what}, not one file; give the folder's name without "
        f"{path.suffix}, e.g. {path.with_suffix('')}{hint.get(spec.name, '')}"
    )


LABEL_FIELDS = (
    "video_id",
    "creator",
    "title",
    "file_name",
    "upload_date",
    "run_id",
    "value_id",
    "value",
    "group",
    "model_label",
    "reviewed_label",
    "effective_label",
    "effective_word",
    "score",
    "contradiction",
    "threshold",
    "note",
)
EVIDENCE_FIELDS = (
    "video_id",
    "creator",
    "title",
    "value_id",
    "value",
    "effective_label",
    "line_idx",
    "start_ms",
    "end_ms",
    "time",
    "kind",
    "speaker",
    "text",
    "weight",
    "source",
    "status",
)
QUOTE_FIELDS = (
    "quote",
    "time",
    "start_ms",
    "end_ms",
    "video",
    "video_id",
    "file_name",
    "creator",
    "value",
    "label",
    "speaker",
    "kind",
    "source",
)


# --------------------------------------------------------------------------- selection


def select_ids(project: Project, *, video: str | int | None = None, creator: str | None = None) -> list[int]:
    """The analysed videos to export, in export order: one video, one creator's, or all."""
    if video is not None and creator is not None:
        raise ReportError("choose either a video or a creator, not both")
    if video is not None:
        row = project.video(video) if isinstance(video, int) else project.resolve_video(str(video))
        if row["current_run_id"] is None:
            raise ReportError(f"video {row['id']} ({row['file_name']}) has not been analysed yet")
        return [int(row["id"])]
    rows = project.videos(creator=creator)
    if creator is not None and not rows:
        known = ", ".join(c["name"] for c in project.creators()) or "none"
        raise ReportError(f"no creator {creator!r} in this project (known: {known})")
    ids = [int(r["id"]) for r in rows if r["current_run_id"] is not None]
    if not ids:
        raise ReportError("nothing to export: no analysed videos" + (f" of {creator}" if creator else ""))
    return ids


def select(
    project: Project, *, video: str | int | None = None, creator: str | None = None
) -> list[VideoReading]:
    """The readings of `select_ids` (all in memory: for a few videos; exports stream instead)."""
    return list(iter_readings(project, select_ids(project, video=video, creator=creator)))


def iter_readings(project: Project, ids: Iterable[int]) -> Iterator[VideoReading]:
    """One video's reading at a time, so a 10,000-video export holds one video in memory."""
    for vid in ids:
        yield video_reading(project, vid)


# --------------------------------------------------------------------------- rows


def _video_cols(r: VideoReading) -> dict[str, Any]:
    v = r.video
    return {"video_id": r.video_id, "creator": v.get("creator") or "", "title": v.get("title") or ""}


def label_rows(readings: Iterable[VideoReading]) -> list[dict[str, Any]]:
    rows = []
    for r in readings:
        for vr in r.values.values():
            rows.append(
                {
                    **_video_cols(r),
                    "file_name": r.video.get("file_name") or "",
                    "upload_date": r.video.get("upload_date") or "",
                    "run_id": (r.run or {}).get("id"),
                    "value_id": vr.value_id,
                    "value": vr.value.name,
                    "group": GROUPS[vr.value.group].name,
                    "model_label": vr.model_label,
                    "reviewed_label": vr.reviewed_label,
                    "effective_label": vr.effective,
                    "effective_word": Label(vr.effective).word,
                    "score": vr.score,
                    "contradiction": vr.contradiction,
                    "threshold": vr.threshold,
                    "note": vr.note,
                }
            )
    return rows


def _ev_row(
    r: VideoReading, value_id: str, name: str, effective: int, ev: EvidenceLine, status: str
) -> dict[str, Any]:
    return {
        **_video_cols(r),
        "value_id": value_id,
        "value": name,
        "effective_label": effective,
        "line_idx": ev.line_idx,
        "start_ms": ev.start_ms,
        "end_ms": ev.end_ms,
        "time": format_ms(ev.start_ms),
        "kind": ev.kind,
        "speaker": ev.speaker,
        "text": ev.text,
        "weight": ev.weight,
        "source": ev.source,
        "status": status,
    }


def evidence_rows(readings: Iterable[VideoReading]) -> list[dict[str, Any]]:
    rows = []
    for r in readings:
        for vr in r.values.values():
            rows += [_ev_row(r, vr.value_id, vr.value.name, vr.effective, ev, "shown") for ev in vr.evidence]
            rows += [_ev_row(r, vr.value_id, vr.value.name, vr.effective, ev, "removed") for ev in vr.removed]
    return rows


def quote_rows(readings: Iterable[VideoReading]) -> list[dict[str, Any]]:
    """What a qualitative-analysis user imports: a quote, where it is, and the code (value, label)."""
    rows = []
    for r in readings:
        for vr in r.values.values():
            if vr.effective == 0:
                continue
            for ev in vr.evidence:
                rows.append(
                    {
                        "quote": " ".join(ev.text.split()),
                        "time": format_ms(ev.start_ms),
                        "start_ms": ev.start_ms,
                        "end_ms": ev.end_ms,
                        "video": r.video.get("title") or "",
                        "video_id": r.video_id,
                        "file_name": r.video.get("file_name") or "",
                        "creator": r.video.get("creator") or "",
                        "value": vr.value.name,
                        "label": Label(vr.effective).phrase,
                        "speaker": ev.speaker,
                        "kind": ev.kind,
                        "source": ev.source,
                    }
                )
    return sorted(rows, key=lambda q: (q["creator"], q["video_id"], q["start_ms"], q["value"]))


def _ev_json(ev: EvidenceLine) -> dict[str, Any]:
    return {
        "line_idx": ev.line_idx,
        "start_ms": ev.start_ms,
        "end_ms": ev.end_ms,
        "kind": ev.kind,
        "speaker": ev.speaker,
        "text": ev.text,
        "weight": ev.weight,
        "source": ev.source,
    }


def video_json(r: VideoReading) -> dict[str, Any]:
    v, run = r.video, r.run or {}
    return {
        "id": r.video_id,
        "creator": v.get("creator") or "",
        "title": v.get("title") or "",
        "file_name": v.get("file_name") or "",
        "upload_date": v.get("upload_date") or "",
        "duration_ms": v.get("duration_ms"),
        "note": r.note,
        "run": {
            "id": run.get("id"),
            "finished_at": run.get("finished_at"),
            "models": models_used(r.run),
            "app_version": run.get("app_version"),
        },
        "values": [
            {
                "value_id": vr.value_id,
                "value": vr.value.name,
                "model_label": vr.model_label,
                "reviewed_label": vr.reviewed_label,
                "effective_label": vr.effective,
                "score": vr.score,
                "contradiction": vr.contradiction,
                "threshold": vr.threshold,
                "note": vr.note,
                "evidence": [_ev_json(e) for e in vr.evidence],
                "removed_evidence": [_ev_json(e) for e in vr.removed],
            }
            for vr in r.values.values()
        ],
        "script": [
            {
                "idx": i,
                "start_ms": ln.start_ms,
                "end_ms": ln.end_ms,
                "kind": ln.kind,
                "speaker": ln.speaker,
                "text": ln.text,
                "language": ln.language,
                "translation": ln.translation,
            }
            for i, ln in enumerate(r.lines)
        ],
        "languages": r.languages,
        "warnings": r.warnings,
    }


def csv_cell(value: Any) -> Any:
    """Formula-like text defused (see safeio.defuse_formula); numbers pass unchanged."""
    return defuse_formula(value)


def to_csv(rows: Iterable[dict[str, Any]], fields: Sequence[str]) -> str:
    """CSV text with a BOM (Excel), '' for missing values and formula-like text defused."""
    return csv_header(fields) + csv_body(rows, fields)


def csv_header(fields: Sequence[str]) -> str:
    return "\ufeff" + csv_body([{k: k for k in fields}], fields, defuse=False)


def csv_body(rows: Iterable[dict[str, Any]], fields: Sequence[str], *, defuse: bool = True) -> str:
    """CSV lines for `rows` (no header): a streamed export writes one video's rows at a time."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(fields), lineterminator="\r\n")
    for row in rows:
        w.writerow({k: "" if row[k] is None else (csv_cell(row[k]) if defuse else row[k]) for k in fields})
    return buf.getvalue()


# --------------------------------------------------------------------------- writing


def _subtitle_text(fmt: str, r: VideoReading, onscreen: bool) -> str:
    items = cues(r.lines, onscreen=onscreen)
    return to_srt(items) if fmt == "srt" else to_vtt(items)


def export(
    project: Project,
    fmt: str,
    out: str | os.PathLike[str],
    *,
    video: str | int | None = None,
    creator: str | None = None,
    force: bool = False,
    onscreen: bool = False,
) -> list[Path]:
    """Write one export; returns the files written (all at or inside `out`)."""
    fmt = export_format(fmt).name
    check_target(fmt, out, one_video=video is not None)
    ids = select_ids(project, video=video, creator=creator)
    path = Path(out)
    if fmt == "json":
        with StreamedFile(path, force=force) as doc:
            _write_json(doc, iter_readings(project, ids))
        return [path]
    if fmt == "quotes":
        with StreamedFile(path, force=force) as table:
            table.write(csv_header(QUOTE_FIELDS))
            for r in iter_readings(project, _quote_order(project, ids)):
                table.write(csv_body(quote_rows([r]), QUOTE_FIELDS))
        return [path]
    if fmt in ("srt", "vtt") and video is not None:
        return [write_file(path, _subtitle_text(fmt, video_reading(project, ids[0]), onscreen), force=force)]
    folder = OutputFolder(path, force=force)
    if fmt == "csv":
        with contextlib.ExitStack() as stack:
            labels = stack.enter_context(folder.open("labels.csv"))
            evidence = stack.enter_context(folder.open("evidence.csv"))
            labels.write(csv_header(LABEL_FIELDS))
            evidence.write(csv_header(EVIDENCE_FIELDS))
            for r in iter_readings(project, ids):
                labels.write(csv_body(label_rows([r]), LABEL_FIELDS))
                evidence.write(csv_body(evidence_rows([r]), EVIDENCE_FIELDS))
    elif fmt == "tsv":
        valueeval.write_folder(folder, iter_readings(project, ids))
    else:  # srt / vtt, one file per video
        for r in iter_readings(project, ids):
            name = folder.unique(f"{r.video_id:04d}-{safe_name(str(r.video.get('title') or ''))}", f".{fmt}")
            folder.write(name, _subtitle_text(fmt, r, onscreen))
    return list(folder.written)


def _write_json(out: StreamedFile, readings: Iterable[VideoReading]) -> None:
    """The same text as `json.dumps(document, indent=1)`, written one video at a time."""
    out.write(f'{{\n "format": "valuedesk-export",\n "version": {JSON_VERSION},\n "videos": [')
    for n, r in enumerate(readings):
        one = json.dumps(video_json(r), ensure_ascii=False, indent=1).replace("\n", "\n  ")
        out.write(("," if n else "") + "\n  " + one)
    out.write("\n ]\n}\n")


def _quote_order(project: Project, ids: list[int]) -> list[int]:
    """Quotes are sorted by creator, then video: the ids in that order (each video sorts its own)."""
    if len(ids) == 1:
        return ids
    wanted = set(ids)
    rows = [r for r in project.videos() if int(r["id"]) in wanted]
    return [int(r["id"]) for r in sorted(rows, key=lambda r: (r["creator"] or "", int(r["id"])))]
