"""Library management: remove videos, edit titles and creators, merge creators, relink moved files.

Each operation is one `Project.transaction()` that reads what it changes inside the transaction
(another program may be writing the same file). Media files are never touched: removing a video
deletes its rows (runs, script lines, words, scores, evidence, thumbnails, reviews) only.
Creators left without videos by an operation are removed with it.

Qt-free, and below `valuedesk.media` in the import layers: relinking takes the hash function as
an argument (the GUI passes `valuedesk.media.probe.sha256_file`); the default computes the same
SHA-256 in 1 MiB chunks.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from valuedesk.project import claims
from valuedesk.project.connection import connect, explain
from valuedesk.project.records import SearchHit
from valuedesk.project.store import Project, ProjectError, canonical_path, inserted_id, now_iso, video_fs_path

# The file suffixes ValueDesk treats as media (folder imports, relinking); the pipeline reads this set.
MEDIA_SUFFIXES = frozenset(
    {
        ".mp4",
        ".mov",
        ".m4v",
        ".mkv",
        ".webm",
        ".avi",
        ".m4a",
        ".mp3",
        ".wav",
        ".ogg",
        ".opus",
        ".flac",
        ".aac",
        ".3gp",
        ".ts",
        ".mpg",
        ".mpeg",
        ".wmv",
        ".flv",
    }
)
UNKNOWN_CREATOR = "Unknown creator"
BUSY = ("queued", "analyzing")

__all__ = [
    "MEDIA_SUFFIXES",
    "RelinkResult",
    "RemoveResult",
    "UNKNOWN_CREATOR",
    "creator_names",
    "file_exists",
    "merge_creators",
    "missing_videos",
    "relink_moved",
    "remove_videos",
    "rename_creator",
    "search_video_ids",
    "set_creator",
    "set_title",
]


@dataclass(frozen=True)
class RemoveResult:
    removed: list[int] = field(default_factory=list)
    busy: list[int] = field(default_factory=list)  # queued or being analysed right now: left alone
    creators_removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RelinkResult:
    relinked: dict[int, str] = field(default_factory=dict)  # video id -> its new path
    missing: list[int] = field(default_factory=list)  # videos still without a file after the search
    scanned: int = 0  # media files looked at in the folder
    errors: list[str] = field(default_factory=list)  # files that could not be read


# --------------------------------------------------------------------------- helpers


def _clean(text: str) -> str:
    """One line of text safe for SQLite (undecodable bytes become U+FFFD, runs of spaces one space)."""
    return " ".join(text.encode("utf-8", "surrogateescape").decode("utf-8", "replace").split())


def _creator_row(db: Any, name: str) -> tuple[int, str] | None:
    """The creator with this exact name, else the only one with this name ignoring case."""
    row = db.execute("SELECT id, name FROM creators WHERE name = ?", [name]).fetchone()
    if row is None:
        rows = db.execute("SELECT id, name FROM creators WHERE name = ? COLLATE NOCASE", [name]).fetchall()
        row = rows[0] if len(rows) == 1 else None
    return (int(row[0]), str(row[1])) if row else None


def _drop_empty_creators(db: Any, creator_ids: Iterable[int | None]) -> list[str]:
    dropped = []
    for cid in sorted({c for c in creator_ids if c is not None}):
        row = db.execute(
            "SELECT name FROM creators c WHERE id = ? AND NOT EXISTS "
            "(SELECT 1 FROM videos v WHERE v.creator_id = c.id)",
            [cid],
        ).fetchone()
        if row:
            db.execute("DELETE FROM creators WHERE id = ?", [cid])
            dropped.append(str(row[0]))
    return dropped


def _existing_ids(db: Any, video_ids: Iterable[int]) -> list[int]:
    ids = sorted({int(v) for v in video_ids})
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return [int(r[0]) for r in db.execute(f"SELECT id FROM videos WHERE id IN ({marks}) ORDER BY id", ids)]


def creator_names(project: Project) -> list[str]:
    """All creators' names, sorted ignoring case."""
    return [str(r[0]) for r in project.db.execute("SELECT name FROM creators ORDER BY name COLLATE NOCASE")]


# --------------------------------------------------------------------------- removing


def remove_videos(project: Project, video_ids: Iterable[int]) -> RemoveResult:
    """Delete videos and everything stored about them, in one transaction; files stay on disk.

    Videos another job has queued or is analysing (a live claim) are left alone and reported in
    `busy`: cancel them first. Ids not (or no longer) in the project are ignored.
    """
    with project.transaction() as db:
        removed, busy, creators = [], [], set()
        for vid in _existing_ids(db, video_ids):
            status, claim, creator_id = db.execute(
                "SELECT status, claimed_by, creator_id FROM videos WHERE id = ?", [vid]
            ).fetchone()
            if claims.live_status(str(status), claim) in BUSY:
                busy.append(vid)
                continue
            runs = "(SELECT id FROM runs WHERE video_id = ?)"
            for table in ("words", "thumbnails"):
                db.execute(f"DELETE FROM {table} WHERE run_id IN {runs}", [vid])
            for table in ("evidence", "value_scores"):
                db.execute(f"DELETE FROM {table} WHERE video_id = ? OR run_id IN {runs}", [vid, vid])
            # script_lines' FTS index follows through its triggers
            db.execute(f"DELETE FROM script_lines WHERE video_id = ? OR run_id IN {runs}", [vid, vid])
            db.execute("DELETE FROM reviews WHERE video_id = ?", [vid])
            db.execute("DELETE FROM runs WHERE video_id = ?", [vid])
            db.execute("DELETE FROM videos WHERE id = ?", [vid])
            removed.append(vid)
            creators.add(creator_id)
        dropped = _drop_empty_creators(db, creators)
    return RemoveResult(removed, busy, dropped)


