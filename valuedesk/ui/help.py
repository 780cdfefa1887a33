"""Help ▸ ValueDesk help (F1): keys, the 19 values in plain words, what labels and scores mean, the radar.

The key list is read from the window at the moment the page opens (its QActions with a shortcut,
and the QShortcuts that carry a `whatsThis` description), so it lists the keys the window really
has and cannot go stale. Colours come from the palette and the page is rebuilt when it changes,
so it reads in the light and the dark theme alike.
"""

from __future__ import annotations

import html
from typing import Any, cast

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from valuedesk.report.radar_geometry import SHARE_RING_WORDS
from valuedesk.ui.radar import LABEL_SYMBOL, is_dark, label_color, profile_color
from valuedesk.values import GROUPS, VALUES, Label

# What each label means, in the words the review panel's tooltips use too.
LABEL_MEANINGS: dict[int, str] = {
    -1: "The video works against this value: it mocks it, breaks it, or shows or recommends the "
    "opposite as good (a brag goes against Humility, a cruel prank against Conformity: interpersonal).",
    0: "The value does not come up in the video, or too little to count.",
    1: "The value is there: the video shows, says or encourages it.",
    2: "The value is one of the video's main messages: it runs through much of the video.",
}

# The 19 values in plain words (kid- and teacher-friendly), one sentence each, after Schwartz's refined theory.
PLAIN_WORDS: dict[str, str] = {
    "self_direction_thought": "Thinking for yourself: having your own ideas, being curious and creative, "
    "and learning what you want to learn.",
    "self_direction_action": "Choosing for yourself: deciding what you do and how, making your own plans and "
    "being independent.",
    "stimulation": "Excitement and new things: trying what you have never done, taking on challenges and "
    "keeping life varied.",
    "hedonism": "Fun and pleasure: enjoying yourself, treats, comfort and having a good time.",
    "achievement": "Being successful: showing you are good at something and reaching goals that other "
    "people count as success.",
    "power_dominance": "Being in charge of people: having the say, giving orders and making others do what "
    "you want.",
    "power_resources": "Being powerful through things: money, expensive stuff and owning more than others.",
    "face": "Protecting your image: being seen well by others, never being embarrassed, and caring about "
    "status, looks and likes.",
    "security_personal": "Feeling safe yourself: health, a stable home and staying away from danger, for you "
    "and the people close to you.",
    "security_societal": "A safe and steady society: law and order, protection from crime and a country "
    "that is secure.",
    "tradition": "Keeping customs alive: respecting and carrying on the traditions of your family, culture "
    "or religion.",
    "conformity_rules": "Following the rules: obeying laws, school rules and instructions, even when nobody "
    "is watching.",
    "conformity_interpersonal": "Not hurting or upsetting others: being polite and tactful, and not doing "
    "things that would annoy or embarrass people.",
    "humility": "Being modest: knowing you are one person among many, not showing off and not thinking you "
    "are better than others.",
    "benevolence_dependability": "Being someone others can count on: loyal to friends and family, keeping "
    "promises and doing your part.",
    "benevolence_caring": "Caring for the people close to you: helping, being kind and looking after family "
    "and friends.",
    "universalism_concern": "Fairness for everyone: equal rights, justice and protecting people who are weak "
    "or treated badly, strangers too.",
    "universalism_nature": "Protecting nature: looking after animals, plants, the climate and the "
    "environment.",
    "universalism_tolerance": "Accepting people who are different: listening to other views, being "
    "open-minded and getting on with all kinds of people.",
}

GROUP_WORDS: dict[str, str] = {
    "openness": "being free to think, choose and try new things",
    "self_enhancement": "getting ahead: success, power and status for yourself",
    "conservation": "keeping things safe, orderly and as they were",
    "self_transcendence": "caring about other people and the world beyond yourself",
}


def label_meaning(label: int) -> str:
    """ "−1 goes against: the video works against this value …" (tooltips of label words)."""
    lab = Label(int(label))
    return f"{'−1' if lab < 0 else int(lab)} {lab.phrase}: {LABEL_MEANINGS[int(lab)]}"


