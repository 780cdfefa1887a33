"""Human review of the model's reading, and the one place that says what to show.

Reviews are stored as separate rows (author, time, before/after) through `Project.add_review`;
model output (value_scores, evidence, script_lines) is never rewritten, so a later run or an
audit can always tell the model's reading from a person's. UI, exports and reports all read
`video_reading()` so they can never disagree on the effective label or evidence of a value.
Qt-free on purpose: the GUI, the CLI and tests drive the same service.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from valuedesk.project.records import ReviewedExample
from valuedesk.project.store import Project, ProjectError
from valuedesk.run_details import run_llm
from valuedesk.script import ScriptLine, render_line_body
from valuedesk.values import BY_ID, VALUES, Label, Value, lookup

MODEL = "model"
REVIEWER = "reviewer"


@dataclass(frozen=True)
class EvidenceLine:
    """One script line quoted as evidence for a value (text already carries reviewer corrections)."""

    line_idx: int
    start_ms: int
    end_ms: int
    kind: str
    speaker: str
    text: str
    weight: float  # the model's attribution weight; 0.0 for lines a reviewer added
    source: str  # MODEL or REVIEWER

    @property
    def body(self) -> str:
        """The line in screenplay form (SPEAKER: "…", [on-screen], CAPTION: …)."""
        return render_line_body(ScriptLine(self.start_ms, self.end_ms, self.kind, self.speaker, self.text))


UNSURE_BELOW = 0.6  # a model label with less confidence is called uncertain in summaries


@dataclass(frozen=True)
class ValueReading:
    """Model label, reviewed label and evidence of one value in one video."""

    value_id: str
    model_label: int
    reviewed_label: int | None
    score: float
    contradiction: float
    threshold: float
    evidence: tuple[EvidenceLine, ...]  # what to show: model lines minus removals plus additions
    removed: tuple[EvidenceLine, ...] = ()  # model lines a reviewer struck out (kept for the UI)
    note: str = ""

    @property
    def value(self) -> Value:
        return BY_ID[self.value_id]

    @property
    def effective(self) -> int:
        """The label everything displays: the reviewer's when there is one, else the model's."""
        return self.model_label if self.reviewed_label is None else self.reviewed_label

    @property
    def effective_label(self) -> Label:
        return Label(self.effective)

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_label is not None

    @property
    def disagrees(self) -> bool:
        """A reviewer chose a different label than the model."""
        return self.reviewed_label is not None and self.reviewed_label != self.model_label

    @property
    def is_uncertain(self) -> bool:
        """An unreviewed model label the model itself is not sure of (confidence under UNSURE_BELOW)."""
        return self.reviewed_label is None and self.model_label != 0 and self.confidence < UNSURE_BELOW

    @property
    def confidence(self) -> float:
        """The model's confidence in its own label: for −1 its probability that the video goes against the
        value (given that it is at stake), else the presence score."""
        if self.model_label == Label.CONTRADICTED and self.contradiction > 0:
            return self.contradiction
        return self.score


@dataclass(frozen=True)
class VideoReading:
    """Everything a view, export or report needs about one analysed video."""

    video: dict[str, Any]
    run: dict[str, Any] | None
    lines: list[ScriptLine]
    values: dict[str, ValueReading]  # all 19, in circle order
    note: str = ""  # the reviewer's note on the whole video
    n_reviews: int = 0
    authors: tuple[str, ...] = field(default_factory=tuple)

    @property
    def llm(self) -> dict[str, Any]:
        """The run's LLM record (mode, model, calls, reasons: pipeline.llm_steps); {} without one."""
        return run_llm(self.run)

    @property
    def video_id(self) -> int:
        return int(self.video["id"])

    def effective(self) -> dict[str, int]:
        return {k: r.effective for k, r in self.values.items()}

    @property
    def languages(self) -> dict[str, float]:
        """Seconds of speech per language code in the run (empty for runs before issue 11)."""
        return _json(self.run, "languages_json", {})

    @property
    def warnings(self) -> list[str]:
        """What the analysis says the profile must be read with (speech lost, language unread)."""
        return _json(self.run, "warnings_json", [])

    def with_label(self, *labels: int) -> list[ValueReading]:
        """Values whose effective label is one of `labels`, strongest first (label, then confidence)."""
        found = [r for r in self.values.values() if r.effective in labels]
        return sorted(found, key=lambda r: (-max(r.effective, 0), -r.confidence))


