"""The one geometry of the value radar, shared by the app's radar and the PDF's (no Qt here).

Both draw the 19 values in circle order, grouped by the four higher-order values, first value
at the top, then clockwise; both put a label on the same ring and a share on the same radius,
and both place the axis labels with `layout_labels`, so the same profile has the same shape on
screen and on paper.

Coordinates are on a unit radius (the dominant ring, i.e. the outer one, is radius 1) with y
*up*; `to_screen` turns them into pixels (y down) for a painter. Radius encodes the label:
goes against (−1) on the inner ring, inside absent (0), then present (1), dominant (2) outside.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from valuedesk.values import GROUPS, VALUES, Label

N = len(VALUES)
STEP = 2 * math.pi / N  # angle between neighbouring axes
AXIS_ORDER: tuple[str, ...] = tuple(v.id for v in VALUES)  # circle order, grouped by higher-order value
_INDEX = {vid: i for i, vid in enumerate(AXIS_ORDER)}

RING: dict[int, float] = {-1: 0.12, 0: 1 / 3, 1: 2 / 3, 2: 1.0}  # radius of the ring of each label
RING_WORDS: dict[int, str] = {lab: Label(lab).phrase for lab in RING}
SHARE_RINGS: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0)  # share of videos (creator radars)
SHARE_RING_WORDS: tuple[str, ...] = ("25%", "50%", "75%", "all videos")
BAND_INNER, BAND_OUTER = 1.03, 1.10  # the group band just outside the outer ring
BAND_R = (BAND_INNER + BAND_OUTER) / 2
LABEL_R = 1.16  # where the axis labels start


def axis_index(value_id: str) -> int:
    return _INDEX[value_id]


def axis_angle(i: int) -> float:
    """Angle of axis i in radians, counter-clockwise from 3 o'clock: the first value at the top, then clockwise."""
    return math.pi / 2 - STEP * i


def polar(i: int, r: float) -> tuple[float, float]:
    """Point on axis i at radius r (unit radius, y up)."""
    a = axis_angle(i)
    return r * math.cos(a), r * math.sin(a)


def to_screen(x: float, y: float, cx: float, cy: float, radius: float) -> tuple[float, float]:
    """Unit coordinates (y up) to pixels (y down) for a circle of `radius` px centred at (cx, cy)."""
    return cx + x * radius, cy - y * radius


# ---------------------------------------------------------------------------------- point radii
def label_radius(label: int | None) -> float:
    """Radius of a value's point for its label (−1 inner ring ... 2 outer ring); None counts as absent."""
    lab = 0 if label is None else max(-1, min(2, int(label)))
    return RING[lab]


def score_radius(score: float | None) -> float:
    """Radius of a model score (probability 0..1): the centre for 0, the outer ring for 1."""
    return max(0.0, min(1.0, float(score or 0.0)))


def share_radius(share: float | None) -> float:
    """Radius of a share of videos (0..1), on the same scale as `score_radius`."""
    return score_radius(share)


def profile_radii(labels: Mapping[str, int]) -> list[float]:
    """One radius per axis for a video's (effective) labels; missing values are absent."""
    return [label_radius(labels.get(vid, 0)) for vid in AXIS_ORDER]


def profile_points(labels: Mapping[str, int]) -> list[tuple[float, float]]:
    """The profile polygon's vertices (unit radius, y up), in axis order."""
    return [polar(i, r) for i, r in enumerate(profile_radii(labels))]


def share_points(shares: Mapping[str, float]) -> list[tuple[float, float]]:
    return [polar(i, share_radius(shares.get(vid, 0.0))) for i, vid in enumerate(AXIS_ORDER)]


# ---------------------------------------------------------------------------------- group band
@dataclass(frozen=True)
class GroupSpan:
    """A higher-order value's stretch of the outer band: from its first axis to its last, ± half a step."""

    group_id: str
    start: (
        float  # radians (counter-clockwise positive, like axis_angle); start > end: the span runs clockwise
    )
    end: float
    axes: tuple[int, ...]


def group_spans() -> list[GroupSpan]:
    spans = []
    for gid in GROUPS:
        idx = tuple(i for i, v in enumerate(VALUES) if v.group == gid)
        spans.append(GroupSpan(gid, axis_angle(idx[0]) + STEP / 2, axis_angle(idx[-1]) - STEP / 2, idx))
    return spans


