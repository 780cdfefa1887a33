"""The value side of a video: radar + table of the 19 values + evidence + lanes (+ review).

One selection drives everything: choosing a value on the radar, in the table or on a lane shows
its evidence, emphasises its axis and lane, and fills the review panel. Labels shown are the
effective ones (the reviewer's when present), with the model's alongside when they differ.
Data comes only through `Project` methods; nothing here writes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from valuedesk.languages import describe as describe_languages
from valuedesk.project.store import Project
from valuedesk.review import REVIEWER, video_reading
from valuedesk.run_details import LLM_LABELLING_MODES, describe_llm_run
from valuedesk.script import render_line_body
from valuedesk.ui.evidence_list import EvidenceList
from valuedesk.ui.help import label_meaning
from valuedesk.ui.lanes import ValueLanes
from valuedesk.ui.radar import CONTRADICTED_COLOR, RadarWidget, is_dark, label_color, label_text, label_word
from valuedesk.ui.review_panel import ReviewPanel
from valuedesk.values import BY_ID, VALUES

COLUMNS = ("Value", "Label", "Score", "Against", "Reviewed")
COL_VALUE, COL_LABEL, COL_SCORE, COL_AGAINST, COL_REVIEWED = range(len(COLUMNS))
COLUMN_TIPS = (
    "The 19 values; sorted by this column they follow the radar's circle (grouped by higher-order value)",
    "What the video does with the value (the reviewer's label when there is one)",
    "How likely the model finds the value at stake in the video (its probability, 0–100%)",
    "For values that the video goes against: how sure the model is of that (0–100%)",
    "Whether a reviewer checked the label (✓ agrees with the model, ✎ changed it)",
)
SORT_KEY = Qt.ItemDataRole.UserRole + 1


class _SortItem(QTableWidgetItem):
    """A cell that sorts by its SORT_KEY (numbers), not by its text ("6%" > "37%" as text)."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_KEY), other.data(SORT_KEY)
        if mine is None or theirs is None:
            return super().__lt__(other)
        return bool(mine < theirs)


# What the header says when a video has no reading to show, by its status.
NO_READING = {
    "failed": "the analysis failed",
    "interrupted": "the analysis did not finish",
    "cancelled": "the analysis was cancelled",
    "analyzing": "being analysed",
}


