"""The library pane: creators → videos with status, length and top values; search; filters; drops.

Everything is read through `Project` methods on the GUI's own connection. Status changes from
the analysis queue update one row in place (cheap); only new videos or new filters rebuild the
tree, so a running batch never makes the window stutter.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices
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
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from valuedesk.project.library_ops import search_video_ids
from valuedesk.project.store import Project, ProjectError, video_fs_path
from valuedesk.review import label_table, videos_with_label
from valuedesk.script import format_ms
from valuedesk.ui.radar import CONTRADICTED_COLOR, LABEL_SYMBOL
from valuedesk.values import BY_ID, VALUES, Label

ROLE = Qt.ItemDataRole.UserRole
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


def status_word(video: dict[str, Any]) -> str:
    """The stored status as the project reports it (dead claims already read as 'interrupted')."""
    return str(video.get("status") or "queued")


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


LAZY_FROM = 2000  # from this many videos the library opens with creators folded, rows made on expand


class LibraryPanel(QWidget):
    """Creators and their videos; emits what the user picked. Drop files or folders to import them."""

    video_selected = Signal(int)
    creator_selected = Signal(str)
    search_hit_activated = Signal(int, int, int)  # video_id, line index, start ms
    import_requested = Signal(list)  # paths dropped on the pane
    reanalyze_requested = Signal(list)  # video ids
    menu_requested = Signal(object, list)  # (the context QMenu being built, selected video ids): add to it
    search_changed = Signal(list)  # the terms of the search now on ([] when none): the script highlights them

    COLUMNS = ("Video", "Status", "Length", "Top values")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self._items: dict[int, QTreeWidgetItem] = {}  # rows made so far (a creator's, on expand)
        self._creators: dict[str, QTreeWidgetItem] = {}
        self._titles: dict[int, str] = {}
        self._videos: dict[str, list[dict[str, Any]]] = {}  # creator -> video rows, all of them
        self._creator_of: dict[int, str] = {}
        self._search_ids: set[int] | None = None  # while a search is on: the videos with a matching line
        self.setAcceptDrops(True)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search scripts (speech, on-screen text, captions)…")
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

        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(len(self.COLUMNS))
        self.tree.setHeaderLabels(list(self.COLUMNS))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        head = self.tree.header()
        head.setStretchLastSection(True)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 170)
        for col in (1, 2):
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.itemExpanded.connect(self._expanded)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)

        self.hits_label = QLabel(self)
        self.hits = QListWidget(self)
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
        self.search.clear()
        self.hits.clear()
        self.hits_box.hide()
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the tree, keeping the selection and which creators are folded. Creator rows are
        made for all; a creator's video rows when it is expanded (all of them in a project of up to
        LAZY_FROM videos, which opens expanded), each creator's labels in one query."""
        keep = self.current_video_id()
        was = {name: item.isExpanded() for name, item in self._creators.items()}
        self.tree.blockSignals(True)
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        self._items.clear()
        self._creators.clear()
        self._titles.clear()
        self._videos.clear()
        self._creator_of.clear()
        if self.project is None:
            self.summary.setText("No project open.")
            self.tree.setUpdatesEnabled(True)
            self.tree.blockSignals(False)
            return
        videos = self.project.videos()
        for video in videos:
            vid = int(video["id"])
            creator = str(video.get("creator") or "Unknown creator")
            self._videos.setdefault(creator, []).append(video)
            self._creator_of[vid] = creator
            self._titles[vid] = str(video.get("title") or video.get("file_name") or f"video {vid}")
        for creator in self._videos:
            parent = QTreeWidgetItem([creator])
            parent.setData(0, ROLE, ("creator", creator))
            parent.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            self._creators[creator] = parent
        self.tree.addTopLevelItems(list(self._creators.values()))  # one insertion, not one per creator
        small = len(videos) < LAZY_FROM
        for name, parent in self._creators.items():
            if was.get(name, small) or (keep is not None and self._creator_of.get(keep) == name):
                self._populate(name)
                parent.setExpanded(True)
        self._apply_filter(videos)
        if keep is not None and keep in self._items and not self._items[keep].isHidden():
            self.tree.setCurrentItem(self._items[keep])
        self.tree.setUpdatesEnabled(True)
        self.tree.blockSignals(False)

    def _populate(self, creator: str) -> None:
        """Make a creator's video rows (once), with their labels read in one query."""
        parent = self._creators.get(creator)
        if parent is None or self.project is None or parent.childCount():
            return
        rows = self._videos.get(creator, [])
        cells = label_table(self.project, [int(v["id"]) for v in rows if v.get("current_run_id") is not None])
        allowed = self._shown_ids()
        for video in rows:
            vid = int(video["id"])
            item = QTreeWidgetItem(parent)
            item.setData(0, ROLE, ("video", vid))
            self._items[vid] = item
            self._fill(item, video, cells.get(vid, {}))
            item.setHidden(allowed is not None and vid not in allowed)

    def _expanded(self, item: QTreeWidgetItem) -> None:
        data = item.data(0, ROLE)
        if data and data[0] == "creator":
            self._populate(str(data[1]))

    def _item_for(self, video_id: int) -> QTreeWidgetItem | None:
        creator = self._creator_of.get(video_id)
        if creator is not None:
            self._populate(creator)
        return self._items.get(video_id)

    def _apply_filter(self, videos: list[dict[str, Any]] | None = None) -> None:
        """Show the rows passing the value filter and the search; hide the others (no rebuild)."""
        if self.project is None:
            return
        allowed = self._shown_ids()
        self.tree.setUpdatesEnabled(False)
        shown = 0
        for name, parent in self._creators.items():
            ids = [int(v["id"]) for v in self._videos.get(name, [])]
            visible = len(ids) if allowed is None else sum(1 for vid in ids if vid in allowed)
            for vid in ids:
                child = self._items.get(vid)
                hide = allowed is not None and vid not in allowed
                if child is not None and child.isHidden() != hide:
                    child.setHidden(hide)
            parent.setHidden(visible == 0)
            parent.setText(0, f"{name} ({visible})")
            shown += visible
        self.tree.setUpdatesEnabled(True)
        if videos is None:  # the rows as last read (refresh_video keeps them current): no 10,000-row query
            videos = [v for rows in self._videos.values() for v in rows]
        self._show_summary(videos, shown if allowed is not None else None)

    def _show_summary(self, videos: list[dict[str, Any]], shown: int | None = None) -> None:
        """The footer, from the statuses as stored now (called on every change, not only on rebuild)."""
        total = len(videos)
        kinds = ("done", "queued", "analyzing", "failed", "interrupted", "cancelled")
        counts = {s: sum(1 for v in videos if v["status"] == s) for s in kinds}
        text = f"{total} videos · {counts['done']} analysed"
        text += "".join(f" · {counts[s]} {s}" for s in kinds[1:] if counts[s])
        if shown is not None:
            text = f"{shown} of {total} videos match the filter"
        self.summary.setText(text if total else "No videos yet: File ▸ Import files… or drop files here.")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """A theme switch: every row is re-coloured from the new palette (no stale text colours)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.project is not None:
            with contextlib.suppress(ProjectError):
                cells = label_table(self.project)
                for video in self.project.videos():
                    item = self._items.get(int(video["id"]))
                    if item is not None:
                        self._fill(item, video, cells.get(int(video["id"]), {}))

    def refresh_video(self, video_id: int) -> None:
        """One video's status/values changed: update its row (rebuild only if it is new or gone)."""
        if self.project is None:
            return
        if video_id not in self._creator_of:
            self.refresh()
            return
        try:
            video = self.project.video(video_id)
        except ProjectError:
            self.refresh()
            return
        rows = self._videos.get(self._creator_of[video_id], [])
        rows[:] = [video if int(v["id"]) == video_id else v for v in rows]  # later-made rows see it too
        item = self._items.get(video_id)
        if item is not None:  # else its creator's rows are not made yet: nothing on screen to update
            self._fill(item, video)
        self._apply_filter()  # its labels may now pass or fail the value filter

    def _fill(
        self, item: QTreeWidgetItem, video: dict[str, Any], cells: dict[str, Any] | None = None
    ) -> None:
        assert self.project is not None
        vid = int(video["id"])
        title = str(video.get("title") or video.get("file_name") or f"video {vid}")
        self._titles[vid] = title
        item.setText(0, title)
        item.setToolTip(0, f"{title}\n{video_fs_path(video)}")
        status = status_word(video)
        item.setText(1, status)
        item.setToolTip(1, str(video.get("error") or status))
        color = STATUS_COLORS.get(status)
        if color:
            item.setForeground(1, QBrush(QColor(color)))
        else:  # no fixed brush: the text follows the palette, also after a theme switch
            item.setData(1, Qt.ItemDataRole.ForegroundRole, None)
        duration = int(video.get("duration_ms") or 0)
        item.setText(2, format_ms(duration) if duration else "")
        if video.get("current_run_id") is not None:
            text, tip = top_values_of(cells) if cells is not None else top_values(self.project, vid)
        else:
            text, tip = "", ""
        item.setText(3, text)
        item.setToolTip(3, tip)

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
        allowed = self._shown_ids()
        return [vid for vid in self._creator_of if allowed is None or vid in allowed]

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
        try:
            self._search_ids = search_video_ids(self.project, text)
            found = self.project.search(text, limit=200 if allowed is None else SEARCH_LINES)
        except ProjectError as exc:
            self.hits_label.setText(f"Search failed: {exc}")
            self.hits_box.show()
            return
        found = [hit for hit in found if allowed is None or hit.video_id in allowed][:200]
        self._apply_filter()
        self.search_changed.emit(text.split())
        for hit in found:
            title = self._titles.get(hit.video_id, f"video {hit.video_id}")
            snippet = hit.snippet.replace("[", "«").replace("]", "»")
            item = QListWidgetItem(f"{title} · {format_ms(hit.start_ms)} ({hit.kind})\n{snippet}")
            item.setData(ROLE, (hit.video_id, hit.line_idx, hit.start_ms))
            item.setToolTip(hit.text)
            self.hits.addItem(item)
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
        item = self.tree.currentItem()
        data = item.data(0, ROLE) if item is not None else None
        return int(data[1]) if data and data[0] == "video" else None

    def selected_video_ids(self) -> list[int]:
        out = []
        for item in self.tree.selectedItems():
            data = item.data(0, ROLE)
            if data and data[0] == "video":
                out.append(int(data[1]))
            elif data and data[0] == "creator":  # its shown videos, also those not made into rows yet
                allowed = self._shown_ids()
                out.extend(
                    int(v["id"])
                    for v in self._videos.get(str(data[1]), [])
                    if allowed is None or int(v["id"]) in allowed
                )
        return list(dict.fromkeys(out))  # a creator row and its videos both selected: each video once

    def select_video(self, video_id: int, *, emit: bool = True) -> bool:
        item = self._item_for(video_id)
        if item is None or item.isHidden():
            return False
        parent = item.parent()
        if parent is not None and not parent.isExpanded():
            parent.setExpanded(True)
        self.tree.blockSignals(not emit)
        self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        self.tree.scrollToItem(item)
        return True

    def select_creator(self, name: str) -> bool:
        item = self._creators.get(name)
        if item is None:
            return False
        self.tree.setCurrentItem(item)
        return True

    def _current_changed(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        data = item.data(0, ROLE) if item is not None else None
        if not data:
            return
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