# ---------------------------------------------------------------------------------- labels
@dataclass(frozen=True)
class LabelAnchor:
    """Where an axis label hangs: the point (unit radius, y up) and which point of the text box sits on it.

    `ax`: 0 = the box's left edge is on the point, 1 = its right edge, 0.5 = centred. `ay`: 0 = its top
    edge, 1 = its bottom edge (so labels above the circle sit on the point, those below hang from it).
    """

    x: float
    y: float
    ax: float
    ay: float


def label_anchor(i: int) -> LabelAnchor:
    a = axis_angle(i)
    c, s = math.cos(a), math.sin(a)
    # steeper than cos so only the top axis is centred: the others sit beside their spoke, never across it
    cx = max(-1.0, min(1.0, 6 * c))
    x, y = LABEL_R * c, LABEL_R * s
    return LabelAnchor(x, y, (1 - cx) / 2, (1 + s) / 2)


@dataclass(frozen=True)
class Box:
    """A label's text box in pixels relative to the circle's centre, y down (screen)."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        return (
            self.left < other.right + gap
            and other.left < self.right + gap
            and self.top < other.bottom + gap
            and other.top < self.bottom + gap
        )


def layout_labels(sizes: Sequence[tuple[float, float]], radius: float, gap: float = 2.0) -> list[Box]:
    """Boxes for the 19 axis labels around a circle of `radius` px, given each label's (width, height) px.

    Each box starts at its `label_anchor`; then, going from the equator towards the top and the bottom
    on each side, a label that would touch its neighbour nearer the equator moves further out
    (up above the circle, down below it) until it clears it by `gap` px. So labels never overlap,
    at any radius, and only the crowded labels near the top and bottom move.
    """
    boxes: list[Box] = []
    for i, (w, h) in enumerate(sizes):
        an = label_anchor(i)
        px, py = an.x * radius, -an.y * radius
        boxes.append(Box(px - an.ax * w, py - an.ay * h, w, h))

    def push(order: list[int], up: bool) -> None:
        for k in range(1, len(order)):
            i = order[k]
            for j in order[:k]:  # every label nearer the equator on this side, already placed
                b, o = boxes[i], boxes[j]
                if (
                    b.left < o.right + gap
                    and o.left < b.right + gap
                    and b.top < o.bottom + gap
                    and o.top < b.bottom + gap
                ):
                    top = o.top - gap - b.height if up else o.bottom + gap
                    boxes[i] = Box(b.left, top, b.width, b.height)

    right = [i for i in range(N) if math.cos(axis_angle(i)) > 1e-9]
    left = [i for i in range(N) if math.cos(axis_angle(i)) < -1e-9]
    top = [i for i in range(N) if abs(math.cos(axis_angle(i))) <= 1e-9]
    for side in (right, left):
        middle = min(side, key=lambda i: abs(math.sin(axis_angle(i))))  # the label nearest the equator stays
        upper = sorted(
            (i for i in side if math.sin(axis_angle(i)) > math.sin(axis_angle(middle))),
            key=lambda i: math.sin(axis_angle(i)),
        )
        lower = sorted(
            (i for i in side if math.sin(axis_angle(i)) < math.sin(axis_angle(middle))),
            key=lambda i: -math.sin(axis_angle(i)),
        )
        push([middle, *upper], up=True)
        push([middle, *lower], up=False)
    for i in top:  # the top label goes above whichever neighbours it would touch
        for j in right + left:
            b, o = boxes[i], boxes[j]
            if b.overlaps(o, gap) and o.top <= b.bottom:
                boxes[i] = Box(b.left, min(b.top, o.top - gap - b.height), b.width, b.height)
    return boxes


def label_extent(boxes: Sequence[Box], radius: float) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) px around the centre covered by the circle, its band and the labels."""
    band = BAND_OUTER * radius
    return (
        min([-band] + [b.left for b in boxes]),
        min([-band] + [b.top for b in boxes]),
        max([band] + [b.right for b in boxes]),
        max([band] + [b.bottom for b in boxes]),
    )


def fit_radius(
    width: float,
    height: float,
    sizes: Sequence[tuple[float, float]],
    *,
    margin: float = 4.0,
    gap: float = 2.0,
) -> float:
    """The largest circle radius (px) at which the circle, band and labels fit a width × height area
    centred on the circle (labels laid out by `layout_labels`); at least 8 px."""
    lo, hi = 8.0, max(8.0, min(width, height) / 2)
    for _ in range(40):
        mid = (lo + hi) / 2
        left, top, right, bottom = label_extent(layout_labels(sizes, mid, gap), mid)
        if max(-left, right) <= width / 2 - margin and max(-top, bottom) <= height / 2 - margin:
            lo = mid
        else:
            hi = mid
    return lo
