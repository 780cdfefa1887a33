"""Project schema as ordered migrations; `PRAGMA user_version` records how far a file has come.

Never edit a released migration: append a new one. Each runs in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


def _m1_initial(db: sqlite_utils.Database) -> None:
    db.table("creators").create(
        {"id": int, "name": str, "platform": str, "meta_json": str}, pk="id", not_null={"name"}
    )
    db.table("creators").create_index(["name"], unique=True)
    db.table("videos").create(
        {
            "id": int,
            "creator_id": int,
            "path": str,
            "path_raw": bytes,
            "file_name": str,
            "sha256": str,
            "size_bytes": int,
            "title": str,
            "description": str,
            "upload_date": str,
            "duration_ms": int,
            "width": int,
            "height": int,
            "fps": float,
            "rotation": int,
            "has_video": int,
            "has_audio": int,
            "meta_json": str,
            "status": str,
            "error": str,
            "current_run_id": int,
            "added_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("creator_id", "creators", "id")],
        not_null={"path", "status"},
    )
    db.table("videos").create_index(["sha256"])
    db.table("videos").create_index(["creator_id"])
    db.table("runs").create(
        {
            "id": int,
            "video_id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "app_version": str,
            "stage_versions_json": str,
            "models_json": str,
            "settings_json": str,
            "timings_json": str,
            "language": str,
            "error": str,
        },
        pk="id",
        foreign_keys=[("video_id", "videos", "id")],
    )
    db.table("runs").create_index(["video_id"])
    db.table("script_lines").create(
        {
            "id": int,
            "run_id": int,
            "video_id": int,
            "idx": int,
            "start_ms": int,
            "end_ms": int,
            "kind": str,
            "speaker": str,
            "text": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id"), ("video_id", "videos", "id")],
    )
    db.table("script_lines").create_index(["run_id", "idx"], unique=True)
    db.table("script_lines").enable_fts(["text"], create_triggers=True, tokenize="porter")
    db.table("words").create(
        {"id": int, "run_id": int, "start_ms": int, "end_ms": int, "text": str, "probability": float},
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("words").create_index(["run_id", "start_ms"])
    db.table("value_scores").create(
        {
            "run_id": int,
            "video_id": int,
            "value_id": str,
            "score": float,
            "label": int,
            "threshold": float,
            "contradiction": float,
        },
        pk=("run_id", "value_id"),
        foreign_keys=[("run_id", "runs", "id"), ("video_id", "videos", "id")],
    )
    db.table("value_scores").create_index(["video_id", "value_id"])
    db.table("evidence").create(
        {
            "id": int,
            "run_id": int,
            "video_id": int,
            "value_id": str,
            "line_idx": int,
            "weight": float,
            "start_ms": int,
            "end_ms": int,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id"), ("video_id", "videos", "id")],
    )
    db.table("evidence").create_index(["run_id", "value_id"])
    db.table("thumbnails").create(
        {"id": int, "run_id": int, "t_ms": int, "jpeg": bytes},
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("thumbnails").create_index(["run_id", "t_ms"])
    # Human reviews: kept apart from model output, never overwriting it (before/after as JSON).
    db.table("reviews").create(
        {
            "id": int,
            "video_id": int,
            "run_id": int,
            "value_id": str,
            "action": str,
            "line_idx": int,
            "before_json": str,
            "after_json": str,
            "note": str,
            "author": str,
            "created_at": str,
            "undone": int,
        },
        pk="id",
        foreign_keys=[("video_id", "videos", "id")],
        defaults={"undone": 0},
    )
    db.table("reviews").create_index(["video_id", "value_id"])


def _m2_claims_and_canonical_paths(db: sqlite_utils.Database) -> None:
    """Who works on a queued/analysing video (no stale status after a kill); one row per file."""
    db.table("videos").add_column("claimed_by", str)
    db.execute(
        "UPDATE videos SET status = error, error = '' "
        "WHERE status = 'queued' AND error IN ('cancelled', 'interrupted')"
    )
    db.table("videos").create_index(["path_raw"], if_not_exists=True)


def _m3_languages(db: sqlite_utils.Database) -> None:
    """Speech in any language: each line's language and English rendering; per run the seconds
    of speech per language and the transcription's warnings (speech heard but not transcribed)."""
    db.table("script_lines").add_column("language", str, not_null_default="")
    db.table("script_lines").add_column("translation", str, not_null_default="")
    db.table("runs").add_column("languages_json", str, not_null_default="{}")
    db.table("runs").add_column("warnings_json", str, not_null_default="[]")


def _m4_filter_indexes(db: sqlite_utils.Database) -> None:
    """Research-size projects: the value filter reads (value, label) from an index, and joins a
    video to its current run through one."""
    db.table("value_scores").create_index(["value_id", "label"], if_not_exists=True)
    db.table("videos").create_index(["current_run_id"], if_not_exists=True)


def _m5_llm_runs(db: sqlite_utils.Database) -> None:
    """A run made with a local LLM keeps what it asked and what it cost: mode, model, prompt
    version, per-call tokens and seconds, and the model's one-line reason per value."""
    db.table("runs").add_column("llm_json", str, not_null_default="{}")


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _m1_initial,
    _m2_claims_and_canonical_paths,
    _m3_languages,
    _m4_filter_indexes,
    _m5_llm_runs,
)
SCHEMA_VERSION = len(MIGRATIONS)
