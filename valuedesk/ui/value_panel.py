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
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from valuedesk.project.store import Project
from valuedesk.script import render_line_body
from valuedesk.ui.evidence_list import EvidenceList
from valuedesk.ui.lanes import ValueLanes
from valuedesk.ui.radar import CONTRADICTED_COLOR, RadarWidget, is_dark, label_color, label_text, label_word
from valuedesk.ui.review_panel import ReviewPanel
from valuedesk.values import BY_ID, VALUES

COLUMNS = ("Value", "Label", "Score", "Reviewed")


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
        self._lines: list[Any] = []
        self._evidence_by_value: dict[str, list[dict[str, Any]]] = {}

        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.radar = RadarWidget(self)
        self.radar.setMinimumHeight(260)
        self.table = QTableWidget(len(VALUES), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
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
        lanes_box = QWidget(self)
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
        self.splitter.addWidget(lanes_box)
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
        video = project.video(video_id)
        self._scores = project.value_scores(video_id)
        eff = project.effective_labels(video_id)
        self._model = {k: m for k, (m, _r) in eff.items()}
        self._reviewed = {k: r for k, (_m, r) in eff.items() if r is not None}
        self._notes = {}
        for r in project.reviews(video_id):
            if r["action"] == "note" and r["value_id"]:
                self._notes[r["value_id"]] = r["note"] or ""
        self._lines = project.script_lines(video_id)
        rows = project.evidence(video_id)
        self._evidence_by_value = {}
        for v in VALUES:
            added, removed = project.reviewed_evidence(video_id, v.id)
            items = [self._item(r["line_idx"], r["weight"], False, r["start_ms"], r["end_ms"])
                     for r in rows if r["value_id"] == v.id and r["line_idx"] not in removed]
            have = {it["line_idx"] for it in items}
            items += [self._item(i, None, True) for i in sorted(added) if i not in have and 0 <= i < len(self._lines)]
            for it in items:
                if it["line_idx"] in added:
                    it["added_by_reviewer"] = True
            self._evidence_by_value[v.id] = items
        duration = int(video.get("duration_ms") or 0) or max((ln.end_ms for ln in self._lines), default=0)
        title = video.get("title") or video.get("file_name") or f"video {video_id}"
        creator = video.get("creator") or ""
        n_rev = len(self._reviewed)
        self.header.setText(f"<b>{_esc(title)}</b>" + (f" — {_esc(creator)}" if creator else "")
                            + (f" · {n_rev} reviewed" if n_rev else "")
                            + ("" if self._scores else " · <i>not analysed yet</i>"))

        self.radar.set_profile(self._model, {k: float(s["score"]) for k, s in self._scores.items()}, self._reviewed)
        self.lanes.set_data(duration, [
            {"value_id": vid, **it} for vid, items in self._evidence_by_value.items() for it in items
        ], self.effective_labels())
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
    def _item(self, line_idx: int, weight: float | None, by_reviewer: bool,
              start_ms: int | None = None, end_ms: int | None = None) -> dict[str, Any]:
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

    def _fill_table(self) -> None:
        pal = self.palette()
        fg = pal.color(QPalette.ColorRole.Text)
        dark = is_dark(pal.color(QPalette.ColorRole.Base))
        self.table.blockSignals(True)
        for row, v in enumerate(VALUES):
            model = self._model.get(v.id)
            rev = self._reviewed.get(v.id)
            eff = rev if rev is not None else model
            score = self._scores.get(v.id)
            name = QTableWidgetItem(v.name)
            name.setForeground(QBrush(fg))
            name.setData(Qt.ItemDataRole.UserRole, v.id)
            name.setToolTip(f"{v.name}\n{v.definition}")
            lab = QTableWidgetItem(label_text(eff) if eff is not None else "–")
            sc = QTableWidgetItem(f"{float(score['score']):.0%}" if score else "–")
            contra = float(score.get("contradiction") or 0) if score else 0.0
            if eff is not None and eff < 0 and contra > 0:  # how sure the model is that the video goes against it
                sc.setText(f"{sc.text()} ✕{contra:.0%}")
            sc.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if score:
                sc.setToolTip(f"at stake: model probability {float(score['score']):.1%} (threshold "
                              f"{float(score.get('threshold') or 0.5):.0%}); goes against it: "
                              f"{float(score.get('contradiction') or 0):.0%}")
            if rev is None:
                rtext = ""
            elif rev == model:
                rtext = "✓ agrees"
            else:
                rtext = f"✎ model: {label_word(model)}"
            revi = QTableWidgetItem(rtext)
            if rev is not None and rev != model:
                revi.setToolTip(f"reviewed as {label_word(rev)}; the model said {label_word(model)}")
            font = QFont(self.table.font())
            font.setBold(eff == 2)
            for it in (name, lab, sc, revi):
                it.setFont(font)
            if eff is not None:
                lab.setForeground(QBrush(label_color(eff, fg, dark)))
                if eff == 0:
                    for it in (name, sc):
                        it.setForeground(QBrush(label_color(0, fg, dark)))
            name.setData(Qt.ItemDataRole.DecorationRole, QColor(v.color))  # group swatch
            for col, it in enumerate((name, lab, sc, revi)):
                self.table.setItem(row, col, it)
        self.table.blockSignals(False)

    def _show_selection(self, value_id: str | None) -> None:
        self.radar.set_selected(value_id)
        self.lanes.set_selected(value_id)
        self.table.blockSignals(True)
        if value_id is None:
            self.table.clearSelection()
        else:
            row = [v.id for v in VALUES].index(value_id)
            self.table.selectRow(row)
            self.table.scrollToItem(self.table.item(row, 0))
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
                conf = None if not score else float(score.get("contradiction") or 0.0) \
                    if model == -1 and score.get("contradiction") else float(score["score"])
                self.review.set_value(value_id, model, conf, self._reviewed.get(value_id), self._notes.get(value_id, ""))

    def _on_table_selection(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) == 1:
            self.select_value(VALUES[rows.pop()].id)

    def _on_evidence(self, line_idx: int, start_ms: int) -> None:
        self.line_selected.emit(line_idx)
        self.seek_requested.emit(start_ms)

    def changeEvent(self, ev: QEvent) -> None:  # noqa: N802 (Qt name)
        if ev.type() == QEvent.Type.PaletteChange and hasattr(self, "table"):
            self._fill_table()
        super().changeEvent(ev)


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