def _json(run: dict[str, Any] | None, key: str, default: Any) -> Any:
    if not run or not run.get(key):
        return default
    try:
        value = json.loads(run[key])
    except ValueError:
        return default
    return value if isinstance(value, type(default)) else default


# --------------------------------------------------------------------------- reading


def _note_rows(reviews: list[dict[str, Any]]) -> dict[str | None, tuple[str, dict[str, Any]]]:
    """Latest note per value (None = the whole video) with the review row that set it; a label
    review's note counts as one. The one place notes are read from the review log."""
    out: dict[str | None, tuple[str, dict[str, Any]]] = {}
    for r in reviews:
        if r["action"] == "note":
            try:
                text = str(json.loads(r["after_json"]) or "")
            except (TypeError, ValueError):
                text = ""
            out[r["value_id"]] = (text, r)
        elif r["action"] == "label" and r["note"]:
            out[r["value_id"]] = (str(r["note"]), r)
    return out


def _notes(reviews: list[dict[str, Any]]) -> dict[str | None, str]:
    return {k: text for k, (text, _row) in _note_rows(reviews).items()}


@dataclass(frozen=True)
class Note:
    """A reviewer's current note on a video (value_id None) or on one value of it."""

    review_id: int
    video_id: int
    video_title: str
    creator: str
    value_id: str | None
    text: str
    author: str
    created_at: str


def project_notes(project: Project) -> list[Note]:
    """Every current note in the project (cleared ones left out), newest first: the memo view."""
    rows = [
        dict(r)
        for r in project.db.query(
            "SELECT r.*, v.title, v.file_name, c.name AS creator FROM reviews r JOIN videos v ON v.id = r.video_id "
            "LEFT JOIN creators c ON c.id = v.creator_id WHERE r.undone = 0 ORDER BY r.id"
        )
    ]
    by_video: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        by_video.setdefault(int(r["video_id"]), []).append(r)
    out = []
    for vid, reviews in by_video.items():
        for value_id, (text, r) in _note_rows(reviews).items():
            if text.strip():
                out.append(
                    Note(
                        int(r["id"]),
                        vid,
                        str(r["title"] or r["file_name"] or f"video {vid}"),
                        str(r["creator"] or "Unknown creator"),
                        value_id,
                        text,
                        str(r["author"] or ""),
                        str(r["created_at"] or ""),
                    )
                )
    return sorted(out, key=lambda n: -n.review_id)


def _reviewed_labels(reviews: list[dict[str, Any]]) -> dict[str, int]:
    """value_id -> the latest active label review (rows oldest first; undone rows already left out)."""
    out: dict[str, int] = {}
    for r in reviews:
        if r["action"] == "label" and r["value_id"]:
            out[r["value_id"]] = int(json.loads(r["after_json"]))
    return out


def _line_corrections(reviews: list[dict[str, Any]]) -> dict[int, str]:
    out: dict[int, str] = {}
    for r in reviews:
        if r["action"] == "line_text" and r["line_idx"] is not None:
            out[int(r["line_idx"])] = str(json.loads(r["after_json"]))
    return out


def _reviewed_evidence(reviews: list[dict[str, Any]]) -> dict[str, tuple[list[int], set[int]]]:
    """value_id -> (lines added in the order they were added, lines removed): replays the log once."""
    out: dict[str, tuple[list[int], set[int]]] = {}
    for r in reviews:
        if r["action"] not in ("evidence_add", "evidence_remove") or r["line_idx"] is None:
            continue
        added, removed = out.setdefault(r["value_id"], ([], set()))
        idx = int(r["line_idx"])
        if r["action"] == "evidence_add":
            if idx not in added:
                added.append(idx)
            removed.discard(idx)
        else:
            removed.add(idx)
            if idx in added:
                added.remove(idx)
    return out


def _line(lines: list[ScriptLine], idx: int, row: dict[str, Any] | None, source: str) -> EvidenceLine:
    if 0 <= idx < len(lines):
        ln = lines[idx]
        return EvidenceLine(
            idx,
            ln.start_ms,
            ln.end_ms,
            ln.kind,
            ln.speaker,
            ln.text,
            float(row["weight"]) if row else 0.0,
            source,
        )
    start, end = (int(row["start_ms"]), int(row["end_ms"])) if row else (0, 0)
    return EvidenceLine(idx, start, end, "scene", "", "", float(row["weight"]) if row else 0.0, source)


