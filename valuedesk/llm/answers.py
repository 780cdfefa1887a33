"""Strict parsers of the model's JSON answers: validated, or rejected with a reason it can act on.

A model's answer is never repaired or guessed: an unknown value id, a label outside {-1, 0, 1,
2}, an evidence number past the script's end or a missing field is an `AnswerError` whose
message is told back to the model for its one retry (client.py), and the second failure is
reported. The only leniency is what changes no meaning: one ```json fence around the whole
answer, a listed label 0 (dropped), repeated evidence numbers (kept once).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, TypeGuard

from valuedesk.values import VALUE_IDS

MAX_REASON_CHARS = 240
MAX_SCENE_CHARS = 300
MAX_EVIDENCE = 5
_FENCE = re.compile(r"^```(?:json|JSON)?\s*\n?(.*?)\n?```$", re.DOTALL)


class AnswerError(ValueError):
    """What is wrong with an answer, in words the model can fix."""


@dataclass(frozen=True)
class ValueAnswer:
    value_id: str
    label: int  # -1, 1 or 2 (absent values are not kept)
    evidence: tuple[int, ...]  # line indexes, in the model's order
    reason: str


@dataclass(frozen=True)
class SceneAnswer:
    frame: int  # index into the keyframes sent
    text: str


def load_json_object(text: str) -> dict[str, Any]:
    """The answer as a JSON object (one surrounding code fence allowed, nothing else around it)."""
    raw = text.strip()
    m = _FENCE.match(raw)
    if m:
        raw = m.group(1).strip()
    if not raw:
        raise AnswerError("the answer was empty; reply with the JSON object only")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise AnswerError(f"the answer is not valid JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(data, dict):
        raise AnswerError(f"the answer must be a JSON object, not {type(data).__name__}")
    return data


def _is_int(x: object) -> TypeGuard[int]:
    return isinstance(x, int) and not isinstance(x, bool)


def _only_keys(obj: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(obj) - allowed)
    if extra:
        raise AnswerError(f"{where} has unexpected keys {extra}; allowed: {sorted(allowed)}")


def parse_values(text: str, n_lines: int, *, require_evidence: bool = True) -> list[ValueAnswer]:
    """Parse {"values": {id: {"label", "evidence", "reason"}}} against a script of `n_lines` lines.

    Non-zero labels need a reason and, when the script has lines and `require_evidence` is on,
    1..MAX_EVIDENCE evidence lines (the direct mode allows [] for what only the pictures show).
    Returned in the order of VALUE_IDS.
    """
    data = load_json_object(text)
    _only_keys(data, {"values"}, "the answer")
    if "values" not in data:
        raise AnswerError('the answer lacks the "values" object')
    values = data["values"]
    if not isinstance(values, dict):
        raise AnswerError('"values" must be an object mapping value ids to labels')
    unknown = sorted(k for k in values if k not in VALUE_IDS)
    if unknown:
        raise AnswerError(f"unknown value ids {unknown}; use only: {', '.join(VALUE_IDS)}")
    out: list[ValueAnswer] = []
    for vid in VALUE_IDS:
        if vid not in values:
            continue
        entry = values[vid]
        if not isinstance(entry, dict):
            raise AnswerError(f'"{vid}" must be an object with "label", "evidence" and "reason"')
        _only_keys(entry, {"label", "evidence", "reason"}, f'"{vid}"')
        label = entry.get("label")
        if not _is_int(label) or label not in (-1, 0, 1, 2):
            raise AnswerError(f'"{vid}": label must be one of -1, 0, 1, 2, not {label!r}')
        if label == 0:
            continue
        evidence = _evidence(vid, entry.get("evidence"), n_lines, required=require_evidence and n_lines > 0)
        out.append(ValueAnswer(vid, label, evidence, _reason(vid, entry)))
    return out


def _evidence(vid: str, raw: object, n_lines: int, *, required: bool) -> tuple[int, ...]:
    if not isinstance(raw, list):
        raise AnswerError(f'"{vid}": evidence must be a list of line numbers')
    seen: list[int] = []
    for x in raw:
        if not _is_int(x):
            raise AnswerError(f'"{vid}": evidence must hold line numbers (integers), not {x!r}')
        if not 0 <= x < n_lines:
            top = f"0 to {n_lines - 1}" if n_lines else "none (the script is empty)"
            raise AnswerError(f'"{vid}": evidence line {x} does not exist; the lines are numbered {top}')
        if x not in seen:
            seen.append(x)
    if required and not seen:
        raise AnswerError(f'"{vid}": give the 1 to 3 line numbers that show this label as evidence')
    if len(seen) > MAX_EVIDENCE:
        raise AnswerError(f'"{vid}": at most {MAX_EVIDENCE} evidence lines, not {len(seen)}')
    return tuple(seen)


def _reason(vid: str, entry: dict[str, Any]) -> str:
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise AnswerError(f'"{vid}": reason must be one short sentence')
    one_line = " ".join(reason.split())
    return one_line[: MAX_REASON_CHARS - 1] + "…" if len(one_line) > MAX_REASON_CHARS else one_line


def parse_scenes(text: str, n_frames: int) -> list[SceneAnswer]:
    """Parse {"scenes": [{"frame", "text"}]} for `n_frames` keyframes (frame numbers 0..n-1)."""
    data = load_json_object(text)
    _only_keys(data, {"scenes"}, "the answer")
    scenes = data.get("scenes")
    if not isinstance(scenes, list):
        raise AnswerError('the answer needs a "scenes" list')
    out: list[SceneAnswer] = []
    for i, item in enumerate(scenes):
        if not isinstance(item, dict):
            raise AnswerError(f'scene {i} must be an object with "frame" and "text"')
        _only_keys(item, {"frame", "text"}, f"scene {i}")
        frame = item.get("frame")
        if not _is_int(frame) or not 0 <= frame < n_frames:
            raise AnswerError(
                f"scene {i}: frame must be a keyframe number from 0 to {n_frames - 1}, not {frame!r}"
            )
        body = item.get("text")
        if not isinstance(body, str) or not body.strip():
            raise AnswerError(f"scene {i}: text must be a short scene line")
        line = " ".join(body.split())
        if len(line) > MAX_SCENE_CHARS:
            raise AnswerError(f"scene {i}: at most {MAX_SCENE_CHARS} characters a line")
        out.append(SceneAnswer(frame, line))
    return out
