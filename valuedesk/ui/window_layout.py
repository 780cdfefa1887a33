"""The main window's sizes and remembered layout (QSettings through `prefs`).

First start: the window takes the default size, or the whole screen where that is smaller (a
school laptop's 1366×768), and the panes are sized in proportion to it when the project view
first shows, so the value side gets the room its radar labels need. On close, the geometry, the
docks and every splitter (centre, main, value panel) are saved; the next start restores them.
The welcome page hides the docks, which makes Qt forget their sizes, so the project view's dock
state is kept aside while the welcome page shows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QGuiApplication

from valuedesk.ui import prefs

DEFAULT_SIZE = (1400, 860)
VALUE_SPLIT = (40, 19, 10)  # radar, table (five or six rows), evidence: shares of what the lanes leave
LANES_MAX = 230  # lanes + review: four lanes and every review button; more height goes to the radar


class WindowLayout:
    """Owns the sizing of one MainWindow: first size, default pane sizes, save and restore."""

    def __init__(self, window: Any) -> None:  # the MainWindow (not imported: ui modules import no cycles)
        self.w = window
        self.saved_docks: QByteArray | None = None
        self.pending = ""  # "all" / "values": what still needs its default sizes when the project view shows
        self._fullscreen_restore: dict[str, Any] = {}

    def set_fullscreen(self, on: bool) -> None:
        """Video only: docks, script and values hide; Esc or F brings them back."""
        w = self.w
        widgets = (w.library_dock, w.queue_dock, w.timeline, w.right, w.menuBar(), w.statusBar())
        if on:
            self._fullscreen_restore = {
                "visible": {x: x.isVisible() for x in widgets},
                "maximized": w.isMaximized(),
            }
            for x in widgets:
                x.hide()
            w.showFullScreen()
        else:
            for x, visible in self._fullscreen_restore.get("visible", {}).items():
                x.setVisible(visible)
            if self._fullscreen_restore.get("maximized"):
                w.showMaximized()
            else:
                w.showNormal()

    def fit_to_screen(self) -> None:
        """The default size, or the whole (maximised) screen where that is smaller."""
        w, h = DEFAULT_SIZE
        screen = self.w.screen()
        avail = screen.availableGeometry() if screen is not None else None
        if avail is not None and avail.width() > 0 and (avail.width() < w or avail.height() < h):
            self.w.resize(min(w, avail.width()), min(h, avail.height()))
            if QGuiApplication.platformName() != "offscreen":  # no screen to fill there (tests, screenshots)
                self.w.setWindowState(self.w.windowState() | Qt.WindowState.WindowMaximized)
        else:
            self.w.resize(w, h)

    def _parts(self) -> tuple[tuple[str, Any, Any], ...]:
        """(settings key, save, restore) of every piece of the layout kept between sessions."""
        w = self.w
        return (
            ("window/geometry", w.saveGeometry, w.restoreGeometry),
            ("window/state", self._docks_state, self._set_docks_state),  # docks: where, how big
            ("window/center", w.center.saveState, w.center.restoreState),
            ("window/main", w.main_split.saveState, w.main_split.restoreState),
            ("window/values", w.value_panel.splitter.saveState, w.value_panel.splitter.restoreState),
        )

    def restore(self) -> None:
        s = prefs.settings()
        for key, _save, restore in self._parts():
            value = s.value(key)
            if isinstance(value, (QByteArray, bytes)):
                restore(QByteArray(value))
        # nothing saved: lay out when the project view first shows, at the window's real (maybe maximised) size
        self.pending = (
            "all"
            if s.value("window/center") is None
            else "values"
            if s.value("window/values") is None
            else ""
        )
        if self.pending == "all":
            self.default_layout()

    def save(self) -> None:
        s = prefs.settings()
        for key, save, _restore in self._parts():
            s.setValue(key, save())

    def _docks_state(self) -> QByteArray:
        self.remember_docks()
        return self.saved_docks if self.saved_docks is not None else self.w.saveState()

    def _set_docks_state(self, state: QByteArray) -> None:
        self.saved_docks = QByteArray(state)
        self.w.restoreState(state)

    def remember_docks(self) -> None:
        """Keep the docks as the project view has them (call before the welcome page hides them)."""
        if self.w.stack.currentWidget() is self.w.main_split:
            self.saved_docks = self.w.saveState()

    def enter_project_view(self) -> None:
        """The docks as they were, or, the first time ever, pane sizes that fit this window."""
        if self.saved_docks is not None:
            self.w.restoreState(self.saved_docks)
        if self.pending == "all":
            self.default_layout()
        elif self.pending == "values":
            self.default_value_split()
        self.pending = ""

    def default_layout(self) -> None:
        """Pane sizes in proportion to the window: the value side gets the room its radar labels need."""
        w = self.w
        width, height = w.width(), w.height()
        lib = max(w.library_dock.minimumSizeHint().width(), min(400, width * 27 // 100))
        w.resizeDocks([w.library_dock], [lib], Qt.Orientation.Horizontal)
        w.resizeDocks([w.queue_dock], [150], Qt.Orientation.Vertical)
        rest = max(2, width - lib)
        w.main_split.setSizes([rest * 47 // 100, rest * 53 // 100])
        w.center.setSizes([height * 6 // 10, height * 4 // 10])
        self.default_value_split()

    def default_value_split(self) -> None:
        """Radar, table, evidence, lanes + review, in proportion to the window's height."""
        h = max(400, self.w.height() - 70)
        lanes = min(h * 31 // 100, LANES_MAX)
        rest = h - lanes
        total = sum(VALUE_SPLIT)
        self.w.value_panel.splitter.setSizes([rest * k // total for k in VALUE_SPLIT] + [lanes])