def video_reading(project: Project, video_id: int) -> VideoReading:
    """Per value: model label, reviewed label (or None), effective label, score, evidence with
    reviewer additions/removals applied, and notes — for all 19 values in circle order."""
    video = project.video(video_id)
    run = project.run(video_id) if video["current_run_id"] is not None else None
    reviews = project.reviews(video_id)
    notes = _notes(reviews)
    if run is None:  # not analysed yet: nothing to label, but a note on the video may exist
        empty = {v.id: ValueReading(v.id, 0, None, 0.0, 0.0, 0.5, ()) for v in VALUES}
        return VideoReading(video, None, [], empty, notes.get(None, ""), len(reviews))
    lines = corrected_lines(project.script_lines(video_id), reviews)
    scores = project.value_scores(video_id)
    reviewed = _reviewed_labels(reviews)
    changes = _reviewed_evidence(reviews)
    model_ev: dict[str, dict[int, dict[str, Any]]] = {}
    for row in project.evidence(video_id):  # ordered by value, weight desc: keep the first per line
        model_ev.setdefault(row["value_id"], {}).setdefault(int(row["line_idx"]), row)
    values: dict[str, ValueReading] = {}
    for v in VALUES:
        s = scores.get(v.id)
        added, removed = changes.get(v.id, ([], set()))
        own = model_ev.get(v.id, {})
        kept = [_line(lines, i, row, MODEL) for i, row in own.items() if i not in removed]
        extra = [_line(lines, i, None, REVIEWER) for i in added if i not in own]
        struck = tuple(_line(lines, i, row, MODEL) for i, row in own.items() if i in removed)
        values[v.id] = ValueReading(
            v.id,
            int(s["label"]) if s else 0,
            reviewed.get(v.id),
            float(s["score"]) if s else 0.0,
            float(s["contradiction"] or 0.0) if s else 0.0,
            float(s["threshold"] if s and s["threshold"] is not None else 0.5),
            tuple(extra + kept),  # a person's choice first, then the model's by weight
            struck,
            notes.get(v.id, ""),
        )
    authors = tuple(sorted({str(r["author"]) for r in reviews if r["author"]}))
    return VideoReading(video, run, lines, values, notes.get(None, ""), len(reviews), authors)


def reviewed_script(project: Project, video_id: int) -> list[ScriptLine]:
    """The script every view shows: the model's lines with reviewers' text corrections."""
    return corrected_lines(project.script_lines(video_id), project.reviews(video_id))


def corrected_lines(lines: list[ScriptLine], reviews: list[dict[str, Any]]) -> list[ScriptLine]:
    """The model's script with reviewers' text corrections applied (times and kinds unchanged)."""
    fixed = list(lines)
    for idx, text in _line_corrections(reviews).items():
        if 0 <= idx < len(fixed):
            ln = fixed[idx]
            fixed[idx] = ScriptLine(ln.start_ms, ln.end_ms, ln.kind, ln.speaker, text)
    return fixed


@dataclass(frozen=True)
class LabelCell:
    """One value of one video in the set-based label table: what lists, filters and counts need."""

    model_label: int
    reviewed_label: int | None
    score: float
    contradiction: float

    @property
    def effective(self) -> int:
        return self.model_label if self.reviewed_label is None else self.reviewed_label


def label_table(project: Project, video_ids: list[int] | None = None) -> dict[int, dict[str, LabelCell]]:
    """video id -> value id -> LabelCell for analysed videos, in two queries (not one per video).

    The same rule as `video_reading` (the latest active label review wins, else the model's
    label), so the library, creator view and filters never disagree with the video view.
    """
    where, params = "", []  # type: tuple[str, list[Any]]
    if video_ids is not None:
        if not video_ids:
            return {}
        where = f" AND v.id IN ({','.join('?' * len(video_ids))})"
        params = list(video_ids)
    scores = project.db.execute(
        "SELECT v.id, s.value_id, s.label, s.score, s.contradiction FROM videos v "
        "JOIN value_scores s ON s.run_id = v.current_run_id WHERE 1 = 1" + where,
        params,
    ).fetchall()
    reviews = project.db.execute(
        "SELECT r.video_id, r.value_id, r.action, r.after_json, r.line_idx FROM reviews r JOIN videos v "
        "ON v.id = r.video_id WHERE r.action = 'label' AND r.undone = 0 AND v.current_run_id IS NOT NULL"
        + where
        + " ORDER BY r.id",
        params,
    ).fetchall()
    by_video: dict[int, list[dict[str, Any]]] = {}
    for vid, value_id, action, after, line_idx in reviews:
        by_video.setdefault(int(vid), []).append(
            {"value_id": value_id, "action": action, "after_json": after, "line_idx": line_idx}
        )
    reviewed = {vid: _reviewed_labels(rows) for vid, rows in by_video.items()}
    table: dict[int, dict[str, LabelCell]] = {}
    for vid, value_id, label, score, contradiction in scores:
        mine = reviewed.get(int(vid), {})
        table.setdefault(int(vid), {})[value_id] = LabelCell(
            int(label), mine.get(value_id), float(score or 0.0), float(contradiction or 0.0)
        )
    return table


