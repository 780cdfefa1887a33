"""A creator at a glance: which values their videos keep expressing or contradicting.

An aggregate radar (share of videos per value), small multiples (one tiny radar per video, so
outliers stand out; click one to open it) and a table of counts. Small multiples are painted
with QPainter, not PlotWidgets, so a creator with a hundred videos stays cheap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from valuedesk.project.store import Project
from valuedesk.review import label_table
from valuedesk.ui.radar import RING, RadarWidget, axis_angle, is_dark, label_color, profile_color
from valuedesk.values import VALUES


@dataclass
class CreatorStats:
    """Per-value counts over a creator's analysed videos (effective labels)."""

    n_videos: int = 0
    n_analysed: int = 0
    present: dict[str, int] = field(default_factory=dict)
    dominant: dict[str, int] = field(default_factory=dict)
    contradicted: dict[str, int] = field(default_factory=dict)
    reviewed: dict[str, int] = field(default_factory=dict)
    per_video: list[tuple[int, str, dict[str, int]]] = field(default_factory=list)  # (id, title, labels)

    def endorsed_share(self) -> dict[str, float]:
        n = max(1, self.n_analysed)
        return {v.id: (self.present.get(v.id, 0) + self.dominant.get(v.id, 0)) / n for v in VALUES}

    def contradicted_share(self) -> dict[str, float]:
        n = max(1, self.n_analysed)
        return {v.id: self.contradicted.get(v.id, 0) / n for v in VALUES}


def creator_stats(project: Project, creator_name: str) -> CreatorStats:
    """Count effective labels (reviewed first, model otherwise) over the creator's analysed videos."""
    st = CreatorStats()
    videos = project.videos(creator_name)
    st.n_videos = len(videos)
    table = label_table(project, [int(r["id"]) for r in videos])
    for row in videos:
        if row.get("current_run_id") is None:
            continue
        vid = int(row["id"])
        cells = table.get(vid, {})
        labels = {k: c.effective for k, c in cells.items()}
        st.n_analysed += 1
        for v in VALUES:
            lab = labels.get(v.id, 0)
            bucket = {1: st.present, 2: st.dominant, -1: st.contradicted}.get(lab)
            if bucket is not None:
                bucket[v.id] = bucket.get(v.id, 0) + 1
            if v.id in cells and cells[v.id].reviewed_label is not None:
                st.reviewed[v.id] = st.reviewed.get(v.id, 0) + 1
        st.per_video.append((vid, str(row.get("title") or row.get("file_name") or f"video {vid}"), labels))
    return st


