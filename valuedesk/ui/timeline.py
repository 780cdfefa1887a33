"""The timed script beside the player: time, kind tag, speaker and wrapped text per line.

A model + QListView + painting delegate (not thousands of item widgets), because scripts of long
videos have thousands of lines and `set_time` runs ~20×/s from the player: it is a binary search
over start times and touches the view only when the current line changes.

Review edits (right-click menu or E / Delete / F2 on selected lines) are only requested here, as
signals; the window stores them as reviews and hands back the corrected lines and marks.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from valuedesk.languages import name as language_name
from valuedesk.script import ScriptLine, format_ms

LINE_ROLE = Qt.ItemDataRole.UserRole + 10
CURRENT_ROLE = Qt.ItemDataRole.UserRole + 11
MARK_ROLE = Qt.ItemDataRole.UserRole + 12

KIND_TAGS: dict[str, tuple[str, str]] = {  # kind -> (tag text, colour); white text on the colour
    "speech": ("speech", "#2F6FBF"),
    "onscreen": ("on-screen", "#A8660A"),
    "caption": ("caption", "#6B4FA8"),
    "scene": ("scene", "#2F7D4F"),
    "sound": ("sound", "#B03A74"),
}
_Index = QModelIndex | QPersistentModelIndex
HIT_COLOR = "#FFD54F"  # search hits in the script: dark text on amber, readable in light and dark themes


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """Words a script search matched: words starting with a term or its plain stem, ignoring case.

    Close to the project's porter-stemmed full-text search ("friends" also marks "friend", "cars" "car").
    """
    stems = set()
    for term in terms:
        for word in re.findall(r"\w+", str(term).lower()):
            for suffix in ("ing", "ed", "es", "s"):
                if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                    word = word[: -len(suffix)]
                    break
            stems.add(word)
    if not stems:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(stems, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)


def shown_text(ln: ScriptLine) -> str:
    """A line as the script shows it: non-English lines with their language and English rendering."""
    tag = f"({language_name(ln.language)}) " if ln.language not in ("", "en") else ""
    return tag + ln.text + (f"\n↳ English: {ln.translation}" if ln.translation else "")


class ScriptModel(QAbstractListModel):
    """Script lines plus view state (current line, marked lines) exposed as roles."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.lines: list[ScriptLine] = []
        self.current: int | None = None
        self.marked: set[int] = set()
        self.mark_color = QColor("#D0342C")

    def set_lines(self, lines: Sequence[ScriptLine]) -> None:
        new = list(lines)
        if new and [ln.start_ms for ln in new] == [ln.start_ms for ln in self.lines]:
            # same timing (a reviewer corrected some text): keep current line, marks and scroll position
            self.layoutAboutToBeChanged.emit()
            self.lines = new
            self.layoutChanged.emit()
            return
        self.beginResetModel()
        self.lines = new
        self.current = None
        self.marked = set()
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt name)
        return 0 if parent.isValid() else len(self.lines)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return None
        row = index.row()
        ln = self.lines[row]
        if role == LINE_ROLE:
            return ln
        if role == CURRENT_ROLE:
            return row == self.current
        if role == MARK_ROLE:
            return self.mark_color if row in self.marked else None
        if role == Qt.ItemDataRole.DisplayRole:
            who = f"{ln.speaker.upper()}: " if ln.speaker else ""
            return f"{format_ms(ln.start_ms)}  [{KIND_TAGS[ln.kind][0]}]  {who}{shown_text(ln)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{format_ms(ln.start_ms)}–{format_ms(ln.end_ms)} · {KIND_TAGS[ln.kind][0]}\n{shown_text(ln)}"
            )
        return None

    def touch(self, rows: Iterable[int | None]) -> None:
        for r in rows:
            if r is not None and 0 <= r < len(self.lines):
                idx = self.index(r)
                self.dataChanged.emit(idx, idx, [CURRENT_ROLE, MARK_ROLE])