def videos_with_label(project: Project, value_id: str, labels: tuple[int, ...] | list[int]) -> set[int]:
    """Analysed videos whose effective label for a value is one of `labels`: the model's matching
    labels straight from an index (value, label), then that value's (few) label reviews on top."""
    wanted = [int(x) for x in labels]
    if not wanted:
        return set()
    found = {
        int(r[0])
        for r in project.db.execute(
            "SELECT v.id FROM value_scores s JOIN videos v ON v.current_run_id = s.run_id "
            f"WHERE s.value_id = ? AND s.label IN ({','.join('?' * len(wanted))})",
            [value_id, *wanted],
        ).fetchall()
    }
    by_video: dict[int, list[dict[str, Any]]] = {}
    for vid, action, after in project.db.execute(
        "SELECT r.video_id, r.action, r.after_json FROM reviews r JOIN videos v ON v.id = r.video_id "
        "WHERE r.action = 'label' AND r.undone = 0 AND r.value_id = ? AND v.current_run_id IS NOT NULL "
        "ORDER BY r.id",
        [value_id],
    ).fetchall():
        by_video.setdefault(int(vid), []).append(
            {"value_id": value_id, "action": action, "after_json": after}
        )
    for vid, rows in by_video.items():  # a reviewed label replaces the model's, either way
        if _reviewed_labels(rows).get(value_id) in wanted:
            found.add(vid)
        else:
            found.discard(vid)
    return found


def reviewed_examples(project: Project) -> list[ReviewedExample]:
    """Videos with reviewed labels, as training/evaluation data (reviewed values only)."""
    out = []
    ids = [
        r[0]
        for r in project.db.execute(
            "SELECT DISTINCT video_id FROM reviews WHERE action = 'label' AND undone = 0 ORDER BY video_id"
        ).fetchall()
    ]
    for vid in ids:
        reviews = project.reviews(vid)
        labels = _reviewed_labels(reviews)
        if labels:
            out.append(ReviewedExample(vid, corrected_lines(project.script_lines(vid), reviews), labels))
    return out


# --------------------------------------------------------------------------- writing


def describe(review: dict[str, Any]) -> str:
    """One line for a history list or the CLI: "Face: present → absent"."""
    action = review["action"]
    name = BY_ID[review["value_id"]].name if review.get("value_id") in BY_ID else "video"
    before, after = json.loads(review["before_json"]), json.loads(review["after_json"])
    if action == "label":
        b = Label(before).phrase if before is not None else "—"
        return f"{name}: {b} → {Label(after).phrase}"
    if action == "evidence_add":
        return f"{name}: added line {review['line_idx']} as evidence"
    if action == "evidence_remove":
        return f"{name}: removed line {review['line_idx']} from the evidence"
    if action == "note":
        return f"{name}: note {after!r}" if after else f"{name}: note cleared"
    if action == "line_text":
        return f"line {review['line_idx']}: {before!r} → {after!r}"
    return action


