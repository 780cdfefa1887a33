"""The classifier reads English: lines in another language without a translation are left out, and
the profile says so instead of guessing from them."""

from __future__ import annotations

from typing import Any

from valuedesk.pipeline.analyze import classify_content, readable, unread_warnings
from valuedesk.script import ScriptLine


class _Recorder:
    """Records which lines reach the classifier (the real models are tested in tests/classify)."""

    def __init__(self) -> None:
        self.seen: list[ScriptLine] = []

    def classify(self, lines: list[ScriptLine]) -> Any:
        from valuedesk.classify.base import Profile, ValueScore
        from valuedesk.values import VALUE_IDS, Label

        self.seen = list(lines)
        return Profile("recorder", {v: ValueScore(v, 0.0, Label(0)) for v in VALUE_IDS})


def test_untranslated_foreign_lines_are_not_read() -> None:
    lines = [
        ScriptLine(0, 1000, "speech", "A", "never give up", language="en"),
        ScriptLine(1000, 2000, "speech", "A", "niemals aufgeben", language="de", translation="never give up"),
        ScriptLine(2000, 3000, "speech", "A", "nunca te rindas", language="es"),
        ScriptLine(3000, 4000, "speech", "A", "hoater tiger", language="?"),
        ScriptLine(0, 4000, "caption", "", "day one"),
    ]
    rec = _Recorder()
    classify_content(rec, lines)
    assert [ln.text for ln in rec.seen] == ["never give up", "niemals aufgeben", "day one"]
    assert rec.seen[1].model_text() == 'A: "never give up"'  # read in its translation
    assert not readable(lines[2]) and not readable(lines[3]) and readable(lines[4])
    (warning,) = unread_warnings(lines)
    assert warning.startswith("2 line(s) in Spanish, unclear language are shown but not read")


def test_nothing_readable_says_the_values_were_not_read() -> None:
    lines = [ScriptLine(0, 1000, "speech", "A", "nunca te rindas", language="es")]
    (warning,) = unread_warnings(lines)
    assert warning.startswith("the values were not read: everything said or written is in Spanish")
    assert unread_warnings([ScriptLine(0, 1000, "speech", "A", "hi", language="en")]) == []
