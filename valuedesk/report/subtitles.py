"""SRT and WebVTT of a video's transcript (speech lines; on-screen text on request).

Text carries reviewer corrections. Lines without a duration get one second so players show them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from valuedesk.script import ScriptLine, order_lines

MIN_CUE_MS = 1000


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    speaker: str
    text: str
    onscreen: bool = False


def cues(lines: Sequence[ScriptLine], *, onscreen: bool = False) -> list[Cue]:
    """Speech lines (and on-screen text when asked) as cues in time order."""
    kinds = ("speech", "onscreen") if onscreen else ("speech",)
    out = []
    for ln in order_lines(lines):
        text = " ".join(ln.text.split())
        if ln.kind not in kinds or not text:
            continue
        end = ln.end_ms if ln.end_ms > ln.start_ms else ln.start_ms + MIN_CUE_MS
        out.append(
            Cue(
                ln.start_ms,
                end,
                _speaker_name(ln.speaker) if ln.kind == "speech" else "",
                text,
                ln.kind == "onscreen",
            )
        )
    return out


def _clock(ms: int, sep: str) -> str:
    ms = max(0, int(ms))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, milli = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{milli:03d}"


def srt_time(ms: int) -> str:
    return _clock(ms, ",")


def vtt_time(ms: int) -> str:
    return _clock(ms, ".")


def to_srt(items: Sequence[Cue]) -> str:
    blocks = []
    for n, c in enumerate(items, 1):
        text = c.text.replace("-->", "→")
        if c.onscreen:
            text = f"[{text}]"
        elif c.speaker:
            text = f"{c.speaker}: {text}"
        blocks.append(f"{n}\n{srt_time(c.start_ms)} --> {srt_time(c.end_ms)}\n{text}\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(items: Sequence[Cue]) -> str:
    blocks = ["WEBVTT\n"]
    for c in items:
        text = _vtt_escape(c.text)
        if c.onscreen:
            text = f"[{text}]"
        elif c.speaker:
            text = f"<v {_vtt_escape(c.speaker)}>{text}"
        blocks.append(f"{vtt_time(c.start_ms)} --> {vtt_time(c.end_ms)}\n{text}\n")
    return "\n".join(blocks)


def _speaker_name(speaker: str) -> str:
    """A real speaker name is worth showing; the transcriber's generic "SPEAKER" is not."""
    name = speaker.strip()
    return "" if name.upper() in ("SPEAKER", "") else name
