"""Labelled short-video scripts in JSON Lines: the corpus format `score`, `evaluate --scripts` and training read.

One post per line (docs/scripts-format.md):
`{"id", "creator", "caption", "hashtags": [..], "has_sound", "duration_s", "lines": [{"start_s",
"end_s", "kind", "speaker", "text"}], "labels": {<19 value ids>: -1|0|1|2}}`; other fields are
ignored, `labels` is optional, and a separate `{"id", "labels"}` file may give them instead.

Why strict: a researcher's file with one bad line must fail on that line, naming the line number
and the field, before hours of scoring — not be half-read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from valuedesk.script import ScriptLine, line_order_key
from valuedesk.values import VALUE_IDS

POST_KINDS: tuple[str, ...] = ("speech", "onscreen", "scene", "sound")
# What the analysis pipeline gives the classifier (pipeline.analyze.CONTENT_KINDS) ...
CONTENT_KINDS: tuple[str, ...] = ("speech", "onscreen", "caption")
# ... and everything, for scripts whose scene lines are rich descriptions (a vision model's).
ALL_KINDS: tuple[str, ...] = ("speech", "onscreen", "caption", "scene", "sound")
LINE_SETS: dict[str, tuple[str, ...]] = {"content": CONTENT_KINDS, "all": ALL_KINDS}


class PostFormatError(ValueError):
    """A line of a posts or labels file is malformed: the message names the file, line and field."""


@dataclass
class Post:
    id: str
    creator: str = ""
    caption: str = ""
    hashtags: list[str] = field(default_factory=list)
    has_sound: bool = True
    duration_s: float = 0.0
    lines: list[ScriptLine] = field(default_factory=list)
    labels: dict[str, int] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # fields this format ignores (genre, traits, ...)

    def caption_lines(self) -> list[ScriptLine]:
        """Caption and hashtags as the pipeline renders a yt-dlp sidecar (spanning the whole post)."""
        end = int(round(self.duration_s * 1000))
        out = []
        if self.caption.strip():
            out.append(ScriptLine(0, end, "caption", "", self.caption.strip()))
        if self.hashtags:
            out.append(
                ScriptLine(0, end, "caption", "", " ".join("#" + t.lstrip("#") for t in self.hashtags))
            )
        return out

    def model_input(self, kinds: Sequence[str] = CONTENT_KINDS) -> tuple[list[ScriptLine], list[int | None]]:
        """The lines the classifier reads, in the analysis pipeline's order (the caption first, then
        time order: script.order_lines), and for each its index in `lines` (None: caption/hashtags)."""
        pairs: list[tuple[ScriptLine, int | None]] = [
            (ln, i) for i, ln in enumerate(self.lines) if ln.kind in kinds
        ]
        if "caption" in kinds:
            pairs += [(ln, None) for ln in self.caption_lines()]
        pairs.sort(key=lambda p: line_order_key(p[0]))  # stable: equal keys keep the file's order
        return [ln for ln, _ in pairs], [i for _, i in pairs]

    def label_vector(self) -> np.ndarray:
        if self.labels is None:
            raise PostFormatError(f"post {self.id!r} has no labels")
        return np.array([self.labels[v] for v in VALUE_IDS], dtype=np.int64)


def _fail(where: str, message: str) -> PostFormatError:
    return PostFormatError(f"{where}: {message}")


def _number(obj: dict[str, Any], key: str, where: str, *, required: bool = True) -> float:
    if key not in obj:
        if required:
            raise _fail(where, f"field {key!r} is missing")
        return 0.0
    x = obj[key]
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or x < 0:
        raise _fail(where, f"field {key!r} must be a number ≥ 0, got {x!r}")
    return float(x)


def _string(obj: dict[str, Any], key: str, where: str, default: str = "") -> str:
    x = obj.get(key, default)
    if x is None:
        return default
    if not isinstance(x, str):
        raise _fail(where, f"field {key!r} must be a string, got {type(x).__name__}")
    return x


def parse_labels(raw: Any, where: str) -> dict[str, int]:
    """All 19 value ids, each -1, 0, 1 or 2 (an unknown or missing id is an error)."""
    if not isinstance(raw, dict):
        raise _fail(where, "field 'labels' must be an object {value id: -1|0|1|2}")
    unknown = sorted(k for k in raw if k not in VALUE_IDS)
    if unknown:
        raise _fail(where, f"field 'labels' has unknown value id(s) {unknown}; known: {', '.join(VALUE_IDS)}")
    missing = [v for v in VALUE_IDS if v not in raw]
    if missing:
        raise _fail(where, f"field 'labels' lacks {len(missing)} value id(s): {', '.join(missing)}")
    out: dict[str, int] = {}
    for v in VALUE_IDS:
        x = raw[v]
        if isinstance(x, bool) or not isinstance(x, int) or x not in (-1, 0, 1, 2):
            raise _fail(where, f"field 'labels.{v}' must be -1, 0, 1 or 2, got {x!r}")
        out[v] = int(x)
    return out


def _parse_line(raw: Any, where: str, duration_s: float) -> ScriptLine:
    if not isinstance(raw, dict):
        raise _fail(where, "must be an object with start_s, end_s, kind, speaker, text")
    kind = raw.get("kind")
    if kind not in POST_KINDS:
        raise _fail(where, f"field 'kind' must be one of {', '.join(POST_KINDS)}, got {kind!r}")
    start, end = _number(raw, "start_s", where), _number(raw, "end_s", where)
    if end < start:
        raise _fail(where, f"field 'end_s' ({end}) is before 'start_s' ({start})")
    text = _string(raw, "text", where).strip()
    if not text:
        raise _fail(where, "field 'text' is missing or empty")
    speaker = _string(raw, "speaker", where).strip()
    return ScriptLine(int(round(start * 1000)), int(round(end * 1000)), str(kind), speaker, text)


def _object_id(obj: Any, where: str) -> str:
    """The `id` of a line's object (an integer id is read as its digits), stripped."""
    if not isinstance(obj, dict):
        raise _fail(where, "each line must be a JSON object")
    pid = obj.get("id")
    if isinstance(pid, int) and not isinstance(pid, bool):
        pid = str(pid)
    if not isinstance(pid, str) or not pid.strip():
        raise _fail(where, "field 'id' is missing or empty")
    return pid.strip()


