"""`valuedesk [FILE]`: start the explorer with that project, the last one, or the welcome screen."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import MutableMapping, Sequence
from typing import cast


def prepare_platform(env: MutableMapping[str, str] | None = None) -> None:
    """VLC can only draw into X11 windows on Linux: under Wayland use XWayland (xcb) when present.

    Must run before QApplication exists. A user's explicit QT_QPA_PLATFORM always wins.
    """
    environ: MutableMapping[str, str] = os.environ if env is None else env
    if environ.get("QT_QPA_PLATFORM"):
        return
    if sys.platform.startswith("linux") and environ.get("WAYLAND_DISPLAY") and environ.get("DISPLAY"):
        environ["QT_QPA_PLATFORM"] = "xcb"
    if not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        environ["QT_QPA_PLATFORM"] = "offscreen"  # no display at all: start rather than abort


def parse_args(args: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="valuedesk", description="Open the ValueDesk explorer.")
    parser.add_argument(
        "project", nargs="?", metavar="FILE", help="project file to open (created if missing)"
    )
    parser.add_argument("--theme", choices=("system", "light", "dark"), help="appearance for this session")
    return parser.parse_args(list(args))


def run_gui(args: Sequence[str]) -> int:
    """Entry point used by `valuedesk` (see valuedesk/app.py)."""
    opts = parse_args(args)
    prepare_platform()
    from PySide6.QtWidgets import QApplication, QMessageBox

    from valuedesk.ui import prefs
    from valuedesk.ui.mainwindow import MainWindow
    from valuedesk.ui.theme import ThemeController

    # instance() is typed as the QCoreApplication base; this process only ever creates a QApplication.
    app = cast(
        QApplication, QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "valuedesk"])
    )
    app.setOrganizationName(prefs.ORG)
    app.setApplicationName(prefs.APP)
    app.setApplicationDisplayName("ValueDesk")
    theme = ThemeController(app, opts.theme or prefs.theme_mode())
    theme.apply()
    window = MainWindow(theme)
    window.show()
    if opts.project:
        path = os.path.abspath(opts.project)
        create = not os.path.exists(path)
        if create:
            answer = QMessageBox.question(
                window, "New project", f"There is no project at\n{path}\n\nCreate a new, empty project there?"
            )
            if answer == QMessageBox.StandardButton.Yes:
                window.open_project(path, create=True)
        else:
            window.open_project(path)
    else:
        last = prefs.last_project()
        if last and os.path.exists(last):
            window.open_project(last, quiet=True)
    return int(app.exec())
