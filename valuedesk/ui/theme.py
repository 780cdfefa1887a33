"""Light/dark look: Fusion style with an explicit palette, and pyqtgraph colours taken from it.

Qt reports the desktop colour scheme only where a desktop tells it (`colorScheme()` is Unknown
on a bare X server or offscreen), so "dark" must always be reachable explicitly; pyqtgraph
ignores the Qt palette, so plots get their colours from here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

MODES = ("system", "light", "dark")


def system_is_dark(app: QGuiApplication | None = None) -> bool:
    app = app or QGuiApplication.instance()  # type: ignore[assignment]
    if app is None:
        return False
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    """A calm dark palette (contrast checked by eye in the screenshots)."""
    p = QPalette()
    window, base, alt = QColor(37, 38, 41), QColor(27, 28, 30), QColor(45, 47, 51)
    text, dim = QColor(226, 228, 232), QColor(128, 131, 138)
    accent = QColor(74, 144, 217)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: alt,
        QPalette.ColorRole.ToolTipBase: alt,
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: dim,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(50, 52, 56),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(255, 90, 90),
        QPalette.ColorRole.Link: QColor(110, 170, 240),
        QPalette.ColorRole.Highlight: accent,
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.Light: QColor(70, 72, 77),
        QPalette.ColorRole.Midlight: QColor(58, 60, 64),
        QPalette.ColorRole.Mid: QColor(44, 45, 49),
        QPalette.ColorRole.Dark: QColor(20, 20, 22),
        QPalette.ColorRole.Shadow: QColor(0, 0, 0),
    }
    for role, color in roles.items():
        p.setColor(QPalette.ColorGroup.All, role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, dim)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Highlight, QColor(70, 72, 77))
    return p


def light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    return style.standardPalette() if style is not None else QPalette()


class ThemeController(QObject):
    """Applies a mode and re-applies it when the desktop scheme changes (mode "system")."""

    changed = Signal(bool)  # True when the dark palette is active

    def __init__(self, app: QApplication, mode: str = "system") -> None:
        super().__init__(app)
        self._app = app
        self.mode = mode if mode in MODES else "system"
        self.dark = False
        app.styleHints().colorSchemeChanged.connect(self._scheme_changed)

    def apply(self, mode: str | None = None) -> bool:
        if mode is not None:
            self.mode = mode if mode in MODES else "system"
        self.dark = self.mode == "dark" or (self.mode == "system" and system_is_dark(self._app))
        apply_palette(self._app, self.dark)
        self.changed.emit(self.dark)
        return self.dark

    def _scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.mode == "system":
            self.apply()


def apply_palette(app: QApplication, dark: bool) -> None:
    """Fusion + palette, then pyqtgraph's defaults and every live plot follow it."""
    app.setStyle("Fusion")
    palette = dark_palette() if dark else light_palette()
    app.setPalette(palette)
    apply_pyqtgraph(palette)
    for widget in app.allWidgets():
        refresh_plot_colors(widget, palette)


def apply_pyqtgraph(palette: QPalette) -> None:
    import pyqtgraph as pg

    pg.setConfigOption("background", palette.color(QPalette.ColorRole.Base))
    pg.setConfigOption("foreground", palette.color(QPalette.ColorRole.Text))


def refresh_plot_colors(widget: QWidget, palette: QPalette) -> None:
    """Live pyqtgraph views take the new background; widgets with `apply_palette()` redraw themselves."""
    import pyqtgraph as pg

    if isinstance(widget, pg.GraphicsView):
        widget.setBackground(palette.color(QPalette.ColorRole.Base))
    hook = getattr(widget, "apply_palette", None)
    if callable(hook):
        try:
            hook(palette)
        except TypeError:
            hook()


def is_dark_palette(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128
