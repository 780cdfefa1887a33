"""The library pane: creators → videos with status, length and top values; search; filters; drops.

A `QTreeView` over `LibraryModel` (`library_model.py`): every video is read in one query, top
values a creator at a time (or all at once in a small project), and the rows are computed when
the view paints them, so a 10,000-video project opens, filters and searches without making a
Qt object per row. Everything is read through `Project` methods on the GUI's own connection.
Status changes from the analysis queue update one row in place (`dataChanged`); only new videos
rebuild the model, and a filter or search is one model reset, so a running batch never makes
the window stutter.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSplitter,
    QStyle,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from valuedesk.project.library_ops import search_with_videos
from valuedesk.project.store import Project, ProjectError, video_fs_path
from valuedesk.review import label_table, videos_with_label
from valuedesk.script import format_ms
from valuedesk.ui.library_model import (
    COLUMNS,
    ROLE,
    STATUS_KINDS,
    LibraryModel,
    creator_name,
    status_word,  # noqa: F401 - it lived here: still importable from here
)
from valuedesk.ui.radar import CONTRADICTED_COLOR, LABEL_SYMBOL
from valuedesk.values import BY_ID, VALUES, Label

# label filter choices: text -> labels that match (None = any non-absent label of the chosen value)
LABEL_FILTERS: tuple[tuple[str, tuple[int, ...] | None], ...] = (
    ("any label", None),
    ("dominant", (2,)),
    ("present or dominant", (1, 2)),
    ("present", (1,)),
    ("goes against", (-1,)),
    ("absent", (0,)),
)
SEARCH_LINES = 5_000  # lines read to find the first 200 in the videos the value filter shows
STATUS_COLORS = {
    "failed": CONTRADICTED_COLOR,
    "analyzing": "#2E86C1",
    "cancelled": "#B9770E",
    "interrupted": "#B9770E",
}


def top_values(project: Project, video_id: int, n: int = 3) -> tuple[str, str]:
    """(short text, tooltip): strongest endorsed values by score, then contradicted ones."""
    return top_values_of(label_table(project, [video_id]).get(video_id, {}), n)


def top_values_of(cells: dict[str, Any], n: int = 3) -> tuple[str, str]:
    """`top_values` from one video's label cells (the library reads all videos' cells in one query)."""
    if not cells:
        return "", ""
    eff = {k: c.effective for k, c in cells.items()}

    def score(k: str) -> float:
        return cells[k].score

    endorsed = sorted((k for k, lab in eff.items() if lab >= 1), key=lambda k: (-eff[k], -score(k)))
    contradicted = sorted((k for k, lab in eff.items() if lab == -1), key=lambda k: -score(k))
    parts = [f"{LABEL_SYMBOL[eff[k]]} {BY_ID[k].short}" for k in endorsed[:n]]
    parts += [f"{LABEL_SYMBOL[-1]} {BY_ID[k].short}" for k in contradicted[:2]]
    tip = "\n".join(f"{BY_ID[k].name}: {Label(eff[k]).phrase}" for k in endorsed + contradicted)
    return ", ".join(parts) or "no value found", tip or "no value found"


LAZY_FROM = 2000  # from this many videos the library opens with creators folded, rows fetched on expand


class LibraryPanel(QWidget):
    """Creators and their videos; emits what the user picked. Drop files or folders to import them."""

    video_selected = Signal(int)
    creator_selected = Signal(str)
    search_hit_activated = Signal(int, int, int)  # video_id, line index, start ms
    import_requested = Signal(list)  # paths dropped on the pane
    reanalyze_requested = Signal(list)  # video ids
    menu_requested = Signal(object, list)  # (the context QMenu being built, selected video ids): add to it
    search_changed = Signal(list)  # the terms of the search now on ([] when none): the script highlights them

    COLUMNS = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self._search_ids: set[int] | None = None  # while a search is on: the videos with a matching line
        self._expanded: dict[str, bool] = {}  # creator -> unfolded, kept over refreshes and filters
        self._hidden_pick: tuple[str, Any] | None = None  # the current row while a filter hides it
        self._quiet = False  # putting back the current row after a reset: no selection signals
        self.setAcceptDrops(True)
        self.setAccessibleName("Library")

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search scripts (speech, on-screen text, captions)…")
        self.search.setAccessibleName("Search scripts")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.run_search)

        self.value_filter = QComboBox(self)
        self.value_filter.addItem("All values", None)
        for v in VALUES:
            self.value_filter.addItem(v.name, v.id)
        self.label_filter = QComboBox(self)
        for text, labels in LABEL_FILTERS:
            self.label_filter.addItem(text, labels)
        self.value_filter.currentIndexChanged.connect(self._filters_changed)
        self.label_filter.currentIndexChanged.connect(self._filters_changed)
        self.value_filter.setToolTip("Show only videos where this value has the chosen label")
        self.label_filter.setToolTip("Label of the chosen value (reviewed label when there is one)")
        self.value_filter.setAccessibleName("Value filter")
        self.label_filter.setAccessibleName("Label filter")

        self.model = LibraryModel(top_values_of, STATUS_COLORS, self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Library: creators and their videos")
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        head = self.tree.header()
        head.setStretchLastSection(True)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 170)
        for col in (1, 2):  # fitted to their contents by _fit_columns (not by Qt visiting 1,000 rows)
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.expanded.connect(lambda index: self._remember_expanded(index, True))
        self.tree.collapsed.connect(lambda index: self._remember_expanded(index, False))
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)

        self.hits_label = QLabel(self)
        self.hits = QListWidget(self)
        self.hits.setAccessibleName("Search hits")
        self.hits.setWordWrap(True)
        self.hits.itemClicked.connect(self._hit_clicked)
        self.hits.itemActivated.connect(self._hit_clicked)
        hits_box = QWidget(self)
        hb = QVBoxLayout(hits_box)
        hb.setContentsMargins(0, 0, 0, 0)
        hb.addWidget(self.hits_label)
        hb.addWidget(self.hits, 1)
        self.hits_box = hits_box
        self.hits_box.hide()
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)

        filters = QHBoxLayout()
        filters.addWidget(self.value_filter, 2)
        filters.addWidget(self.label_filter, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.tree)
        split.addWidget(self.hits_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addWidget(self.summary)

    # ----------------------------------------------------------------- project
    def set_project(self, project: Project | None) -> None:
        self.project = project
        self._search_ids = None
        self._expanded.clear()
        self._hidden_pick = None
        with self._quietly():  # nothing of the last project is selected again in this one
            self.model.clear()
        self.search.clear()
        self.hits.clear()
        self.hits_box.hide()
        self.refresh()

    def refresh(self) -> None:
        """Read the project again (one query for the videos), keeping the selection and which
        creators are folded. A project of up to LAZY_FROM videos opens expanded (every video's
        top values in one query); a larger one folded, a creator's rows fetched when it is
        expanded or one of its videos is selected."""
        picked = self._picked()
        if self.project is None:
            with self._quietly():
                self.model.clear()
            self._expanded.clear()
            self.summary.setText("No project open.")
            return
        videos = self.project.videos()
        small = len(videos) < LAZY_FROM
        current = picked[0] if picked and picked[0][0] == "video" else None
        keep = next((v for v in videos if current is not None and int(v["id"]) == current[1]), None)
        keep_creator = creator_name(keep) if keep is not None else None
        was = self._expanded
        self._expanded = {
            name: was.get(name, small) or name == keep_creator
            for name in dict.fromkeys(creator_name(v) for v in videos)
        }
        unfolded = [name for name, on in self._expanded.items() if on]
        with self._quietly():
            self.model.load(self.project, videos, self._shown_ids(), fetch=None if small else unfolded)
            self._put_back(picked)
        self._show_summary()

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        was, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = was

    def _picked(self) -> list[tuple[str, Any]]:
        """The current row first, then the other selected rows, as (kind, id or name) to find again."""
        current = self._key(self.tree.currentIndex()) or self._hidden_pick
        rows = [key for i in self._selected_indexes() if (key := self._key(i)) is not None]
        return list(dict.fromkeys([current, *rows] if current else rows))

    def _key(self, index: QModelIndex) -> tuple[str, Any] | None:
        """("video", id) or ("creator", name) of a row (None: no row)."""
        return self.model.data(index, ROLE) if index.isValid() else None

    def _put_back(self, picked: list[tuple[str, Any]]) -> None:
        """After a reset: unfold the creators that were unfolded, select the rows that were selected."""
        for name, on in self._expanded.items():
            if on and (index := self.model.creator_index(name)).isValid():
                self.tree.setExpanded(index, True)
        self._hidden_pick = None
        if not picked:
            return
        found = [self._index_of(kind, key, fetch=n == 0) for n, (kind, key) in enumerate(picked[:LAZY_FROM])]
        if found[0].isValid():
            self.tree.setCurrentIndex(found[0])
        else:  # hidden by the filter: made current again when it shows again
            self._hidden_pick = picked[0]
        others = QItemSelection()
        for index in found[1:]:
            if index.isValid():
                others.select(index, index)
        if not others.isEmpty():  # one selection change, not one per row
            flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            self.tree.selectionModel().select(others, flags)

    def _index_of(self, kind: str, key: Any, *, fetch: bool = False) -> QModelIndex:
        if kind == "creator":
            return self.model.creator_index(str(key))
        return self.model.video_index(int(key), fetch=fetch)

    def _remember_expanded(self, index: QModelIndex, on: bool) -> None:
        """A creator folded or unfolded (by hand or by us): remembered; its rows fetched now, not
        only when the view next lays out (a hidden view never does)."""
        data = self._key(index)
        if data and data[0] == "creator":
            self._expanded[str(data[1])] = on
            if on and self.model.canFetchMore(index):
                self.model.fetchMore(index)

    def _apply_filter(self, shown: set[int] | None = None, *, read: bool = True) -> None:
        """Show the rows passing the value filter and the search: one model reset, not a rebuild."""
        if self.project is None:
            return
        picked = self._picked()
        with self._quietly():
            self.model.set_shown(self._shown_ids() if read else shown)
            self._put_back(picked)
        self._show_summary()

    def _fit_columns(self) -> None:
        """Status and length as wide as their widest text (as resizing to contents did), from what the
        model knows (the statuses present, the longest video), not by measuring every row."""
        option = QStyleOptionViewItem()
        self.tree.initViewItemOption(option)
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
        style, head = self.tree.style(), self.tree.header()

        def text_width(text: str) -> int:  # as the item delegate sizes a cell
            option.text = text
            return style.sizeFromContents(
                QStyle.ContentsType.CT_ItemViewItem, option, QSize(), self.tree
            ).width()

        for col in (1, 2):
            width = max([head.sectionSizeHint(col), *map(text_width, self.model.widest_texts(col))])
            if head.sectionSize(col) != width:
                head.resizeSection(col, width)

    def _show_summary(self) -> None:
        """The footer, from the statuses as stored now (called on every change, not only on rebuild)."""
        self._fit_columns()
        counts = self.model.status_counts()
        total = self.model.video_count()
        text = f"{total} videos · {counts['done']} analysed"
        text += "".join(f" · {counts[s]} {s}" for s in STATUS_KINDS[1:] if counts[s])
        if self.model.shown() is not None:
            text = f"{self.model.shown_count()} of {total} videos match the filter"
        self.summary.setText(text if total else "No videos yet: File ▸ Import files… or drop files here.")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """A theme switch: the rows are painted again from the new palette (no stale text colours:
        the model gives a colour only to the statuses that have one of their own)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.tree.viewport().update()
        elif event.type() == QEvent.Type.FontChange:
            self._fit_columns()

    def refresh_video(self, video_id: int) -> None:
        """One video's status/values changed: update its row in place (rebuild only if it is new or
        gone, or moved to another creator); the filter is applied again if it now passes or fails it."""
        if self.project is None:
            return
        if not self.model.has_video(video_id):
            self.refresh()
            return
        try:
            video = self.project.video(video_id)
            creator = self.model.creator_of(video_id)
            cells = None  # a folded creator's top values are read when it is fetched
            if (
                video.get("current_run_id") is not None
                and creator is not None
                and self.model.is_fetched(creator)
            ):
                cells = label_table(self.project, [video_id]).get(video_id, {})
        except ProjectError:
            self.refresh()
            return
        if not self.model.update_video(video, cells):
            self.refresh()
            return
        shown = self._shown_ids()  # its labels may now pass or fail the value filter
        if shown != self.model.shown():
            self._apply_filter(shown, read=False)
        else:
            self._show_summary()

    # ----------------------------------------------------------------- filters
    def _allowed_ids(self) -> set[int] | None:
        value_id = self.value_filter.currentData()
        if self.project is None or not value_id:
            return None
        return videos_with_label(self.project, value_id, self.label_filter.currentData() or (-1, 1, 2))

    def _shown_ids(self) -> set[int] | None:
        """The videos the tree shows: those passing the value/label filter and, while a search is on,
        having a matching line (both must match). None: all."""
        allowed = self._allowed_ids()
        if self._search_ids is None:
            return allowed
        return set(self._search_ids) if allowed is None else allowed & self._search_ids

    def set_filter(self, value_id: str | None, label: str = "any label") -> None:
        """Filter programmatically, e.g. set_filter("humility", "goes against") ("contradicted" works too)."""
        if label == "contradicted":
            label = "goes against"
        self.value_filter.blockSignals(True)
        self.value_filter.setCurrentIndex(max(0, self.value_filter.findData(value_id)) if value_id else 0)
        self.value_filter.blockSignals(False)
        self.label_filter.blockSignals(True)
        self.label_filter.setCurrentIndex(max(0, self.label_filter.findText(label)))
        self.label_filter.blockSignals(False)
        self._filters_changed()  # once, not once per combo box

    def _filters_changed(self) -> None:
        self.label_filter.setEnabled(self.value_filter.currentData() is not None)
        if self._search_ids is not None:
            self.run_search()  # the hits list follows the filter too
        else:
            self._apply_filter()

    def visible_video_ids(self) -> list[int]:
        return self.model.visible_ids()

    # ----------------------------------------------------------------- search
    def run_search(self) -> None:
        """Lines matching the search box, in videos passing the value filter; the tree shows only those videos."""
        self._search_timer.stop()
        text = self.search.text().strip()
        self.hits.clear()
        was_on = self._search_ids is not None
        if not text or self.project is None:
            self._search_ids = None
            self.hits_box.hide()
            if was_on:
                self._apply_filter()
            self.search_changed.emit([])
            return
        allowed = self._allowed_ids()
        limit = 200 if allowed is None else SEARCH_LINES
        try:
            found, self._search_ids = search_with_videos(self.project, text, limit)
        except ProjectError as exc:
            self.hits_label.setText(f"Search failed: {exc}")
            self.hits_box.show()
            return
        found = [hit for hit in found if allowed is None or hit.video_id in allowed][:200]
        self._apply_filter(self._search_ids if allowed is None else allowed & self._search_ids, read=False)
        self.search_changed.emit(text.split())
        self.hits.setUpdatesEnabled(False)
        for hit in found:
            snippet = hit.snippet.replace("[", "«").replace("]", "»")
            item = QListWidgetItem(
                f"{self.model.title(hit.video_id)} · {format_ms(hit.start_ms)} ({hit.kind})\n{snippet}"
            )
            item.setData(ROLE, (hit.video_id, hit.line_idx, hit.start_ms))
            item.setToolTip(hit.text)
            self.hits.addItem(item)
        self.hits.setUpdatesEnabled(True)
        many = "" if len(found) < 200 else " (first 200)"
        where = " in the videos the value filter shows" if allowed is not None else ""
        self.hits_label.setText(
            f"{len(found)} lines match “{text}”{where}{many}"
            if found
            else f"No script line matches “{text}”{where}."
        )
        self.hits_box.show()

    def hit_count(self) -> int:
        return self.hits.count()

    def activate_hit(self, row: int) -> None:
        self._hit_clicked(self.hits.item(row))

    def _hit_clicked(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        video_id, line_idx, start_ms = item.data(ROLE)
        self.select_video(int(video_id), emit=False)
        self.search_hit_activated.emit(int(video_id), int(line_idx), int(start_ms))

    # ----------------------------------------------------------------- selection
    def current_video_id(self) -> int | None:
        data = self._key(self.tree.currentIndex())
        return int(data[1]) if data and data[0] == "video" else None

    def _selected_indexes(self) -> list[QModelIndex]:
        """The selected rows (column 0) in the tree's order."""
        rows = self.tree.selectionModel().selectedRows(0)  # whole rows are selected (SelectRows)

        def where(index: QModelIndex) -> tuple[int, int]:
            parent = index.parent()
            return (parent.row(), index.row()) if parent.isValid() else (index.row(), -1)

        return sorted(rows, key=where)

    def selected_video_ids(self) -> list[int]:
        out: list[int] = []
        for index in self._selected_indexes():
            kind, key = self.model.data(index, ROLE)
            if kind == "video":
                out.append(int(key))
            else:  # a creator row: its shown videos, also those whose rows are not fetched yet
                out.extend(self.model.shown_ids_of(str(key)))
        return list(dict.fromkeys(out))  # a creator row and its videos both selected: each video once

    def selected_creator(self) -> str | None:
        """The creator when the selection is one creator row (and nothing else), else None."""
        rows = self._selected_indexes()
        data = self._key(rows[0]) if len(rows) == 1 else None
        return str(data[1]) if data and data[0] == "creator" else None

    def select_video(self, video_id: int, *, emit: bool = True) -> bool:
        """Make the video current (its creator's rows fetched and unfolded); False when the
        filter or search hides it or it is not in the project."""
        index = self.model.video_index(video_id, fetch=True)
        if not index.isValid():
            return False
        parent = index.parent()
        if not self.tree.isExpanded(parent):
            self.tree.setExpanded(parent, True)
        self._hidden_pick = None
        with self._quietly() if not emit else contextlib.nullcontext():
            self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        return True

    def select_creator(self, name: str) -> bool:
        index = self.model.creator_index(name)
        if index.isValid():
            self._hidden_pick = None
            self.tree.setCurrentIndex(index)
            return True
        if name not in self.model.creator_names():
            return False
        with self._quietly():  # the filter hides all its videos: chosen all the same
            self.tree.setCurrentIndex(QModelIndex())
        self._hidden_pick = ("creator", name)
        self.creator_selected.emit(name)
        return True

    def _current_changed(self, index: QModelIndex, _previous: QModelIndex) -> None:
        data = self._key(index)
        if not data or self._quiet:
            return
        self._hidden_pick = None
        if data[0] == "video":
            self.video_selected.emit(int(data[1]))
        else:
            self.creator_selected.emit(str(data[1]))

    def context_menu(self) -> QMenu | None:
        """The right-click menu for the selection (built fresh, not shown); `menu_requested` lets others add to it."""
        ids = self.selected_video_ids()
        if not ids or self.project is None:
            return None
        menu = QMenu(self)
        again = menu.addAction("Analyze again" if len(ids) == 1 else f"Analyze {len(ids)} videos again")
        again.triggered.connect(lambda: self.reanalyze_requested.emit(ids))
        if len(ids) == 1:
            folder = Path(video_fs_path(self.project.video(ids[0]))).parent
            show = menu.addAction("Show file in folder")
            show.setEnabled(folder.is_dir())
            show.triggered.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
        self.menu_requested.emit(menu, ids)
        return menu

    def _context_menu(self, pos: Any) -> None:
        menu = self.context_menu()
        if menu is not None:
            menu.exec(self.tree.viewport().mapToGlobal(pos))
            menu.deleteLater()

    # ----------------------------------------------------------------- drag and drop
    def dragEnterEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_requested.emit(paths)
