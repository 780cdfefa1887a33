"""One-creator PDF report: what a creator's videos promote and go against, across all of them.

Aggregates the effective labels (reviewer's label when there is one) of the creator's analysed
videos: a radar of shares, a values × videos grid with symbols, and the most frequent and most
contradicted values with example quotes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QImage

from valuedesk.project.store import Project
from valuedesk.report.common import CONTRA_RED, LEGEND, SYMBOL, date_key, models_text, nice_date, quote_html
from valuedesk.report.errors import ReportError
from valuedesk.report.radar import draw_radar, share_spec
from valuedesk.report.render import esc, fit, page_text_width, render_pdf
from valuedesk.report.safeio import write_file
from valuedesk.report.wording import CAVEAT, GLOSS, METHOD, creator_summary
from valuedesk.review import EvidenceLine, VideoReading, video_reading
from valuedesk.values import GROUPS, VALUES

GRID_CHUNK = 12  # video columns per grid table (fits A4 and Letter portrait)


@dataclass
class CreatorData:
    name: str
    readings: list[VideoReading]
    n_unanalysed: int

    @property
    def n(self) -> int:
        return len(self.readings)

    def count(self, pred: Callable[[int], bool]) -> dict[str, int]:
        return {v.id: sum(1 for r in self.readings if pred(r.values[v.id].effective)) for v in VALUES}

    def ranked(self, pred: Callable[[int], bool]) -> list[tuple[str, int]]:
        counts = self.count(pred)
        order = {v.id: i for i, v in enumerate(VALUES)}
        return sorted(((k, c) for k, c in counts.items() if c > 0), key=lambda kc: (-kc[1], order[kc[0]]))


def creator_data(project: Project, name: str) -> CreatorData:
    videos = project.videos(creator=name)
    if not videos:
        known = ", ".join(c["name"] for c in project.creators()) or "none"
        raise ReportError(f"no creator {name!r} in this project (known: {known})")
    analysed = sorted(
        (v for v in videos if v["current_run_id"] is not None),
        key=lambda v: (date_key(v["upload_date"]), v["id"]),
    )
    if not analysed:
        raise ReportError(f"none of the {len(videos)} videos of {name} has been analysed yet")
    return CreatorData(
        str(videos[0]["creator"]),
        [video_reading(project, int(v["id"])) for v in analysed],
        len(videos) - len(analysed),
    )


def _title(r: VideoReading) -> str:
    return str(r.video.get("title") or r.video.get("file_name") or f"video {r.video_id}")


def _examples(data: CreatorData, value_id: str, pred: Callable[[int], bool], n: int = 2) -> list[str]:
    """The strongest quote from each of up to n videos where the value has that kind of label."""
    found: list[tuple[float, VideoReading, EvidenceLine]] = []
    for r in data.readings:
        vr = r.values[value_id]
        if pred(vr.effective) and vr.evidence:
            ev = vr.evidence[0]
            found.append((2.0 if ev.source == "reviewer" else ev.weight, r, ev))
    found.sort(key=lambda t: -t[0])
    return [quote_html(ev, video_title=_title(r)) for _, r, ev in found[:n]]


def _ranking(
    data: CreatorData, heading: str, ranked: list[tuple[str, int]], pred: Callable[[int], bool], verb: str
) -> str:
    if not ranked:
        return f'<h2>{heading}</h2><p class="muted">None of the videos {verb} any value.</p>'
    out = [f"<h2>{heading}</h2>"]
    for value_id, count in ranked[:4]:
        name = next(v.name for v in VALUES if v.id == value_id)
        quotes = "".join(f'<p style="margin-left:14px">{q}</p>' for q in _examples(data, value_id, pred))
        # a borderless one-cell table, so the page breaker keeps a value with its quotes
        out.append(
            '<table width="100%" cellspacing="0" cellpadding="0"><tr><td>'
            f"<h3>{esc(name)} — {count} of {data.n} videos</h3>"
            f'<p class="muted small">{esc(GLOSS[value_id])}</p>{quotes}</td></tr></table>'
        )
    return "".join(out)


def _grid(data: CreatorData) -> str:
    """Values (rows, grouped) × videos (columns V1…), in chunks so every column stays readable."""
    present = data.count(lambda x: x > 0)
    against = data.count(lambda x: x < 0)
    parts = []
    for start in range(0, data.n, GRID_CHUNK):
        chunk = data.readings[start : start + GRID_CHUNK]
        head = "".join(f'<td align="center"><b>V{start + i + 1}</b></td>' for i in range(len(chunk)))
        rows = [
            f'<tr bgcolor="#E5E8E8"><td><b>Value</b></td>{head}'
            f'<td align="center"><b>shows</b></td><td align="center"><b>against</b></td></tr>'
        ]
        for group in GROUPS.values():
            rows.append(
                f'<tr><td colspan="{len(chunk) + 3}" bgcolor="#F4F6F6"><b>{esc(group.name)}</b></td></tr>'
            )
            for v in (v for v in VALUES if v.group == group.id):
                cells = []
                for r in chunk:
                    vr = r.values[v.id]
                    mark = SYMBOL[vr.effective] if vr.effective else ""
                    star = "*" if vr.is_reviewed and vr.effective else ""
                    color = CONTRA_RED if vr.effective < 0 else "#111111"
                    cells.append(f'<td align="center" style="color:{color}">{mark}{star}</td>')
                shows = f"{present[v.id]}/{data.n}" if present[v.id] else ""
                vs = f"{against[v.id]}/{data.n}" if against[v.id] else ""
                rows.append(
                    f'<tr><td><span style="color:{group.color}">▌</span>{esc(v.name)}</td>{"".join(cells)}'
                    f'<td align="center">{shows}</td><td align="center" style="color:{CONTRA_RED}">{vs}</td></tr>'
                )
        parts.append(
            '<table width="100%" cellspacing="0" cellpadding="2" border="1" '
            'style="border-collapse:collapse; border-color:#B3B6B7; margin-top:6px">'
            + "".join(rows)
            + "</table>"
        )
    key = "".join(
        f"<tr><td><b>V{i + 1}</b></td><td>{esc(_title(r))}</td>"
        f'<td class="muted">{esc(nice_date(r.video.get("upload_date")))}</td></tr>'
        for i, r in enumerate(data.readings)
    )
    return (
        "<h2>Video by video</h2>"
        f'<p class="small">{esc(LEGEND)}</p>'
        + "".join(parts)
        + f'<h3>Videos</h3><table cellspacing="0" cellpadding="2">{key}</table>'
    )


def build_creator_report(
    project: Project, name: str, paper: str = "a4"
) -> tuple[str, dict[str, QImage], str]:
    data = creator_data(project, name)
    resources: dict[str, QImage] = {}
    shows = data.ranked(lambda x: x > 0)
    against = data.ranked(lambda x: x < 0)
    n = data.n
    present_share = {k: c / n for k, c in data.count(lambda x: x > 0).items()}
    contra_share = {k: c / n for k, c in data.count(lambda x: x < 0).items()}
    radar = draw_radar(share_spec(present_share, contra_share))
    resources["radar.png"] = radar
    rw, rh = fit(radar, page_text_width(paper) * 0.8, 1000)
    raw = sorted(
        (str(r.video["upload_date"]) for r in data.readings if r.video.get("upload_date")), key=date_key
    )
    span = ""
    if raw and date_key(raw[0]) != date_key(raw[-1]):
        span = f" uploaded between {esc(nice_date(raw[0]))} and {esc(nice_date(raw[-1]))}"
    elif raw:
        span = f" uploaded {esc(nice_date(raw[0]))}"
    pending = (
        f" {data.n_unanalysed} more {'is' if data.n_unanalysed == 1 else 'are'} not analysed yet."
        if data.n_unanalysed
        else ""
    )
    reviewed = sum(1 for r in data.readings for vr in r.values.values() if vr.is_reviewed)
    parts = [
        '<p class="muted small">ValueDesk creator report · which human values do these videos show?</p>',
        f"<h1>{esc(data.name)}</h1>",
        f"<p>{n} analysed video{'s' if n != 1 else ''}{span}.{esc(pending)}</p>",
        f'<h2>In short</h2><p class="summary">{esc(creator_summary(data.name, n, shows, against))}</p>',
        '<p class="muted small"><i>An automated reading to start a conversation, not a verdict '
        "(see the last page).</i></p>",
        f'<p align="center"><img src="radar.png" width="{rw}" height="{rh}"></p>',
        _ranking(data, "What these videos promote most often", shows, lambda x: x > 0, "promote"),
        _ranking(data, "What these videos go against most often", against, lambda x: x < 0, "go against"),
        _grid(data),
        "<h2>How this report was made</h2>",
        f"<p>{esc(METHOD)} For a creator, each value counts the videos whose label (a reviewer's when there "
        "is one) is present or dominant, and those where it is contradicted.</p>",
        f"<p>{reviewed} labels across these videos were checked by a person.</p>"
        if reviewed
        else "<p>No person has checked these labels yet.</p>",
        f'<p class="small muted">Models: {esc(models_text([r.run for r in data.readings]))}</p>',
        '<table width="100%" cellpadding="6" cellspacing="0" border="1" style="border-collapse:collapse; '
        f'border-color:#555"><tr><td><b>Please note.</b> {esc(CAVEAT)}</td></tr></table>',
    ]
    return "".join(parts), resources, data.name


def render_creator_report(project: Project, name: str, paper: str = "a4") -> bytes:
    body, resources, title = build_creator_report(project, name, paper)
    return render_pdf(
        body,
        resources,
        paper=paper,
        title=f"ValueDesk creator report: {title}",
        footer=f"ValueDesk · creator {title[:60]} · an automated reading, not a verdict",
    )


def write_creator_report(
    project: Project, name: str, out: str | os.PathLike[str], *, paper: str = "a4", force: bool = False
) -> Path:
    return write_file(Path(out), render_creator_report(project, name, paper), force=force)
