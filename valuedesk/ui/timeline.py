"""The timed script beside the player: time, kind tag, speaker and wrapped text per line.

A model + QListView + painting delegate (not thousands of item widgets), because scripts of long
videos have thousands of lines and `set_time` runs ~20×/s from the player: it is a binary search
over start times and touches the view only when the current line changes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

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
            return f"{format_ms(ln.start_ms)}  [{KIND_TAGS[ln.kind][0]}]  {who}{ln.text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{format_ms(ln.start_ms)}–{format_ms(ln.end_ms)} · {KIND_TAGS[ln.kind][0]}\n{ln.text}"
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
            br = fm.boundingRect(QRect(0, 0, self._text_w(width), 100_000), Qt.TextFlag.TextWordWrap, ln.text)
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
        p.drawText(QRect(r.left() + 8, top, self.time_w, line_h), Qt.AlignmentFlag.AlignVCenter,
                   format_ms(ln.start_ms))
        tag, color = KIND_TAGS.get(ln.kind, (ln.kind, "#777777"))
        sfm = QFontMetrics(self.small)
        tag_rect = QRectF(r.left() + 4 + self.time_w, top + (line_h - sfm.height() - 2) / 2,
                          sfm.horizontalAdvance(tag) + 8, sfm.height() + 2)
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
            p.drawText(sp, Qt.AlignmentFlag.AlignVCenter,
                       QFontMetrics(self.bold).elidedText(ln.speaker.upper(), Qt.TextElideMode.ElideRight, sp.width()))
        text_font = QFont(self.font)
        text_font.setItalic(ln.kind in ("scene", "sound"))
        p.setFont(text_font)
        p.setPen(fg)
        tr = QRect(r.left() + self.text_x(), top, self._text_w(r.width()), r.height() - 2 * self.PAD)
        p.drawText(tr, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, ln.text)
        p.restore()


class ScriptTimeline(QWidget):
    """Scrollable timed script; follows playback and emits seeks on click."""

    seek_requested = Signal(int)
    line_clicked = Signal(int)

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
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
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
            self.model.dataChanged.emit(self.model.index(0), self.model.index(len(self.model.lines) - 1),
                                        [MARK_ROLE])

    def marked_lines(self) -> set[int]:
        return set(self.model.marked)

    def highlight_line(self, idx: int) -> None:
        """Select a line and, when it is off screen, bring it to the middle (evidence, search); emits nothing."""
        if not 0 <= idx < len(self.model.lines):
            return
        index = self.model.index(idx)
        self.view.setCurrentIndex(index)
        rect = self.view.visualRect(index)
        if not self.view.viewport().rect().contains(rect):  # a line just clicked stays where it is
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def is_line_visible(self, idx: int) -> bool:
        rect = self.view.visualRect(self.model.index(idx))
        return rect.isValid() and self.view.viewport().rect().intersects(rect)

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
