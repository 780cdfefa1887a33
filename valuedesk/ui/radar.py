"""Radar of the 19 values: one axis per value in circle order, so opposite axes are conflicting
motivations and a profile's shape reads at a glance.

pyqtgraph has no radar, so it is drawn in a locked-aspect PlotWidget: rings and spokes are curves,
the profile is a polygon item, vertices are a clickable scatter. pyqtgraph ignores the Qt palette,
so every colour is set here from the widget palette (or `set_palette_colors`).

Radius encodes the label: absent sits on the inner ring, present on the middle ring, dominant on
the outer ring, and contradicted dips *inside* the absent ring (an inward spike, red ✕, red axis
label) so −1 is visible as a first-class outcome, also in greyscale. The model probability is a
dashed secondary polygon (radius = score).

All geometry (axis order and angles, ring radii, point radii, label placement) comes from
`valuedesk.report.radar_geometry`, which the PDF radar uses too: the same profile has the
same shape in the app and on paper.

This module also holds the small shared style vocabulary (label words, symbols, colours) used by
the other value widgets, so they all speak the same visual language.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsPolygonItem, QLabel, QVBoxLayout, QWidget

from valuedesk.report.radar_geometry import (
    BAND_R,
    RING,
    SHARE_RINGS,
    N,
    axis_angle,
    fit_radius,
    group_spans,
    label_radius,
    layout_labels,
    polar,
    score_radius,
    share_radius,
)
from valuedesk.values import BY_ID, GROUPS, VALUES, Label

__all__ = [
    "CONTRADICTED_COLOR",
    "LABEL_SYMBOL",
    "N",
    "RING",
    "RadarWidget",
    "axis_angle",
    "effective",
    "is_dark",
    "label_color",
    "label_text",
    "label_word",
    "polar",
    "profile_color",
]

# ------------------------------------------------------------------ shared style vocabulary
CONTRADICTED_COLOR = "#D0342C"
LABEL_SYMBOL: dict[int, str] = {-1: "✕", 0: "·", 1: "●", 2: "◆"}


def label_word(label: int | None) -> str:
    return "" if label is None else Label(int(label)).phrase


def label_text(label: int | None) -> str:
    """Symbol + words, e.g. "✕ goes against": readable without colour."""
    if label is None:
        return ""
    return f"{LABEL_SYMBOL[int(label)]} {label_word(label)}"


def is_dark(bg: QColor) -> bool:
    return bg.lightnessF() < 0.5


def profile_color(dark: bool) -> QColor:
    """Accent of present/dominant: purple, distinct from the four group colours and from red."""
    return QColor("#A78BFA" if dark else "#6A45B8")


def label_color(label: int, fg: QColor, dark: bool) -> QColor:
    """Text colour for a label word: red for contradicted, muted for absent, accent otherwise."""
    if label < 0:
        return QColor("#FF6B61" if dark else CONTRADICTED_COLOR)
    if label == 0:
        c = QColor(fg)
        c.setAlphaF(0.55)
        return c
    return profile_color(dark)


def effective(labels: Mapping[str, int], reviewed: Mapping[str, int] | None, value_id: str) -> int:
    """The label shown: the reviewer's when there is one, else the model's."""
    if reviewed and value_id in reviewed and reviewed[value_id] is not None:
        return int(reviewed[value_id])
    return int(labels.get(value_id, 0))


# ------------------------------------------------------------------ geometry (radar_geometry)
ARC_R = BAND_R  # the group band just outside the dominant ring


def _pen(color: QColor | str, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(QColor(color), width)
    pen.setCosmetic(True)
    pen.setStyle(style)
    return pen


class _AxisLabel(pg.TextItem):
    """An axis label that selects its value when clicked."""

    def __init__(self, value_id: str, on_click: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.value_id = value_id
        self._on_click = on_click
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802 (Qt name)
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self._on_click(self.value_id)


class RadarWidget(QWidget):
    """Radar of one video's labels (`set_profile`) or of a creator's shares (`set_shares`)."""

    value_clicked = Signal(str)

    def __init__(
        self, parent: QWidget | None = None, *, show_legend: bool = True, font_pt: float = 8.0
    ) -> None:
        super().__init__(parent)
        self._fg: QColor | None = None  # explicit colours (set_palette_colors) beat the palette
        self._bg: QColor | None = None
        self._font_pt = font_pt
        self._labels: dict[str, int] = {}
        self._scores: dict[str, float] = {}
        self._reviewed: dict[str, int] = {}
        self._shares: tuple[dict[str, float], dict[str, float]] | None = None
        self._selected: str | None = None

        self.plot = pg.PlotWidget(self)
        self.plot.setMinimumSize(160, 160)
        pi = self.plot.getPlotItem()
        for ax in ("left", "bottom"):
            pi.hideAxis(ax)
        pi.hideButtons()
        pi.setMenuEnabled(False)
        self.view = pi.getViewBox()
        self.view.setMouseEnabled(False, False)
        self.view.setAspectLocked(True)
        self.view.enableAutoRange(enable=False)
        self.view.sigResized.connect(self._fit_range)
        self.plot.setAntialiasing(True)

        self._legend = QLabel(self)
        self._legend.setWordWrap(True)
        self._legend.setTextFormat(Qt.TextFormat.RichText)
        self._legend.setVisible(show_legend)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self._legend)

        self._build_static()
        self._apply_colors()

    # ------------------------------------------------------------------ public API
    def set_profile(
        self,
        labels: Mapping[str, int],
        scores: Mapping[str, float],
        reviewed: Mapping[str, int] | None = None,
    ) -> None:
        """Show one video: model labels, model scores (0..1) and reviewer overrides."""
        self._labels = {k: int(v) for k, v in labels.items()}
        self._scores = {k: float(v) for k, v in scores.items()}
        self._reviewed = {k: int(v) for k, v in (reviewed or {}).items() if v is not None}
        self._shares = None
        self._redraw()

    def set_shares(self, endorsed: Mapping[str, float], contradicted: Mapping[str, float]) -> None:
        """Aggregate mode: radius = share (0..1) of videos expressing / contradicting each value."""
        self._shares = (
            {k: float(v) for k, v in endorsed.items()},
            {k: float(v) for k, v in contradicted.items()},
        )
        self._labels, self._scores, self._reviewed = {}, {}, {}
        self._redraw()

    def clear(self) -> None:
        self.set_profile({}, {}, None)

    def effective_label(self, value_id: str) -> int:
        return effective(self._labels, self._reviewed, value_id)

    def contradicted_values(self) -> list[str]:
        """Values drawn as contradicted (effective label −1, or any contradicted share)."""
        if self._shares is not None:
            return [v.id for v in VALUES if self._shares[1].get(v.id, 0) > 0]
        return [v.id for v in VALUES if self.effective_label(v.id) < 0]

    def set_selected(self, value_id: str | None) -> None:
        """Emphasise one axis (the value shown in the evidence list)."""
        self._selected = value_id
        self._update_selection()

    def click_value(self, value_id: str) -> None:
        """Act as if the value's vertex was clicked (keyboard access and tests)."""
        if value_id in BY_ID:
            self.value_clicked.emit(value_id)

    def vertex_pos(self, value_id: str) -> QPointF:
        """Where the value's vertex is, in the PlotWidget's viewport pixels (for tests and tours)."""
        i = [v.id for v in VALUES].index(value_id)
        x, y = self._vertex_xy(i)
        scene = self.view.mapViewToScene(QPointF(x, y))
        return QPointF(self.plot.mapFromScene(scene))

    def set_palette_colors(self, fg: QColor, bg: QColor) -> None:
        """Force colours (pyqtgraph ignores the Qt palette); by default the widget palette is followed."""
        self._fg, self._bg = QColor(fg), QColor(bg)
        self._apply_colors()

    def apply_palette(self, _palette: QPalette | None = None) -> None:
        """Hook called by the theme after a light/dark switch: re-take colours from the palette."""
        self._apply_colors()

    def render_image(self, width: int, height: int) -> QImage:
        """Render this radar at a given size into an image (reports, screenshots), off screen."""
        clone = RadarWidget(show_legend=not self._legend.isHidden(), font_pt=self._font_pt)
        clone.setPalette(self.palette())
        if self._fg is not None and self._bg is not None:
            clone.set_palette_colors(self._fg, self._bg)
        if self._shares is not None:
            clone.set_shares(*self._shares)
        else:
            clone.set_profile(self._labels, self._scores, self._reviewed)
        clone.set_selected(self._selected)
        clone.resize(width, height)
        clone.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        clone.show()  # offscreen show delivers resize events so the plot lays out at this size
        image = clone.grab().toImage()
        clone.close()
        clone.deleteLater()
        return image

    # ------------------------------------------------------------------ colours
    def colors(self) -> tuple[QColor, QColor]:
        pal = self.palette()
        fg = self._fg or pal.color(QPalette.ColorRole.WindowText)
        bg = self._bg or pal.color(QPalette.ColorRole.Base)
        return QColor(fg), QColor(bg)

    def changeEvent(self, ev: QEvent) -> None:  # noqa: N802 (Qt name)
        if ev.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._apply_colors()
        super().changeEvent(ev)

    def _apply_colors(self) -> None:
        fg, bg = self.colors()
        self.plot.setBackground(bg)
        grid = QColor(fg)
        grid.setAlphaF(0.22)
        for spoke in self._spokes:
            spoke.setPen(_pen(grid, 1))
        self._redraw()

    # ------------------------------------------------------------------ drawing
    def _build_static(self) -> None:
        self._rings: list[pg.PlotCurveItem] = []
        self._ring_texts: list[pg.TextItem] = []
        for _r in RING.values():
            curve = pg.PlotCurveItem()
            self._rings.append(curve)
            self.view.addItem(curve)
        self._set_rings(tuple(RING.values()))
        self._spokes: list[pg.PlotCurveItem] = []
        for i in range(N):
            x, y = polar(i, RING[2])
            spoke = pg.PlotCurveItem([0, x], [0, y])
            self._spokes.append(spoke)
            self.view.addItem(spoke)
        # group bands just outside the outer ring: each group spans its axes +- half a step
        self._arcs: list[pg.PlotCurveItem] = []
        for span in group_spans():
            a0, a1 = span.start - 0.03, span.end + 0.03
            angles = [a0 + (a1 - a0) * k / 40 for k in range(41)]
            group = GROUPS[span.group_id]
            arc = pg.PlotCurveItem(
                [ARC_R * math.cos(a) for a in angles],
                [ARC_R * math.sin(a) for a in angles],
                pen=_pen(group.color, 5),
            )
            arc.setToolTip(group.name)
            self._arcs.append(arc)
            self.view.addItem(arc)
        self._highlight = pg.PlotCurveItem([0, 0], [0, 0])
        self.view.addItem(self._highlight)
        # dynamic items
        self._poly = QGraphicsPolygonItem()
        self.view.addItem(self._poly)
        self._score_curve = pg.PlotCurveItem()
        self.view.addItem(self._score_curve)
        self._ghosts = pg.ScatterPlotItem(size=9, pxMode=True)
        self.view.addItem(self._ghosts)
        self._scatter = pg.ScatterPlotItem(
            size=10, pxMode=True, hoverable=True, tip=lambda x, y, data: self._tip(str(data))
        )
        self._scatter.sigClicked.connect(self._on_points_clicked)
        self.view.addItem(self._scatter)
        font = QFont()
        font.setPointSizeF(self._font_pt)
        self._font = font
        self._px_per_unit = 100.0
        self._axis_labels: list[_AxisLabel] = []
        for v in VALUES:
            item = _AxisLabel(v.id, self.click_value, text=v.short, anchor=(0, 0))  # placed by _place_labels
            item.setFont(font)
            item.setToolTip(f"{v.name}\n{v.definition}")
            self._axis_labels.append(item)
            self.view.addItem(item)

    def _set_rings(self, radii: tuple[float, ...]) -> None:
        t = [2 * math.pi * k / 180 for k in range(181)]
        for curve, r in zip(self._rings, radii, strict=False):
            curve.setData([r * math.cos(a) for a in t], [r * math.sin(a) for a in t])

    def _label_size(self, text: str, bold: bool) -> tuple[float, float]:
        font = QFont(self._font)
        font.setBold(bold)
        fm = QFontMetrics(font)
        return float(fm.horizontalAdvance(text)), float(fm.height())

    def _fit_range(self) -> None:
        """Scale so the circle, its band and the axis labels fit: labels keep their pixel size.

        The radius is the one `radar_geometry.fit_radius` finds for the widest form of every label (bold,
        with ✕), so it does not change from one video to the next.
        """
        rect = self.view.boundingRect()
        w, h = max(rect.width(), 60.0), max(rect.height(), 60.0)
        sizes = [self._label_size(f"{v.short} ✕", True) for v in VALUES]
        scale = max(10.0, fit_radius(w, h, sizes, margin=3.0))  # px per unit
        self._px_per_unit = scale
        hx, hy = w / 2 / scale, h / 2 / scale
        self.view.setRange(xRange=(-hx, hx), yRange=(-hy, hy), padding=0)
        self._place_labels()

    def _place_labels(self) -> None:
        """Put each axis label in its `radar_geometry.layout_labels` box (pixels → view units)."""
        if not hasattr(self, "_axis_labels"):
            return
        scale = self._px_per_unit
        sizes = [
            self._label_size(item.toPlainText(), item.textItem.font().bold()) for item in self._axis_labels
        ]
        for item, box in zip(self._axis_labels, layout_labels(sizes, scale), strict=True):
            margin = (
                item.textItem.document().documentMargin()
            )  # QGraphicsTextItem pads its text on every side
            item.setPos((box.left - margin) / scale, -(box.top - margin) / scale)

    def axis_label_rects(self) -> dict[str, QRectF]:
        """Each axis label's text (without padding), in the PlotWidget's viewport pixels (tests, tours)."""
        out = {}
        for item in self._axis_labels:
            margin = item.textItem.document().documentMargin()
            scene = item.textItem.mapRectToScene(
                item.textItem.boundingRect().adjusted(margin, margin, -margin, -margin)
            )
            out[item.value_id] = QRectF(self.plot.mapFromScene(scene).boundingRect())
        return out

    def profile_points(self) -> list[tuple[float, float]]:
        """The vertices of the drawn profile polygon, in radar units (outer ring = 1, y up), axis order."""
        return [(p.x(), p.y()) for p in self._poly.polygon().toList()]

    def _vertex_r(self, i: int) -> float:
        vid = VALUES[i].id
        if self._shares is not None:
            return share_radius(self._shares[0].get(vid, 0.0))
        return label_radius(self.effective_label(vid))

    def _vertex_xy(self, i: int) -> tuple[float, float]:
        return polar(i, self._vertex_r(i))

    def _redraw(self) -> None:
        if not hasattr(self, "_scatter"):
            return
        fg, bg = self.colors()
        dark = is_dark(bg)
        accent = profile_color(dark)
        red = label_color(-1, fg, dark)
        have = bool(self._labels or self._reviewed or self._shares)
        self._set_rings(SHARE_RINGS if self._shares is not None else tuple(RING.values()))
        grid, strong = QColor(fg), QColor(fg)
        grid.setAlphaF(0.22)
        strong.setAlphaF(0.45)
        for k, ring in enumerate(self._rings):
            if k == 1 and self._shares is None:  # the "absent" ring
                ring.setPen(_pen(strong, 1, Qt.PenStyle.DashLine))
            else:
                ring.setPen(_pen(grid, 1))

        pts = [QPointF(*self._vertex_xy(i)) for i in range(N)]
        fill = QColor(accent)
        fill.setAlphaF(0.28)
        self._poly.setPolygon(QPolygonF(pts) if have else QPolygonF())
        self._poly.setBrush(QBrush(fill))
        self._poly.setPen(_pen(accent, 2))

        # secondary polygon: model probability (profile) or contradicted share (aggregate)
        if self._shares is not None:
            rs = [share_radius(self._shares[1].get(v.id, 0.0)) for v in VALUES]
            sec_pen = _pen(red, 1.5, Qt.PenStyle.DashLine)
        else:
            rs = [score_radius(self._scores.get(v.id, 0.0)) for v in VALUES] if self._scores else []
            muted = QColor(fg)
            muted.setAlphaF(0.6)
            sec_pen = _pen(muted, 1.2, Qt.PenStyle.DotLine)
        if rs and any(rs):
            xy = [polar(i, r) for i, r in enumerate(rs)] + [polar(0, rs[0])]
            self._score_curve.setData([p[0] for p in xy], [p[1] for p in xy], pen=sec_pen)
        else:
            self._score_curve.setData([], [])

        spots: list[dict] = []
        ghosts: list[dict] = []
        for i, v in enumerate(VALUES):
            x, y = self._vertex_xy(i)
            if self._shares is not None:
                if self._shares[0].get(v.id, 0) > 0:
                    spots.append(
                        dict(pos=(x, y), data=v.id, symbol="o", size=8, brush=accent, pen=_pen(bg, 1))
                    )
                share_c = self._shares[1].get(v.id, 0.0)
                if share_c > 0:
                    spots.append(
                        dict(
                            pos=polar(i, share_radius(share_c)),
                            data=v.id,
                            symbol="x",
                            size=12,
                            brush=red,
                            pen=_pen(red, 1),
                        )
                    )
                else:
                    spots.append(
                        dict(
                            pos=(x, y),
                            data=v.id,
                            symbol="o",
                            size=7,
                            brush=QColor(0, 0, 0, 0),
                            pen=pg.mkPen(None),
                        )
                    )  # invisible hit target
                continue
            if not have:
                continue
            lab = self.effective_label(v.id)
            model = int(self._labels.get(v.id, 0))
            was_reviewed = v.id in self._reviewed
            spot: dict[str, Any]
            if lab < 0:
                spot = dict(symbol="x", size=14, brush=red, pen=_pen(red, 1))
            elif lab == 0:
                muted = QColor(fg)
                muted.setAlphaF(0.45)
                spot = dict(symbol="o", size=6, brush=muted, pen=pg.mkPen(None))
            else:
                spot = dict(
                    symbol="d" if lab == 2 else "o",
                    size=13 if lab == 2 else 10,
                    brush=accent,
                    pen=_pen(bg, 1),
                )
            if was_reviewed:  # reviewed: a square in the foreground colour around the vertex
                spot["pen"] = _pen(fg, 2)
                spot["size"] = spot["size"] + 3
                if lab >= 0:
                    spot["symbol"] = "s" if lab != 2 else "d"
                if model != lab:  # where the model put it: a hollow ghost
                    gx, gy = polar(i, label_radius(model))
                    ghosts.append(
                        dict(
                            pos=(gx, gy),
                            symbol="o",
                            size=9,
                            brush=QColor(0, 0, 0, 0),
                            pen=_pen(red if model < 0 else fg, 1, Qt.PenStyle.DotLine),
                        )
                    )
            spots.append(dict(pos=(x, y), data=v.id, **spot))
        self._scatter.setData(spots)
        self._ghosts.setData(ghosts)

        contradicted = set(self.contradicted_values())
        for i, item in enumerate(self._axis_labels):
            v = VALUES[i]
            font = QFont(self._font)
            if v.id in contradicted:
                item.setText(f"{v.short} ✕" if math.cos(axis_angle(i)) >= -1e-9 else f"✕ {v.short}")
                item.setColor(red)
                font.setBold(True)
            else:
                item.setText(v.short)
                lab = self.effective_label(v.id) if self._shares is None else 1
                c = QColor(fg)
                if have and self._shares is None and lab == 0:
                    c.setAlphaF(0.6)
                item.setColor(c)
                font.setBold(self._shares is None and lab == 2)
            if v.id == self._selected:
                font.setUnderline(True)
            item.setFont(font)
        self._place_labels()  # texts and weights changed: their boxes did too
        self._update_selection()
        self._legend.setText(self._legend_html(fg, bg))

    def _update_selection(self) -> None:
        if not hasattr(self, "_highlight"):
            return
        fg, bg = self.colors()
        if self._selected in BY_ID:
            i = [v.id for v in VALUES].index(self._selected)
            x, y = polar(i, RING[2])
            c = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            c.setAlphaF(0.45)
            self._highlight.setData([0, x * ARC_R], [0, y * ARC_R], pen=_pen(c, 7))
        else:
            self._highlight.setData([0, 0], [0, 0], pen=pg.mkPen(None))
        for item in self._axis_labels:
            f = item.textItem.font()
            f.setUnderline(item.value_id == self._selected)
            item.setFont(f)

    def _legend_html(self, fg: QColor, bg: QColor) -> str:
        dark = is_dark(bg)
        acc = profile_color(dark).name()
        red = label_color(-1, fg, dark).name()
        groups = " ".join(f'<span style="color:{g.color}">■</span>&nbsp;{g.name}' for g in GROUPS.values())
        if self._shares is not None:
            marks = (
                f'<span style="color:{acc}">●</span>&nbsp;expressing · '
                f'<span style="color:{red}">✕&nbsp;┄</span>&nbsp;going against '
                f"(share of videos; rings 25%,&nbsp;50%,&nbsp;75%,&nbsp;all)"
            )
        else:
            marks = (
                f'<span style="color:{acc}">◆</span>&nbsp;dominant · <span style="color:{acc}">●</span>&nbsp;present · '
                f'<span style="color:{red}">✕</span>&nbsp;goes against · ▢&nbsp;reviewed · '
                f"○&nbsp;model · ┈&nbsp;score"
            )
        return f'<span style="color:{fg.name()}; font-size:{self._font_pt}pt">{marks}<br>{groups}</span>'

    def _tip(self, value_id: str) -> str:
        v = BY_ID.get(value_id)
        if v is None:
            return ""
        if self._shares is not None:
            e, c = self._shares[0].get(value_id, 0.0), self._shares[1].get(value_id, 0.0)
            return f"{v.name}\nexpressed in {e:.0%} of videos\ngoing against it in {c:.0%}"
        lab = self.effective_label(value_id)
        lines = [v.name, label_text(lab)]
        model = self._labels.get(value_id)
        if value_id in self._reviewed and model is not None and model != lab:
            lines.append(f"model said: {label_word(model)}")
        if value_id in self._scores:
            lines.append(f"score {self._scores[value_id]:.0%}")
        return "\n".join(lines)

    def _on_points_clicked(self, _item: object, points: list, _ev: object) -> None:
        for p in points:
            data = p.data()
            if data:
                self.click_value(str(data))
                return