def plain_words(value_id: str) -> str:
    return PLAIN_WORDS.get(value_id) or next(v.definition for v in VALUES if v.id == value_id)


# ------------------------------------------------------------------ the window's keys
def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").replace("…", "").strip()


WINDOW_WIDE = "anywhere in the window"
# Where a key works when it is not on a menu: the panel it belongs to (a dock's title wins).
_PLACES = {
    "ScriptTimeline": "script",
    "LibraryPanel": "library",
    "ReviewPanel": "review panel",
    "PlayerWidget": "player",
    "ValuePanel": "values",
}


def _place(obj: Any, window: QWidget) -> str:
    while obj is not None and obj is not window:
        if isinstance(obj, QDockWidget) and obj.windowTitle():
            return _clean(obj.windowTitle()).lower()
        for cls in type(obj).__mro__:
            if cls.__name__ in _PLACES:
                return _PLACES[cls.__name__]
        obj = obj.parent()
    return ""


def _where_action(action: QAction, window: QWidget) -> str:
    for obj in action.associatedObjects():
        if isinstance(obj, QMenu) and obj.title():
            return f"{_clean(obj.title())} menu"
    for obj in action.associatedObjects():
        if isinstance(obj, QWidget) and (place := _place(obj, window)):
            return place  # works while that panel has the focus
    return ""


def _where_shortcut(shortcut: QShortcut, window: QWidget) -> str:
    if shortcut.context() in (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut):
        return WINDOW_WIDE
    return _place(shortcut.parent(), window)


def collect_shortcuts(window: QWidget) -> list[tuple[str, list[str], str]]:
    """(what it does, its keys, where: "Edit menu", "script", …) for every key the window has.

    QActions with a shortcut, plus QShortcuts that describe themselves in `whatsThis`; the same
    description from both (Play / pause: the menu entry and the window-wide key) is one row.
    """
    rows: dict[str, tuple[list[str], str]] = {}
    for action in window.findChildren(QAction):
        keys = [
            k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty()
        ]
        if not keys or not _clean(action.text()):
            continue
        desc = _clean(action.text())
        known, menu = rows.get(desc, ([], ""))
        rows[desc] = (known + [k for k in keys if k not in known], menu or _where_action(action, window))
    for shortcut in window.findChildren(QShortcut):
        key = shortcut.key().toString(QKeySequence.SequenceFormat.NativeText)
        desc = _clean(shortcut.whatsThis())
        if not key or not desc:
            continue
        known, menu = rows.get(desc, ([], ""))
        if key not in known:
            rows[desc] = (known + [key], menu or _where_shortcut(shortcut, window))
    bar = getattr(window, "menuBar", None)
    menus = [f"{_clean(a.text())} menu" for a in bar().actions()] if callable(bar) else []

    def order(item: tuple[int, tuple[str, tuple[list[str], str]]]) -> tuple[int, int]:
        n, (_desc, (_keys, where)) = item  # menus in menu-bar order, then window-wide keys, then panels
        return (menus.index(where) if where in menus else len(menus) + (where != WINDOW_WIDE), n)

    return [(desc, keys, menu) for _n, (desc, (keys, menu)) in sorted(enumerate(rows.items()), key=order)]


