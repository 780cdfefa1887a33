"""The project file: one SQLite database (WAL) holding videos, scripts, value scores and reviews.

All writes go through `Project`, each logical change in one transaction, so a crash or a kill
mid-analysis leaves the file as it was before that video started.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from valuedesk.project import claims
from valuedesk.project.connection import (
    BUSY_TIMEOUT_S,
    LOCK_WAIT_S,
    ProjectError,
    connect,
    immediate,
    is_read_only,
)
from valuedesk.project.connection import explain as _explain
from valuedesk.project.records import AnalysisRecord, SearchHit
from valuedesk.project.schema import MIGRATIONS, SCHEMA_VERSION
from valuedesk.script import ScriptLine, Word

# 'interrupted': a run that did not finish (killed, crashed, disk full); the previous run, if any,
# stays current. Readers also see it for a 'queued'/'analyzing' row whose claim is dead.
STATUSES = ("queued", "analyzing", "done", "failed", "interrupted", "cancelled")
__all__ = [
    "BUSY_TIMEOUT_S",
    "STATUSES",
    "Project",
    "ProjectError",
    "canonical_path",
    "inserted_id",
    "now_iso",
    "video_fs_path",
]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def inserted_id(table: sqlite_utils.db.Table) -> int:
    """The integer primary key of the row that `table.insert(...)` just wrote."""
    pk = table.last_pk
    assert pk is not None, f"{table.name}: insert wrote no row"
    return int(pk)


def canonical_path(path: str | bytes | os.PathLike[str]) -> bytes:
    """The one stored form of a file's path: absolute, links and '..' resolved, exact bytes."""
    return os.fsencode(os.path.realpath(os.fsencode(path)))