class ValuePanel(QWidget):
    """Everything about the values of one video; emits seeks and line selections for the player/script."""

    seek_requested = Signal(int)
    line_selected = Signal(int)
    value_selected = Signal(str)
    review_requested = Signal(dict)  # forwarded from the embedded ReviewPanel

    def __init__(self, parent: QWidget | None = None, *, with_review: bool = True) -> None:
        super().__init__(parent)
        self._project: Project | None = None
        self._video_id: int | None = None
        self._selected: str | None = None
        self._model: dict[str, int] = {}
        self._reviewed: dict[str, int] = {}
        self._scores: dict[str, dict[str, Any]] = {}
        self._notes: dict[str, str] = {}
        self._reasons: dict[str, str] = {}
        self._llm_mode = ""
        self._lines: list[Any] = []
        self._evidence_by_value: dict[str, list[dict[str, Any]]] = {}

        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.radar = RadarWidget(self)
        self.table = QTableWidget(len(VALUES), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        for c, tip in enumerate(COLUMN_TIPS):
            hi = self.table.horizontalHeaderItem(c)
            assert hi is not None  # made by setHorizontalHeaderLabels above
            hi.setToolTip(tip + " · click to sort")
            if c != COL_VALUE:  # the first click puts the strongest, likeliest, reviewed values first
                hi.setData(Qt.ItemDataRole.InitialSortOrderRole, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(COL_VALUE, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(COLUMNS)):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        head.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("100%") + 12)
        head.setSortIndicator(COL_VALUE, Qt.SortOrder.AscendingOrder)  # circle order, as on the radar
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setMinimumHeight(head.sizeHint().height() + 3 * (self.fontMetrics().height() + 6) + 4)
        self.evidence = EvidenceList(self)
        self.lanes = ValueLanes(self)
        self.lanes.set_show_all(False)  # 19 lanes cost a third of the panel; most would be empty
        self.all_lanes = QCheckBox("all 19", self)
        self.all_lanes.setToolTip("Show a lane for every value, not only those labelled or with evidence")
        self.all_lanes.toggled.connect(self.lanes.set_show_all)
        self.review = ReviewPanel(self) if with_review else None

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        for w in (self.radar, self.table, self.evidence):
            self.splitter.addWidget(w)
        lanes_box = QWidget()
        lb = QVBoxLayout(lanes_box)
        lb.setContentsMargins(0, 0, 0, 0)
        lb.setSpacing(4)
        lanes_head = QHBoxLayout()
        lanes_head.addWidget(QLabel("<b>Where in the video</b> — click to seek", lanes_box))
        lanes_head.addStretch(1)
        lanes_head.addWidget(self.all_lanes)
        lb.addLayout(lanes_head)
        lb.addWidget(self.lanes)
        if self.review is not None:
            lb.addWidget(self.review)
        lb.addStretch(1)
        # lanes and review scroll when the pane is short (a 768-pixel screen), instead of forcing the window taller
        self.lanes_scroll = QScrollArea(self)
        self.lanes_scroll.setWidgetResizable(True)
        self.lanes_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.lanes_scroll.setWidget(lanes_box)
        bar = self.lanes_scroll.verticalScrollBar().sizeHint().width()
        self.lanes_scroll.setMinimumSize(lanes_box.minimumSizeHint().width() + bar, 60)
        self.splitter.addWidget(self.lanes_scroll)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setStretchFactor(3, 0)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.header)
        lay.addWidget(self.splitter, 1)

        self.radar.value_clicked.connect(self.select_value)
        self.lanes.value_clicked.connect(self.select_value)
        self.lanes.seek_requested.connect(self.seek_requested)
        self.table.itemSelectionChanged.connect(self._on_table_selection)
        self.evidence.evidence_clicked.connect(self._on_evidence)
        if self.review is not None:
            self.review.review_requested.connect(self.review_requested)
        self._show_empty()

    # ------------------------------------------------------------------ API
    def load(self, project: Project, video_id: int) -> None:
        """Read one video's current analysis (and reviews) and show it; keeps the selection on reload."""
        same = self._project is project and self._video_id == video_id
        self._project, self._video_id = project, video_id
        reading = video_reading(project, video_id)  # the one place reviews meet model output
        video = reading.video
        self._reading = reading
        self._scores = (
            {}
            if reading.run is None
            else {
                vid: {
                    "score": r.score,
                    "contradiction": r.contradiction,
                    "threshold": r.threshold,
                    "label": r.model_label,
                }
                for vid, r in reading.values.items()
            }
        )
        self._model = {} if reading.run is None else {vid: r.model_label for vid, r in reading.values.items()}
        self._reviewed = {
            vid: r.reviewed_label for vid, r in reading.values.items() if r.reviewed_label is not None
        }
        self._notes = {vid: r.note for vid, r in reading.values.items() if r.note}
        self._reasons = dict(reading.llm.get("reasons") or {})
        self._llm_mode = str(reading.llm.get("mode") or "") if reading.llm else ""
        self._lines = reading.lines
        self._evidence_by_value = {
            vid: [
                self._item(
                    e.line_idx,
                    None if e.source == REVIEWER else e.weight,
                    e.source == REVIEWER,
                    e.start_ms,
                    e.end_ms,
                )
                for e in r.evidence
            ]
            for vid, r in reading.values.items()
        }
        duration = int(video.get("duration_ms") or 0) or max((ln.end_ms for ln in self._lines), default=0)
        title = video.get("title") or video.get("file_name") or f"video {video_id}"
        creator = video.get("creator") or ""
        n_rev = len(self._reviewed)
        self.header.setText(
            f"<b>{_esc(title)}</b>"
            + (f" — {_esc(creator)}" if creator else "")
            + (f" · {n_rev} reviewed" if n_rev else "")
            + (
                ""
                if self._scores
                else f" · <i>{_esc(NO_READING.get(str(video.get('status')), 'not analysed yet'))}</i>"
            )
            + (
                f"<br><small>Speech: {_esc(describe_languages(reading.languages))}</small>"
                if reading.languages
                else ""
            )
            + (f"<br><small>LLM: {_esc(describe_llm_run(reading.llm))}</small>" if reading.llm else "")
            + "".join(f'<br><small style="color:#B3261E">⚠ {_esc(w)}</small>' for w in reading.warnings)
        )

        self.radar.set_profile(
            self._model, {k: float(s["score"]) for k, s in self._scores.items()}, self._reviewed
        )
        self.lanes.set_data(
            duration,
            [{"value_id": vid, **it} for vid, items in self._evidence_by_value.items() for it in items],
            self.effective_labels(),
        )
        self._fill_table()
        keep = self._selected if same else None
        self._selected = None
        if keep:
            self.select_value(keep)
        else:
            self._show_selection(None)

    def refresh(self) -> None:
        """Re-read the same video (after a review was applied)."""
        if self._project is not None and self._video_id is not None:
            self.load(self._project, self._video_id)

    def clear(self) -> None:
        self._project, self._video_id, self._selected = None, None, None
        self._model, self._reviewed, self._scores, self._evidence_by_value, self._lines = {}, {}, {}, {}, []
        self._show_empty()

    def select_value(self, value_id: str | None) -> None:
        """Select a value everywhere (radar axis, table row, lane, evidence list, review panel)."""
        if value_id is not None and value_id not in BY_ID:
            raise KeyError(value_id)
        if value_id == self._selected:
            return
        self._selected = value_id
        self._show_selection(value_id)
        if value_id is not None:
            self.value_selected.emit(value_id)

    def selected_value(self) -> str | None:
        return self._selected

    def set_time(self, ms: int) -> None:
        self.lanes.set_time(ms)

    def video_id(self) -> int | None:
        return self._video_id

    def effective_labels(self) -> dict[str, int]:
        return {v.id: self._reviewed.get(v.id, self._model.get(v.id, 0)) for v in VALUES}

    def evidence_lines(self, value_id: str | None = None) -> set[int]:
        """Line indices carrying a value (default: the selected one) — for ScriptTimeline.mark_lines."""
        vid = value_id or self._selected
        return {int(it["line_idx"]) for it in self._evidence_by_value.get(vid or "", [])}

    def mark_color(self, value_id: str | None = None) -> QColor:
        """Colour to mark a value's lines in the script: red when it is contradicted, else its group's."""
        vid = value_id or self._selected
        if vid not in BY_ID:
            return QColor(CONTRADICTED_COLOR)
        if self.effective_labels().get(vid, 0) < 0:
            return QColor(CONTRADICTED_COLOR)
        return QColor(BY_ID[vid].color)

    # ------------------------------------------------------------------ internals
    def _item(
        self,
        line_idx: int,
        weight: float | None,
        by_reviewer: bool,
        start_ms: int | None = None,
        end_ms: int | None = None,
    ) -> dict[str, Any]:
        line = self._lines[line_idx] if 0 <= line_idx < len(self._lines) else None
        return {
            "line_idx": int(line_idx),
            "start_ms": int(start_ms if start_ms is not None else (line.start_ms if line else 0)),
            "end_ms": int(end_ms if end_ms is not None else (line.end_ms if line else 0)),
            "weight": weight,
            "text": render_line_body(line) if line else f"(line {line_idx})",
            "kind": line.kind if line else "",
            "added_by_reviewer": by_reviewer,
        }

    def _show_empty(self) -> None:
        self.header.setText("<i>No video selected</i>")
        self.radar.clear()
        self.lanes.set_data(0, [], {})
        self._fill_table()
        self._show_selection(None)

    def _score_tooltip(self, name: str, p: float, threshold: float) -> str:
        # an LLM reader answers labels, not probabilities: its Score is the label's fixed confidence
        if self._llm_mode in LLM_LABELLING_MODES:
            return f"{name}: the LLM's label, shown as a fixed {p:.0%} (it gives labels, not probabilities)"
        return f"{name} at stake: model probability {p:.1%} (labelled from {threshold:.0%} on)"

    def _fill_table(self) -> None:
        pal = self.palette()
        fg = pal.color(QPalette.ColorRole.Text)
        dark = is_dark(pal.color(QPalette.ColorRole.Base))
        self.table.blockSignals(True)
        self.table.setSortingEnabled(False)  # fill in circle order, then sort once by the chosen column
        for row, v in enumerate(VALUES):
            model = self._model.get(v.id)
            rev = self._reviewed.get(v.id)
            eff = rev if rev is not None else model
            score = self._scores.get(v.id)
            p = float(score["score"]) if score else None
            contra = float(score.get("contradiction") or 0) if score else 0.0
            name = _SortItem(v.name)
            name.setForeground(QBrush(fg))
            name.setData(Qt.ItemDataRole.UserRole, v.id)
            name.setData(SORT_KEY, row)
            name.setToolTip(f"{v.name}\n{v.definition}")
            lab = _SortItem(label_text(eff) if eff is not None else "–")
            lab.setData(SORT_KEY, (eff if eff is not None else -2) * 10 + (p or 0.0))
            if eff is not None:
                reason = self._reasons.get(v.id, "")
                lab.setToolTip(label_meaning(eff) + (f"\nThe LLM's reason: {reason}" if reason else ""))
            sc = _SortItem(f"{p:.0%}" if p is not None else "–")
            sc.setData(SORT_KEY, p if p is not None else -1.0)
            if score:
                sc.setToolTip(self._score_tooltip(v.name, p or 0.0, float(score.get("threshold") or 0.5)))
            # how sure the model is that the video goes against the value: its own column, never mixed with the score
            goes_against = contra > 0 and (eff == -1 or model == -1)
            against = _SortItem(f"✕ {contra:.0%}" if goes_against else "")
            against.setData(SORT_KEY, contra if goes_against else -1.0)
            if goes_against:
                against.setToolTip(f"the model is {contra:.0%} sure that the video goes against {v.name}")
                against.setForeground(QBrush(label_color(-1, fg, dark)))
            for it in (sc, against):
                it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if rev is None:
                rtext = ""
            elif rev == model:
                rtext = "✓ agrees"
            else:
                rtext = f"✎ model: {label_word(model)}"
            revi = _SortItem(rtext)
            revi.setData(SORT_KEY, 0 if rev is None else 1 if rev == model else 2)
            if rev is not None and rev != model:
                revi.setToolTip(f"reviewed as {label_word(rev)}; the model said {label_word(model)}")
            font = QFont(self.table.font())
            font.setBold(eff == 2)
            cells = (name, lab, sc, against, revi)
            for it in cells:
                it.setFont(font)
            if eff is not None:
                lab.setForeground(QBrush(label_color(eff, fg, dark)))
                if eff == 0:
                    for it in (name, sc):
                        it.setForeground(QBrush(label_color(0, fg, dark)))
            name.setData(Qt.ItemDataRole.DecorationRole, QColor(v.color))  # group swatch
            for col, it in enumerate(cells):
                self.table.setItem(row, col, it)
        self.table.setSortingEnabled(True)
        if self._selected is not None:
            self.table.selectRow(self.row_of(self._selected))
        self.table.blockSignals(False)

    def row_of(self, value_id: str) -> int:
        """The table row showing a value (rows move when the table is sorted)."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, COL_VALUE)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == value_id:
                return row
        raise KeyError(value_id)

    def value_at_row(self, row: int) -> str:
        item = self.table.item(row, COL_VALUE)
        assert item is not None, f"no value in row {row}"
        return str(item.data(Qt.ItemDataRole.UserRole))

    def _show_selection(self, value_id: str | None) -> None:
        self.radar.set_selected(value_id)
        self.lanes.set_selected(value_id)
        self.table.blockSignals(True)
        if value_id is None:
            self.table.clearSelection()
        else:
            row = self.row_of(value_id)
            self.table.selectRow(row)
            item = self.table.item(row, COL_VALUE)
            assert item is not None  # row_of found the value's item in this row
            self.table.scrollToItem(item)
        self.table.blockSignals(False)
        eff = self.effective_labels().get(value_id) if value_id and (self._model or self._reviewed) else None
        self.evidence.set_evidence(value_id, self._evidence_by_value.get(value_id or "", []), eff)
        if self.review is not None:
            self.review.video_id = self._video_id
            if value_id is None or self._video_id is None:
                self.review.clear()
            else:
                score = self._scores.get(value_id)
                model = self._model.get(value_id)
                # the model's confidence in its own label: for −1, how sure it is that the video goes against it
                conf = (
                    None
                    if not score
                    else float(score.get("contradiction") or 0.0)
                    if model == -1 and score.get("contradiction")
                    else float(score["score"])
                )
                self.review.set_value(
                    value_id, model, conf, self._reviewed.get(value_id), self._notes.get(value_id, "")
                )

    def _on_table_selection(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) == 1:
            self.select_value(self.value_at_row(rows.pop()))

    def _on_evidence(self, line_idx: int, start_ms: int) -> None:
        self.line_selected.emit(line_idx)
        self.seek_requested.emit(start_ms)

    def changeEvent(self, ev: QEvent) -> None:  # noqa: N802 (Qt name)
        if ev.type() == QEvent.Type.PaletteChange and hasattr(self, "table"):
            self._fill_table()
        super().changeEvent(ev)


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