# ------------------------------------------------------------------ the page
def help_html(window: QWidget | None, palette: QPalette) -> str:
    fg = palette.color(QPalette.ColorRole.Text)
    bg = palette.color(QPalette.ColorRole.Base)
    dark = is_dark(bg)
    alt = palette.color(QPalette.ColorRole.AlternateBase).name()
    muted = label_color(0, fg, dark)
    muted_hex = f"rgba({muted.red()},{muted.green()},{muted.blue()},{muted.alphaF():.2f})"
    fg_rgb, bg_rgb = (
        cast(tuple[float, float, float, float], c.getRgbF()) for c in (fg, bg)
    )  # the stub says object
    quiet = QColor.fromRgbF(*(0.72 * a + 0.28 * b for a, b in zip(fg_rgb[:3], bg_rgb[:3], strict=True)))
    accent = profile_color(dark).name()
    red = label_color(-1, fg, dark).name()
    link = palette.color(QPalette.ColorRole.Link).name()
    esc = html.escape

    def label_span(lab: int) -> str:
        colour = {-1: red, 0: muted_hex}.get(lab, accent)
        return (
            f'<span style="color:{colour}; font-weight:bold">{LABEL_SYMBOL[lab]} {"−1" if lab < 0 else lab}'
            f" {esc(Label(lab).phrase)}</span>"
        )

    def swatch(colour: str) -> str:
        return f'<span style="color:{colour}">■</span>'

    out = [
        f'<html><body style="color:{fg.name()}; background:{bg.name()}">',
        f"<style>a {{ color:{link}; }} h2 {{ margin-top:18px; }} td, th {{ padding:3px 8px; }}</style>",
        "<h1>ValueDesk help</h1>",
        "<p>ValueDesk reads short videos (what is said, written on screen and shown) and marks which of "
        "the 19 human values of Schwartz's refined theory each video expresses or goes against, with the "
        "script lines that show it. It is an automated reading to start a conversation, not a verdict: "
        "a reviewer's label always replaces the model's.</p>",
        '<p><a href="#keys">Keyboard shortcuts</a> · <a href="#labels">Labels</a> · '
        '<a href="#score">The score</a> · <a href="#radar">Reading the radar</a> · '
        '<a href="#values">The 19 values</a></p>',
    ]

    # keys
    out.append('<a name="keys"></a><h2>Keyboard shortcuts</h2>')
    rows = collect_shortcuts(window) if window is not None else []
    if rows:
        out.append('<table cellspacing="0" width="100%">')
        out.append(
            '<tr><th align="left">Keys</th><th align="left">What it does</th><th align="left">Where</th></tr>'
        )
        for n, (desc, keys, menu) in enumerate(rows):
            shade = f' style="background:{alt}"' if n % 2 else ""
            keys_html = ", ".join(f"<b>{esc(k)}</b>" for k in keys)
            out.append(f"<tr{shade}><td>{keys_html}</td><td>{esc(desc)}</td><td>{esc(menu)}</td></tr>")
        out.append("</table>")
        out.append(
            "<p>The player keys work anywhere in the window, except while you type in a text field "
            "(there a space is a space). The review keys work while the review panel has the focus "
            "(click a value first).</p>"
        )
    else:
        out.append("<p>Open the help from the main window to see its keys.</p>")

    # labels
    out.append('<a name="labels"></a><h2>Labels: −1, 0, 1, 2</h2>')
    out.append('<p>Every video gets one label per value:</p><table cellspacing="0">')
    for lab in (2, 1, 0, -1):
        out.append(f'<tr><td valign="top">{label_span(lab)}</td><td>{esc(LABEL_MEANINGS[lab])}</td></tr>')
    out.append("</table>")
    out.append(
        "<p><b>Goes against</b> is not the same as <b>absent</b>: an absent value is simply not "
        "there, a value the video goes against is there, on the wrong side. In the value table "
        "✓ <i>agrees</i> means a reviewer confirmed the model's label and ✎ means a reviewer "
        "changed it (the model's label is kept apart and shown too). Review with the buttons under "
        "the lanes; Edit ▸ Undo review takes a review back.</p>"
    )

    # score
    out.append('<a name="score"></a><h2>The score</h2>')
    out.append(
        "<p>The <b>score</b> (0–100 %) is the model's confidence that the value is at stake in the "
        "video: a calibrated probability, not an amount. Near 100 % the model is sure the value "
        "comes up; near 0 % it is sure it does not. From the value's threshold on (in the score's "
        "tooltip, usually 50 %) the value counts as there, and the label says how: present, dominant "
        "or goes against. For a value the video goes against, the table adds <b>✕ NN %</b>: how sure "
        "the model is that the video works against it. A low score with a label set by a reviewer is "
        "normal: the reviewer's label wins.</p>"
    )

    # radar
    share_rings = ", ".join(SHARE_RING_WORDS)
    groups = "".join(
        f"<li>{swatch(g.color)} <b>{esc(g.name)}</b>: {esc(GROUP_WORDS.get(g.id, ''))}</li>"
        for g in GROUPS.values()
    )
    first = VALUES[0].name
    out.append('<a name="radar"></a><h2>Reading the radar</h2>')
    out.append(
        f"<p>The radar has one spoke (axis) for each of the 19 values, in the order of Schwartz's "
        f"circle: <b>{esc(first)}</b> at the top, then clockwise. Values next to each other go well "
        "together; values on opposite sides pull in opposite directions (it is hard to chase "
        "Power and care for everyone's equality at once). A coloured band just outside the circle "
        f"shows the four higher-order groups:</p><ul>{groups}</ul>"
    )
    out.append(
        "<p>Face and Humility sit on the borders between groups in the theory (Face between "
        "Self-enhancement and Conservation, Humility between Conservation and Self-transcendence).</p>"
    )
    out.append(
        "<p>The <b>rings</b> are the labels, from the centre outwards:</p><ul>"
        f"<li>the small inner ring: {label_span(-1)} — the shape dips inwards, with a red ✕, and the "
        "value's name turns red;</li>"
        f"<li>the dashed ring: {label_span(0)} (a small grey dot);</li>"
        f"<li>the middle ring: {label_span(1)} (a dot);</li>"
        f"<li>the outer ring: {label_span(2)} (a diamond, and the value's name in bold).</li></ul>"
    )
    out.append(
        f'<p>The <span style="color:{accent}"><b>filled shape</b></span> joins the labels of all 19 '
        "values: its bumps are what the video is about. The <b>dotted line</b> is the model's score "
        "for each value (centre = 0 %, outer ring = 100 %). A value a reviewer has labelled gets a "
        "square outline; where the reviewer changed the label, a hollow dotted circle shows where the "
        "model had put it. Click a value's name or point to select it: the table, the evidence lines "
        "and the lanes follow.</p>"
    )
    out.append(
        "<p>On a <b>creator's</b> radar the distance from the centre is the share of the creator's "
        f"videos that express the value (rings: {esc(share_rings)}); the "
        f'<span style="color:{red}">red dashed line and ✕</span> show the share of videos that go '
        "against it.</p>"
    )

    # values
    out.append('<a name="values"></a><h2>The 19 values</h2>')
    for g in GROUPS.values():
        out.append(f'<h3>{swatch(g.color)} {esc(g.name)}</h3><table cellspacing="0" width="100%">')
        for n, v in enumerate(x for x in VALUES if x.group == g.id):
            shade = f' style="background:{alt}"' if n % 2 else ""
            out.append(
                f'<tr{shade}><td valign="top" width="28%"><b>{esc(v.name)}</b></td>'
                f"<td>{esc(plain_words(v.id))}<br>"
                f'<span style="color:{quiet.name()}">{esc(v.definition)}</span></td></tr>'
            )
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


