"""The strict parsers: valid answers pass, everything else is an AnswerError that says why."""

from __future__ import annotations

import json

import pytest

from valuedesk.llm.answers import AnswerError, parse_scenes, parse_values


def _values(**entries: object) -> str:
    return json.dumps({"values": entries})


def test_valid_answer() -> None:
    text = _values(
        humility={"label": -1, "evidence": [2, 1, 2], "reason": " A  flex.\n"},
        achievement={"label": 2, "evidence": [0], "reason": "Wins."},
        face={"label": 0, "evidence": [], "reason": ""},
    )
    got = parse_values(text, n_lines=3)
    assert [(a.value_id, a.label, a.evidence, a.reason) for a in got] == [
        ("achievement", 2, (0,), "Wins."),
        ("humility", -1, (2, 1), "A flex."),
    ]


def test_fenced_and_empty() -> None:
    assert parse_values('```json\n{"values": {}}\n```', n_lines=2) == []


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("Sure! Here are the values.", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"labels": {}}', "unexpected keys"),
        ('{"values": []}', "must be an object"),
        (_values(kindness={"label": 1, "evidence": [0], "reason": "r"}), "unknown value ids"),
        (_values(face={"label": 3, "evidence": [0], "reason": "r"}), "label must be one of"),
        (_values(face={"label": "1", "evidence": [0], "reason": "r"}), "label must be one of"),
        (_values(face={"label": True, "evidence": [0], "reason": "r"}), "label must be one of"),
        (_values(face={"label": 1, "evidence": [5], "reason": "r"}), "line 5 does not exist"),
        (_values(face={"label": 1, "evidence": [-1], "reason": "r"}), "does not exist"),
        (_values(face={"label": 1, "evidence": [], "reason": "r"}), "give the 1 to 3"),
        (_values(face={"label": 1, "evidence": ["0"], "reason": "r"}), "integers"),
        (_values(face={"label": 1, "evidence": [0], "reason": ""}), "reason"),
        (_values(face={"label": 1, "evidence": [0], "reason": "r", "score": 0.9}), "unexpected keys"),
        ('{"values": {"face": {"label": 1, "evidence": [0], "reason": "r"}}', "not valid JSON"),
    ],
)
def test_rejected(text: str, why: str) -> None:
    with pytest.raises(AnswerError, match=why):
        parse_values(text, n_lines=3)


def test_scenes() -> None:
    got = parse_scenes('{"scenes": [{"frame": 1, "text": " A MAN  waves. "}]}', n_frames=2)
    assert [(s.frame, s.text) for s in got] == [(1, "A MAN waves.")]
    with pytest.raises(AnswerError, match="frame must be"):
        parse_scenes('{"scenes": [{"frame": 2, "text": "x"}]}', n_frames=2)
    with pytest.raises(AnswerError, match="text"):
        parse_scenes('{"scenes": [{"frame": 0, "text": ""}]}', n_frames=2)