class Project:
    """A ValueDesk project file. Use `Project.open(path)` as a context manager."""

    def __init__(
        self, path: Path, conn: sqlite3.Connection, readonly: bool, lock_wait_s: float = LOCK_WAIT_S
    ) -> None:
        self.path = path
        self.readonly = readonly
        self.lock_wait_s = lock_wait_s
        self.db = sqlite_utils.Database(conn)

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        readonly: bool = False,
        create: bool = True,
        lock_wait_s: float | None = None,
    ) -> Project:
        """Open (or create) a project; `lock_wait_s` (default: $VALUEDESK_LOCK_WAIT_S, else 30) bounds how
        long a write waits for another writer."""
        if lock_wait_s is None:
            try:
                lock_wait_s = float(os.environ.get("VALUEDESK_LOCK_WAIT_S", LOCK_WAIT_S))
            except ValueError:
                lock_wait_s = LOCK_WAIT_S
        p = Path(path)
        exists = p.exists()
        if not exists and (readonly or not create):
            raise ProjectError(f"{p}: no such project file")
        if exists and p.is_dir():
            raise ProjectError(f"{p}: is a folder, not a project file")
        if exists and p.stat().st_size == 0 and readonly:
            raise ProjectError(f"{p}: empty file, not a ValueDesk project")
        if exists and p.stat().st_size > 0 and _header(p) != SQLITE_HEADER:
            # SQLite would treat a short file as empty and write a new database over it.
            raise ProjectError(f"{p}: not a ValueDesk project or the file is damaged (no SQLite header)")
        if not readonly and is_read_only(p):
            raise ProjectError(
                f"{p}: the project file is read-only; open it for viewing or copy it somewhere writable"
            )
        if not exists and not p.parent.exists():
            raise ProjectError(f"{p}: folder {p.parent} does not exist")
        try:
            conn = connect(p, readonly=readonly, lock_wait_s=lock_wait_s)
            project = cls(p, conn, readonly, lock_wait_s)
            project._prepare(new=not exists)
        except sqlite3.Error as exc:
            raise _explain(p, exc) from exc
        return project

    def _prepare(self, *, new: bool) -> None:
        conn = self.db.conn
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = self.db.table_names()
        if not new and version == 0 and tables:
            raise ProjectError(f"{self.path}: an SQLite file, but not a ValueDesk project")
        if version > SCHEMA_VERSION:
            raise ProjectError(
                f"{self.path}: made by a newer ValueDesk (schema {version} > {SCHEMA_VERSION}); update ValueDesk"
            )
        if needs_quick_check(self.path):
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise ProjectError(f"{self.path}: the project file is damaged ({check})")
        if self.readonly:
            if version < SCHEMA_VERSION:
                raise ProjectError(
                    f"{self.path}: older project (schema {version}); open it writable once to upgrade"
                )
            return
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        if version < SCHEMA_VERSION:
            with self.transaction():  # another program may be upgrading the same file: re-read inside
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                for number in range(version, SCHEMA_VERSION):
                    MIGRATIONS[number](self.db)
                    conn.execute(f"PRAGMA user_version={number + 1}")

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One atomic write holding the writer lock from its start; errors become ProjectError naming the file."""
        if self.readonly:
            raise ProjectError(f"{self.path}: opened read-only; cannot change it")
        with immediate(self.db.conn, self.path, self.lock_wait_s):
            yield self.db

    def integrity_check(self) -> str:
        return str(self.db.conn.execute("PRAGMA integrity_check").fetchone()[0])

    # ----------------------------------------------------------------- writes
    def creator_id(self, name: str, platform: str = "") -> int:
        name = name.strip() or "Unknown creator"
        with self.transaction() as db:  # read inside: another writer may add the same creator meanwhile
            row = db.execute("SELECT id FROM creators WHERE name = ?", [name]).fetchone()
            if row:
                return int(row[0])
            return inserted_id(
                db.table("creators").insert({"name": name, "platform": platform, "meta_json": "{}"})
            )

    def add_video(
        self,
        path: str | bytes | os.PathLike[str],
        *,
        sha256: str,
        size_bytes: int,
        creator: str,
        title: str = "",
        description: str = "",
        upload_date: str = "",
        meta: dict[str, Any] | None = None,
        claim: str | None = None,
    ) -> int:
        """Register a file (or refresh the row that has this file); status becomes 'queued'.

        Paths are stored canonical (`canonical_path`), so one file has one row however it was
        named. `path` keeps a readable form (undecodable bytes replaced) and `path_raw` the exact
        bytes, so files with non-UTF-8 names still open. `claim` (see `claims`) says who queued it.
        """
        raw = canonical_path(path)
        shown = raw.decode("utf-8", "replace")
        title, description, creator = _text(title), _text(description), _text(creator)
        row = {
            "path": shown,
            "path_raw": raw,
            "file_name": Path(shown).name,
            "sha256": sha256,
            "size_bytes": size_bytes,
            "title": title or Path(shown).stem,
            "description": description,
            "upload_date": upload_date,
            "meta_json": json.dumps(meta or {}, ensure_ascii=False),
            "status": "queued",
            "error": "",
            "updated_at": now_iso(),
            "claimed_by": claim,
        }
        with self.transaction() as db:
            row["creator_id"] = self.creator_id(creator)
            existing = db.execute("SELECT id FROM videos WHERE path_raw = ?", [raw]).fetchone()
            if existing:
                db.table("videos").update(existing[0], row)
                return int(existing[0])
            return inserted_id(
                db.table("videos").insert({**row, "added_at": now_iso(), "current_run_id": None})
            )

    def set_media_info(self, video_id: int, info: dict[str, Any]) -> None:
        keys = ("duration_ms", "width", "height", "fps", "rotation", "has_video", "has_audio")
        with self.transaction() as db:
            db.table("videos").update(video_id, {k: info[k] for k in keys if k in info})

    def set_status(self, video_id: int, status: str, error: str = "", *, claim: str | None = None) -> None:
        """Change a video's status; 'queued'/'analyzing' carry the claim of whoever works on it."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self.transaction() as db:
            db.table("videos").update(
                video_id,
                {
                    "status": status,
                    "error": error,
                    "updated_at": now_iso(),
                    "claimed_by": claim if status in ("queued", "analyzing") else None,
                },
            )

    def save_analysis(self, video_id: int, rec: AnalysisRecord) -> int:
        """Write one finished analysis in one transaction and make it the video's current run."""
        with self.transaction() as db:
            run_id = inserted_id(
                db.table("runs").insert(
                    {
                        "video_id": video_id,
                        "started_at": rec.started_at or now_iso(),
                        "finished_at": now_iso(),
                        "status": "done",
                        "app_version": _app_version(),
                        "stage_versions_json": json.dumps(rec.stage_versions),
                        "models_json": json.dumps(rec.models),
                        "settings_json": json.dumps(rec.settings),
                        "timings_json": json.dumps(rec.timings),
                        "language": rec.language,
                        "languages_json": json.dumps(rec.languages),
                        "warnings_json": json.dumps(rec.warnings, ensure_ascii=False),
                        "llm_json": json.dumps(rec.llm, ensure_ascii=False),
                        "error": "",
                    }
                )
            )
            db.table("script_lines").insert_all(
                {
                    "run_id": run_id,
                    "video_id": video_id,
                    "idx": i,
                    "start_ms": ln.start_ms,
                    "end_ms": ln.end_ms,
                    "kind": ln.kind,
                    "speaker": ln.speaker,
                    "text": ln.text,
                    "language": ln.language,
                    "translation": ln.translation,
                }
                for i, ln in enumerate(rec.lines)
            )
            db.table("words").insert_all(
                {
                    "run_id": run_id,
                    "start_ms": w.start_ms,
                    "end_ms": w.end_ms,
                    "text": w.text,
                    "probability": w.probability,
                }
                for w in rec.words
            )
            db.table("value_scores").insert_all(
                {
                    "run_id": run_id,
                    "video_id": video_id,
                    "value_id": s.value_id,
                    "score": s.score,
                    "label": s.label,
                    "threshold": s.threshold,
                    "contradiction": s.contradiction,
                }
                for s in rec.scores
            )
            db.table("evidence").insert_all(
                {
                    "run_id": run_id,
                    "video_id": video_id,
                    "value_id": e.value_id,
                    "line_idx": e.line_idx,
                    "weight": e.weight,
                    "start_ms": e.start_ms,
                    "end_ms": e.end_ms,
                }
                for e in rec.evidence
            )
            db.table("thumbnails").insert_all(
                {"run_id": run_id, "t_ms": t, "jpeg": jpeg} for t, jpeg in rec.thumbnails
            )
            db.table("videos").update(
                video_id,
                {
                    "current_run_id": run_id,
                    "status": "done",
                    "error": "",
                    "updated_at": now_iso(),
                    "claimed_by": None,
                },
            )
        return run_id

    # ----------------------------------------------------------------- reads
    def creators(self) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT c.*, COUNT(v.id) AS n_videos FROM creators c LEFT JOIN videos v ON v.creator_id = c.id "
                "GROUP BY c.id ORDER BY c.name COLLATE NOCASE"
            )
        )

    def videos(self, creator: str | None = None) -> list[dict[str, Any]]:
        """Video rows with the status a user should see (`claims.live_status`)."""
        sql = "SELECT v.*, c.name AS creator FROM videos v LEFT JOIN creators c ON c.id = v.creator_id"
        params: list[Any] = []
        if creator is not None:
            sql += " WHERE c.name = ? COLLATE NOCASE"
            params.append(creator)
        return [
            _live(r)
            for r in self.db.query(sql + " ORDER BY c.name COLLATE NOCASE, v.upload_date, v.id", params)
        ]

    def video(self, video_id: int) -> dict[str, Any]:
        rows = list(
            self.db.query(
                "SELECT v.*, c.name AS creator FROM videos v LEFT JOIN creators c ON c.id = v.creator_id "
                "WHERE v.id = ?",
                [video_id],
            )
        )
        if not rows:
            raise ProjectError(f"{self.path}: no video with id {video_id}")
        return _live(rows[0])

    def find_video_by_sha(
        self, sha256: str, path: str | bytes | os.PathLike[str] | None = None
    ) -> dict[str, Any] | None:
        """A video with this content: the row of this very file first, then the oldest copy."""
        rows = [
            _live(r) for r in self.db.query("SELECT * FROM videos WHERE sha256 = ? ORDER BY id", [sha256])
        ]
        if path is not None:
            raw = canonical_path(path)
            rows.sort(key=lambda r: r["path_raw"] != raw)
        return rows[0] if rows else None

    def resolve_video(self, ref: str) -> dict[str, Any]:
        """A video by id, by path (as given or absolute) or by file name."""
        if ref.isdigit():
            return self.video(int(ref))
        row = self.db.execute("SELECT id FROM videos WHERE path_raw = ?", [canonical_path(ref)]).fetchone()
        for c in (ref, os.path.abspath(ref)):  # projects from before paths were stored canonical
            row = row or self.db.execute("SELECT id FROM videos WHERE path = ?", [_text(c)]).fetchone()
        if row:
            return self.video(int(row[0]))
        rows = self.db.execute("SELECT id FROM videos WHERE file_name = ?", [Path(ref).name]).fetchall()
        if len(rows) == 1:
            return self.video(int(rows[0][0]))
        if len(rows) > 1:
            raise ProjectError(f"{self.path}: several videos are named {Path(ref).name}; use the id")
        raise ProjectError(f"{self.path}: no video {ref!r} in this project (use `valuedesk show --list`)")

    def _run_id(self, video_id: int, run_id: int | None) -> int | None:
        if run_id is not None:
            return run_id
        return self.video(video_id)["current_run_id"]

    def script_lines(self, video_id: int, run_id: int | None = None) -> list[ScriptLine]:
        """The model's script of the current (or given) run; reviewers' corrections are applied by
        `valuedesk.review` (the one reading model), never here."""
        rid = self._run_id(video_id, run_id)
        if rid is None:
            return []
        return [
            ScriptLine(
                r["start_ms"],
                r["end_ms"],
                r["kind"],
                r["speaker"] or "",
                r["text"],
                language=r["language"] or "",
                translation=r["translation"] or "",
            )  # fmt: skip
            for r in self.db.query("SELECT * FROM script_lines WHERE run_id = ? ORDER BY idx", [rid])
        ]

    def words(self, video_id: int, run_id: int | None = None) -> list[Word]:
        rid = self._run_id(video_id, run_id)
        return [
            Word(r["start_ms"], r["end_ms"], r["text"], r["probability"])
            for r in self.db.query("SELECT * FROM words WHERE run_id = ? ORDER BY start_ms, id", [rid])
        ]

    def value_scores(self, video_id: int, run_id: int | None = None) -> dict[str, dict[str, Any]]:
        rid = self._run_id(video_id, run_id)
        return {r["value_id"]: r for r in self.db.query("SELECT * FROM value_scores WHERE run_id = ?", [rid])}

    def evidence(
        self, video_id: int, value_id: str | None = None, run_id: int | None = None
    ) -> list[dict[str, Any]]:
        rid = self._run_id(video_id, run_id)
        sql = "SELECT * FROM evidence WHERE run_id = ?"
        params: list[Any] = [rid]
        if value_id:
            sql += " AND value_id = ?"
            params.append(value_id)
        return list(self.db.query(sql + " ORDER BY value_id, weight DESC", params))

    def run(self, video_id: int, run_id: int | None = None) -> dict[str, Any] | None:
        rid = self._run_id(video_id, run_id)
        rows = list(self.db.query("SELECT * FROM runs WHERE id = ?", [rid]))
        return rows[0] if rows else None

    def thumbnails(self, video_id: int, run_id: int | None = None) -> list[tuple[int, bytes]]:
        rid = self._run_id(video_id, run_id)
        return [
            (r[0], r[1])
            for r in self.db.execute(
                "SELECT t_ms, jpeg FROM thumbnails WHERE run_id = ? ORDER BY t_ms", [rid]
            ).fetchall()
        ]

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        """Full-text search over current script lines (porter stemming; plain words are quoted)."""
        terms = [t for t in query.replace('"', " ").replace("\x00", " ").split() if t]
        if not terms:
            return []
        match = " ".join(f'"{t}"*' if i == len(terms) - 1 else f'"{t}"' for i, t in enumerate(terms))
        sql = (
            "SELECT s.video_id, s.idx, s.start_ms, s.end_ms, s.kind, s.text, "
            "snippet(script_lines_fts, 0, '[', ']', '…', 12) AS snip "
            "FROM script_lines_fts JOIN script_lines s ON s.rowid = script_lines_fts.rowid "
            "JOIN videos v ON v.id = s.video_id AND v.current_run_id = s.run_id "
            "WHERE script_lines_fts MATCH ? ORDER BY rank LIMIT ?"
        )
        return [
            SearchHit(r[0], r[1], r[2], r[3], r[4], r[5], r[6])
            for r in self.db.execute(sql, [match, limit]).fetchall()
        ]

    # ----------------------------------------------------------------- reviews
    def add_review(
        self,
        video_id: int,
        action: str,
        *,
        value_id: str | None = None,
        line_idx: int | None = None,
        before: Any = None,
        after: Any = None,
        note: str = "",
        author: str = "",
    ) -> int:
        """Store one human correction (never touching model rows). Actions: label, evidence_add,
        evidence_remove, note, line_text."""
        if action not in ("label", "evidence_add", "evidence_remove", "note", "line_text"):
            raise ValueError(f"unknown review action {action!r}")
        with self.transaction() as db:
            # A new action clears the redo stack for this video.
            db.execute("DELETE FROM reviews WHERE video_id = ? AND undone = 1", [video_id])
            return inserted_id(
                db.table("reviews").insert(
                    {
                        "video_id": video_id,
                        "run_id": self.video(video_id)["current_run_id"],
                        "value_id": value_id,
                        "action": action,
                        "line_idx": line_idx,
                        "before_json": json.dumps(before, ensure_ascii=False),
                        "after_json": json.dumps(after, ensure_ascii=False),
                        "note": note,
                        "author": author or os.environ.get("USER", "") or "reviewer",
                        "created_at": now_iso(),
                        "undone": 0,
                    }
                )
            )

    def undo_review(self, video_id: int) -> int | None:
        with self.transaction() as db:
            row = db.execute(
                "SELECT id FROM reviews WHERE video_id = ? AND undone = 0 ORDER BY id DESC LIMIT 1",
                [video_id],
            ).fetchone()
            if not row:
                return None
            db.table("reviews").update(row[0], {"undone": 1})
        return int(row[0])

    def redo_review(self, video_id: int) -> int | None:
        with self.transaction() as db:
            row = db.execute(
                "SELECT id FROM reviews WHERE video_id = ? AND undone = 1 ORDER BY id ASC LIMIT 1", [video_id]
            ).fetchone()
            if not row:
                return None
            db.table("reviews").update(row[0], {"undone": 0})
        return int(row[0])

    def reviews(self, video_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.query("SELECT * FROM reviews WHERE video_id = ? AND undone = 0 ORDER BY id", [video_id])
        )