class HelpDialog(QDialog):
    """The help page of one window; rebuilt when the palette (light/dark) changes."""

    def __init__(self, window: QWidget | None = None) -> None:
        super().__init__(window)
        self.setObjectName("helpDialog")
        self.setWindowTitle("ValueDesk help")
        self._window = window
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(True)
        self.browser.setOpenExternalLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser, 1)
        lay.addWidget(buttons)
        self.resize(760, 680)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the window's keys and the palette."""
        bar = self.browser.verticalScrollBar()
        at = bar.value()
        self.browser.setHtml(help_html(self._window, self.palette()))
        bar.setValue(at)

    def text(self) -> str:
        return self.browser.toPlainText()

    def changeEvent(self, ev: QEvent) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(ev)
        if ev.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and hasattr(
            self, "browser"
        ):
            self.refresh()


def show_help(window: QWidget, anchor: str = "") -> HelpDialog:
    """Open (or bring back) the window's help page; `anchor`: keys, labels, score, radar, values."""
    dialog = window.findChild(HelpDialog, "helpDialog", Qt.FindChildOption.FindDirectChildrenOnly)
    if dialog is None:
        dialog = HelpDialog(window)
    else:
        dialog.refresh()
    if anchor:
        dialog.browser.scrollToAnchor(anchor)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
