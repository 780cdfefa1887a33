from __future__ import annotations

import json
from pathlib import Path

from valuedesk.pipeline.analyze import post_lines
from valuedesk.pipeline.sidecar import caption_text, read_post_info


def test_yt_dlp_sidecar_gives_creator_caption_hashtags_date(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"")
    (tmp_path / "clip.info.json").write_text(
        json.dumps(
            {
                "uploader": "MiaGlowUp",
                "title": "my routine",
                "upload_date": "20260912",
                "tags": ["rich"],
                "description": "Grind now, shine later 💸 #hustle #rich #winning",
            }
        ),
        encoding="utf-8",
    )
    info = read_post_info(video)
    assert (info.creator, info.title, info.upload_date) == ("MiaGlowUp", "my routine", "2026-09-12")
    assert info.hashtags == ["rich", "hustle", "winning"]
    assert caption_text(info) == "Grind now, shine later 💸"
    lines = post_lines(info, 12_000)
    assert [ln.text for ln in lines] == ["Grind now, shine later 💸", "#rich #hustle #winning"]
    assert all(ln.kind == "caption" and ln.end_ms == 12_000 for ln in lines)


def test_missing_or_broken_sidecar(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    assert read_post_info(video).title == "clip" and read_post_info(video).creator == ""
    (tmp_path / "clip.info.json").write_text("{broken", encoding="utf-8")
    info = read_post_info(video)
    assert info.warning.startswith("clip.info.json: unreadable sidecar")
    assert post_lines(info, 1000) == []
