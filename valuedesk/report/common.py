"""Pieces both PDF reports share: label symbols, quotes, thumbnails, dates, model names."""

from __future__ import annotations

import bisect
from datetime import date
from typing import Any

from PySide6.QtGui import QImage

from valuedesk.project.store import Project
from valuedesk.report.render import esc, fit, jpeg_image
from valuedesk.review import EvidenceLine, ValueReading
from valuedesk.run_details import models_used
from valuedesk.script import format_ms
from valuedesk.values import Label

# Shapes, not colours, carry the label (grey print).
SYMBOL: dict[int, str] = {2: "●", 1: "◐", 0: "·", -1: "✕"}
CONTRA_RED = "#B0182A"
LEGEND = "● dominant · ◐ present · ✕ goes against it · blank: not found · * checked by a person"
MAX_QUOTE = 420  # characters of one quoted line in a card; the rest is elided


def label_badge(label: int) -> str:
    """ "● DOMINANT" in bold, contradicted in dark red — readable without colour."""
    word = Label(label).phrase.upper()
    if label == 0:
        return '<span class="tag">○ ABSENT</span>'
    color = CONTRA_RED if label < 0 else "#111111"
    return f'<span class="tag" style="color:{color}">{SYMBOL[label]} {word}</span>'


def label_line(r: ValueReading) -> str:
    """Model's label and confidence, and the reviewer's beside it when there is one."""
    model = f"Model: {Label(r.model_label).phrase} ({round(r.confidence * 100)} % confidence)"
    if r.reviewed_label is None:
        return esc(model)
    if r.reviewed_label == r.model_label:
        return esc(model + " · confirmed by a reviewer")
    return esc(model) + f" · <b>Reviewer: {esc(Label(r.reviewed_label).phrase)}</b>"


def speaker_words(ev: EvidenceLine) -> str:
    """Who or what a quoted line is, in plain words."""
    if ev.kind == "speech":
        who = ev.speaker.strip().title() if ev.speaker.strip() else "Someone"
        return f"{who} says"
    return {"onscreen": "On screen", "caption": "Caption", "scene": "Scene", "sound": "Sound"}.get(
        ev.kind, ev.kind
    )


def quote_text(ev: EvidenceLine, limit: int = MAX_QUOTE) -> str:
    text = " ".join(ev.text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def quote_html(ev: EvidenceLine, *, video_title: str = "") -> str:
    """00:12.3 · Girl says: “…” (reviewer-added lines say so)."""
    where = f"{esc(video_title)}, " if video_title else ""
    quoted = (
        f"\u201c{esc(quote_text(ev))}\u201d"
        if ev.kind in ("speech", "onscreen", "caption")
        else esc(quote_text(ev))
    )
    added = ' <span class="muted small">(added by a reviewer)</span>' if ev.source == "reviewer" else ""
    return (
        f'<span class="muted">{where}{format_ms(ev.start_ms)}</span> · '
        f'<i>{esc(speaker_words(ev))}:</i> <span class="quote">{quoted}</span>{added}'
    )


class Thumbs:
    """A video's stored keyframes; registers the ones a report uses as document resources."""

    def __init__(self, project: Project, video_id: int, resources: dict[str, QImage], max_side: int = 360):
        self.video_id = video_id
        self.resources = resources
        self.items: list[tuple[int, QImage]] = []
        for t, data in project.thumbnails(video_id):
            img = jpeg_image(data, max_side)
            if img is not None:
                self.items.append((int(t), img))
        self._times = [t for t, _ in self.items]

    def __bool__(self) -> bool:
        return bool(self.items)

    def nearest(self, t_ms: int) -> tuple[str, QImage] | None:
        if not self.items:
            return None
        i = bisect.bisect_left(self._times, t_ms)
        best = min(
            (j for j in (i - 1, i) if 0 <= j < len(self.items)), key=lambda j: abs(self._times[j] - t_ms)
        )
        t, img = self.items[best]
        name = f"thumb-{self.video_id}-{t}.png"
        self.resources.setdefault(name, img)
        return name, img

    def img_tag(self, t_ms: int, max_w: float, max_h: float) -> str:
        found = self.nearest(t_ms)
        if found is None:
            return ""
        name, img = found
        w, h = fit(img, max_w, max_h)
        return f'<img src="{esc(name)}" width="{w}" height="{h}">'


def date_key(text: str | None) -> str:
    """Sortable form of an upload date written as 20240131 or 2024-01-31 ('' sorts first)."""
    return "".join(ch for ch in (text or "") if ch.isdigit())[:8]


def nice_date(text: str | None) -> str:
    """yt-dlp's 20240131 or ISO 2024-01-31 → "31 Jan 2024"; anything else as given."""
    t = (text or "").strip()
    digits = t.replace("-", "")[:8]
    if len(digits) == 8 and digits.isdigit():
        try:
            d = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
            return f"{d.day} {d:%b %Y}"
        except ValueError:
            return t
    return t or "unknown"


def models_text(runs: list[dict[str, Any] | None]) -> str:
    """ "classifier: minilm-values-v1; asr: whisper-tiny.en" over one or many runs."""
    seen: dict[str, list[str]] = {}
    for run in runs:
        for role, model in models_used(run).items():
            if model not in seen.setdefault(role, []):
                seen[role].append(model)
    if not seen:
        return "not recorded"
    return "; ".join(f"{role}: {', '.join(ids)}" for role, ids in seen.items())
