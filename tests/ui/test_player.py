"""The player: the smoothed clock (deterministic), real libvlc with dummy output, and no libvlc at all."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from tests.ui.conftest import ClipInfo
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
