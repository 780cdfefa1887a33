"""The post around the video: a yt-dlp `.info.json` sidecar gives creator, caption, hashtags and date."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HASHTAG = re.compile(r"#(\w+)", re.UNICODE)


@dataclass
class PostInfo:
    creator: str = ""
    title: str = ""
    description: str = ""
    hashtags: list[str] = field(default_factory=list)
    upload_date: str = ""  # YYYY-MM-DD
    raw: dict[str, Any] = field(default_factory=dict)
    sidecar: str = ""
    warning: str = ""  # a sidecar that exists but could not be read


def sidecar_path(video: Path) -> Path | None:
    """yt-dlp writes `<stem>.info.json` beside the video; accept `<name>.info.json` too."""
    for candidate in (video.with_suffix(".info.json"), video.with_name(video.name + ".info.json")):
        if candidate.is_file():
            return candidate
    return None


def read_post_info(video: Path) -> PostInfo:
    path = sidecar_path(video)
    if path is None:
        return PostInfo(title=video.stem)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        return PostInfo(
            title=video.stem, sidecar=str(path), warning=f"{path.name}: unreadable sidecar ({exc})"
        )
    description = str(data.get("description") or "").strip()
    tags = [str(t).lstrip("#") for t in data.get("tags") or [] if str(t).strip()]
    for tag in HASHTAG.findall(description):
        if tag not in tags:
            tags.append(tag)
    date = str(data.get("upload_date") or "")
    if re.fullmatch(r"\d{8}", date):
        date = f"{date[:4]}-{date[4:6]}-{date[6:]}"
    creator = str(
        data.get("uploader") or data.get("channel") or data.get("uploader_id") or data.get("creator") or ""
    )
    return PostInfo(
        creator=creator.strip(),
        title=str(data.get("title") or video.stem).strip(),
        description=description,
        hashtags=tags,
        upload_date=date,
        raw={
            k: data[k]
            for k in ("id", "uploader_id", "webpage_url", "duration", "view_count", "like_count")
            if k in data
        },
        sidecar=str(path),
    )


def caption_text(info: PostInfo) -> str:
    """The caption without its trailing hashtag block (hashtags get their own line)."""
    text = HASHTAG.sub("", info.description)
    return re.sub(r"\s+", " ", text).strip()
