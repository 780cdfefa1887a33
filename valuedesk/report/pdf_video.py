"""One-video PDF report for parents and teachers: what the video promotes and goes against, why
the model thinks so (quotes with times and frames), questions to talk about, and the caveat.

Built from `review.video_reading`, so reviewed labels and evidence appear exactly as in the UI.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QImage

from valuedesk.languages import describe as describe_languages
from valuedesk.project.store import Project
from valuedesk.report.common import (
    CONTRA_RED,
    SYMBOL,
    Thumbs,
    label_badge,
    label_line,
    models_text,
    nice_date,
    quote_html,
)
from valuedesk.report.errors import ReportError
from valuedesk.report.radar import draw_radar, video_spec
from valuedesk.report.render import esc, fit, page_text_width, render_pdf
from valuedesk.report.safeio import write_file
from valuedesk.report.wording import CAVEAT, GLOSS, METHOD, prompt_for, video_summary
from valuedesk.review import ValueReading, VideoReading, video_reading
from valuedesk.values import GROUPS

MAX_QUOTES = 3


def nice_duration(ms: int | None) -> str:
    if not ms:
        return "unknown length"
    s = round(ms / 1000)
    return f"{s} s" if s < 60 else f"{s // 60} min {s % 60:02d} s"


def _duration_ms(reading: VideoReading) -> int:
    d = reading.video.get("duration_ms") or 0
    return int(d) or max((ln.end_ms for ln in reading.lines), default=0)


def _caption(reading: VideoReading) -> str:
    for ln in reading.lines:
        if ln.kind == "caption" and ln.text.strip():
            return ln.text
    return str(reading.video.get("description") or "")


def _notable(reading: VideoReading) -> list[ValueReading]:
    """Cards: dominant, present, contradicted, then labels a reviewer took away."""
    rejected = [r for r in reading.values.values() if r.effective == 0 and r.model_label != 0]
    return reading.with_label(2) + reading.with_label(1) + reading.with_label(-1) + rejected


def _card_groups(reading: VideoReading) -> list[tuple[str, list[ValueReading]]]:
    rejected = [r for r in reading.values.values() if r.effective == 0 and r.model_label != 0]
    return [
        ("What the video promotes", reading.with_label(2) + reading.with_label(1)),
        ("What the video goes against", reading.with_label(-1)),
        ("What a reviewer took out", rejected),
    ]


def _keyframe_time(reading: VideoReading, notable: list[ValueReading]) -> int:
    for r in notable:
        if r.evidence:
            return r.evidence[0].start_ms
    return _duration_ms(reading) // 3


def _header(reading: VideoReading, thumbs: Thumbs, notable: list[ValueReading]) -> str:
    v = reading.video
    title = v.get("title") or v.get("file_name") or f"video {v['id']}"
    img = thumbs.img_tag(_keyframe_time(reading, notable), 120, 170)
    caption = _caption(reading)
    facts = (
        f"by <b>{esc(v.get('creator') or 'unknown creator')}</b> · uploaded "
        f"{esc(nice_date(v.get('upload_date')))} · {esc(nice_duration(_duration_ms(reading)))}"
    )
    rows = [
        '<p class="muted small">ValueDesk report · which human values does this video show?</p>',
        f"<h1>{esc(title)}</h1>",
        f"<p>{facts}</p>",
    ]
    if caption:
        rows.append(f'<p><span class="muted">Caption:</span> {esc(caption)}</p>')
    if reading.languages:
        rows.append(
            f'<p class="small"><span class="muted">Speech:</span> {esc(describe_languages(reading.languages))}</p>'
        )
    for warning in reading.warnings:  # what the profile must be read with: lost speech, unread language
        rows.append(f'<p class="small" style="color:{CONTRA_RED}">⚠ {esc(warning)}</p>')
    rows.append(f'<p class="muted small">File: {esc(v.get("file_name") or "")}</p>')
    text = "".join(rows)
    if not img:
        return text
    return (
        f'<table width="100%" cellspacing="0" cellpadding="0"><tr><td width="130">{img}</td>'
        f'<td style="padding-left:10px">{text}</td></tr></table>'
    )


def _glance(reading: VideoReading) -> str:
    """The non-absent values as a list beside the radar: the chart's content in words."""
    groups = [
        ("Mostly promotes", reading.with_label(2)),
        ("Also shows", reading.with_label(1)),
        ("Goes against", reading.with_label(-1)),
    ]
    out = ["<h3>At a glance</h3>"]
    for heading, items in groups:
        if not items:
            continue
        out.append(f"<p><b>{heading}</b></p>")
        for r in items:
            color = CONTRA_RED if r.effective < 0 else "#111111"
            star = " *" if r.is_reviewed else ""
            out.append(
                f'<p style="margin-left:6px"><span style="color:{color}">{SYMBOL[r.effective]}</span> '
                f'{esc(r.value.name)}{star}<br><span class="muted small">{esc(GLOSS[r.value_id])}</span></p>'
            )
    if len(out) == 1:
        out.append('<p class="muted">No clear values found.</p>')
    if any(r.is_reviewed for r in reading.values.values()):
        out.append('<p class="muted small">* checked by a person</p>')
    return "".join(out)


