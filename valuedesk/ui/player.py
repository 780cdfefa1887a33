"""The video player: libvlc drawn into a QFrame, with a clock smooth enough to drive the script.

libvlc's `get_time()` advances in 250/500 ms steps, so `position_ms()` comes from a
`PlaybackClock` (playback.py) that extrapolates between VLC's updates. Offscreen (tests, screenshots) VLC renders to a dummy output and is never given a window; the
surface then paints the nearest analysed keyframe instead, so the view still shows the moment.
If libvlc is missing the player says so and everything else keeps working.

Seeking works in every state. libvlc ignores `set_time` unless the media is Playing or Paused,
so a seek while it opens waits for it, and a seek after the end (or a stop) reopens the media
and seeks once it plays. Play and pause are intents (`_want_play`) that VLC takes in a few ms
later; the state shown is the intent. A seek made while VLC is paused shows its frame, but one
made just before a pause lands, or just after a (re)start, can leave the old (or a black)
picture up: a media opened to be shown paused therefore "lands" first — it plays, muted, from
the target until VLC has drawn past it, then pauses and seeks back to the exact time.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QLabel, QSlider, QStyle, QToolButton, QWidget

from valuedesk.script import format_ms
from valuedesk.ui.playback import PlaybackClock, SeekSlider, VideoSurface
from valuedesk.ui.player_controls import SPEEDS, build_controls

TICK_MS = 40  # how often time_changed fires while playing
LAG_RETRY_TICKS = 25  # VLC takes a play/pause in within a tick or two; ask again after a second
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

    # the transport bar, made by player_controls.build_controls
    play_button: QToolButton
    back_button: QToolButton
    forward_button: QToolButton
    seek_slider: SeekSlider
    time_label: QLabel
    speed_box: QComboBox
    volume_slider: QSlider
    fullscreen_button: QToolButton

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
        self._pending_seek: int | None = None  # applied once VLC is Playing or Paused
        self._starting = False  # VLC was asked to open the media and has not reported Playing yet
        self._want_play = False  # what the user asked for; VLC follows within a tick or two
        self._lagging = 0  # ticks VLC has been playing/paused against _want_play
        self._landing: int | None = None  # opened to be shown paused: playing (muted) up to this time
        self._landing_ticks = 0
        self._muted = False
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
        build_controls(self)

    @staticmethod
    def offscreen() -> bool:
        return QGuiApplication.platformName() in OFFSCREEN_PLATFORMS

    def _init_backend(self) -> None:
        if self._vlc is None:
            self._set_controls_enabled(False)
            self.surface.message = (
                f"The video player is unavailable: {self.unavailable_reason}.\n"
                "Install VLC (Debian: libvlc5 vlc-plugin-base vlc-plugin-video-output) "
                "to watch clips; scripts and values still work."
            )
            return
        args = ["--no-xlib", "--quiet", "--no-video-title-show", "--no-osd"]
        self._embedded = not self.offscreen() and QGuiApplication.platformName() in (
            "xcb",
            "windows",
            "cocoa",
        )
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
            self.unavailable_reason = (
                self.unavailable_reason or "libvlc could not start (are its plugins installed?)"
            )
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
        for w in (
            self.play_button,
            self.back_button,
            self.forward_button,
            self.seek_slider,
            self.speed_box,
            self.fullscreen_button,
        ):
            w.setEnabled(enabled)

    # ----------------------------------------------------------------- public API
    @property
    def available(self) -> bool:
        return self._mp is not None

    @property
    def path(self) -> str:
        return self._path

    def load(
        self,
        path: str,
        *,
        duration_ms: int = 0,
        posters: Sequence[tuple[int, bytes]] = (),
        autoplay: bool = False,
    ) -> bool:
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
            self._set_message(
                f"The video file is not where it was analysed:\n{path}\n"
                "Move it back or re-import it; the script and values are still shown."
            )
            self._set_controls_enabled(False)
            return False
        self._set_message("")
        self._mp.stop()
        media = self._instance.media_new_path(path)
        self._mp.set_media(media)
        self._attach_window()
        self._set_state("stopped")  # not the previous clip's state: seeks now wait for this one
        self._start(pause=not autoplay)
        self._set_rate_backend(self.rate())
        self._set_controls_enabled(True)
        return True

    def unload(self) -> None:
        self._timer.stop()
        if self._mp is not None:
            self._mp.stop()
        self._starting = self._want_play = False
        self._pending_seek = self._landing = None
        self._mute(False)
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
        return self._state == "playing"

    def state(self) -> str:
        return self._state

    def rate(self) -> float:
        return float(self.speed_box.currentData() or 1.0)

    def play(self) -> None:
        if self._mp is None or not self._path:
            return
        self._want_play = True
        self._landing = None
        self._mute(False)
        if self._starting:
            return  # _tick reports "playing" once VLC does
        if self._vlc_state() in ("playing", "paused"):
            self._mp.set_pause(0)
            self._lagging = 0
            self._apply_pending_seek()  # one that waited for a pause: playing, it can go now
        else:  # ended, stopped, error: VLC must reopen the media
            at = self.clock.value()
            self._restart(at if at < self._duration - 250 else 0, pause=False)
            return
        self.clock.set_running(True)
        self._set_state("playing")

    def pause(self) -> None:
        if self._mp is None or not self._path:
            return
        self._want_play = False
        if self._landing is None and not self._starting and self._vlc_state() in ("playing", "paused"):
            self._mp.set_pause(1)
            self._lagging = 0
            self.clock.set_running(False)
            self._set_state("paused")

    def stop(self) -> None:
        """Stop VLC (the picture goes); play or seek opens the media again."""
        if self._mp is None or not self._path:
            return
        self._mp.stop()
        self._starting = self._want_play = False
        self._pending_seek = self._landing = None
        self._mute(False)
        self.clock.set_running(False)
        self.clock.jump(0)
        self._emit_time(0, force=True)
        self._set_state("stopped")

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
        vlc_state = self._vlc_state()
        if vlc_state in ("ended", "stopped") and not self._starting:
            # set_time does nothing there: reopen the media, seek once it plays, pause unless playing
            self._restart(ms, pause=vlc_state == "ended" or not self._want_play)
        elif self._landing is not None and vlc_state == "playing":
            self._mp.set_time(ms)  # land there instead
            self._landing, self._landing_ticks = ms, 0
        elif self._can_seek():
            self._pending_seek = None
            self._mp.set_time(ms)
        else:  # opening, or paused by us a moment ago and VLC not yet: _tick seeks when it is
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
        """Window-wide keys; text fields keep typed spaces and arrows (they claim them first).

        Each says what it does in `whatsThis` (the help page lists them from there).
        """
        keys: list[tuple[str | QKeySequence.StandardKey | Qt.Key, Callable[[], None], str]] = [
            (Qt.Key.Key_Space, self.toggle_play, "Play / pause"),
            (Qt.Key.Key_K, self.toggle_play, "Play / pause"),
            (Qt.Key.Key_Left, lambda: self.step(-5000), "Back 5 s"),
            (Qt.Key.Key_Right, lambda: self.step(5000), "Forward 5 s"),
            (Qt.Key.Key_J, lambda: self.step(-10000), "Back 10 s"),
            (Qt.Key.Key_L, lambda: self.step(10000), "Forward 10 s"),
            (Qt.Key.Key_F, self.toggle_fullscreen, "Full screen"),
            (Qt.Key.Key_Escape, lambda: self.set_fullscreen(False), "Leave full screen"),
        ]
        out = []
        for key, fn, what in keys:
            sc = QShortcut(QKeySequence(key), window)
            sc.setWhatsThis(what)
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

    def _vlc_state(self) -> str:
        """VLC's own state now (ours lags by up to a tick): playing | paused | opening | ended | stopped | error."""
        st = self._mp.get_state()
        states = self._vlc.State
        if st == states.Playing:
            return "playing"
        if st == states.Paused:
            return "paused"
        if st in (states.Opening, states.Buffering):
            return "opening"
        if st == states.Ended:
            return "ended"
        if st == states.Error:
            return "error"
        return "stopped"  # Stopped, NothingSpecial (and libvlc 4's Stopping)

    def _can_seek(self) -> bool:
        """VLC takes a set_time now, and shows the frame it lands on.

        Paused, VLC shows the frame a seek lands on; one made just before a pause lands leaves the old
        (or a black) picture up, so while VLC has not taken our pause in, seeks wait.
        """
        if self._starting:
            return False
        st = self._mp.get_state()
        return st == self._vlc.State.Paused or (st == self._vlc.State.Playing and self._want_play)

    def _start(self, *, pause: bool) -> None:
        """Ask VLC to play the media from its start; _tick applies the pause and the pending seek."""
        self._starting = True
        self._want_play = not pause
        self._lagging = 0
        self._landing = None
        self._mute(pause)  # shown paused: the landing plays a moment, it should not be heard
        self._mp.play()
        self._timer.start()

    def _restart(self, ms: int, *, pause: bool) -> None:
        """After the end (or a stop) VLC must open the media again before it seeks."""
        self._mp.stop()
        self._pending_seek = ms
        self.clock.set_running(False)
        self.clock.jump(ms)
        self._start(pause=pause)

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            icon = (
                QStyle.StandardPixmap.SP_MediaPause
                if state == "playing"
                else QStyle.StandardPixmap.SP_MediaPlay
            )
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
        if st in (vlc.State.Playing, vlc.State.Paused):
            if self._starting:
                self._starting = False
                if not self._want_play:  # land on the target (or the first frame), then pause
                    target = self.clock.value() if self._pending_seek is None else self._pending_seek
                    self._pending_seek = None
                    if target > 0 and self._mp.is_seekable():  # (it starts at 0: no stale seek queued)
                        self._mp.set_time(target)
                    self._landing, self._landing_ticks = target, 0
            if self._landing is not None:
                self._land(st == vlc.State.Playing)
            elif self._can_seek():
                self._apply_pending_seek()
            if st == vlc.State.Paused and self._muted and not self._want_play:
                self._mute(False)
            if (st == vlc.State.Playing) == self._want_play or self._landing is not None:
                self._lagging = 0
            else:  # VLC has not taken the play/pause in yet: show the intent, remind it now and then
                self._lagging += 1
                if self._lagging % LAG_RETRY_TICKS == 0:
                    self._mp.set_pause(0 if self._want_play else 1)
            self.clock.set_running(self._want_play)
            waiting = self._landing is not None or (self._pending_seek is not None and self._mp.is_seekable())
            if not waiting:  # (waiting for a seek, VLC is not where the clock is yet)
                self.clock.observe(self._mp.get_time())
            self._set_state("playing" if self._want_play else "paused")
        elif st == vlc.State.Ended:
            self._starting = self._want_play = False
            self._landing = None
            self._mute(False)
            self.clock.set_running(False)
            if self._duration:
                self.clock.jump(self._duration)
            self._set_state("ended")
        elif st == vlc.State.Error:
            self._starting = self._want_play = False
            self._landing = None
            self._mute(False)
            self.clock.set_running(False)
            self._set_message("VLC cannot play this file (unsupported or damaged media).")
            self._set_state("error")
        elif st in (vlc.State.Stopped, vlc.State.NothingSpecial) and not self._starting:
            self._want_play = False
            self._landing = None
            self._mute(False)
            self.clock.set_running(False)
            self._set_state("stopped")
        self._emit_time(self.position_ms())

    def _land(self, vlc_playing: bool) -> None:
        """Pause once VLC has drawn past the landing target (or after a second), then seek to it exactly."""
        assert self._landing is not None
        self._landing_ticks += 1
        if vlc_playing and self._mp.get_time() <= self._landing and self._landing_ticks < LAG_RETRY_TICKS:
            return
        if vlc_playing:
            self._mp.set_pause(1)
        self._pending_seek, self._landing = self._landing, None  # applied once VLC is paused

    def _mute(self, on: bool) -> None:
        if on != self._muted and self._mp is not None:
            self._mp.audio_set_mute(on)
            self._muted = on

    def _apply_pending_seek(self) -> None:
        if self._pending_seek is not None and self._mp.is_seekable():
            self._mp.set_time(self._pending_seek)
            self.clock.jump(self._pending_seek)
            self._pending_seek = None

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
