from __future__ import annotations

import pytest

from valuedesk.script import Script, ScriptLine, format_ms, render_script


def test_lines_order_in_time_with_caption_first() -> None:
    lines = [
        ScriptLine(1200, 2000, "speech", "SPEAKER", "hi"),
        ScriptLine(0, 9000, "caption", "", "#fun"),
        ScriptLine(0, 500, "scene", "", "A kitchen."),
        ScriptLine(1200, 1900, "onscreen", "", "HELLO"),
    ]
    s = Script(lines, duration_ms=9000)
    assert [ln.kind for ln in s.lines] == ["caption", "scene", "onscreen", "speech"]
    text = s.render()
    assert text.splitlines()[0].startswith("SHORT VIDEO · 00:09.0 · with sound")
    assert '00:01.2  SPEAKER: "hi"' in text and "00:01.2  [HELLO]" in text and "CAPTION: #fun" in text


def test_bad_lines_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown script line kind"):
        ScriptLine(0, 1, "music", "", "x")
    with pytest.raises(ValueError, match="ends before it starts"):
        ScriptLine(5, 1, "speech", "", "x")


def test_format_ms() -> None:
    assert format_ms(0) == "00:00.0"
    assert format_ms(61_250) == "01:01.2" or format_ms(61_250) == "01:01.3"
    assert format_ms(3_723_400) == "1:02:03.4"
    assert render_script([], duration_ms=0, has_sound=False).startswith("SHORT VIDEO · 00:00.0 · no sound")