# --------------------------------------------------------------------------- titles and creators


def set_title(project: Project, video_id: int, title: str) -> str:
    """Give a video a new title (one line; empty is refused). Returns the stored title."""
    title = _clean(title)
    if not title:
        raise ValueError("a title needs some text")
    with project.transaction() as db:
        if not _existing_ids(db, [video_id]):
            raise ProjectError(f"{project.path}: no video with id {video_id}")
        db.execute("UPDATE videos SET title = ?, updated_at = ? WHERE id = ?", [title, now_iso(), video_id])
    return title


def set_creator(project: Project, video_ids: Iterable[int], name: str) -> tuple[str, list[str]]:
    """Move videos to the creator with this name (same name ignoring case counts), creating it if new.

    Returns (the creator's stored name, creators removed because no video was left with them).
    """
    name = _clean(name)
    if not name:
        raise ValueError("a creator needs a name")
    with project.transaction() as db:
        ids = _existing_ids(db, video_ids)
        if not ids:
            raise ProjectError(f"{project.path}: none of these videos is in the project")
        found = _creator_row(db, name)
        if found is None:
            target = inserted_id(
                db.table("creators").insert({"name": name, "platform": "", "meta_json": "{}"})
            )
        else:
            target, name = found
        marks = ",".join("?" * len(ids))
        old = [r[0] for r in db.execute(f"SELECT DISTINCT creator_id FROM videos WHERE id IN ({marks})", ids)]
        db.execute(
            f"UPDATE videos SET creator_id = ?, updated_at = ? WHERE id IN ({marks})",
            [target, now_iso(), *ids],
        )
        dropped = _drop_empty_creators(db, [c for c in old if c != target])
    return name, dropped


def merge_creators(project: Project, source: str, target: str) -> int:
    """Move all of `source`'s videos to `target` and remove `source`. Returns how many videos moved."""
    with project.transaction() as db:
        src = db.execute("SELECT id, platform, meta_json FROM creators WHERE name = ?", [source]).fetchone()
        dst = db.execute("SELECT id, platform, meta_json FROM creators WHERE name = ?", [target]).fetchone()
        if src is None or dst is None:
            raise ProjectError(f"{project.path}: no creator named {source if src is None else target!r}")
        if src[0] == dst[0]:
            return 0
        moved = db.execute(
            "UPDATE videos SET creator_id = ?, updated_at = ? WHERE creator_id = ?",
            [dst[0], now_iso(), src[0]],
        ).rowcount
        if not dst[1] and src[1]:  # keep what is known about the creator
            db.execute("UPDATE creators SET platform = ? WHERE id = ?", [src[1], dst[0]])
        if _meta(dst[2]) == {} and _meta(src[2]):
            db.execute("UPDATE creators SET meta_json = ? WHERE id = ?", [src[2], dst[0]])
        db.execute("DELETE FROM creators WHERE id = ?", [src[0]])
    return int(moved)


def rename_creator(project: Project, old: str, new: str) -> tuple[str, bool]:
    """Rename a creator; a name another creator already has (ignoring case) merges into that one.

    Returns (the creator's name now, True when it was a merge).
    """
    new = _clean(new)
    if not new:
        raise ValueError("a creator needs a name")
    with project.transaction() as db:
        src = db.execute("SELECT id FROM creators WHERE name = ?", [old]).fetchone()
        if src is None:
            raise ProjectError(f"{project.path}: no creator named {old!r}")
        other = _creator_row(db, new)
        if other is not None and other[0] != src[0]:
            merge_creators(project, old, other[1])  # a savepoint inside this transaction
            return other[1], True
        db.execute("UPDATE creators SET name = ? WHERE id = ?", [new, src[0]])
    return new, False


