"""Value lanes: one thin strip per value across the video, showing *when* each value is argued.

A radar says what a video expresses; lanes say where, so a reviewer can jump to the moment.
Painted with QPainter (19 strips and a few dozen spans: cheaper and crisper than a plot).
Bar opacity is the evidence weight; contradicted values' bars are red and hatched so they read
in greyscale too; the playhead follows `set_time`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from valuedesk.script import format_ms
from valuedesk.ui.radar import LABEL_SYMBOL, is_dark, label_color, label_text
from valuedesk.values import BY_ID, VALUES


class ValueLanes(QWidget):
    """Lanes in circle order (all 19 or only the active ones); click → seek_requested(ms), name → value_clicked."""

    seek_requested = Signal(int)
    value_clicked = Signal(str)

    LANE_H = 13
    TOP = 16  # room for the time axis

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._duration = 0
        self._evidence: dict[str, list[tuple[int, int, float]]] = {}
        self._labels: dict[str, int] = {}
        self._time: int | None = None
        self._selected: str | None = None
        self._show_all = True
        self._shown: list = list(VALUES)  # the lanes drawn, in circle order
        self._font = QFont(self.font())
        self._font.setPointSizeF(max(6.5, self._font.pointSizeF() * 0.8))
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.sizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(360, self.TOP + self.LANE_H * max(1, len(self._shown)) + 4)

    # ------------------------------------------------------------------ API
    def set_data(
        self, duration_ms: int, evidence: list[Mapping[str, Any]], labels: Mapping[str, int]
    ) -> None:
        """`evidence` rows need value_id, start_ms, end_ms, weight; `labels` are effective labels."""
        spans: dict[str, list[tuple[int, int, float]]] = {}
        end_max = 0
        for e in evidence:
            s, t = int(e["start_ms"]), int(e["end_ms"])
            end_max = max(end_max, t)
            w = e.get("weight")
            spans.setdefault(str(e["value_id"]), []).append((s, max(t, s), 1.0 if w is None else float(w)))
        self._evidence = spans
        self._labels = {k: int(v) for k, v in labels.items()}
        self._duration = max(int(duration_ms or 0), end_max, 1)
        self._relayout()

    def set_time(self, ms: int | None) -> None:
        """Move the playhead; repaints only the two thin strips it leaves and enters."""
        if ms == self._time:
            return
        old = self._time
        self._time = ms
        for t in (old, ms):
            if t is not None:
                x = self._x(t)
                self.update(int(x) - 3, 0, 7, self.height())

    def set_selected(self, value_id: str | None) -> None:
        self._selected = value_id
        self._relayout()

    def set_show_all(self, on: bool) -> None:
        """All 19 lanes, or (compact) only values that are labelled, have evidence or are selected."""
        self._show_all = on
        self._relayout()

    def shown_values(self) -> list[str]:
        return [v.id for v in self._shown]

    def lane_rect(self, value_id: str) -> QRectF:
        """Where a value's lane is (raises ValueError when compact mode hides it)."""
        i = self.shown_values().index(value_id)
        return QRectF(self._left(), self.TOP + i * self.LANE_H, self._track_w(), self.LANE_H)

    def x_for_ms(self, ms: int) -> float:
        return self._x(ms)

    # ------------------------------------------------------------------ geometry
    def _left(self) -> float:
        fm = QFontMetrics(self._font)
        return max(fm.horizontalAdvance(f"{v.short} ✕") for v in VALUES) + 8

    def _relayout(self) -> None:
        if self._show_all:
            shown = list(VALUES)
        else:
            shown = [
                v
                for v in VALUES
                if self._labels.get(v.id, 0) != 0 or self._evidence.get(v.id) or v.id == self._selected
            ]
        if shown != self._shown:
            self._shown = shown
            self.setFixedHeight(self.sizeHint().height())
            self.updateGeometry()
        self.update()

    def _track_w(self) -> float:
        return max(10.0, self.width() - self._left() - 6)

    def _x(self, ms: int) -> float:
        return self._left() + self._track_w() * max(0, min(ms, self._duration)) / max(1, self._duration)

    def _ms(self, x: float) -> int:
        frac = (x - self._left()) / self._track_w()
        return int(round(max(0.0, min(1.0, frac)) * self._duration))

    def _lane_at(self, y: float) -> str | None:
        i = int((y - self.TOP) // self.LANE_H)
        return self._shown[i].id if 0 <= i < len(self._shown) and y >= self.TOP else None

    # ------------------------------------------------------------------ events
    def mousePressEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 (Qt name)
        if ev.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(ev)
        pos = ev.position()
        lane = self._lane_at(pos.y())
        if pos.x() < self._left():
            if lane:
                self.value_clicked.emit(lane)
            return
        if lane and lane != self._selected:
            self.value_clicked.emit(lane)
        self.seek_requested.emit(self._ms(pos.x()))

    def mouseMoveEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 (Qt name)
        pos = ev.position()
        lane = self._lane_at(pos.y())
        if lane is None:
            self.setToolTip("")
            return
        v = BY_ID[lane]
        tip = f"{v.name}: {label_text(self._labels.get(lane, 0))}"
        if pos.x() >= self._left():
            tip += f"\n{format_ms(self._ms(pos.x()))} — click to seek"
        self.setToolTip(tip)
        super().mouseMoveEvent(ev)

    def paintEvent(self, _ev: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pal = self.palette()
        fg = pal.color(QPalette.ColorRole.WindowText)
        bg = pal.color(QPalette.ColorRole.Base)
        dark = is_dark(bg)
        left, tw = self._left(), self._track_w()
        n = len(self._shown)
        p.fillRect(QRectF(left, self.TOP, tw, self.LANE_H * n), bg)
        p.setFont(self._font)
        fm = QFontMetrics(self._font)
        grid = QColor(fg)
        grid.setAlphaF(0.12)
        # time ticks
        step = _tick_step(self._duration)
        muted = QColor(fg)
        muted.setAlphaF(0.6)
        t = 0
        while t <= self._duration and step:
            x = self._x(t)
            p.setPen(QPen(grid))
            p.drawLine(QPointF(x, self.TOP), QPointF(x, self.TOP + self.LANE_H * n))
            p.setPen(QPen(muted))
            label = format_ms(t).removesuffix(".0")
            if x + fm.horizontalAdvance(label) < self.width():
                p.drawText(QPointF(x + 2, self.TOP - 4), label)
            t += step
        red = label_color(-1, fg, dark)
        for i, v in enumerate(self._shown):
            y = self.TOP + i * self.LANE_H
            lab = self._labels.get(v.id, 0)
            if v.id == self._selected:
                sel = QColor(pal.color(QPalette.ColorRole.Highlight))
                sel.setAlphaF(0.25)
                p.fillRect(QRectF(0, y, self.width(), self.LANE_H), sel)
            # group colour tick + name
            p.fillRect(QRectF(0, y + 2, 3, self.LANE_H - 4), QColor(v.color))
            name = f"{v.short} {LABEL_SYMBOL[-1]}" if lab < 0 else v.short
            f = QFont(self._font)
            f.setBold(lab == 2 or v.id == self._selected)
            p.setFont(f)
            p.setPen(QPen(red if lab < 0 else (muted if lab == 0 else fg)))
            p.drawText(QRectF(6, y, left - 8, self.LANE_H), Qt.AlignmentFlag.AlignVCenter, name)
            p.setPen(QPen(grid))
            p.drawLine(QPointF(left, y + self.LANE_H), QPointF(left + tw, y + self.LANE_H))
            base = red if lab < 0 else (label_color(1, fg, dark) if lab > 0 else QColor(v.color))
            for s, e, w in self._evidence.get(v.id, ()):
                c = QColor(base)
                c.setAlphaF(0.25 + 0.75 * max(0.0, min(1.0, w)))
                r = QRectF(self._x(s), y + 2, max(2.0, self._x(e) - self._x(s)), self.LANE_H - 4)
                p.fillRect(r, c)
                if lab < 0:  # hatched as well as red, for greyscale prints and colour-blind readers
                    p.fillRect(r, QBrush(bg, Qt.BrushStyle.BDiagPattern))
        if self._time is not None:
            x = self._x(self._time)
            p.setPen(QPen(fg, 2))
            p.drawLine(QPointF(x, 2), QPointF(x, self.TOP + self.LANE_H * n))
        p.end()


def _tick_step(duration_ms: int) -> int:
    """A round tick step giving about 4–8 ticks."""
    for step in (1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000):
        if duration_ms / step <= 8:
            return step
    return 3_600_000
