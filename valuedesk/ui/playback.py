"""Pieces of the player that do not touch libvlc: the smoothed clock, the seek bar, the surface.

libvlc's `get_time()` advances in 250/500 ms steps, so a script highlight driven by it would
lurch; `PlaybackClock` extrapolates between VLC's updates with a monotonic clock. The surface
paints the nearest analysed keyframe when VLC cannot draw into it (offscreen, tests, screenshots).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QFrame, QSizePolicy, QSlider, QStyle, QWidget


class PlaybackClock:
    """Position in ms: VLC's coarse readings, extrapolated with a monotonic clock in between.

    A new reading happened somewhere between the previous poll and this one, so it is taken at
    the midpoint; small errors are corrected a quarter at a time (no visible back-steps), big ones
    (a seek VLC made itself, a stall) snap. For a moment after a seek VLC still reports where it
    was (or where a restarted media begins, or an older seek it is still working through): for
    SETTLE_S, readings far from the clock are ignored, so it shows the requested time, not a flash
    of the old one.
    """

    SNAP_MS = 400
    GAIN = 0.25
    SETTLE_S = 1.5

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self.anchor_ms = 0.0
        self.anchor_t = now()
        self.rate = 1.0
        self.running = False
        self._last_raw: int | None = None
        self._last_poll_t = self.anchor_t
        self._settle_until = 0.0

    def value(self) -> int:
        if not self.running:
            return int(self.anchor_ms)
        return int(self.anchor_ms + (self._now() - self.anchor_t) * 1000.0 * self.rate)

    def _rebase(self, ms: float) -> None:
        self.anchor_ms = max(0.0, ms)
        self.anchor_t = self._now()

    def jump(self, ms: int) -> None:
        """A seek: trust the target; the next reading (VLC echoes the target) is only a baseline."""
        self._rebase(ms)
        self._last_raw = None
        self._settle_until = self.anchor_t + self.SETTLE_S

    def set_running(self, running: bool) -> None:
        if running != self.running:
            self._rebase(self.value())
            self.running = running

    def set_rate(self, rate: float) -> None:
        self._rebase(self.value())
        self.rate = rate

    def observe(self, raw_ms: int) -> None:
        now = self._now()
        previous_poll, self._last_poll_t = self._last_poll_t, now
        if raw_ms < 0 or raw_ms == self._last_raw:
            return
        if now < self._settle_until and abs(raw_ms - self.value()) > self.SNAP_MS:
            return  # from before the seek (or an older one VLC is still working through)
        baseline = self._last_raw is None
        self._last_raw = raw_ms
        if not self.running:
            if not baseline:
                self._rebase(raw_ms)
            return
        sampled = raw_ms + (now - previous_poll) * 500.0 * self.rate  # reading taken mid-interval
        predicted = self.value()
        error = sampled - predicted
        if baseline or abs(error) > self.SNAP_MS:
            self._rebase(sampled)
        else:
            self._rebase(predicted + error * self.GAIN)


class SeekSlider(QSlider):
    """A slider that jumps to the clicked point instead of paging."""

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > self.minimum():
            value = QStyle.sliderValueFromPosition(
                self.minimum(), self.maximum(), int(event.position().x()), max(1, self.width())
            )
            self.setValue(value)
            self.sliderMoved.emit(value)
        super().mousePressEvent(event)


class VideoSurface(QFrame):
    """Black frame VLC draws into; in dummy-output mode it paints a keyframe poster and a note."""

    double_clicked = Signal()
    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(QSize(160, 120))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(self.backgroundRole(), QColor(0, 0, 0))
        self.setPalette(pal)
        self.message = ""
        self.poster_mode = False
        self._posters: list[tuple[int, bytes]] = []
        self._decoded: dict[int, QImage] = {}
        self._poster_t = -1

    def set_posters(self, posters: Sequence[tuple[int, bytes]]) -> None:
        self._posters = sorted(posters)
        self._decoded.clear()
        self._poster_t = -1
        self.update()

    def show_time(self, ms: int) -> None:
        """Pick the keyframe at or before `ms` (repaint only when it changes)."""
        if not self.poster_mode or not self._posters:
            return
        chosen = self._posters[0][0]
        for t, _ in self._posters:
            if t > ms:
                break
            chosen = t
        if chosen != self._poster_t:
            self._poster_t = chosen
            self.update()

    def _poster(self) -> QImage | None:
        if self._poster_t < 0:
            return None
        if self._poster_t not in self._decoded:
            data = dict(self._posters).get(self._poster_t)
            image = QImage()
            if data:
                image.loadFromData(data)
            self._decoded[self._poster_t] = image
        image = self._decoded[self._poster_t]
        return None if image.isNull() else image

    def paintEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        if not (self.poster_mode or self.message):
            return
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0))
        image = self._poster() if self.poster_mode else None
        if image is not None:
            scaled = image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(self.rect().center())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, image)
        if self.message:
            painter.setPen(QColor(235, 235, 235))
            font = QFont(self.font())
            font.setPointSizeF(max(9.0, font.pointSizeF()))
            painter.setFont(font)
            box = self.rect().adjusted(16, 16, -16, -16)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            if image is not None:
                flags = (
                    Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap
                )
            painter.drawText(box, int(flags), self.message)
        painter.end()

    def mouseDoubleClickEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        self.double_clicked.emit()

    def mouseReleaseEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