def _meta(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# --------------------------------------------------------------------------- relinking


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def file_exists(row: dict[str, Any]) -> bool:
    """Whether a video row's file is where the project says."""
    try:
        return os.path.isfile(video_fs_path(row))
    except (OSError, ValueError):
        return False


def missing_videos(project: Project) -> list[dict[str, Any]]:
    """Video rows whose stored file is not there any more."""
    return [v for v in project.videos() if not file_exists(v)]


def relink_moved(
    project: Project, folder: str | os.PathLike[str], *, hash_file: Callable[[Path], str] | None = None
) -> RelinkResult:
    """Find moved files: media under `folder` whose SHA-256 is that of a video whose file is gone.

    Only files of a size some missing video has are hashed (size_bytes when the row knows it).
    A found file already registered as another video is not taken. Rows are updated in one
    transaction that first re-reads them (the path must still be missing, the hash unchanged).
    """
    hash_file = hash_file or _sha256
    root = Path(folder)
    if not root.is_dir():
        raise ProjectError(f"{root}: not a folder")
    wanted = {v["id"]: v for v in missing_videos(project) if v.get("sha256")}
    if not wanted:
        return RelinkResult(missing=[])
    sizes = {int(v["size_bytes"]) for v in wanted.values() if v.get("size_bytes")}
    any_size = any(not v.get("size_bytes") for v in wanted.values())
    by_sha: dict[str, list[Path]] = {}
    errors: list[str] = []
    scanned = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in sorted(files):
            path = Path(dirpath) / name
            if path.suffix.lower() not in MEDIA_SUFFIXES:
                continue
            scanned += 1
            try:
                if not path.is_file() or (not any_size and path.stat().st_size not in sizes):
                    continue
                digest = hash_file(path)
            except Exception as exc:  # noqa: BLE001 (one unreadable file must not stop the search)
                errors.append(f"{os.fsencode(path).decode('utf-8', 'replace')}: {exc}")
                continue
            by_sha.setdefault(digest, []).append(path)
    relinked: dict[int, str] = {}
    with project.transaction() as db:
        taken = {
            r[0] if isinstance(r[0], bytes) else os.fsencode(str(r[0]))
            for r in db.execute("SELECT path_raw FROM videos WHERE path_raw IS NOT NULL")
        }
        for vid in sorted(wanted):
            rows = list(db.query("SELECT * FROM videos WHERE id = ?", [vid]))
            if not rows or file_exists(rows[0]) or not rows[0].get("sha256"):
                continue
            row = rows[0]
            candidates = [p for p in by_sha.get(str(row["sha256"]), []) if canonical_path(p) not in taken]
            if not candidates:
                continue
            candidates.sort(key=lambda p: p.name != row.get("file_name"))  # the same name first
            raw = canonical_path(candidates[0])
            shown = raw.decode("utf-8", "replace")
            db.execute(
                "UPDATE videos SET path = ?, path_raw = ?, file_name = ?, updated_at = ? WHERE id = ?",
                [shown, raw, Path(shown).name, now_iso(), vid],
            )
            taken.add(raw)
            relinked[vid] = shown
    still = sorted(v for v in wanted if v not in relinked)
    return RelinkResult(relinked, still, scanned, errors)


# --------------------------------------------------------------------------- search


def _match_expression(query: str) -> str | None:
    terms = [t for t in query.replace('"', " ").replace("\x00", " ").split() if t]
    if not terms:
        return None
    return " ".join(f'"{t}"*' if i == len(terms) - 1 else f'"{t}"' for i, t in enumerate(terms))


_VIDEO_IDS_SQL = (
    "SELECT DISTINCT s.video_id FROM script_lines_fts JOIN script_lines s ON s.rowid = script_lines_fts.rowid "
    "JOIN videos v ON v.id = s.video_id AND v.current_run_id = s.run_id WHERE script_lines_fts MATCH ?"
)


def search_video_ids(project: Project, query: str) -> set[int]:
    """Videos with a current script line matching `query`, as `Project.search` matches it (all of them,
    not only the videos of its first hits; no snippets are made, so a common word stays cheap)."""
    match = _match_expression(query)
    if match is None:
        return set()
    try:
        rows = project.db.execute(_VIDEO_IDS_SQL, [match]).fetchall()
    except sqlite3.Error as exc:
        raise explain(project.path, exc) from exc
    return {int(r[0]) for r in rows}


def _video_ids_apart(path: Path, match: str) -> set[int]:
    conn = connect(path, readonly=True)
    try:
        return {int(r[0]) for r in conn.execute(_VIDEO_IDS_SQL, [match]).fetchall()}
    finally:
        conn.close()


def search_with_videos(project: Project, query: str, limit: int = 200) -> tuple[list[SearchHit], set[int]]:
    """`Project.search`'s ranked hits and `search_video_ids` together, the two queries at once.

    The ranked hits (bm25 over every match) and the set of matching videos each cost tens of
    milliseconds on a 10,000-video project; SQLite runs without Python's lock, so the second runs on
    its own read-only connection in a thread while this one ranks. Fewer hits than `limit` already
    name every matching video and the second query's answer is not needed.
    """
    match = _match_expression(query)
    if match is None:
        return [], set()
    with ThreadPoolExecutor(max_workers=1) as pool:
        apart = pool.submit(_video_ids_apart, project.path, match)
        hits = project.search(query, limit=limit)
        try:
            ids = apart.result()
        except sqlite3.Error:  # the file cannot take a second connection: ask on this one
            ids = search_video_ids(project, query) if len(hits) >= limit else set()
    if len(hits) < limit:
        ids = {h.video_id for h in hits}
    return hits, ids


# --------------------------------------------------------------------------- notes