def _card(r: ValueReading, thumbs: Thumbs) -> str:
    group = GROUPS[r.value.group]
    head = (
        f'<b style="font-size:11pt">{esc(r.value.name)}</b> '
        f'<span class="muted small">· {esc(group.name)}</span>'
    )
    quotes = []
    for ev in r.evidence[:MAX_QUOTES]:
        img = thumbs.img_tag(ev.start_ms, 34, 52)
        quotes.append(
            f'<tr><td width="38" valign="top">{img}</td><td valign="top">{quote_html(ev)}</td></tr>'
        )
    if not quotes:
        quotes.append(
            '<tr><td></td><td class="muted">No single line stood out; the label comes from the '
            "script as a whole.</td></tr>"
        )
    body = [
        f"<p>{label_line(r)}</p>",
        f'<p class="muted small">{esc(GLOSS[r.value_id])}: {esc(r.value.definition)}</p>',
        f'<table width="100%" cellspacing="0" cellpadding="2">{"".join(quotes)}</table>',
    ]
    if r.note:
        body.append(f"<p><i>Reviewer's note:</i> {esc(r.note)}</p>")
    return (
        '<table width="100%" cellspacing="0" cellpadding="5" border="1" '
        'style="border-collapse:collapse; border-color:#9AA3AB; margin-top:8px">'
        f'<tr><td bgcolor="{group.color}" width="6"></td>'
        f'<td bgcolor="#F2F3F4"><table width="100%" cellspacing="0" cellpadding="0"><tr><td>{head}</td>'
        f'<td align="right">{label_badge(r.effective)}</td></tr></table></td></tr>'
        f'<tr><td bgcolor="{group.color}" width="6"></td><td>{"".join(body)}</td></tr></table>'
    )


def _prompts(reading: VideoReading) -> str:
    chosen = [(r, 2) for r in reading.with_label(2)] or [(r, 1) for r in reading.with_label(1)[:2]]
    chosen += [(r, -1) for r in reading.with_label(-1)[:2]]
    if not chosen:
        return ""
    items = "".join(
        f"<li><b>{esc(r.value.name)}.</b> {esc(prompt_for(r.value_id, lab))}</li>" for r, lab in chosen
    )
    return f"<h2>Talk about it</h2><ul>{items}</ul>"


def _method(reading: VideoReading) -> str:
    run = reading.run or {}
    reviewed = [r for r in reading.values.values() if r.is_reviewed]
    who = f" by {', '.join(reading.authors)}" if reading.authors else ""
    review_text = (
        f"A person checked {len(reviewed)} of the 19 labels{esc(who)}; where they disagreed with "
        "the model, their label is shown and used."
        if reviewed
        else "No person has checked these labels yet."
    )
    return (
        "<h2>How this report was made</h2>"
        f"<p>{esc(METHOD)}</p>"
        f"<p>{review_text}</p>"
        f'<p class="small muted">Models: {esc(models_text([reading.run]))} · analysed '
        f"{esc(str(run.get('finished_at') or '')[:10])} · ValueDesk {esc(run.get('app_version') or '')}</p>"
        f'<table width="100%" cellpadding="6" cellspacing="0" border="1" style="border-collapse:collapse; '
        f'border-color:#555"><tr><td><b>Please note.</b> {esc(CAVEAT)}</td></tr></table>'
    )


def build_video_report(
    project: Project, video_id: int, paper: str = "a4"
) -> tuple[str, dict[str, QImage], str]:
    """(html, image resources, title) — separate from rendering so tests can inspect the HTML."""
    reading = video_reading(project, video_id)
    if reading.run is None:
        raise ReportError(f"video {video_id} ({reading.video.get('file_name')}) has not been analysed yet")
    resources: dict[str, QImage] = {}
    thumbs = Thumbs(project, video_id, resources)
    notable = _notable(reading)
    labels = reading.effective()
    dominant = [r.value_id for r in reading.with_label(2)]
    present = [r.value_id for r in reading.with_label(1)]
    contra = [r.value_id for r in reading.with_label(-1)]
    unsure = [r.value_id for r in reading.values.values() if r.effective != 0 and r.is_uncertain]
    summary = video_summary(dominant, present, contra, unsure)

    radar = draw_radar(video_spec(labels))
    resources["radar.png"] = radar
    width = page_text_width(paper)
    rw, rh = fit(radar, width * 0.66, 1000)
    parts = [
        _header(reading, thumbs, notable),
        f'<h2>In short</h2><p class="summary">{esc(summary)}</p>',
        '<p class="muted small"><i>An automated reading to start a conversation, not a verdict '
        "(see the last page).</i></p>",
    ]
    if reading.note:
        parts.append(f"<p><i>Reviewer's note on this video:</i> {esc(reading.note)}</p>")
    parts.append(
        f'<table width="100%" cellspacing="0" cellpadding="0"><tr><td width="{rw + 6}">'
        f'<img src="radar.png" width="{rw}" height="{rh}"></td><td>{_glance(reading)}</td></tr></table>'
    )
    parts.append(_prompts(reading))
    if notable:
        parts.append(
            "<h2>Why the model thinks so</h2>"
            '<p class="muted small">Each card shows the label, how sure the model was, and up to '
            "three lines from the video that weighed most, with their time and the nearest frame.</p>"
        )
        for heading, group in _card_groups(reading):
            if group:
                parts.append(f"<h3>{heading}</h3>")
                parts.extend(_card(r, thumbs) for r in group)
    parts.append(_method(reading))
    title = str(reading.video.get("title") or reading.video.get("file_name") or f"video {video_id}")
    return "".join(parts), resources, title


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def render_video_report(project: Project, video_id: int, paper: str = "a4") -> bytes:
    body, resources, title = build_video_report(project, video_id, paper)
    return render_pdf(
        body,
        resources,
        paper=paper,
        title=f"ValueDesk report: {title}",
        footer=f"ValueDesk · {_short(title)} · an automated reading, not a verdict",
    )


def write_video_report(
    project: Project, video_id: int, out: str | os.PathLike[str], *, paper: str = "a4", force: bool = False
) -> Path:
    """Render, then write only `out` (refusing to overwrite unless force)."""
    return write_file(Path(out), render_video_report(project, video_id, paper), force=force)
