"""The value radar, painted with QPainter into a QImage for the PDF reports.

19 axes in circle order (neighbours compatible, opposites in conflict), group colours on an
outer band, rings for the labels, a polygon for the video's profile and, for what it
contradicts, a red × at its inward spike with a dashed marker from the rim. Shapes, dashes and
bold/✕ labels carry the meaning so it survives grey printing; colour only adds to it.

The geometry (axis angles, ring and point radii, label placement) is `radar_geometry`'s, the
same as the app's radar: a profile has the same shape on paper as on screen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)

from valuedesk.report import radar_geometry as geo
from valuedesk.report.render import FONT_FAMILY, ensure_app
from valuedesk.values import GROUPS, N_VALUES, VALUES

CONTRA = QColor("#B0182A")
INK = QColor("#1B2631")
# One fill per group (GROUPS order) so the band still separates the groups in grey print.
PATTERNS = (
    Qt.BrushStyle.BDiagPattern,
    Qt.BrushStyle.SolidPattern,
    Qt.BrushStyle.Dense3Pattern,
    Qt.BrushStyle.DiagCrossPattern,
)
LABEL_PX = 10.4  # axis label font size (CSS px)


@dataclass
class RadarSpec:
    """What to draw, in `radar_geometry` units (outer ring = 1).

    `radii`: per value the radius of its point on the profile polygon; `contradicted`: per value that
    goes against, the radius of its ✕ (on the polygon for a video, the share for many videos).
    """

    radii: Mapping[str, float]
    contradicted: Mapping[str, float]
    rings: list[tuple[float, str]] = field(
        default_factory=lambda: [
            (geo.RING[-1], ""),
            (geo.RING[0], geo.RING_WORDS[0]),
            (geo.RING[1], geo.RING_WORDS[1]),
            (geo.RING[2], geo.RING_WORDS[2]),
        ]
    )
    dashed_ring: float | None = geo.RING[0]  # the "absent" ring, dashed as in the app
    strong: frozenset[str] = frozenset()  # bold axis labels (dominant / expressed by most videos)
    marked: Mapping[str, float] = field(default_factory=dict)  # value -> radius of a point marker
    secondary: Mapping[str, float] | None = None  # many videos: the dashed polygon of contradicted shares
    legend_expressed: str = (
        "the shape: absent on the dashed ring, present on the middle, dominant on the outer"
    )
    legend_contradicted: str = "goes against the value: ✕ on the inner ring, dashed from the rim"
    value_notes: Mapping[str, str] = field(default_factory=dict)  # extra text under an axis label
    emphasis: float = 0.0  # contradicted labels turn bold red from this share on (many-video charts)


@dataclass
class RadarTrace:
    """What `draw_radar_traced` drew, in CSS px (y down): for tests and for anyone placing things on it."""

    cx: float
    cy: float
    radius: float
    vertices: list[tuple[float, float]]  # the profile polygon, axis order
    label_boxes: dict[str, QRectF]

    def unit_vertices(self) -> list[tuple[float, float]]:
        """The polygon's vertices normalised to the outer ring = 1, y up (the app radar's coordinates)."""
        return [((x - self.cx) / self.radius, (self.cy - y) / self.radius) for x, y in self.vertices]


def video_spec(labels: Mapping[str, int]) -> RadarSpec:
    """One video: each value on the ring of its label (−1 inner, 0, 1, 2 outer), as in the app."""
    radii = dict(zip(geo.AXIS_ORDER, geo.profile_radii(labels), strict=True))
    return RadarSpec(
        radii=radii,
        contradicted={k: geo.label_radius(-1) for k, v in labels.items() if v < 0},
        strong=frozenset(k for k, v in labels.items() if v >= 2),
        marked={k: radii[k] for k, v in labels.items() if v >= 1},
    )


def share_spec(present: Mapping[str, float], contradicted: Mapping[str, float]) -> RadarSpec:
    """Many videos: radius = share of videos expressing (or contradicting) each value, as in the app."""
    notes = {k: f"✕ {round(s * 100)}%" for k, s in contradicted.items() if s > 0}
    radii = {vid: geo.share_radius(present.get(vid, 0.0)) for vid in geo.AXIS_ORDER}
    return RadarSpec(
        radii=radii,
        contradicted={k: geo.share_radius(s) for k, s in contradicted.items() if s > 0},
        rings=list(zip(geo.SHARE_RINGS, geo.SHARE_RING_WORDS, strict=True)),
        dashed_ring=None,
        strong=frozenset(k for k, s in present.items() if s >= 0.75),
        marked={k: r for k, r in radii.items() if r > 0},
        secondary={vid: geo.share_radius(contradicted.get(vid, 0.0)) for vid in geo.AXIS_ORDER},
        legend_expressed="share of videos expressing the value (present or dominant)",
        legend_contradicted="share of videos going against it (red ✕, dashed)",
        value_notes=notes,
        emphasis=0.25,
    )


def _font(px: float, bold: bool = False, italic: bool = False) -> QFont:
    f = QFont(FONT_FAMILY)
    f.setPixelSize(max(1, round(px)))
    f.setBold(bold)
    f.setItalic(italic)
    return f


def _label_lines(name: str) -> list[str]:
    if ": " in name:
        head, tail = name.split(": ", 1)
        return [head + ":", tail]
    return [name]


def draw_radar(spec: RadarSpec, width: float = 470, height: float = 430, scale: float = 3.0) -> QImage:
    """Paint the radar at `scale` × its CSS size (so print stays sharp); returns a white-backed image."""
    return draw_radar_traced(spec, width, height, scale)[0]


def draw_radar_traced(
    spec: RadarSpec, width: float = 470, height: float = 430, scale: float = 3.0
) -> tuple[QImage, RadarTrace]:
    """`draw_radar`, also returning where it drew the circle, the polygon and the labels."""
    ensure_app()
    img = QImage(round(width * scale), round(height * scale), QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.scale(scale, scale)
        trace = _paint(p, spec, width, height)
    finally:
        p.end()
    return img, trace


def _label_blocks(spec: RadarSpec) -> list[tuple[list[str], QFont, bool]]:
    """Per axis: its lines of text, font and whether it is drawn as contradicted."""
    out = []
    for v in VALUES:
        depth = spec.contradicted.get(v.id, 0.0)
        contra = v.id in spec.contradicted and (spec.emphasis <= 0 or depth >= spec.emphasis)
        lines = _label_lines(v.name)
        if v.id in spec.contradicted and v.id not in spec.value_notes:
            lines[0] = "✕ " + lines[0]
        if v.id in spec.value_notes:
            lines.append(spec.value_notes[v.id])
        out.append((lines, _font(LABEL_PX, bold=v.id in spec.strong or contra), contra))
    return out


def _paint(p: QPainter, spec: RadarSpec, width: float, height: float) -> RadarTrace:
    legend_h = 64.0
    blocks = _label_blocks(spec)
    sizes = []
    for lines, font, _contra in blocks:
        fm = QFontMetricsF(font)
        sizes.append((max(fm.horizontalAdvance(t) for t in lines) + 1, (fm.height() - 1) * len(lines)))
    area_h = height - legend_h
    radius = geo.fit_radius(width, area_h, sizes, margin=6.0)
    cx, cy = width / 2, area_h / 2

    def pt(i: int, r: float) -> QPointF:
        return QPointF(*geo.to_screen(*geo.polar(i, r), cx, cy, radius))

    # Group band just outside the outer ring: colour plus a distinct hatch per group for grey print.
    band_in, band_out = radius * geo.BAND_INNER, radius * geo.BAND_OUTER
    step = math.degrees(geo.STEP)
    gi = {g: n for n, g in enumerate(GROUPS)}
    outer = QRectF(cx - band_out, cy - band_out, 2 * band_out, 2 * band_out)
    inner = QRectF(cx - band_in, cy - band_in, 2 * band_in, 2 * band_in)
    for i, v in enumerate(VALUES):
        start = math.degrees(geo.axis_angle(i)) - step / 2  # Qt angles run counter-clockwise from 3 o'clock
        path = QPainterPath()
        path.arcMoveTo(outer, start)
        path.arcTo(outer, start, step)
        path.arcTo(inner, start + step, -step)
        path.closeSubpath()
        color = QColor(GROUPS[v.group].color)
        p.setPen(QPen(QColor("white"), 0.8))
        p.setBrush(QBrush(color, PATTERNS[gi[v.group] % len(PATTERNS)]))
        p.drawPath(path)

    # Rings (circles, as in the app) and spokes.
    p.setBrush(Qt.BrushStyle.NoBrush)
    for r, _ in spec.rings:
        pen = QPen(QColor("#9AA3AB"), 0.9 if r < 1 else 1.3)
        if spec.dashed_ring is not None and abs(r - spec.dashed_ring) < 1e-9:
            pen = QPen(QColor("#6E7881"), 1.0, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawEllipse(QPointF(cx, cy), r * radius, r * radius)
    p.setPen(QPen(QColor("#C4CAD0"), 0.7))
    for i in range(N_VALUES):
        p.drawLine(QPointF(cx, cy), pt(i, 1.0))

    # The profile polygon (a video) or the expressed shares (many videos).
    radii = [spec.radii.get(v.id, 0.0) for v in VALUES]
    poly = QPolygonF([pt(i, r) for i, r in enumerate(radii)])
    if any(r > 0 for r in radii):
        p.setPen(QPen(INK, 2.0))
        p.setBrush(QColor(44, 62, 80, 70))
        p.drawPolygon(poly)
    if spec.secondary is not None and any(spec.secondary.values()):
        p.setPen(QPen(CONTRA, 1.4, Qt.PenStyle.DashLine))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPolygon(QPolygonF([pt(i, spec.secondary.get(v.id, 0.0)) for i, v in enumerate(VALUES)]))
    for i, v in enumerate(VALUES):
        if v.id in spec.marked:
            p.setPen(QPen(INK, 1.2))
            p.setBrush(QColor(v.color))
            p.drawEllipse(pt(i, spec.marked[v.id]), 4.2, 4.2)

    # Contradicted: × at its point, a dashed marker from the rim down to it.
    for i, v in enumerate(VALUES):
        if v.id not in spec.contradicted:
            continue
        rim, at = pt(i, 1.0), pt(i, spec.contradicted[v.id])
        if spec.secondary is None:
            p.setPen(QPen(CONTRA, 2.0, Qt.PenStyle.DashLine, Qt.PenCapStyle.FlatCap))
            p.drawLine(rim, at)
        _cross(p, at, 5.5)

    # Ring labels beside the top spoke.
    p.setFont(_font(8.5, italic=True))
    p.setPen(QColor("#4D5656"))
    for r, text in spec.rings:
        if text:
            at = pt(0, r)
            p.drawText(QPointF(at.x() + 4, at.y() + 11), text)

    # Axis labels, where radar_geometry puts them: bold for dominant/strong, "✕" and dark red for contradicted.
    boxes: dict[str, QRectF] = {}
    for i, (v, (lines, font, contra), box) in enumerate(
        zip(VALUES, blocks, geo.layout_labels(sizes, radius), strict=True)
    ):
        p.setFont(font)
        p.setPen(CONTRA if contra else QColor("#111111"))
        line_h = box.height / len(lines)
        a = geo.label_anchor(i)
        align = (
            Qt.AlignmentFlag.AlignLeft
            if a.ax < 0.25
            else Qt.AlignmentFlag.AlignRight
            if a.ax > 0.75
            else Qt.AlignmentFlag.AlignHCenter
        )
        rect = QRectF(cx + box.left, cy + box.top, box.width, box.height)
        for n, text in enumerate(lines):
            p.drawText(
                QRectF(rect.x(), rect.y() + n * line_h, rect.width(), line_h),
                int(align | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
        boxes[v.id] = rect

    _legend(p, spec, width, height - legend_h + 4)
    return RadarTrace(cx, cy, radius, [(q.x(), q.y()) for q in poly.toList()], boxes)


def _cross(p: QPainter, at: QPointF, r: float) -> None:
    p.setPen(QPen(QColor("white"), 5.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawLine(QPointF(at.x() - r, at.y() - r), QPointF(at.x() + r, at.y() + r))
    p.drawLine(QPointF(at.x() - r, at.y() + r), QPointF(at.x() + r, at.y() - r))
    p.setPen(QPen(CONTRA, 2.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawLine(QPointF(at.x() - r, at.y() - r), QPointF(at.x() + r, at.y() + r))
    p.drawLine(QPointF(at.x() - r, at.y() + r), QPointF(at.x() + r, at.y() - r))


def _legend(p: QPainter, spec: RadarSpec, width: float, top: float) -> None:
    p.setFont(_font(9))
    x = 8.0
    # expressed swatch
    p.setPen(QPen(INK, 1.6))
    p.setBrush(QColor(44, 62, 80, 70))
    p.drawPolygon(
        QPolygonF(
            [
                QPointF(x, top + 11),
                QPointF(x + 9, top + 2),
                QPointF(x + 18, top + 11),
                QPointF(x + 9, top + 14),
            ]
        )
    )
    p.setPen(QColor("#111111"))
    p.drawText(QPointF(x + 26, top + 12), spec.legend_expressed)
    y = top + 27
    p.setPen(QPen(CONTRA, 2.2, Qt.PenStyle.DashLine, Qt.PenCapStyle.FlatCap))
    p.drawLine(QPointF(x + 2, y - 4), QPointF(x + 20, y - 4))
    _cross(p, QPointF(x + 2, y - 4), 4.0)
    p.setPen(QColor("#111111"))
    p.drawText(QPointF(x + 26, y), spec.legend_contradicted)
    # groups of the outer band
    y += 16
    p.drawText(QPointF(x, y), "Outer band:")
    gx = x + p.fontMetrics().horizontalAdvance("Outer band:") + 8
    for n, g in enumerate(GROUPS.values()):
        if gx + 18 + p.fontMetrics().horizontalAdvance(g.name) > width - 4:
            gx, y = x + p.fontMetrics().horizontalAdvance("Outer band:") + 8, y + 14
        p.setPen(QPen(QColor("#555555"), 0.6))
        p.setBrush(QBrush(QColor(g.color), PATTERNS[n % len(PATTERNS)]))
        p.drawRect(QRectF(gx, y - 9, 14, 10))
        p.setPen(QColor("#111111"))
        p.drawText(QPointF(gx + 18, y), g.name)
        gx += 18 + p.fontMetrics().horizontalAdvance(g.name) + 10
