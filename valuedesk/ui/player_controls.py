"""The player's transport bar (buttons, seek and volume sliders, speed), kept apart from playback logic."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QVBoxLayout

from valuedesk.ui.playback import SeekSlider

SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


def build_controls(p: Any) -> None:
    """The transport bar under the video, its widgets set on the player (p.play_button, …)."""
    style = p.style()
    p.play_button = QToolButton(p)
    p.play_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
    p.play_button.setToolTip("Play / pause (Space, K)")
    p.play_button.clicked.connect(p.toggle_play)
    p.back_button = QToolButton(p)
    p.back_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward))
    p.back_button.setToolTip("Back 5 s (←)")
    p.back_button.clicked.connect(lambda: p.step(-5000))
    p.forward_button = QToolButton(p)
    p.forward_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward))
    p.forward_button.setToolTip("Forward 5 s (→)")
    p.forward_button.clicked.connect(lambda: p.step(5000))
    p.seek_slider = SeekSlider(Qt.Orientation.Horizontal, p)
    p.seek_slider.setRange(0, 0)
    p.seek_slider.setToolTip("Position")
    p.seek_slider.setMinimumWidth(90)  # a narrow pane squeezes the time label, never the slider away
    p.seek_slider.sliderPressed.connect(p._drag_started)
    p.seek_slider.sliderMoved.connect(p._dragged)
    p.seek_slider.sliderReleased.connect(p._drag_finished)
    p.time_label = QLabel("00:00.0 / 00:00.0", p)
    p.time_label.setMinimumWidth(p.time_label.fontMetrics().horizontalAdvance("00:00.0 / 00:00.0 ") + 4)
    p.speed_box = QComboBox(p)
    for s in SPEEDS:
        p.speed_box.addItem(f"{s:g}×", s)
    p.speed_box.setCurrentIndex(SPEEDS.index(1.0))
    p.speed_box.setToolTip("Playback speed")
    p.speed_box.currentIndexChanged.connect(lambda i: p.set_rate(float(p.speed_box.itemData(i))))
    p.volume_slider = QSlider(Qt.Orientation.Horizontal, p)
    p.volume_slider.setRange(0, 100)
    p.volume_slider.setValue(80)
    p.volume_slider.setMaximumWidth(90)
    p.volume_slider.setMinimumWidth(48)
    p.volume_slider.setToolTip("Volume")
    p.volume_slider.valueChanged.connect(p.set_volume)
    p.fullscreen_button = QToolButton(p)
    p.fullscreen_button.setText("⤢")  # the title-bar icons vanish on dark palettes
    p.fullscreen_button.setToolTip("Full screen (F, Esc to leave)")
    p.fullscreen_button.clicked.connect(p.toggle_fullscreen)
    volume_icon = QLabel("Vol.", p)
    volume_icon.setToolTip("Volume")

    bar = QHBoxLayout()
    bar.setContentsMargins(4, 2, 4, 2)
    for button in (p.back_button, p.play_button, p.forward_button):
        bar.addWidget(button)
    bar.addWidget(p.seek_slider, 1)
    bar.addWidget(p.time_label)
    bar.addWidget(p.speed_box)
    bar.addWidget(volume_icon)
    bar.addWidget(p.volume_slider)
    bar.addWidget(p.fullscreen_button)
    layout = QVBoxLayout(p)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(p.surface, 1)
    layout.addLayout(bar)
    p.surface.double_clicked.connect(p.toggle_fullscreen)
    p.surface.clicked.connect(p.toggle_play)