class MiniRadar(QWidget):
    """A tiny painted radar of one video with its title; click → clicked(video_id)."""

    clicked = Signal(int)
    SIZE = 150

    def __init__(
        self, video_id: int, title: str, labels: dict[str, int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.video_id = video_id
        self.title = title
        self.labels = labels
        self.setFixedSize(self.SIZE, self.SIZE + 18)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        names = [v.short for v in VALUES if labels.get(v.id, 0) != 0]
        self.setToolTip(f"{title}\n" + (", ".join(names) if names else "no values") + "\nclick to open")
        self.setAttribute(Qt.WidgetAttribute.WA_Hover, True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(self.SIZE, self.SIZE + 18)

    def mousePressEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 (Qt name)
        if ev.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.video_id)

    def paintEvent(self, _ev: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pal = self.palette()
        fg, bg = pal.color(QPalette.ColorRole.WindowText), pal.color(QPalette.ColorRole.Base)
        dark = is_dark(bg)
        p.fillRect(self.rect(), bg)
        if self.underMouse():
            p.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 2))
            p.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        cx, cy, rad = self.SIZE / 2, self.SIZE / 2 + 2, self.SIZE / 2 - 12

        def pt(i: int, r: float) -> QPointF:
            a = axis_angle(i)
            return QPointF(cx + rad * r * math.cos(a), cy - rad * r * math.sin(a))

        grid = QColor(fg)
        grid.setAlphaF(0.2)
        p.setPen(QPen(grid, 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        for r in (RING[0], RING[2]):
            p.drawEllipse(QPointF(cx, cy), rad * r, rad * r)
        for i, v in enumerate(VALUES):  # group-coloured rim ticks
            p.setPen(QPen(QColor(v.color), 3))
            p.drawLine(pt(i, 1.04), pt(i, 1.12))
        accent = profile_color(dark)
        fill = QColor(accent)
        fill.setAlphaF(0.3)
        poly = QPolygonF([pt(i, RING[int(self.labels.get(v.id, 0))]) for i, v in enumerate(VALUES)])
        p.setPen(QPen(accent, 1.5))
        p.setBrush(fill)
        p.drawPolygon(poly)
        red = label_color(-1, fg, dark)
        p.setPen(QPen(red, 2.2))
        for i, v in enumerate(VALUES):
            if self.labels.get(v.id, 0) < 0:  # ✕ at the rim of the contradicted axis
                c = pt(i, 0.9)
                d = 4.0
                p.drawLine(QPointF(c.x() - d, c.y() - d), QPointF(c.x() + d, c.y() + d))
                p.drawLine(QPointF(c.x() - d, c.y() + d), QPointF(c.x() + d, c.y() - d))
        p.setPen(fg)
        fm = QFontMetrics(self.font())
        p.drawText(
            QRectF(2, self.SIZE + 1, self.SIZE - 4, 17),
            Qt.AlignmentFlag.AlignCenter,
            fm.elidedText(self.title, Qt.TextElideMode.ElideRight, self.SIZE - 6),
        )
        p.end()


class CreatorView(QWidget):
    """Aggregate radar + small multiples + count table for one creator."""

    video_selected = Signal(int)
    value_clicked = Signal(str)

    COLUMNS = ("Value", "Present", "Dominant", "Goes against", "Expressed")
    COLUMN_TIPS = (
        "",
        "number of videos where the value is present (label 1)",
        "number of videos where it is dominant (label 2)",
        "number of videos that go against it (label −1)",
        "share of analysed videos expressing it (present or dominant)",
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stats = CreatorStats()
        self.creator: str | None = None
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.radar = RadarWidget(self)
        self.radar.setMinimumSize(260, 260)
        self.radar.value_clicked.connect(self.value_clicked)
        self.table = QTableWidget(len(VALUES), len(self.COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        for c, tip in enumerate(self.COLUMN_TIPS):
            if tip:
                head_item = self.table.horizontalHeaderItem(c)
                assert head_item is not None  # made by setHorizontalHeaderLabels above
                head_item.setToolTip(tip)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(self.COLUMNS)):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemClicked.connect(lambda it: self.value_clicked.emit(VALUES[it.row()].id))

        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(6)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.grid_scroll = QScrollArea(self)  # not `scroll`: that would hide QWidget.scroll()
        self.grid_scroll.setWidgetResizable(True)
        self.grid_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.grid_scroll.setWidget(self.grid_host)
        self.minis: list[MiniRadar] = []
        self.grid_scroll.viewport().installEventFilter(self)

        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.setChildrenCollapsible(False)
        top.addWidget(self.radar)
        top.addWidget(self.table)
        top.setSizes([480, 440])
        self.top_split = top
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setChildrenCollapsible(False)
        self.split = split
        split.addWidget(top)
        multiples = QWidget(self)
        ml = QVBoxLayout(multiples)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addWidget(QLabel("<b>Videos</b> — click one to open it", multiples))
        ml.addWidget(self.grid_scroll, 1)
        split.addWidget(multiples)
        split.setSizes([440, MiniRadar.SIZE + 60])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.header)
        lay.addWidget(split, 1)
        self._columns = 0

    # ------------------------------------------------------------------ API
    def clear(self) -> None:
        """Forget the creator (the project closed or changed): nothing of it stays clickable."""
        self.creator = None
        self.stats = CreatorStats()
        self.header.setText("")
        self.radar.set_shares({}, {})
        self._fill_table()
        for m in self.minis:
            m.setParent(None)
            m.deleteLater()
        self.minis = []
        self._columns = 0

    def load(self, project: Project, creator_name: str) -> None:
        self.creator = creator_name
        self.stats = creator_stats(project, creator_name)
        st = self.stats
        extra = "" if st.n_analysed == st.n_videos else f" ({st.n_analysed} analysed)"
        self.header.setText(
            f"<b>{_esc(creator_name)}</b> — {st.n_videos} video{'s' if st.n_videos != 1 else ''}"
            f"{extra}. Radar: share of analysed videos expressing each value; "
            f"red ✕ / dashed: share going against it."
        )
        self.radar.set_shares(st.endorsed_share(), st.contradicted_share())
        self._fill_table()
        for m in self.minis:
            m.setParent(None)
            m.deleteLater()
        self.minis = []
        for vid, title, labels in st.per_video:
            m = MiniRadar(vid, title, labels, self.grid_host)
            m.clicked.connect(self.video_selected)
            self.minis.append(m)
        self._columns = 0
        self._relayout()

    def counts(self, value_id: str) -> tuple[int, int, int]:
        """(present, dominant, contradicted) video counts for one value."""
        st = self.stats
        return st.present.get(value_id, 0), st.dominant.get(value_id, 0), st.contradicted.get(value_id, 0)

    # ------------------------------------------------------------------ internals
    def _fill_table(self) -> None:
        st = self.stats
        pal = self.palette()
        fg = pal.color(QPalette.ColorRole.Text)
        dark = is_dark(pal.color(QPalette.ColorRole.Base))
        share = st.endorsed_share()
        for row, v in enumerate(VALUES):
            pres, dom, con = self.counts(v.id)
            name = QTableWidgetItem(v.name)
            name.setData(Qt.ItemDataRole.DecorationRole, QColor(v.color))
            name.setToolTip(v.definition)
            cells: list[Any] = [name]
            for n in (pres, dom, con):
                it = QTableWidgetItem()
                it.setData(Qt.ItemDataRole.DisplayRole, n)
                it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                cells.append(it)
            if con:
                cells[3].setForeground(label_color(-1, fg, dark))
                cells[3].setText(f"✕ {con}")
            pct = QTableWidgetItem(f"{share[v.id]:.0%}" if st.n_analysed else "–")
            pct.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cells.append(pct)
            if pres + dom + con == 0:
                for it in cells:
                    it.setForeground(label_color(0, fg, dark))
            for col, it in enumerate(cells):
                self.table.setItem(row, col, it)

    def _relayout(self) -> None:
        cols = max(1, (self.grid_scroll.viewport().width() - 6) // (MiniRadar.SIZE + self.grid.spacing()))
        if cols == self._columns:
            return
        self._columns = cols
        for m in self.minis:
            self.grid.removeWidget(m)
        for k, m in enumerate(self.minis):
            self.grid.addWidget(m, k // cols, k % cols)
            m.show()

    WIDE = 860  # below this width the radar sits above the table instead of beside it

    def resizeEvent(self, ev: Any) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(ev)
        want = Qt.Orientation.Horizontal if self.width() >= self.WIDE else Qt.Orientation.Vertical
        if self.top_split.orientation() != want:
            self.top_split.setOrientation(want)
            if want == Qt.Orientation.Horizontal:
                self.top_split.setSizes([self.width() * 11 // 20, self.width() * 9 // 20])
                self.split.setSizes([self.height() - MiniRadar.SIZE - 80, MiniRadar.SIZE + 60])
            else:
                self.top_split.setSizes([self.width() * 9 // 10, self.height() // 3])
                self.split.setSizes([self.height() - MiniRadar.SIZE - 60, MiniRadar.SIZE + 40])

    def changeEvent(self, ev: QEvent) -> None:  # noqa: N802 (Qt name)
        if ev.type() == QEvent.Type.PaletteChange and hasattr(self, "table"):
            self._fill_table()  # muted/red text colours depend on light or dark
        super().changeEvent(ev)

    def eventFilter(self, obj: Any, ev: Any) -> bool:  # noqa: N802 (Qt name)
        if obj is self.grid_scroll.viewport() and ev.type() == QEvent.Type.Resize:
            self._relayout()
        return super().eventFilter(obj, ev)


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
