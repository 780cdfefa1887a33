"""The main window's menus: built here so the window module stays a window, not a menu table.

`build_menus(window)` creates every menu and sets the actions the window refers to later
(`act_import`, `act_undo`, …, `_project_actions`) on it. It takes the window untyped: importing
`MainWindow` here would make an import cycle.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from valuedesk.ui import prefs
from valuedesk.ui.help import show_help
from valuedesk.ui.retrain import retrain_from_reviews
from valuedesk.ui.settings_dialog import open_folder, speech_model_folder


def action(w: Any, menu: Any, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
    act = QAction(text, w)
    if shortcut is not None:
        act.setShortcut(QKeySequence(shortcut))
    if tip:
        act.setStatusTip(tip)
    act.triggered.connect(lambda _checked=False: slot())
    menu.addAction(act)
    return act


def build_menus(w: Any) -> None:
    """The window's menu bar; the actions it keeps are set on it (w.act_import, …)."""
    bar = w.menuBar()
    file = bar.addMenu("&File")
    action(w, file, "&New project…", w.new_project, QKeySequence.StandardKey.New)
    action(w, file, "&Open project…", w.choose_project, QKeySequence.StandardKey.Open)
    w.recent_menu = file.addMenu("Open &recent")
    w.recent_menu.aboutToShow.connect(w._fill_recent)
    file.addSeparator()
    w.act_import = action(
        w, file, "&Import files…", w.import_files, "Ctrl+I", "Add videos to the project and analyse them"
    )
    w.act_import_dir = action(w, file, "Import &folder…", w.import_folder, "Ctrl+Shift+I")
    file.addSeparator()
    w.act_export = action(
        w,
        file,
        "&Export…",
        w.reports.export,
        "Ctrl+E",
        "Labels, evidence and scripts as CSV, JSON, TSV or subtitles",
    )
    w.act_report = action(
        w,
        file,
        "Report &PDF…",
        w.reports.report_pdf,
        "Ctrl+P",
        "A PDF about the selected video or creator",
    )
    file.addSeparator()
    w.act_close = action(w, file, "&Close project", w.close_project, QKeySequence.StandardKey.Close)
    action(w, file, "&Quit", w.close, QKeySequence.StandardKey.Quit)

    edit = bar.addMenu("&Edit")
    w.act_undo = action(w, edit, "&Undo review", lambda: w._undo_redo(undo=True), "Ctrl+Z")
    w.act_redo = action(w, edit, "&Redo review", lambda: w._undo_redo(undo=False), "Ctrl+Shift+Z")
    action(w, edit, "&Find in scripts", lambda: w.library.search.setFocus(), QKeySequence.StandardKey.Find)

    analysis = bar.addMenu("&Analysis")
    w.act_reanalyze = action(w, analysis, "Analyse selected &again", w._reanalyze_selected)
    w.act_cancel_all = action(w, analysis, "&Cancel all", lambda: w.queue.cancel_all() if w.queue else None)
    action(
        w,
        analysis,
        "&Retrain from reviews…",
        lambda: retrain_from_reviews(w),
        tip="Fine-tune the value model on this project's reviewed videos (the shipped model stays)",
    )
    analysis.addSeparator()
    action(w, analysis, "&Settings…", w.edit_settings, QKeySequence.StandardKey.Preferences)
    action(
        w,
        analysis,
        "Show &model folder",
        lambda: open_folder(speech_model_folder(w.analysis_settings), w),
    )

    view = bar.addMenu("&View")
    view.addAction(w.library_dock.toggleViewAction())
    view.addAction(w.queue_dock.toggleViewAction())
    w.library_actions.add_menu_entries(edit, view)  # Edit ▸ Remove…/Relink…, View ▸ Notes
    appearance = view.addMenu("&Appearance")
    group = QActionGroup(w)
    current = w.theme.mode if w.theme else prefs.theme_mode()
    for mode, text in (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")):
        act = QAction(text, w, checkable=True)
        act.setChecked(mode == current)
        act.triggered.connect(lambda _c=False, m=mode: w.set_theme(m))
        group.addAction(act)
        appearance.addAction(act)

    play = bar.addMenu("&Playback")
    for text, slot, key in (
        ("Play / pause", w.player.toggle_play, "Space"),
        ("Back 5 s", lambda: w.player.step(-5000), "Left"),
        ("Forward 5 s", lambda: w.player.step(5000), "Right"),
        ("Full screen", w.player.toggle_fullscreen, "F"),
    ):
        act = action(w, play, text, slot)
        act.setShortcut(QKeySequence(key))
        act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the window's QShortcuts do the work
    helpm = bar.addMenu("&Help")
    w.act_help = action(
        w,
        helpm,
        "ValueDesk &help",
        lambda: show_help(w),
        "F1",
        "Keys, the 19 values in plain words, labels, scores and the radar",
    )
    action(w, helpm, "&About ValueDesk", w._about)
    w._project_actions = [
        w.act_import,
        w.act_import_dir,
        w.act_export,
        w.act_report,
        w.act_close,
        w.act_undo,
        w.act_redo,
        w.act_reanalyze,
        w.act_cancel_all,
    ]
