"""The value radar, painted with QPainter into a QImage for the PDF reports.

19 axes in circle order (neighbours compatible, opposites in conflict), group colours on an
outer band, rings for the labels, a polygon for what the video expresses and, for what it
contradicts, a red × on the rim with a dashed inward marker. Shapes, dashes and bold/✕ labels
carry the meaning so it survives grey printing; colour only adds to it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPolygonF

from valuedesk.report.render import FONT_FAMILY, ensure_app
from valuedesk.values import GROUPS, N_VALUES, VALUES

CONTRA = QColor("#B0182A")
INK = QColor("#1B2631")
# One fill per group (GROUPS order) so the band still separates the groups in grey print.
PATTERNS = (Qt.BrushStyle.BDiagPattern, Qt.BrushStyle.SolidPattern, Qt.BrushStyle.Dense3Pattern,
            Qt.BrushStyle.DiagCrossPattern)


@dataclass
class RadarSpec:
    """What to draw: per value a radius in 0..1 for expression and for contradiction."""

    expressed: Mapping[str, float]
    contradicted: Mapping[str, float]
    rings: list[tuple[float, str]] = field(default_factory=lambda: [(0.5, "present"), (1.0, "dominant")])
    legend_expressed: str = "expressed: middle ring = present, outer ring = dominant"
    legend_contradicted: str = "contradicted (goes against the value)"
    value_notes: Mapping[str, str] = field(default_factory=dict)  # extra text under an axis label
    emphasis: float = 0.0  # contradicted labels turn bold red from this depth on (many-video charts)


def video_spec(labels: Mapping[str, int]) -> RadarSpec:
    """One video: present on the middle ring, dominant on the outer, −1 marked on the rim."""
    return RadarSpec(
        expressed={k: max(0, v) / 2.0 for k, v in labels.items()},
        contradicted={k: 0.55 for k, v in labels.items() if v < 0},
    )


def share_spec(present: Mapping[str, float], contradicted: Mapping[str, float]) -> RadarSpec:
    """Many videos: radius = share of videos expressing (or contradicting) each value."""
    notes = {k: f"✕ {round(s * 100)}%" for k, s in contradicted.items() if s > 0}
    return RadarSpec(
        expressed=dict(present),
        contradicted={k: s for k, s in contradicted.items() if s > 0},
        rings=[(0.25, "25%"), (0.5, "50%"), (0.75, "75%"), (1.0, "all videos")],
        legend_expressed="share of videos expressing the value (present or dominant)",
        legend_contradicted="share of videos going against it (dashed, from the rim inwards)",
        value_notes=notes,
        emphasis=0.25,
    )


def _angle(i: int) -> float:
    return -math.pi / 2 + 2 * math.pi * i / N_VALUES  # first value at the top, clockwise


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
    ensure_app()
    img = QImage(round(width * scale), round(height * scale), QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.scale(scale, scale)
        _paint(p, spec, width, height)
    finally:
        p.end()
    return img


def _paint(p: QPainter, spec: RadarSpec, width: float, height: float) -> None:
    legend_h = 64.0
    cx, cy = width / 2, (height - legend_h) / 2 + 2
    radius = min(width, height - legend_h) / 2 - 68
    pt = lambda i, r: QPointF(cx + r * radius * math.cos(_angle(i)), cy + r * radius * math.sin(_angle(i)))  # noqa: E731

    # Group band just outside the outer ring: colour plus a distinct hatch per group for grey print.
    band_in, band_out = radius * 1.03, radius * 1.10
    step = 360.0 / N_VALUES
    gi = {g: n for n, g in enumerate(GROUPS)}
    for i, v in enumerate(VALUES):
        start = -math.degrees(_angle(i)) - step / 2  # Qt angles run counter-clockwise from 3 o'clock
        path = QPainterPath()
        path.arcMoveTo(QRectF(cx - band_out, cy - band_out, 2 * band_out, 2 * band_out), start)
        path.arcTo(QRectF(cx - band_out, cy - band_out, 2 * band_out, 2 * band_out), start, step)
        path.arcTo(QRectF(cx - band_in, cy - band_in, 2 * band_in, 2 * band_in), start + step, -step)
        path.closeSubpath()
        color = QColor(GROUPS[v.group].color)
        p.setPen(QPen(QColor("white"), 0.8))
        p.setBrush(QBrush(color, PATTERNS[gi[v.group] % len(PATTERNS)]))
        p.drawPath(path)

    # Rings and spokes.
    p.setBrush(Qt.BrushStyle.NoBrush)
    for r, _ in spec.rings:
        p.setPen(QPen(QColor("#9AA3AB"), 0.9 if r < 1 else 1.3))
        p.drawPolygon(QPolygonF([pt(i, r) for i in range(N_VALUES)]))
    p.setPen(QPen(QColor("#C4CAD0"), 0.7))
    for i in range(N_VALUES):
        p.drawLine(QPointF(cx, cy), pt(i, 1.0))

    # Expressed polygon.
    poly = QPolygonF([pt(i, max(0.0, min(1.0, spec.expressed.get(v.id, 0.0)))) for i, v in enumerate(VALUES)])
    if any(spec.expressed.get(v.id, 0.0) > 0 for v in VALUES):
        p.setPen(QPen(INK, 2.0))
        p.setBrush(QColor(44, 62, 80, 70))
        p.drawPolygon(poly)
        for i, v in enumerate(VALUES):
            if spec.expressed.get(v.id, 0.0) > 0:
                p.setPen(QPen(INK, 1.2))
                p.setBrush(QColor(v.color))
                p.drawEllipse(poly[i], 4.2, 4.2)

    # Contradicted: dashed inward marker from the rim, × on the rim.
    for i, v in enumerate(VALUES):
        depth = spec.contradicted.get(v.id, 0.0)
        if depth <= 0:
            continue
        rim, inner = pt(i, 1.0), pt(i, max(0.0, 1.0 - depth))
        p.setPen(QPen(CONTRA, 2.4, Qt.PenStyle.DashLine, Qt.PenCapStyle.FlatCap))
        p.drawLine(rim, inner)
        _arrowhead(p, rim, inner)
        _cross(p, rim, 6.5)

    # Ring labels beside the top spoke.
    p.setFont(_font(8.5, italic=True))
    p.setPen(QColor("#4D5656"))
    for r, text in spec.rings:
        at = pt(0, r)
        p.drawText(QPointF(at.x() + 4, at.y() + 11), text)

    # Axis labels: bold for dominant/strong, "✕" and dark red for contradicted.
    for i, v in enumerate(VALUES):
        ang = _angle(i)
        anchor = pt(i, 1.16)
        strong = spec.expressed.get(v.id, 0.0) >= 0.75
        depth = spec.contradicted.get(v.id, 0.0)
        contra = depth > 0 and depth >= spec.emphasis
        lines = _label_lines(v.name)
        if depth > 0 and v.id not in spec.value_notes:
            lines[0] = "✕ " + lines[0]
        if v.id in spec.value_notes:
            lines.append(spec.value_notes[v.id])
        font = _font(10.4, bold=strong or contra)
        p.setFont(font)
        p.setPen(CONTRA if contra else QColor("#111111"))
        fm = p.fontMetrics()
        line_h = fm.height() - 1
        block_w = max(fm.horizontalAdvance(t) for t in lines)
        block_h = line_h * len(lines)
        c, s = math.cos(ang), math.sin(ang)
        # Near the top and bottom, neighbours sit close together: hang labels away from the spoke.
        if c > 0.2:
            x, align = anchor.x(), Qt.AlignmentFlag.AlignLeft
        elif c < -0.2:
            x, align = anchor.x() - block_w, Qt.AlignmentFlag.AlignRight
        else:
            x, align = anchor.x() - block_w / 2 + c * block_w / 2, Qt.AlignmentFlag.AlignHCenter
        y = anchor.y() - block_h / 2 + s * block_h / 2
        for n, text in enumerate(lines):
            p.drawText(QRectF(x, y + n * line_h, block_w, line_h), int(align | Qt.AlignmentFlag.AlignVCenter), text)

    _legend(p, spec, width, height - legend_h + 4)


def _arrowhead(p: QPainter, tail: QPointF, tip: QPointF) -> None:
    dx, dy = tip.x() - tail.x(), tip.y() - tail.y()
    n = math.hypot(dx, dy) or 1.0
    ux, uy = dx / n, dy / n
    size = 6.0
    left = QPointF(tip.x() - ux * size - uy * size * 0.6, tip.y() - uy * size + ux * size * 0.6)
    right = QPointF(tip.x() - ux * size + uy * size * 0.6, tip.y() - uy * size - ux * size * 0.6)
    p.setPen(QPen(CONTRA, 1.0))
    p.setBrush(CONTRA)
    p.drawPolygon(QPolygonF([tip, left, right]))


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
    p.drawPolygon(QPolygonF([QPointF(x, top + 11), QPointF(x + 9, top + 2), QPointF(x + 18, top + 11),
                             QPointF(x + 9, top + 14)]))
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
