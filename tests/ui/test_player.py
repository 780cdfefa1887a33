"""The player: the smoothed clock (deterministic), real libvlc with dummy output, and no libvlc at all."""

from __future__ import annotations

import ctypes
import time
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from tests.ui.conftest import SEGMENTS, ClipInfo
from valuedesk.ui.playback import PlaybackClock
from valuedesk.ui.player import PlayerWidget

pytestmark = pytest.mark.gui


class FakeTime:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_clock_extrapolates_between_coarse_readings() -> None:
    now = FakeTime()
    clock = PlaybackClock(now)
    clock.set_running(True)
    clock.observe(0)
    seen = []
    for tick in range(1, 51):  # 2 s in 40 ms polls; VLC's reading moves every 250 ms
        now.t += 0.040
        true_ms = tick * 40
        clock.observe(true_ms // 250 * 250)
        seen.append((true_ms, clock.value()))
    errors = [abs(v - t) for t, v in seen]
    assert max(errors) <= 60
    assert all(b >= a for (_, a), (_, b) in zip(seen, seen[1:], strict=False))  # never steps back


def test_clock_snaps_on_big_jumps_and_freezes_when_paused() -> None:
    now = FakeTime()
    clock = PlaybackClock(now)
    clock.set_running(True)
    clock.observe(1000)
    for _ in range(12):
        now.t += 0.040
        clock.observe(1000)
    now.t += 0.040
    clock.observe(7000)  # VLC moved somewhere else on its own
    assert abs(clock.value() - 7000) < 60
    clock.set_running(False)
    frozen = clock.value()
    now.t += 2
    assert clock.value() == frozen
    clock.jump(3000)
    clock.observe(3000)  # the echo of the seek
    assert clock.value() == 3000


def test_clock_follows_playback_rate() -> None:
    now = FakeTime()
    clock = PlaybackClock(now)
    clock.jump(1000)
    clock.set_rate(2.0)
    clock.set_running(True)
    now.t += 1.0
    assert clock.value() == 3000


def test_clock_ignores_readings_from_before_a_seek() -> None:
    now = FakeTime()
    clock = PlaybackClock(now)
    clock.set_running(True)
    clock.observe(800)
    clock.jump(5000)
    for raw in (800, 840, 0):  # VLC still says where it was (or where a reopened media starts)
        now.t += 0.040
        clock.observe(raw)
        assert abs(clock.value() - 5000) < 200
    now.t += 0.040
    clock.observe(5100)  # it got there
    assert abs(clock.value() - 5160) < 60
    now.t += 0.040
    clock.observe(900)  # an older seek VLC was still working through: still not a reason to jump back
    assert abs(clock.value() - 5200) < 60
    clock.set_running(False)
    clock.jump(2000)
    now.t += 0.040
    clock.observe(0)  # paused: a stale reading does not move a stopped clock either
    now.t += 0.040
    clock.observe(40)
    assert clock.value() == 2000
    now.t += PlaybackClock.SETTLE_S
    clock.observe(7000)  # long after the seek, readings count again (the first is a baseline)
    now.t += 0.040
    clock.observe(7040)
    assert clock.value() == 7040


@pytest.fixture
def player(qtbot: Any, ui_clip: ClipInfo) -> PlayerWidget:
    w = PlayerWidget()
    qtbot.addWidget(w)
    w.resize(360, 700)
    w.show()
    assert w.available, w.unavailable_reason
    assert w.load(str(ui_clip.path), duration_ms=ui_clip.duration_ms)
    qtbot.waitUntil(lambda: w.state() == "paused", timeout=5000)
    yield w
    w.close_backend()


def test_offscreen_uses_dummy_output_and_never_a_window(player: PlayerWidget) -> None:
    assert player.offscreen()
    assert not player._embedded
    assert player.surface.poster_mode


def test_paused_seek_lands_on_target(player: PlayerWidget, qtbot: Any) -> None:
    times: list[int] = []
    player.time_changed.connect(times.append)
    player.seek(6200)
    assert times[-1] == 6200  # the UI hears about it at once
    qtbot.wait(300)
    assert abs(player.position_ms() - 6200) < 160
    assert player.seek_slider.value() == player.position_ms()


def test_play_advances_smoothly_then_pause_stops(player: PlayerWidget, qtbot: Any) -> None:
    player.seek(1000)
    samples: list[int] = []
    player.time_changed.connect(samples.append)
    player.play()
    qtbot.waitUntil(lambda: player.position_ms() > 2000, timeout=5000)
    assert player.is_playing()
    assert all(b >= a - 40 for a, b in zip(samples, samples[1:], strict=False))  # no visible back-steps
    steps = [b - a for a, b in zip(samples, samples[1:], strict=False) if b > a]
    assert steps and max(steps) < 200  # no 250/500 ms lurches
    player.pause()
    qtbot.waitUntil(lambda: player.state() == "paused", timeout=2000)
    held = player.position_ms()
    qtbot.wait(250)
    assert abs(player.position_ms() - held) < 200


def test_seek_after_the_end_restarts(player: PlayerWidget, ui_clip: ClipInfo, qtbot: Any) -> None:
    player.seek(ui_clip.duration_ms - 300)
    player.play()
    qtbot.waitUntil(lambda: player.state() == "ended", timeout=5000)
    player.seek(2000)
    qtbot.waitUntil(lambda: player.state() == "paused", timeout=5000)
    assert abs(player.position_ms() - 2000) < 160


class FrameGrab:
    """libvlc's memory output (vmem): the picture VLC really shows, where the dummy output shows nothing."""

    W, H = 90, 160

    def __init__(self, vlc: Any, mp: Any) -> None:
        self.buf = (ctypes.c_uint8 * (self.W * self.H * 4))()
        self.frames = 0

        @vlc.CallbackDecorators.VideoLockCb
        def lock(_opaque: Any, planes: Any) -> None:
            planes[0] = ctypes.cast(self.buf, ctypes.c_void_p)

        @vlc.CallbackDecorators.VideoUnlockCb
        def unlock(_opaque: Any, _picture: Any, _planes: Any) -> None:
            pass

        @vlc.CallbackDecorators.VideoDisplayCb
        def display(_opaque: Any, _picture: Any) -> None:
            self.frames += 1

        self._callbacks = (lock, unlock, display)  # libvlc keeps only the pointers
        mp.video_set_callbacks(lock, unlock, display, None)
        mp.video_set_format("RV32", self.W, self.H, self.W * 4)

    def shot(self) -> int | None:
        """Which of the clip's shots is on screen (by its background colour); None before any frame."""
        if not self.frames:
            return None
        i = (self.H // 8 * self.W + self.W // 8) * 4  # top-left background, clear of the captions
        rgb = (self.buf[i + 2], self.buf[i + 1], self.buf[i])  # RV32 is B, G, R, x in memory
        distances = [sum((a - b) ** 2 for a, b in zip(rgb, bg, strict=True)) for _, _, bg in SEGMENTS]
        return distances.index(min(distances))


@pytest.fixture
def framed(qtbot: Any, ui_clip: ClipInfo) -> tuple[PlayerWidget, FrameGrab]:
    w = PlayerWidget()
    qtbot.addWidget(w)
    w.resize(360, 700)
    w.show()
    assert w.available, w.unavailable_reason
    grab = FrameGrab(w._vlc, w._mp)
    assert w.load(str(ui_clip.path), duration_ms=ui_clip.duration_ms)
    qtbot.waitUntil(lambda: w.state() == "paused" and grab.shot() == 0, timeout=5000)
    yield w, grab
    w.close_backend()


def label_ms(player: PlayerWidget) -> int:
    """The position the time label shows ("01:02.3 / …"), in ms."""
    minutes, seconds = player.time_label.text().split(" / ")[0].split(":")
    return round((int(minutes) * 60 + float(seconds)) * 1000)


@pytest.mark.parametrize("state", ["playing", "paused", "stopped", "ended"])
def test_seek_lands_in_every_state(
    framed: tuple[PlayerWidget, FrameGrab], ui_clip: ClipInfo, qtbot: Any, state: str
) -> None:
    """Clicking a script line after the end used to leave the last (or a black) picture up."""
    player, grab = framed
    if state == "playing":
        player.play()
    elif state == "stopped":
        player.stop()
    elif state == "ended":
        player.seek(ui_clip.duration_ms - 300)
        player.play()
    qtbot.waitUntil(lambda: player.state() == state, timeout=5000)
    start, end, _, _ = ui_clip.segments[1]
    target = (start + end) // 2  # the middle of the second shot (its own background colour)
    asked = time.monotonic()
    player.seek(target)

    def near(ms: int) -> bool:  # within 300 ms of the target (playing: of where it has got to since)
        moved = round((time.monotonic() - asked) * 1000) if state == "playing" else 0
        return target - 300 < ms < target + moved + 300

    def landed() -> bool:  # VLC itself is there and shows that shot, not just our clock
        return player.state() in ("paused", "playing") and grab.shot() == 1 and near(player._mp.get_time())

    qtbot.waitUntil(landed, timeout=5000)
    qtbot.wait(200)
    assert player.state() == ("playing" if state == "playing" else "paused")
    assert near(player.position_ms()), player.position_ms()
    assert near(label_ms(player)), player.time_label.text()
    assert near(player.seek_slider.value())
    assert grab.shot() == 1
    player.pause()
    player.seek(500)  # and back into the first shot from wherever it is now
    qtbot.waitUntil(lambda: grab.shot() == 0 and abs(player._mp.get_time() - 500) < 300, timeout=5000)
    assert player.state() == "paused" and abs(label_ms(player) - 500) < 300


def test_seek_while_a_clip_opens_waits_for_it(
    framed: tuple[PlayerWidget, FrameGrab], ui_clip: ClipInfo, qtbot: Any
) -> None:
    """A search hit opens a video and seeks at once: VLC ignores set_time until the media plays."""
    player, grab = framed
    for _ in range(2):
        player.load(str(ui_clip.path), duration_ms=ui_clip.duration_ms)
        player.seek(5000)
        qtbot.waitUntil(
            lambda: (
                player.state() == "paused" and grab.shot() == 1 and abs(player._mp.get_time() - 5000) < 300
            ),
            timeout=5000,
        )
        qtbot.wait(200)
        assert abs(player.position_ms() - 5000) < 300 and abs(label_ms(player) - 5000) < 300
        player.seek(1000)  # back to the first shot, so the next round starts from another picture
        qtbot.waitUntil(lambda: grab.shot() == 0, timeout=5000)


def test_play_after_stop_and_after_the_end(
    framed: tuple[PlayerWidget, FrameGrab], ui_clip: ClipInfo, qtbot: Any
) -> None:
    player, _grab = framed
    player.stop()
    assert player.state() == "stopped" and player.position_ms() == 0
    player.play()
    qtbot.waitUntil(lambda: player.is_playing() and player._mp.get_time() > 300, timeout=5000)
    player.seek(ui_clip.duration_ms - 300)
    qtbot.waitUntil(lambda: player.state() == "ended", timeout=5000)
    player.play()  # from the start again
    qtbot.waitUntil(lambda: player.is_playing() and 0 < player._mp.get_time() < 3000, timeout=5000)
    assert player.position_ms() < 3000


def test_keyboard_shortcuts(qtbot: Any, ui_clip: ClipInfo) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    player = PlayerWidget(host)
    player.install_shortcuts(host)
    host.resize(360, 700)
    host.show()
    qtbot.waitExposed(host)
    player.load(str(ui_clip.path), duration_ms=ui_clip.duration_ms)
    qtbot.waitUntil(lambda: player.state() == "paused", timeout=5000)
    player.seek(3000)
    qtbot.keyClick(host, Qt.Key.Key_Right)
    assert player.position_ms() == 8000
    qtbot.keyClick(host, Qt.Key.Key_Left)
    assert player.position_ms() == 3000
    qtbot.keyClick(host, Qt.Key.Key_J)
    assert player.position_ms() == 0
    with qtbot.waitSignal(player.fullscreen_requested) as sig:
        qtbot.keyClick(host, Qt.Key.Key_F)
    assert sig.args == [True]
    qtbot.keyClick(host, Qt.Key.Key_Space)
    qtbot.waitUntil(player.is_playing, timeout=3000)
    qtbot.keyClick(host, Qt.Key.Key_K)
    assert not player.is_playing()
    player.close_backend()


def test_speed_and_volume(player: PlayerWidget) -> None:
    player.speed_box.setCurrentIndex(player.speed_box.findData(1.5))
    assert player.rate() == 1.5 and player.clock.rate == 1.5
    player.set_volume(30)
    assert player.volume_slider.value() == 30


def test_missing_libvlc_is_explained_and_harmless(qtbot: Any, ui_clip: ClipInfo) -> None:
    w = PlayerWidget(vlc_module=None)
    qtbot.addWidget(w)
    assert not w.available
    assert "video player is unavailable" in w.surface.message
    assert not w.play_button.isEnabled()
    assert not w.load(str(ui_clip.path), duration_ms=ui_clip.duration_ms)
    w.seek(4000)  # other views still drive it without errors
    assert w.position_ms() == 4000


def test_missing_file_is_explained(qtbot: Any, tmp_path: Any) -> None:
    w = PlayerWidget()
    qtbot.addWidget(w)
    assert not w.load(str(tmp_path / "moved.mp4"), duration_ms=5000)
    assert "not where it was analysed" in w.surface.message
    w.close_backend()