class LineDelegate(QStyledItemDelegate):
    """Paints one line in four columns; heights are cached per view width (word wrap is costly)."""

    PAD = 3

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self.view = view
        self._heights: dict[int, int] = {}
        self._width = -1
        self.speaker_w = 0
        self.hits: re.Pattern[str] | None = None  # search terms to highlight (ScriptTimeline.highlight)
        self.refresh_fonts()

    def refresh_fonts(self) -> None:
        self.font = QFont(self.view.font())
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self.small = QFont(self.font)
        self.small.setPointSizeF(max(6.5, self.font.pointSizeF() * 0.8))
        self.small.setBold(True)
        fm = QFontMetrics(self.font)
        self.time_w = fm.horizontalAdvance("00:00.0") + 10
        self.tag_w = QFontMetrics(self.small).horizontalAdvance("on-screen") + 12
        self._heights.clear()

    def set_speakers(self, lines: Sequence[ScriptLine]) -> None:
        fm = QFontMetrics(self.bold)
        names = {ln.speaker.upper() for ln in lines if ln.speaker}
        self.speaker_w = min(110, max((fm.horizontalAdvance(n) for n in names), default=-8) + 8)
        self._heights.clear()

    def text_x(self) -> int:
        return 4 + self.time_w + self.tag_w + 6 + self.speaker_w

    def _text_w(self, width: int) -> int:
        return max(40, width - self.text_x() - 6)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802 (Qt name)
        width = self.view.viewport().width()
        if width != self._width:
            self._width = width
            self._heights.clear()
        row = index.row()
        h = self._heights.get(row)
        if h is None:
            ln: ScriptLine = index.data(LINE_ROLE)
            fm = QFontMetrics(self.font)
            br = fm.boundingRect(
                QRect(0, 0, self._text_w(width), 100_000), Qt.TextFlag.TextWordWrap, shown_text(ln)
            )
            h = max(br.height(), fm.height()) + 2 * self.PAD
            self._heights[row] = h
        return QSize(width, h)

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        ln: ScriptLine = index.data(LINE_ROLE)
        if ln is None:
            return
        r = option.rect
        pal = option.palette
        fg = pal.color(QPalette.ColorRole.Text)
        hl = pal.color(QPalette.ColorRole.Highlight)
        current = bool(index.data(CURRENT_ROLE))
        mark: QColor | None = index.data(MARK_ROLE)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        p.save()
        if mark is not None:
            tint = QColor(mark)
            tint.setAlphaF(0.13)
            p.fillRect(r, tint)
            p.fillRect(QRect(r.right() - 4, r.top(), 5, r.height()), mark)
        if current:
            bg = QColor(hl)
            bg.setAlphaF(0.32)
            p.fillRect(r, bg)
            p.fillRect(QRect(r.left(), r.top(), 4, r.height()), hl)
        if selected:
            p.setPen(QPen(hl, 1.5))
            p.drawRect(QRectF(r).adjusted(1, 1, -1.5, -1.5))
        top = r.top() + self.PAD
        fm = QFontMetrics(self.font)
        line_h = fm.height()
        muted = QColor(fg)
        muted.setAlphaF(0.7)
        p.setFont(self.bold if current else self.font)
        p.setPen(fg if current else muted)
        p.drawText(
            QRect(r.left() + 8, top, self.time_w, line_h),
            Qt.AlignmentFlag.AlignVCenter,
            format_ms(ln.start_ms),
        )
        tag, color = KIND_TAGS.get(ln.kind, (ln.kind, "#777777"))
        sfm = QFontMetrics(self.small)
        tag_rect = QRectF(
            r.left() + 4 + self.time_w,
            top + (line_h - sfm.height() - 2) / 2,
            sfm.horizontalAdvance(tag) + 8,
            sfm.height() + 2,
        )
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(color))
        p.drawRoundedRect(tag_rect, 4, 4)
        p.setFont(self.small)
        p.setPen(QColor("white"))
        p.drawText(tag_rect, Qt.AlignmentFlag.AlignCenter, tag)
        if ln.speaker and self.speaker_w > 0:
            p.setFont(self.bold)
            p.setPen(fg)
            sp = QRect(r.left() + 4 + self.time_w + self.tag_w + 6, top, self.speaker_w - 6, line_h)
            p.drawText(
                sp,
                Qt.AlignmentFlag.AlignVCenter,
                QFontMetrics(self.bold).elidedText(
                    ln.speaker.upper(), Qt.TextElideMode.ElideRight, sp.width()
                ),
            )
        text_font = QFont(self.font)
        text_font.setItalic(ln.kind in ("scene", "sound"))
        p.setFont(text_font)
        p.setPen(fg)
        tr = QRect(r.left() + self.text_x(), top, self._text_w(r.width()), r.height() - 2 * self.PAD)
        spans = self.hit_spans(shown_text(ln))
        if spans:
            self._draw_hits(p, tr, shown_text(ln), text_font, spans)
        else:
            p.drawText(
                tr,
                Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                shown_text(ln),
            )
        p.restore()

    def hit_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, length) of the search hits in a line's text."""
        if self.hits is None:
            return []
        return [(m.start(), m.end() - m.start()) for m in self.hits.finditer(text)]

    def _draw_hits(
        self, p: QPainter, rect: QRect, text: str, font: QFont, spans: list[tuple[int, int]]
    ) -> None:
        """The line's text wrapped as drawText wraps it, with the hits on an amber background."""
        layout = QTextLayout(text, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        y = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(rect.width())
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(HIT_COLOR))
        fmt.setForeground(QColor("#1A1A1A"))
        ranges = []
        for start, length in spans:
            fr = QTextLayout.FormatRange()
            fr.start, fr.length, fr.format = start, length, fmt
            ranges.append(fr)
        p.save()
        p.setClipRect(rect)
        layout.draw(p, QPointF(rect.topLeft()), ranges)
        p.restore()