def parse_post(obj: Any, where: str) -> Post:
    """One decoded JSON object → Post (PostFormatError names `where` and the field)."""
    pid = _object_id(obj, where)
    hashtags = obj.get("hashtags", [])
    if hashtags is None:
        hashtags = []
    if not isinstance(hashtags, list) or not all(isinstance(h, str) for h in hashtags):
        raise _fail(where, "field 'hashtags' must be a list of strings")
    has_sound = obj.get("has_sound", True)
    if not isinstance(has_sound, bool):
        raise _fail(where, f"field 'has_sound' must be true or false, got {has_sound!r}")
    duration = _number(obj, "duration_s", where, required=False)
    raw_lines = obj.get("lines")
    if not isinstance(raw_lines, list):
        raise _fail(where, "field 'lines' is missing or not a list")
    lines = [_parse_line(ln, f"{where}: lines[{j}]", duration) for j, ln in enumerate(raw_lines)]
    if not duration and lines:
        duration = max(ln.end_ms for ln in lines) / 1000
    labels = parse_labels(obj["labels"], where) if obj.get("labels") is not None else None
    known = {"id", "creator", "caption", "hashtags", "has_sound", "duration_s", "lines", "labels"}
    return Post(
        pid,
        _string(obj, "creator", where),
        _string(obj, "caption", where),
        [h.strip() for h in hashtags if h.strip()],
        has_sound,
        duration,
        lines,
        labels,
        {k: v for k, v in obj.items() if k not in known},
    )


def _json_lines(path: Path) -> Iterable[tuple[str, Any]]:
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise PostFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    with fh:
        try:
            for n, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                where = f"{path.name}:{n}"
                try:
                    yield where, json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise _fail(where, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        except UnicodeDecodeError as exc:
            raise PostFormatError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def read_posts(path: str | Path) -> list[Post]:
    """Every post of a JSONL file (PostFormatError on the first bad line or a repeated id)."""
    p = Path(path)
    posts: list[Post] = []
    seen: dict[str, str] = {}
    for where, obj in _json_lines(p):
        post = parse_post(obj, where)
        if post.id in seen:
            raise _fail(where, f"id {post.id!r} repeats the post at {seen[post.id]}")
        seen[post.id] = where
        posts.append(post)
    if not posts:
        raise PostFormatError(f"{p.name}: no posts (empty file)")
    return posts


def read_labels(path: str | Path) -> dict[str, dict[str, int]]:
    """`{"id", "labels"}` lines keyed by id (other fields ignored)."""
    p = Path(path)
    out: dict[str, dict[str, int]] = {}
    for where, obj in _json_lines(p):
        pid = _object_id(obj, where)
        if pid in out:
            raise _fail(where, f"id {pid!r} appears twice")
        if "labels" not in obj:
            raise _fail(where, "field 'labels' is missing")
        out[pid] = parse_labels(obj["labels"], where)
    return out


def attach_labels(posts: Sequence[Post], labels: dict[str, dict[str, int]], source: str) -> list[Post]:
    """Posts with labels from a separate file; every post must have a row there."""
    missing = [p.id for p in posts if p.id not in labels]
    if missing:
        shown = ", ".join(repr(m) for m in missing[:5]) + (" …" if len(missing) > 5 else "")
        raise PostFormatError(f"{source}: no labels for {len(missing)} post(s): {shown}")
    return [
        Post(
            p.id, p.creator, p.caption, p.hashtags, p.has_sound, p.duration_s, p.lines, labels[p.id], p.extra
        )
        for p in posts
    ]


def labelled(posts: Sequence[Post], source: str) -> list[Post]:
    """The posts, refusing when any has no labels (evaluation and training need all of them)."""
    missing = [p.id for p in posts if p.labels is None]
    if missing:
        raise PostFormatError(
            f"{source}: {len(missing)} post(s) have no 'labels' (first: {missing[0]!r}); "
            "add them or give --labels FILE"
        )
    return list(posts)


def post_to_json(post: Post) -> dict[str, Any]:
    """The format's JSON object for a post (extra fields kept after the known ones)."""

    def sec(ms: int) -> float:
        return round(ms / 1000, 3)

    obj: dict[str, Any] = {
        "id": post.id,
        "creator": post.creator,
        "caption": post.caption,
        "hashtags": list(post.hashtags),
        "has_sound": post.has_sound,
        "duration_s": round(post.duration_s, 3),
        "lines": [
            {
                "start_s": sec(ln.start_ms),
                "end_s": sec(ln.end_ms),
                "kind": ln.kind,
                "speaker": ln.speaker,
                "text": ln.text,
            }
            for ln in post.lines
        ],
    }
    if post.labels is not None:
        obj["labels"] = {v: int(post.labels[v]) for v in VALUE_IDS}
    obj.update(post.extra)
    return obj
