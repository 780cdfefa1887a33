"""The elaborated, timed script: the one representation every stage writes and the classifier reads.

Lines keep screenplay conventions (DESIGN.md §1): speakers in capitals, on-screen text in square
brackets, short scene notes; every line carries its time span in integer milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

KINDS: tuple[str, ...] = ("speech", "onscreen", "caption", "scene", "sound")
# Order used to break ties between lines that start at the same moment.
_KIND_RANK = {k: i for i, k in enumerate(("caption", "scene", "sound", "onscreen", "speech"))}


@dataclass(frozen=True)
class ScriptLine:
    start_ms: int
    end_ms: int
    kind: str
    speaker: str
    text: str
    language: str = ""  # ISO 639-1 code of speech or written text; "" = not determined
    translation: str = ""  # English rendering of non-English speech: what the classifier reads

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown script line kind {self.kind!r}; expected one of {KINDS}")
        if self.end_ms < self.start_ms:
            raise ValueError(f"line ends before it starts: {self.start_ms}..{self.end_ms} ms")

    def model_text(self) -> str:
        """How the classifier sees this line: its screenplay form without the time, in English
        (a translated line is read in its translation; evidence still points at this line)."""
        if self.translation:
            return render_line_body(replace(self, text=self.translation))
        return render_line_body(self)


@dataclass(frozen=True)
class Word:
    start_ms: int
    end_ms: int
    text: str
    probability: float = 1.0


@dataclass
class Script:
    lines: list[ScriptLine]
    duration_ms: int = 0
    has_sound: bool = True
    language: str = ""
    words: list[Word] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lines = order_lines(self.lines)

    def render(self) -> str:
        return render_script(self.lines, duration_ms=self.duration_ms, has_sound=self.has_sound)


def line_order_key(ln: ScriptLine) -> tuple[int, int, int]:
    """Sort key of `order_lines`: time, then caption, scene, sound, on-screen, speech."""
    return (ln.start_ms, _KIND_RANK[ln.kind], ln.end_ms)


def order_lines(lines: Iterable[ScriptLine]) -> list[ScriptLine]:
    """Time order; the post's caption (at 0) first, then scene notes before what happens in them."""
    return sorted(lines, key=line_order_key)


def format_ms(ms: int) -> str:
    """00:12.3 for short clips, 1:02:03.4 past an hour."""
    ms = max(0, int(ms))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s = rem / 1000
    return f"{h}:{m:02d}:{s:04.1f}" if h else f"{m:02d}:{s:04.1f}"


def render_line_body(line: ScriptLine) -> str:
    if line.kind == "speech":
        who = (line.speaker or "SPEAKER").upper()
        return f'{who}: "{line.text}"'
    if line.kind == "onscreen":
        return f"[{line.text}]"
    if line.kind == "caption":
        return f"CAPTION: {line.text}"
    if line.kind == "sound":
        return f"({line.text})"
    return line.text  # scene note


def render_script(lines: Sequence[ScriptLine], *, duration_ms: int = 0, has_sound: bool = True) -> str:
    """A readable movie-script rendering with a time on every line."""
    head = [f"SHORT VIDEO · {format_ms(duration_ms)} · {'with sound' if has_sound else 'no sound'}", ""]
    body = []
    for ln in order_lines(lines):
        mark = f"  ‹{ln.language}›" if ln.language not in ("", "en") else ""
        body.append(f"{format_ms(ln.start_ms)}  {render_line_body(ln)}{mark}")
        if ln.translation:
            body.append(f"{' ' * len(format_ms(ln.start_ms))}  ↳ English: {ln.translation}")
    return "\n".join(head + body)
