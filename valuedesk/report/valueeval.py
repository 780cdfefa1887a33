"""ValueEval-style TSV: script lines as texts plus 0/1 value columns from the evidence.

Layout (a folder; UTF-8, tab-separated, header row, no quoting, tabs/newlines in text → space;
a text starting with = + - or @ gets a leading ' so spreadsheets do not run it as a formula):

  arguments.tsv             Text-ID <TAB> Text
  labels.tsv                Text-ID <TAB> 19 value columns (Touché23 names and column order,
                            without "Universalism: objectivity"); 1 = the line is evidence for
                            a value the video promotes (effective label present or dominant)
  labels-contradicted.tsv   same columns; 1 = the line is evidence for a value the video
                            goes against (effective label −1)
  README.txt                this description

Text-ID is "v<video id>-<line index, 4 digits>", e.g. v12-0003; every script line of every
exported video is one text (speech, on-screen text, caption, scene and sound notes), with the
reviewer's text corrections applied. Evidence follows the reviews (added lines count, removed
lines do not). Touché23 tools (pyvalues and the ValueEval evaluator) match columns by name.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence

from valuedesk.report.safeio import OutputFolder, defuse_formula
from valuedesk.review import VideoReading
from valuedesk.values import BY_NAME

# Touché23-ValueEval column order (it lists caring before dependability; circle order does not).
TOUCHE_COLUMNS: tuple[str, ...] = (
    "Self-direction: thought",
    "Self-direction: action",
    "Stimulation",
    "Hedonism",
    "Achievement",
    "Power: dominance",
    "Power: resources",
    "Face",
    "Security: personal",
    "Security: societal",
    "Tradition",
    "Conformity: rules",
    "Conformity: interpersonal",
    "Humility",
    "Benevolence: caring",
    "Benevolence: dependability",
    "Universalism: concern",
    "Universalism: nature",
    "Universalism: tolerance",
)
if set(TOUCHE_COLUMNS) != set(BY_NAME):  # a rename in values.py must not silently drop a column
    raise RuntimeError("valueeval.TOUCHE_COLUMNS is out of step with valuedesk.values")

README = __doc__ or ""


def text_id(video_id: int, line_idx: int) -> str:
    return f"v{video_id}-{line_idx:04d}"


def clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def arguments_rows(readings: Iterable[VideoReading]) -> list[dict[str, str]]:
    return [
        {"Text-ID": text_id(r.video_id, i), "Text": clean(ln.text)}
        for r in readings
        for i, ln in enumerate(r.lines)
    ]


def label_rows(readings: Iterable[VideoReading], *, contradicted: bool = False) -> list[dict[str, str]]:
    """One row per script line; a value column is 1 when the line is shown as its evidence."""
    rows = []
    for r in readings:
        hits: dict[int, set[str]] = {}
        for vr in r.values.values():
            if (vr.effective < 0) if contradicted else (vr.effective > 0):
                for ev in vr.evidence:
                    hits.setdefault(ev.line_idx, set()).add(vr.value.name)
        for i in range(len(r.lines)):
            row = {"Text-ID": text_id(r.video_id, i)}
            row.update({name: "1" if name in hits.get(i, ()) else "0" for name in TOUCHE_COLUMNS})
            rows.append(row)
    return rows


def tsv_cell(column: str, value: str) -> str:
    """A text cell defused like the CSV exports (a spreadsheet would run "=HYPERLINK(...)" or
    "@SUM(...)" as a formula); the 0/1 value columns are left as they are."""
    return value if column in TOUCHE_COLUMNS else str(defuse_formula(value))


def to_tsv(rows: Sequence[dict[str, str]], header: Sequence[str]) -> str:
    lines = ["\t".join(header)]
    lines += ["\t".join(tsv_cell(h, row[h]) for h in header) for row in rows]
    return "\n".join(lines) + "\n"


def write_folder(folder: OutputFolder, readings: Iterable[VideoReading]) -> None:
    """arguments.tsv, labels.tsv, labels-contradicted.tsv and README.txt, one video at a time."""
    header = ("Text-ID", *TOUCHE_COLUMNS)
    with contextlib.ExitStack() as stack:
        files = [
            stack.enter_context(folder.open(name))
            for name in ("arguments.tsv", "labels.tsv", "labels-contradicted.tsv")
        ]
        files[0].write("\t".join(("Text-ID", "Text")) + "\n")
        files[1].write("\t".join(header) + "\n")
        files[2].write("\t".join(header) + "\n")
        for r in readings:
            files[0].write(_tsv_lines(arguments_rows([r]), ("Text-ID", "Text")))
            files[1].write(_tsv_lines(label_rows([r]), header))
            files[2].write(_tsv_lines(label_rows([r], contradicted=True), header))
    folder.write("README.txt", README.strip() + "\n")


def _tsv_lines(rows: Sequence[dict[str, str]], header: Sequence[str]) -> str:
    return "".join("\t".join(tsv_cell(h, row[h]) for h in header) + "\n" for row in rows)