class ScriptTimeline(QWidget):
    """Scrollable timed script; follows playback, emits seeks on click and review edit requests."""

    seek_requested = Signal(int)
    line_clicked = Signal(int)
    evidence_edit_requested = Signal(
        list, bool
    )  # (line indices, True = add / False = remove) for the review value
    text_edit_requested = Signal(int, str)  # (line index, corrected text)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ScriptModel(self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.delegate = LineDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setUniformItemSizes(False)
        self.view.setWordWrap(True)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.clicked.connect(self._on_clicked)
        self.view.activated.connect(self._on_clicked)

        self.follow = QCheckBox("Follow playback", self)
        self.follow.setChecked(True)
        self.follow.setToolTip("Scroll the script with the video; switch off to read freely")
        self.count = QLabel(self)
        head = QHBoxLayout()
        head.setContentsMargins(4, 0, 4, 0)
        head.addWidget(QLabel("<b>Script</b>", self))
        head.addWidget(self.count)
        head.addStretch(1)
        head.addWidget(self.follow)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(head)
        lay.addWidget(self.view, 1)
        self._starts: list[int] = []
        self._order: list[int] | None = None  # row order by start time when lines are not sorted
        self._review_enabled = False
        self._review_value: str | None = None  # display name of the value evidence edits apply to
        self.act_add = self._review_action("E", lambda: self._request_evidence(True))
        self.act_remove = self._review_action(
            QKeySequence.StandardKey.Delete, lambda: self._request_evidence(False)
        )
        self.act_text = self._review_action("F2", self.correct_text)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_context_menu)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.update_review_actions())
        self.set_lines([])

    # ------------------------------------------------------------------ API
    def set_lines(self, lines: Sequence[ScriptLine]) -> None:
        """Show a script; re-setting the same timing (after a text correction) keeps place and marks."""
        self.delegate.set_speakers(lines)
        self.model.set_lines(lines)
        starts = [ln.start_ms for ln in lines]
        if all(a <= b for a, b in zip(starts, starts[1:], strict=False)):
            self._starts, self._order = starts, None
        else:
            self._order = sorted(range(len(lines)), key=lambda i: (starts[i], i))
            self._starts = [starts[i] for i in self._order]
        self.count.setText(f"{len(lines)} lines" if lines else "no script yet")
        self.update_review_actions()

    def lines(self) -> list[ScriptLine]:
        return self.model.lines

    def line_at(self, ms: int) -> int | None:
        """The line being shown at `ms`: the last one that started at or before it."""
        k = bisect_right(self._starts, ms) - 1
        if k < 0:
            return None
        return self._order[k] if self._order is not None else k

    def set_time(self, ms: int) -> None:
        """Called ~20×/s: binary search; touches the view only when the current line changes."""
        row = self.line_at(ms)
        if row == self.model.current:
            return
        old, self.model.current = self.model.current, row
        self.model.touch((old, row))
        if row is not None and self.follow.isChecked():
            self._follow(row)

    def current_line(self) -> int | None:
        return self.model.current

    def set_auto_follow(self, on: bool) -> None:
        self.follow.setChecked(on)

    def auto_follow(self) -> bool:
        return self.follow.isChecked()

    def mark_lines(self, indices: Iterable[int], color: QColor | str = "#D0342C") -> None:
        """Tint lines that carry the selected value (empty set clears)."""
        self.model.marked = {int(i) for i in indices}
        self.model.mark_color = QColor(color)
        if self.model.lines:
            self.model.dataChanged.emit(
                self.model.index(0), self.model.index(len(self.model.lines) - 1), [MARK_ROLE]
            )
        self.update_review_actions()

    def marked_lines(self) -> set[int]:
        return set(self.model.marked)

    def highlight_line(self, idx: int) -> None:
        """Select a line and, when it is off screen, bring it to the middle (evidence, search); emits nothing."""
        if not 0 <= idx < len(self.model.lines):
            return
        index = self.model.index(idx)
        if self.view.currentIndex() != index:  # a click already set it: keep a Shift/Ctrl multi-selection
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        rect = self.view.visualRect(index)
        if not self.view.viewport().rect().contains(rect):  # a line just clicked stays where it is
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def highlight(self, terms: Iterable[str]) -> None:
        """Mark search hits (words starting with a term, ignoring case) in the script; no terms clears.

        Kept across `set_lines`, so the script of a video opened from a search shows its hits."""
        self.delegate.hits = term_pattern(terms)
        self.view.viewport().update()

    def highlighted_lines(self) -> list[int]:
        """Lines that show a search hit."""
        return [i for i, ln in enumerate(self.model.lines) if self.delegate.hit_spans(ln.text)]

    def is_line_visible(self, idx: int) -> bool:
        rect = self.view.visualRect(self.model.index(idx))
        return rect.isValid() and self.view.viewport().rect().intersects(rect)

    # ------------------------------------------------------------------ review edits
    def set_review_enabled(self, on: bool) -> None:
        """Off for read-only projects (and without a project): the edit actions are disabled."""
        self._review_enabled = bool(on)
        self.update_review_actions()

    def set_review_value(self, name: str | None) -> None:
        """The value (display name) that "Add/Remove as evidence" applies to; None: no value selected.

        Which lines are its evidence now is read from the marks (`mark_lines`)."""
        self._review_value = name or None
        self.update_review_actions()

    def selected_lines(self) -> list[int]:
        return sorted(i.row() for i in self.view.selectionModel().selectedRows())

    def update_review_actions(self, rows: Sequence[int] | None = None) -> None:
        """Enable/label the edit actions for `rows` (default: the selection)."""
        rows = self.selected_lines() if rows is None else list(rows)
        value = self._review_value
        on = self._review_enabled and bool(rows)
        adds = [r for r in rows if r not in self.model.marked]
        removes = [r for r in rows if r in self.model.marked]
        many = len(rows) > 1
        noun = f"{len(rows)} lines" if many else "line"
        self.act_add.setText(
            f"Add {noun} as evidence for {value}" if value else "Add as evidence (select a value first)"
        )
        self.act_remove.setText(
            f"Remove {noun} as evidence for {value}" if value else "Remove as evidence (select a value first)"
        )
        if value and adds and removes:
            self.act_add.setText(f"Add {len(adds)} of {len(rows)} lines as evidence for {value}")
            self.act_remove.setText(f"Remove {len(removes)} of {len(rows)} lines as evidence for {value}")
        self.act_add.setEnabled(on and value is not None and bool(adds))
        self.act_remove.setEnabled(on and value is not None and bool(removes))
        self.act_text.setText("Correct text…" if len(rows) <= 1 else "Correct text… (one line at a time)")
        self.act_text.setEnabled(on and len(rows) == 1)
        tip = "" if self._review_enabled else "This project is open read-only"
        for act in (self.act_add, self.act_remove, self.act_text):
            act.setToolTip(tip or act.text())

    def context_menu(self) -> QMenu:
        """The right-click menu for the current selection (built fresh; not shown)."""
        self.update_review_actions()
        menu = QMenu(self)
        rows = self.selected_lines()
        adds = [r for r in rows if r not in self.model.marked]
        # show whichever applies: "Remove" for lines already evidence, "Add" for the others
        if adds or not rows:
            menu.addAction(self.act_add)
        if len(adds) < len(rows):
            menu.addAction(self.act_remove)
        menu.addSeparator()
        menu.addAction(self.act_text)
        return menu

    def correct_text(self) -> None:
        """Ask for a line's corrected text; emits text_edit_requested unless empty or unchanged."""
        rows = self.selected_lines()
        self.update_review_actions(rows)
        if not self.act_text.isEnabled():
            return
        row = rows[0]
        old = self.model.lines[row].text
        text, ok = QInputDialog.getText(
            self,
            "Correct line text",
            f"Line at {format_ms(self.model.lines[row].start_ms)} "
            "(the model's text is kept; this correction is stored as a review):",
            QLineEdit.EchoMode.Normal,
            old,
        )
        text = " ".join(str(text).split())
        if ok and text and text != " ".join(old.split()):
            self.text_edit_requested.emit(row, text)

    def _request_evidence(self, add: bool) -> None:
        rows = self.selected_lines()
        self.update_review_actions(rows)
        if not (self.act_add if add else self.act_remove).isEnabled():
            return
        todo = [r for r in rows if (r in self.model.marked) != add]
        if todo:
            self.evidence_edit_requested.emit(todo, add)

    def _review_action(self, key: QKeySequence | QKeySequence.StandardKey | str, slot: Any) -> QAction:
        act = QAction(self)
        act.setShortcut(QKeySequence(key))
        act.setShortcutContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )  # only while the script has focus
        act.triggered.connect(lambda _checked=False: slot())
        act.setEnabled(False)
        self.view.addAction(act)
        return act

    def _show_context_menu(self, pos: Any) -> None:
        index = self.view.indexAt(pos)
        if index.isValid() and not self.view.selectionModel().isSelected(index):
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        if not self.selected_lines():
            return
        menu = self.context_menu()
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # ------------------------------------------------------------------ internals
    def _follow(self, row: int) -> None:
        index = self.model.index(row)
        rect = self.view.visualRect(index)
        vp = self.view.viewport().rect()
        if vp.contains(rect) and rect.bottom() < vp.bottom() - vp.height() // 4:
            return  # comfortably visible: do not move the text under the reader's eyes
        # keep two lines of context above the current one
        self.view.scrollTo(self.model.index(max(0, row - 2)), QAbstractItemView.ScrollHint.PositionAtTop)

    def _on_clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = index.row()
        self.line_clicked.emit(row)
        self.seek_requested.emit(self.model.lines[row].start_ms)

    def changeEvent(self, ev: Any) -> None:  # noqa: N802 (Qt name)
        from PySide6.QtCore import QEvent

        if ev.type() == QEvent.Type.FontChange and hasattr(self, "delegate"):
            self.delegate.refresh_fonts()
        super().changeEvent(ev)