class ReviewService:
    """Accept, reject and correct the model's reading of videos; every change is undoable."""

    def __init__(self, project: Project, author: str = "") -> None:
        self.project = project
        self.author = author

    # -- helpers
    def _analysed(self, video_id: int) -> VideoReading:
        reading = video_reading(self.project, video_id)
        if reading.run is None:
            raise ProjectError(f"video {video_id} has not been analysed yet; nothing to review")
        return reading

    @staticmethod
    def _value_id(value: str) -> str:
        try:
            return lookup(value).id
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None

    @staticmethod
    def _label(label: int | str) -> Label:
        try:
            return Label.parse(label)
        except ValueError:
            raise ValueError(
                f"unknown label {label!r}: use -1, 0, 1, 2 or contradicted/absent/present/dominant"
            ) from None

    def _check_line(self, reading: VideoReading, line_idx: int) -> None:
        if not 0 <= line_idx < len(reading.lines):
            raise ValueError(
                f"no script line {line_idx} in video {reading.video_id} "
                f"(it has lines 0–{len(reading.lines) - 1})"
            )

    # -- labels
    def set_label(self, video_id: int, value: str, label: int | str, note: str = "") -> int:
        """Record a reviewer's label (−1/0/1/2 or its word); the model's row stays as it was."""
        vid = self._value_id(value)
        new = self._label(label)
        before = self._analysed(video_id).values[vid].effective
        return self.project.add_review(
            video_id, "label", value_id=vid, before=before, after=int(new), note=note, author=self.author
        )

    def accept(self, video_id: int, value: str, note: str = "") -> int:
        """Confirm the model's label: stored as a reviewed label equal to the model's."""
        vid = self._value_id(value)
        return self.set_label(video_id, vid, self._analysed(video_id).values[vid].model_label, note)

    def reject(self, video_id: int, value: str, label: int | str = 0, note: str = "") -> int:
        """Replace the model's label by a different one (absent unless said otherwise)."""
        vid = self._value_id(value)
        new = self._label(label)
        model = self._analysed(video_id).values[vid].model_label
        if int(new) == model:
            raise ValueError(
                f"the model already says {Label(model).phrase} for {BY_ID[vid].name}; "
                "rejecting needs a different label"
            )
        return self.set_label(video_id, vid, new, note)

    # -- evidence
    def add_evidence(self, video_id: int, value: str, line_idx: int) -> int | None:
        """Mark a script line as evidence for a value; None when it already is."""
        vid = self._value_id(value)
        reading = self._analysed(video_id)
        self._check_line(reading, line_idx)
        if any(e.line_idx == line_idx for e in reading.values[vid].evidence):
            return None
        return self.project.add_review(
            video_id,
            "evidence_add",
            value_id=vid,
            line_idx=line_idx,
            before=False,
            after=True,
            author=self.author,
        )

    def remove_evidence(self, video_id: int, value: str, line_idx: int) -> int | None:
        """Strike a line from a value's evidence; None when it is not evidence."""
        vid = self._value_id(value)
        reading = self._analysed(video_id)
        if not any(e.line_idx == line_idx for e in reading.values[vid].evidence):
            return None
        return self.project.add_review(
            video_id,
            "evidence_remove",
            value_id=vid,
            line_idx=line_idx,
            before=True,
            after=False,
            author=self.author,
        )

    # -- notes and transcript
    def set_note(self, video_id: int, text: str, value: str | None = None) -> int:
        """A free note on the whole video (value=None) or on one value of it; '' clears it."""
        vid = self._value_id(value) if value else None
        reading = video_reading(self.project, video_id)
        before = reading.values[vid].note if vid else reading.note
        return self.project.add_review(
            video_id, "note", value_id=vid, before=before, after=text.strip(), author=self.author
        )

    def correct_line(self, video_id: int, line_idx: int, text: str) -> int | None:
        """Fix a transcript/OCR line's text; the model's line stays in script_lines."""
        reading = self._analysed(video_id)
        self._check_line(reading, line_idx)
        text = " ".join(text.split())
        if not text:
            raise ValueError("a corrected line needs some text")
        before = reading.lines[line_idx].text
        if text == before:
            return None
        return self.project.add_review(
            video_id, "line_text", line_idx=line_idx, before=before, after=text, author=self.author
        )

    # -- history
    def _row(self, review_id: int | None) -> dict[str, Any] | None:
        if review_id is None:
            return None
        return dict(self.project.db.table("reviews").get(review_id))

    def undo(self, video_id: int) -> dict[str, Any] | None:
        """Undo the video's latest review; returns that review (describe() it) or None."""
        return self._row(self.project.undo_review(video_id))

    def redo(self, video_id: int) -> dict[str, Any] | None:
        return self._row(self.project.redo_review(video_id))

    def can_undo(self, video_id: int) -> bool:
        return bool(self.project.reviews(video_id))

    def can_redo(self, video_id: int) -> bool:
        row = self.project.db.execute(
            "SELECT 1 FROM reviews WHERE video_id = ? AND undone = 1 LIMIT 1", [video_id]
        ).fetchone()
        return row is not None

    def history(self, video_id: int) -> list[dict[str, Any]]:
        """Active reviews, oldest first."""
        return self.project.reviews(video_id)
