"""The lost-speech and loop guards, on hand-made spans and texts (the real-audio cases are in
test_languages_real.py)."""

from __future__ import annotations

from valuedesk.languages import describe
from valuedesk.transcribe.languages import text_language
from valuedesk.transcribe.speech import Span, covered_share, group_spans, is_loop, uncovered


def test_loops_are_told_from_repeated_real_speech() -> None:
    assert is_loop("hoater tiger, " * 12, 0, 7000)  # 24 words in 7 s, one phrase
    assert is_loop("the the the the the the the the the the", 0, 1500)
    assert not is_loop("Subscribe for more videos like this one.", 0, 2500)
    assert not is_loop(
        "Work hard every single day, believe in yourself and keep going, never give up.", 0, 6000
    )
    assert not is_loop("go go go", 0, 1000)  # too short to call


def test_uncovered_speech() -> None:
    regions = [Span(0, 10_000), Span(20_000, 22_000)]
    assert uncovered(regions, [(0, 10_000), (20_000, 22_000)]) == []
    assert uncovered(regions, [(0, 4_000)]) == [Span(4_400, 10_000), Span(20_000, 22_000)]
    assert uncovered(regions, [(0, 9_500), (20_000, 22_000)]) == []  # half a second at the end is word edges
    assert abs(covered_share(regions, [(0, 4_000)]) - (4_400 / 12_000)) < 1e-9
    assert covered_share([], []) == 1.0


def test_group_spans_cuts_at_the_longest_pauses() -> None:
    spans = group_spans([Span(0, 2000), Span(2100, 5000), Span(9000, 10_000)], max_spans=2)
    assert spans == [Span(0, 5000), Span(9000, 10_000)]
    assert group_spans([Span(0, 2000), Span(2000, 3000)]) == [Span(0, 3000)]  # touching regions join
    many = group_spans([Span(i * 1000, i * 1000 + 900) for i in range(40)], max_spans=8)
    assert len(many) == 8 and many[0].start_ms == 0 and many[-1].end_ms == 39_900


def test_written_language() -> None:
    assert text_language("Heute zeige ich euch meinen neuen Hund") == "de"
    assert text_language("No puedo creer lo que pasó hoy") == "es"
    assert text_language("this prank went too far omg") == "en"
    assert text_language("5 MIN SCHOOL LOOK") == ""  # too short to tell: no guess
    assert text_language("#fyp #prank #viral") == ""


def test_languages_in_words() -> None:
    assert (
        describe({"en": 4.9, "de": 8.8})
        == "German 8.8 s, English 4.9 s (German translated to English for the value reading)"
    )
    assert describe({"en": 30.0}) == "English 30.0 s"