SQLITE_HEADER = b"SQLite format 3\x00"


QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024  # ≈ 4,000 videos; reading all of it costs ≈ 0.2 s per 32 MB


def needs_quick_check(path: Path) -> bool:
    """Whole-file quick_check on open only where it is cheap or called for: small files, and any
    file whose write-ahead log was left non-empty (a crash, or another program writing now).
    A large file that closed cleanly is checked on demand (`valuedesk check`); damage found while
    reading is still reported, in words, by `connection.explain`."""
    if os.environ.get("VALUEDESK_QUICK_CHECK", "").strip().lower() == "always":
        return True
    try:
        if path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
            return True
        wal = path.with_name(path.name + "-wal")
        return wal.exists() and wal.stat().st_size > 0
    except OSError:
        return True


def _header(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read the file ({exc.strerror})") from None


def _live(row: dict[str, Any]) -> dict[str, Any]:
    row["status"] = claims.live_status(str(row["status"]), row.get("claimed_by"))
    return row


def _text(value: str) -> str:
    """Text safe for SQLite: undecodable file-name bytes (surrogate escapes) become U+FFFD."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def video_fs_path(row: dict[str, Any]) -> str:
    """The file-system path of a video row (exact bytes when the name is not valid UTF-8)."""
    raw = row.get("path_raw")
    return os.fsdecode(raw) if raw else str(row["path"])


def _app_version() -> str:
    from valuedesk import __version__

    return __version__
