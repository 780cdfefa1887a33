"""The library's item model: creators → videos for a `QTreeView`, read in set-based queries.

Qt core/gui only (no widgets), so it can be tested and measured on its own. Everything the
view shows is computed in `data()` from plain rows (the dicts `Project.videos()` returns, one
query for all videos) and from cached (text, tooltip) pairs of top values, which are read for a
whole creator at once when its children are first fetched (`canFetchMore` / `fetchMore`), or
for every video in one query when the panel asks for all of them (a small project opens
expanded). No Qt object is made per row and no query is made per row.

Two levels: a creator row (internal id 0) and its video rows (internal id = creator index + 1).
Filters and searches give the model the set of video ids to show; a change of that set is one
model reset (cheap: a few list comprehensions over ids), never thousands of row removals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from valuedesk.project.store import Project, ProjectError, video_fs_path
from valuedesk.review import LabelCell, label_table
from valuedesk.script import format_ms

ROLE = Qt.ItemDataRole.UserRole  # ("creator", name) or ("video", video id)
COLUMNS = ("Video", "Status", "Length", "Top values")
UNKNOWN_CREATOR = "Unknown creator"
STATUS_KINDS = ("done", "queued", "analyzing", "failed", "interrupted", "cancelled")
IN_LIST_MAX = 5_000  # more ids than this: read every video's labels in one query rather than an IN list

TopValues = Callable[[dict[str, LabelCell]], tuple[str, str]]  # one video's cells -> (text, tooltip)
Index = QModelIndex | QPersistentModelIndex

# the roles as plain ints: data() is called for every painted cell and role, so it compares fast
_ROLE = int(ROLE)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_TEXT_ROLES = (_DISPLAY, _ACCESSIBLE)
_ROLES = frozenset((_ROLE, _DISPLAY, _TOOLTIP, _FOREGROUND, _FONT, _ACCESSIBLE))  # the others: None at once
_CREATOR_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_VIDEO_FLAGS = _CREATOR_FLAGS | Qt.ItemFlag.ItemNeverHasChildren


def status_word(video: dict[str, Any]) -> str:
    """The stored status as the project reports it (dead claims already read as 'interrupted')."""
    return str(video.get("status") or "queued")


def video_title(video: dict[str, Any]) -> str:
    return str(video.get("title") or video.get("file_name") or f"video {video['id']}")


def creator_name(video: dict[str, Any]) -> str:
    return str(video.get("creator") or UNKNOWN_CREATOR)


class LibraryModel(QAbstractItemModel):
    """Creators (with their shown videos' count) → videos (title, status, length, top values)."""

    def __init__(
        self, top_values: TopValues, status_colors: Mapping[str, str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._top_values_of = top_values
        self._colors = {status: QColor(color) for status, color in status_colors.items()}
        self._bold: QFont | None = None
        self.project: Project | None = None
        # the project as last read: every video, whatever the filter
        self._order: list[int] = []  # video ids in the project's order
        self._names: list[str] = []  # creator index -> name
        self._creator_index: dict[str, int] = {}
        self._ids: list[list[int]] = []  # creator index -> its video ids
        self._rows: dict[int, dict[str, Any]] = {}  # video id -> row
        self._creator_of: dict[int, int] = {}  # video id -> creator index
        self._counts: Counter[str] = Counter()  # status -> videos
        self._longest = 0  # the longest duration (ms), for the width of the length column
        self._tops: dict[int, tuple[str, str]] = {}  # video id -> top values (text, tooltip), once read
        self._fetched: set[int] = set()  # creator indexes whose video rows have been fetched
        # what the view shows (rebuilt on every reset)
        self._shown: set[int] | None = None  # None: every video
        self._creator_rows: list[int] = []  # row -> creator index (creators with a shown video)
        self._row_of_creator: dict[int, int] = {}
        self._kids: dict[int, list[int]] = {}  # creator index -> shown video ids
        self._video_row: dict[int, int] = {}  # shown video id -> its row under its creator

    # ------------------------------------------------------------------ loading
    def load(
        self,
        project: Project | None,
        videos: list[dict[str, Any]],
        shown: set[int] | None = None,
        *,
        fetch: Collection[str] | None = (),
    ) -> None:
        """Take a fresh read of the project (`videos` as `Project.videos()` returned them): one reset.
        `fetch`: creators whose rows are made now (their top values in one query); None: all."""
        self.beginResetModel()
        self.project = project
        self._order = []
        self._names, self._creator_index, self._ids = [], {}, []
        self._rows, self._creator_of, self._tops, self._fetched = {}, {}, {}, set()
        for video in videos:
            vid = int(video["id"])
            name = creator_name(video)
            ci = self._creator_index.get(name)
            if ci is None:
                ci = self._creator_index[name] = len(self._names)
                self._names.append(name)
                self._ids.append([])
            self._ids[ci].append(vid)
            self._rows[vid] = video
            self._creator_of[vid] = ci
            self._order.append(vid)
        self._counts = Counter(status_word(v) for v in videos)
        self._longest = max((int(v.get("duration_ms") or 0) for v in videos), default=0)
        wanted = (
            range(len(self._names))
            if fetch is None
            else [self._creator_index[n] for n in fetch if n in self._creator_index]
        )
        self._read_tops(list(wanted), everything=fetch is None)
        self._fetched.update(wanted)
        self._shown = shown
        self._lay_out()
        self.endResetModel()

    def clear(self) -> None:
        self.load(None, [])

    def set_shown(self, shown: set[int] | None) -> None:
        """Show only these videos (None: all): one reset, the rows already read are kept."""
        self.beginResetModel()
        self._shown = None if shown is None else set(shown)
        self._lay_out()
        self.endResetModel()

    def _lay_out(self) -> None:
        shown = self._shown
        self._creator_rows, self._row_of_creator, self._kids, self._video_row = [], {}, {}, {}
        for ci, ids in enumerate(self._ids):
            kids = ids if shown is None else [vid for vid in ids if vid in shown]
            if not kids:
                continue
            self._row_of_creator[ci] = len(self._creator_rows)
            self._creator_rows.append(ci)
            self._kids[ci] = kids
            self._video_row.update(zip(kids, range(len(kids)), strict=True))

    def _read_tops(self, creators: list[int], *, everything: bool = False) -> None:
        """Top values of these creators' analysed videos, from one label-table query."""
        if self.project is None or not creators:
            return
        ids = [
            vid
            for ci in creators
            for vid in self._ids[ci]
            if self._rows[vid].get("current_run_id") is not None
        ]
        if not ids:
            return
        try:
            cells = label_table(self.project, None if everything or len(ids) > IN_LIST_MAX else ids)
        except ProjectError:
            cells = {}
        for vid in ids:
            self._tops[vid] = self._top_values_of(cells.get(vid, {}))

    def update_video(self, video: dict[str, Any], cells: dict[str, LabelCell] | None) -> bool:
        """One video's row as read again (its creator unchanged): dataChanged for its row and its
        creator's. `cells`: its label cells, or None when not read (its creator is not fetched: they
        are read when it is). False if the model does not know the video or its creator changed."""
        vid = int(video["id"])
        ci = self._creator_of.get(vid)
        if ci is None or self._names[ci] != creator_name(video):
            return False
        old = self._rows[vid]
        self._counts[status_word(old)] -= 1
        self._counts[status_word(video)] += 1
        self._longest = max(self._longest, int(video.get("duration_ms") or 0))
        self._rows[vid] = video
        if video.get("current_run_id") is None:
            self._tops[vid] = ("", "")
        elif cells is not None:
            self._tops[vid] = self._top_values_of(cells)
        else:
            self._tops.pop(vid, None)
        row = self._row_of_creator.get(ci)
        if row is not None:
            creator = self.index(row, 0)
            self.dataChanged.emit(creator, creator)
            kid = self._video_row.get(vid)
            if ci in self._fetched and kid is not None:
                self.dataChanged.emit(self.index(kid, 0, creator), self.index(kid, len(COLUMNS) - 1, creator))
        return True

    # ------------------------------------------------------------------ questions
    def has_video(self, video_id: int) -> bool:
        return video_id in self._rows

    def video(self, video_id: int) -> dict[str, Any] | None:
        return self._rows.get(video_id)

    def title(self, video_id: int) -> str:
        video = self._rows.get(video_id)
        return video_title(video) if video is not None else f"video {video_id}"

    def videos(self) -> list[dict[str, Any]]:
        """Every video row as last read (`update_video` keeps them current), in the project's order."""
        return [self._rows[vid] for vid in self._order]

    def video_count(self) -> int:
        return len(self._order)

    def status_counts(self) -> Counter[str]:
        return self._counts

    def widest_texts(self, column: int) -> list[str]:
        """The texts that decide a column's width (status, length), without visiting the rows."""
        if column == 1:
            return [s for s, n in self._counts.items() if n > 0]
        if column == 2:
            return [format_ms(self._longest)] if self._longest else []
        return []

    def creator_names(self) -> list[str]:
        return list(self._names)

    def creator_of(self, video_id: int) -> str | None:
        ci = self._creator_of.get(video_id)
        return None if ci is None else self._names[ci]

    def shown(self) -> set[int] | None:
        return self._shown

    def is_shown(self, video_id: int) -> bool:
        return video_id in self._video_row

    def shown_count(self) -> int:
        return len(self._video_row)

    def visible_ids(self) -> list[int]:
        """Every shown video, fetched or not, in the project's order."""
        return [vid for vid in self._order if vid in self._video_row]

    def shown_ids_of(self, creator: str) -> list[int]:
        ci = self._creator_index.get(creator)
        return list(self._kids.get(ci, [])) if ci is not None else []

    def is_fetched(self, creator: str) -> bool:
        return self._creator_index.get(creator) in self._fetched

    def creator_index(self, name: str) -> QModelIndex:
        """The creator's row (invalid when it does not exist or the filter hides all its videos)."""
        ci = self._creator_index.get(name)
        row = self._row_of_creator.get(ci) if ci is not None else None
        return self.index(row, 0) if row is not None else QModelIndex()

    def video_index(self, video_id: int, column: int = 0, *, fetch: bool = False) -> QModelIndex:
        """The video's row; invalid when hidden by the filter, or when its creator's rows are not
        fetched yet (unless `fetch`: then they are fetched now)."""
        ci = self._creator_of.get(video_id)
        kid = self._video_row.get(video_id)
        if ci is None or kid is None:
            return QModelIndex()
        parent = self.index(self._row_of_creator[ci], 0)
        if ci not in self._fetched:
            if not fetch:
                return QModelIndex()
            self.fetchMore(parent)
        return self.index(kid, column, parent)

    # ------------------------------------------------------------------ QAbstractItemModel
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not 0 <= column < len(COLUMNS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(self._creator_rows) else QModelIndex()
        if parent.internalId() != 0 or parent.column() != 0:
            return QModelIndex()
        ci = self._creator_rows[parent.row()]
        if ci not in self._fetched or row >= len(self._kids[ci]):
            return QModelIndex()
        return self.createIndex(row, column, ci + 1)

    def parent(self, index: Index | None = None) -> Any:
        if index is None:  # QObject.parent()
            return super().parent()
        iid = index.internalId()  # 0 for a creator row and for an invalid index
        if iid == 0:
            return QModelIndex()
        row = self._row_of_creator.get(iid - 1)
        return self.createIndex(row, 0, 0) if row is not None else QModelIndex()

    def sibling(self, row: int, column: int, index: Index) -> QModelIndex:
        """The view asks for every painted cell: one call instead of Qt's parent() + index()."""
        if not index.isValid() or not 0 <= column < len(COLUMNS) or row != index.row():
            return super().sibling(row, column, index)
        return self.createIndex(row, column, index.internalId())

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        if not parent.isValid():
            return len(self._creator_rows)
        if parent.internalId() != 0 or parent.column() != 0:
            return 0
        ci = self._creator_rows[parent.row()]
        return len(self._kids[ci]) if ci in self._fetched else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return len(COLUMNS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802 - Qt override
        if not parent.isValid():
            return bool(self._creator_rows)
        return parent.internalId() == 0 and parent.column() == 0  # a shown creator has a shown video

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802 - Qt override
        return (
            parent.isValid()
            and parent.internalId() == 0
            and parent.column() == 0
            and self._creator_rows[parent.row()] not in self._fetched
        )

    def fetchMore(self, parent: Index) -> None:  # noqa: N802 - Qt override
        """A creator's video rows, with their top values read in one query."""
        if not self.canFetchMore(parent):
            return
        ci = self._creator_rows[parent.row()]
        self._read_tops([ci])
        self.beginInsertRows(parent, 0, len(self._kids[ci]) - 1)
        self._fetched.add(ci)
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _CREATOR_FLAGS if index.internalId() == 0 else _VIDEO_FLAGS

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if role not in _ROLES or not index.isValid():  # a painted cell asks for 7 roles; we have 3
            return None
        role = int(role)
        iid = index.internalId()
        if iid == 0:
            return self._creator_data(self._creator_rows[index.row()], index.column(), role)
        return self._video_data(self._kids[iid - 1][index.row()], index.column(), role)

    def _creator_data(self, ci: int, column: int, role: int) -> Any:
        name = self._names[ci]
        if role == _ROLE:
            return ("creator", name)
        if column != 0:
            return None
        if role == _DISPLAY:
            return f"{name} ({len(self._kids[ci])})"
        if role == _FONT:
            if self._bold is None:
                self._bold = QFont()
                self._bold.setBold(True)
            return self._bold
        if role in (_TOOLTIP, _ACCESSIBLE):
            return self.creator_summary(name)
        return None

    def creator_summary(self, name: str) -> str:
        """'name: 12 videos · 10 analysed · 1 failed' (+ how many the filter shows)."""
        ci = self._creator_index.get(name)
        if ci is None:
            return name
        ids = self._ids[ci]
        counts = Counter(status_word(self._rows[vid]) for vid in ids)
        text = f"{name}: {len(ids)} video{'s' if len(ids) != 1 else ''} · {counts['done']} analysed"
        text += "".join(f" · {counts[s]} {s}" for s in STATUS_KINDS[1:] if counts[s])
        shown = len(self._kids.get(ci, ()))
        if self._shown is not None:
            text += f" ({shown} match the filter)"
        return text

    def _video_data(self, vid: int, column: int, role: int) -> Any:
        if role == _ROLE:
            return ("video", vid)
        video = self._rows[vid]
        if column == 0:
            if role in _TEXT_ROLES:
                return video_title(video)
            if role == _TOOLTIP:
                return f"{video_title(video)}\n{video_fs_path(video)}"
        elif column == 1:
            if role in _TEXT_ROLES:
                return status_word(video)
            if role == _TOOLTIP:
                return str(video.get("error") or status_word(video))
            if role == _FOREGROUND:  # no fixed colour: the text follows the palette (theme switches)
                return self._colors.get(status_word(video))
        elif column == 2:
            if role in _TEXT_ROLES:
                duration = int(video.get("duration_ms") or 0)
                return format_ms(duration) if duration else ""
        elif column == 3 and role in (_DISPLAY, _TOOLTIP, _ACCESSIBLE):
            text, tip = self._top(vid)
            return tip if role == _TOOLTIP else text
        return None

    def _top(self, vid: int) -> tuple[str, str]:
        if self._rows[vid].get("current_run_id") is None:
            return "", ""
        top = self._tops.get(vid)
        if top is None:  # its creator was fetched before a refresh dropped it: read that creator again
            self._read_tops([self._creator_of[vid]])
            top = self._tops.setdefault(vid, ("", ""))
        return top
