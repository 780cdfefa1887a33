"""The video player: libvlc drawn into a QFrame, with a clock smooth enough to drive the script.

libvlc's `get_time()` advances in 250/500 ms steps, so `position_ms()` comes from a
`PlaybackClock` (playback.py) that extrapolates between VLC's updates. Offscreen (tests, screenshots) VLC renders to a dummy output and is never given a window; the
surface then paints the nearest analysed keyframe instead, so the view still shows the moment.
If libvlc is missing the player says so and everything else keeps working.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from valuedesk.script import format_ms
from valuedesk.ui.playback import PlaybackClock, SeekSlider, VideoSurface

TICK_MS = 40  # how often time_changed fires while playing
SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
OFFSCREEN_PLATFORMS = ("offscreen", "minimal", "vnc")


def load_vlc() -> tuple[Any, str]:
    """(the vlc module, "") or (None, why not) — python-vlc raises odd errors without libvlc."""
    try:
        import vlc
    except Exception as exc:  # OSError, NotImplementedError, ImportError depending on what is missing
        return None, f"libvlc is not available ({exc})"
    return vlc, ""


class PlayerWidget(QWidget):
    """Video surface plus controls. `position_ms()` is smooth; `time_changed` fires every ~40 ms."""

    time_changed = Signal(int)
    state_changed = Signal(str)  # playing | paused | stopped | ended | error
    duration_changed = Signal(int)
    fullscreen_requested = Signal(bool)

    def __init__(self, parent: QWidget | None = None, *, vlc_module: Any = "auto") -> None:
        super().__init__(parent)
        self.surface = VideoSurface(self)
        self.clock = PlaybackClock()
        self._vlc, self.unavailable_reason = load_vlc() if vlc_module == "auto" else (vlc_module, "")
        if self._vlc is None and not self.unavailable_reason:
            self.unavailable_reason = "libvlc is not available"
        self._instance: Any = None
        self._mp: Any = None
        self._path = ""
        self._duration = 0
        self._state = "stopped"
        self._pending_seek: int | None = None
        self._pause_when_started = False
        self._restart_needed = False
        self._embedded = False
        self._fullscreen = False
        self._last_emitted = -1
        self._user_dragging = False
        self._drag_target: int | None = None
        self._build_controls()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._drag_timer = QTimer(self)
        self._drag_timer.setSingleShot(True)
        self._drag_timer.setInterval(60)
        self._drag_timer.timeout.connect(self._apply_drag_seek)
        self._init_backend()

    # ----------------------------------------------------------------- setup
    def _build_controls(self) -> None:
        style = self.style()
        self.play_button = QToolButton(self)
        self.play_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setToolTip("Play / pause (Space, K)")
        self.play_button.clicked.connect(self.toggle_play)
        self.back_button = QToolButton(self)
        self.back_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward))
        self.back_button.setToolTip("Back 5 s (←)")
        self.back_button.clicked.connect(lambda: self.step(-5000))
        self.forward_button = QToolButton(self)
        self.forward_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward))
        self.forward_button.setToolTip("Forward 5 s (→)")
        self.forward_button.clicked.connect(lambda: self.step(5000))
        self.seek_slider = SeekSlider(Qt.Orientation.Horizontal, self)
        self.seek_slider.setRange(0, 0)
        self.seek_slider.setToolTip("Position")
        self.seek_slider.sliderPressed.connect(self._drag_started)
        self.seek_slider.sliderMoved.connect(self._dragged)
        self.seek_slider.sliderReleased.connect(self._drag_finished)
        self.time_label = QLabel("00:00.0 / 00:00.0", self)
        self.time_label.setMinimumWidth(self.time_label.fontMetrics().horizontalAdvance("00:00.0 / 00:00.0 ") + 4)
        self.speed_box = QComboBox(self)
        for s in SPEEDS:
            self.speed_box.addItem(f"{s:g}×", s)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_box.setToolTip("Playback speed")
        self.speed_box.currentIndexChanged.connect(lambda i: self.set_rate(float(self.speed_box.itemData(i))))
        self.volume_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(80)
        self.volume_slider.setMaximumWidth(90)
        self.volume_slider.setToolTip("Volume")
        self.volume_slider.valueChanged.connect(self.set_volume)
        self.fullscreen_button = QToolButton(self)
        self.fullscreen_button.setText("⤢")  # the title-bar icons vanish on dark palettes
        self.fullscreen_button.setToolTip("Full screen (F, Esc to leave)")
        self.fullscreen_button.clicked.connect(self.toggle_fullscreen)
        volume_icon = QLabel("Vol.", self)
        volume_icon.setToolTip("Volume")

        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for w in (self.back_button, self.play_button, self.forward_button):
            bar.addWidget(w)
        bar.addWidget(self.seek_slider, 1)
        bar.addWidget(self.time_label)
        bar.addWidget(self.speed_box)
        bar.addWidget(volume_icon)
        bar.addWidget(self.volume_slider)
        bar.addWidget(self.fullscreen_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.surface, 1)
        layout.addLayout(bar)
        self.surface.double_clicked.connect(self.toggle_fullscreen)
        self.surface.clicked.connect(self.toggle_play)

    @staticmethod
    def offscreen() -> bool:
        return QGuiApplication.platformName() in OFFSCREEN_PLATFORMS

    def _init_backend(self) -> None:
        if self._vlc is None:
            self._set_controls_enabled(False)
            self.surface.message = (f"The video player is unavailable: {self.unavailable_reason}.\n"
                                    "Install VLC (Debian: libvlc5 vlc-plugin-base vlc-plugin-video-output) "
                                    "to watch clips; scripts and values still work.")
            return
        args = ["--no-xlib", "--quiet", "--no-video-title-show", "--no-osd"]
        self._embedded = not self.offscreen() and QGuiApplication.platformName() in ("xcb", "windows", "cocoa")
        if not self._embedded:
            args += ["--vout=dummy", "--aout=dummy"]
        args += os.environ.get("VALUEDESK_VLC_ARGS", "").split()
        try:
            self._instance = self._vlc.Instance(args)
            self._mp = self._instance.media_player_new() if self._instance is not None else None
        except Exception as exc:
            self._instance = self._mp = None
            self.unavailable_reason = f"libvlc could not start ({exc})"
        if self._mp is None:
            self.unavailable_reason = self.unavailable_reason or "libvlc could not start (are its plugins installed?)"
            self._vlc = None
            self._init_backend()
            return
        self.surface.poster_mode = not self._embedded
        if self._embedded:
            self.surface.setAttribute(Qt.WidgetAttribute.WA_NativeWindow, True)
            self.surface.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors, True)
            self._mp.video_set_mouse_input(False)
            self._mp.video_set_key_input(False)
        self._set_controls_enabled(False)
        self._mp.audio_set_volume(self.volume_slider.value())

    def _attach_window(self) -> None:
        """Give VLC our native window (X11 / Windows / macOS); never offscreen."""
        if not self._embedded or self._mp is None:
            return
        wid = int(self.surface.winId())
        if sys.platform.startswith("linux") or "bsd" in sys.platform:
            self._mp.set_xwindow(wid)
        elif sys.platform == "win32":
            self._mp.set_hwnd(wid)
        elif sys.platform == "darwin":
            self._mp.set_nsobject(wid)

    def _set_controls_enabled(self, enabled: bool) -> None:
        for w in (self.play_button, self.back_button, self.forward_button, self.seek_slider, self.speed_box,
                  self.fullscreen_button):
            w.setEnabled(enabled)

    # ----------------------------------------------------------------- public API
    @property
    def available(self) -> bool:
        return self._mp is not None

    @property
    def path(self) -> str:
        return self._path

    def load(self, path: str, *, duration_ms: int = 0, posters: Sequence[tuple[int, bytes]] = (),
             autoplay: bool = False) -> bool:
        """Open a file paused on its first frame; False (and a message) when it cannot be played."""
        self.surface.set_posters(posters)
        self._duration = max(0, int(duration_ms))
        self._path = path
        self.clock = PlaybackClock()
        self._pending_seek = None
        self._last_emitted = -1
        self.seek_slider.setRange(0, self._duration)
        self._update_label(0)
        self.surface.show_time(0)
        if self._mp is None:
            self.update()
            return False
        if not os.path.exists(path):
            self._mp.stop()
            self._set_message(f"The video file is not where it was analysed:\n{path}\n"
                              "Move it back or re-import it; the script and values are still shown.")
            self._set_controls_enabled(False)
            return False
        self._set_message("")
        self._mp.stop()
        media = self._instance.media_new_path(path)
        self._mp.set_media(media)
        self._attach_window()
        self._pause_when_started = not autoplay
        self._restart_needed = False
        self._mp.play()
        self._set_rate_backend(self.rate())
        self._set_controls_enabled(True)
        self._timer.start()
        return True

    def unload(self) -> None:
        self._timer.stop()
        if self._mp is not None:
            self._mp.stop()
        self._path = ""
        self._duration = 0
        self.clock = PlaybackClock()
        self.surface.set_posters([])
        self._set_message("")
        self.seek_slider.setRange(0, 0)
        self._update_label(0)
        self._set_controls_enabled(False)
        self._set_state("stopped")

    def position_ms(self) -> int:
        value = self.clock.value()
        return min(value, self._duration) if self._duration else value

    def duration_ms(self) -> int:
        return self._duration

    def is_playing(self) -> bool:
        return self._state == "playing" and not self._pause_when_started

    def state(self) -> str:
        return self._state

    def rate(self) -> float:
        return float(self.speed_box.currentData() or 1.0)

    def play(self) -> None:
        if self._mp is None or not self._path:
            return
        self._pause_when_started = False
        if self._restart_needed or self._state == "ended":
            self._restart(self.clock.value() if self.clock.value() < self._duration - 250 else 0, pause=False)
            return
        if self._state == "paused":
            self._mp.set_pause(0)
        else:
            self._mp.play()
        self.clock.set_running(True)
        self._set_state("playing")

    def pause(self) -> None:
        if self._mp is None:
            return
        self._pause_when_started = self._state not in ("playing", "paused")
        if self._state == "playing":
            self._mp.set_pause(1)
            self.clock.set_running(False)
            self._set_state("paused")

    def toggle_play(self) -> None:
        if self.is_playing():
            self.pause()
        else:
            self.play()

    def seek(self, ms: int) -> None:
        """Jump to `ms`; the clock and `time_changed` move at once, VLC follows."""
        if self._duration:
            ms = min(int(ms), self._duration)
        ms = max(0, int(ms))
        self.clock.jump(ms)
        self._emit_time(ms, force=True)
        if self._mp is None or not self._path:
            return
        if self._restart_needed or self._state == "ended":
            self._restart(ms, pause=True)
        elif self._state in ("playing", "paused"):
            self._mp.set_time(ms)
        else:
            self._pending_seek = ms

    def step(self, delta_ms: int) -> None:
        self.seek(self.position_ms() + delta_ms)

    def set_rate(self, rate: float) -> None:
        if self.speed_box.currentData() != rate and rate in SPEEDS:
            self.speed_box.blockSignals(True)
            self.speed_box.setCurrentIndex(SPEEDS.index(rate))
            self.speed_box.blockSignals(False)
        self.clock.set_rate(rate)
        self._set_rate_backend(rate)

    def _set_rate_backend(self, rate: float) -> None:
        if self._mp is not None:
            self._mp.set_rate(rate)

    def set_volume(self, volume: int) -> None:
        if self.volume_slider.value() != volume:
            self.volume_slider.setValue(volume)
        if self._mp is not None:
            self._mp.audio_set_volume(int(volume))

    def toggle_fullscreen(self) -> None:
        self.set_fullscreen(not self._fullscreen)

    def set_fullscreen(self, on: bool) -> None:
        if on != self._fullscreen:
            self._fullscreen = on
            self.fullscreen_requested.emit(on)

    def is_fullscreen(self) -> bool:
        return self._fullscreen

    def install_shortcuts(self, window: QWidget) -> list[QShortcut]:
        """Window-wide keys; text fields keep typed spaces and arrows (they claim them first)."""
        keys: list[tuple[str | QKeySequence.StandardKey | Qt.Key, Callable[[], None]]] = [
            (Qt.Key.Key_Space, self.toggle_play), (Qt.Key.Key_K, self.toggle_play),
            (Qt.Key.Key_Left, lambda: self.step(-5000)), (Qt.Key.Key_Right, lambda: self.step(5000)),
            (Qt.Key.Key_J, lambda: self.step(-10000)), (Qt.Key.Key_L, lambda: self.step(10000)),
            (Qt.Key.Key_F, self.toggle_fullscreen), (Qt.Key.Key_Escape, lambda: self.set_fullscreen(False)),
        ]
        out = []
        for key, fn in keys:
            sc = QShortcut(QKeySequence(key), window)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(fn)
            out.append(sc)
        return out

    def close_backend(self) -> None:
        """Stop and release libvlc before Qt destroys the window VLC draws into."""
        self._timer.stop()
        if self._mp is not None:
            self._mp.stop()
            self._mp.release()
            self._mp = None
        if self._instance is not None:
            self._instance.release()
            self._instance = None

    # ----------------------------------------------------------------- internals
    def _set_message(self, text: str) -> None:
        self.surface.message = text
        self.surface.update()

    def _restart(self, ms: int, *, pause: bool) -> None:
        """After the end VLC must be restarted before it seeks again."""
        self._mp.stop()
        self._restart_needed = False
        self._pause_when_started = pause
        self._pending_seek = ms
        self.clock.jump(ms)
        self._mp.play()
        self._timer.start()

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            icon = QStyle.StandardPixmap.SP_MediaPause if state == "playing" else QStyle.StandardPixmap.SP_MediaPlay
            self.play_button.setIcon(self.style().standardIcon(icon))
            self.state_changed.emit(state)

    def _tick(self) -> None:
        if self._mp is None:
            return
        vlc = self._vlc
        st = self._mp.get_state()
        if not self._duration:
            length = self._mp.get_length()
            if length > 0:
                self._duration = int(length)
                self.seek_slider.setRange(0, self._duration)
                self.duration_changed.emit(self._duration)
        if st == vlc.State.Playing:
            if self._pending_seek is not None and self._mp.is_seekable():
                self._mp.set_time(self._pending_seek)
                self.clock.jump(self._pending_seek)
                self._pending_seek = None
            if self._pause_when_started:
                self._mp.set_pause(1)
                self._pause_when_started = False
                self.clock.set_running(False)
                self._set_state("paused")
                return
            self.clock.set_running(True)
            self.clock.observe(self._mp.get_time())
            self._set_state("playing")
        elif st == vlc.State.Paused:
            self.clock.set_running(False)
            self.clock.observe(self._mp.get_time())
            self._set_state("paused")
        elif st == vlc.State.Ended:
            self.clock.set_running(False)
            if self._duration:
                self.clock.jump(self._duration)
            self._restart_needed = True
            self._set_state("ended")
        elif st == vlc.State.Error:
            self.clock.set_running(False)
            self._set_message("VLC cannot play this file (unsupported or damaged media).")
            self._set_state("error")
        self._emit_time(self.position_ms())

    def _emit_time(self, ms: int, *, force: bool = False) -> None:
        if ms == self._last_emitted and not force:
            return
        self._last_emitted = ms
        if not self._user_dragging:
            self.seek_slider.blockSignals(True)
            self.seek_slider.setValue(ms)
            self.seek_slider.blockSignals(False)
        self._update_label(ms)
        self.surface.show_time(ms)
        self.time_changed.emit(ms)

    def _update_label(self, ms: int) -> None:
        self.time_label.setText(f"{format_ms(ms)} / {format_ms(self._duration)}")

    def _drag_started(self) -> None:
        self._user_dragging = True

    def _dragged(self, value: int) -> None:
        """Coalesce seeks while dragging: VLC gets the latest position every 60 ms at most."""
        self._drag_target = value
        self._update_label(value)
        if not self._drag_timer.isActive():
            self._drag_timer.start()

    def _apply_drag_seek(self) -> None:
        if self._drag_target is not None:
            target, self._drag_target = self._drag_target, None
            self.seek(target)

    def _drag_finished(self) -> None:
        self._user_dragging = False
        self._drag_target = self.seek_slider.value()
        self._drag_timer.stop()
        self._apply_drag_seek()
