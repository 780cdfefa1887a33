"""Help ▸ ValueDesk help (F1): the window's real keys, the 19 values, the labels and the radar; label tooltips."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from valuedesk.ui.help import LABEL_MEANINGS, PLAIN_WORDS, HelpDialog, collect_shortcuts, show_help
from valuedesk.values import GROUPS, VALUES, Label

pytestmark = pytest.mark.gui


def keys_of(action: QAction) -> list[str]:
    return [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]


def action(window: Any, text: str) -> QAction:
    return next(a for a in window.findChildren(QAction) if a.text().replace("&", "") == text)


def help_dialog(window: Any) -> HelpDialog | None:
    return next((w for w in window.findChildren(HelpDialog) if w.isVisible()), None)


def test_f1_opens_help_with_the_windows_keys_values_and_labels(window: Any, qtbot: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    assert keys_of(window.act_help) == ["F1"]
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: help_dialog(window) is not None, timeout=2000)
    dialog = help_dialog(window)
    assert dialog is not None
    text = dialog.text()

    rows = {desc: keys for desc, keys, _menu in collect_shortcuts(window)}
    play_keys, undo_keys = keys_of(action(window, "Play / pause")), keys_of(window.act_undo)
    assert play_keys and undo_keys  # the window really has them …
    assert set(play_keys) <= set(rows["Play / pause"]) and set(undo_keys) <= set(rows["Undo review"])
    assert "K" in rows["Play / pause"]  # … and the window-wide QShortcut for the same thing joins the row
    for desc in ("Play / pause", "Undo review", "ValueDesk help"):
        assert desc in text
    for key in (*play_keys, *undo_keys, "K", "F1"):
        assert key in text

    for v in VALUES:
        assert v.name in text
        assert PLAIN_WORDS[v.id] in text  # the glossary in plain words, every one
    for lab in (-1, 0, 1, 2):
        assert Label(lab).phrase in text
        assert LABEL_MEANINGS[lab] in text
    for g in GROUPS.values():
        assert g.name in text
    assert "−1 goes against" in text and "2 dominant" in text
    assert "0–100 %" in text  # the score
    assert "Reading the radar" in text and "dashed ring" in text

    again = show_help(window)  # a second F1 brings the same page back
    assert again is dialog
    dialog.close()


def test_help_keys_follow_the_window(window: Any) -> None:
    """No hand-written list: a new action with a key shows up, and every row is a real key."""
    added = QAction("Jump to the moon", window)
    added.setShortcut(QKeySequence("Ctrl+Alt+M"))
    window.addAction(added)
    rows = collect_shortcuts(window)
    assert ("Jump to the moon", ["Ctrl+Alt+M"], "") in rows
    real = {k for a in window.findChildren(QAction) for k in keys_of(a)}
    from PySide6.QtGui import QShortcut

    real |= {s.key().toString(QKeySequence.SequenceFormat.NativeText) for s in window.findChildren(QShortcut)}
    assert all(set(keys) <= real for _desc, keys, _menu in rows)
    dialog = HelpDialog(window)
    assert "Jump to the moon" in dialog.text() and "Ctrl+Alt+M" in dialog.text()
    dialog.close()


def test_review_label_buttons_explain_each_label(qtbot: Any) -> None:
    from valuedesk.ui.review_panel import ReviewPanel

    panel = ReviewPanel()
    qtbot.addWidget(panel)
    for lab, button in panel.label_buttons.items():
        tip = button.toolTip()
        assert Label(lab).phrase in tip and LABEL_MEANINGS[lab] in tip
    assert panel.label_buttons[-1].toolTip().startswith("−1 goes against")


@pytest.mark.parametrize("dark", [False, True])
def test_help_reads_in_light_and_dark(window: Any, qtbot: Any, dark: bool) -> None:
    """The page takes the palette's colours (rebuilt when it changes): dark text on light, light on dark."""
    from valuedesk.ui.theme import apply_palette

    app = QApplication.instance()
    dialog = show_help(window)
    qtbot.waitExposed(dialog)
    try:
        apply_palette(app, dark)
        QApplication.processEvents()
        base = dialog.browser.palette().color(dialog.browser.palette().ColorRole.Base)
        text = dialog.browser.palette().color(dialog.browser.palette().ColorRole.Text)
        assert (base.lightness() < 128) == dark
        html = dialog.browser.toHtml().lower()
        assert text.name().lower() in html  # the page's text colour is the palette's, not a fixed one
        image = dialog.grab().toImage()
        assert image.width() > 300 and image.height() > 300
    finally:
        apply_palette(app, False)  # leave the light look for the next tests
        dialog.close()
