"""ValueDesk's own prompts for the three LLM tasks, versioned, with the JSON schemas they ask for.

- step 1 (`scene_messages`): keyframes (as data: URLs) + timed transcript → timed scene lines;
- step 2 (`label_messages`): the numbered script → 19 labels with evidence and reasons, few-shot;
- direct (`direct_messages`): keyframes + transcript → the labels in one step (the paper's baseline).

The wording lives in `prompts/*.md` and the few-shot examples in `prompts/examples.json` (package
data); the value ids and definitions come from valuedesk/values.py. Every stored LLM result
carries `PROMPT_VERSION`: change any prompt file and bump it (tests/llm/test_prompts.py checks the
files' digest against `PROMPT_FILES_SHA256`), so old and new results are never mixed up.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from string import Template
from typing import Any, Protocol

from valuedesk.script import ScriptLine, format_ms
from valuedesk.values import VALUE_IDS, VALUES

PROMPT_VERSION = "valuedesk-llm-prompts-v1"
PROMPT_FILES = ("label.md", "direct.md", "scenes.md", "examples.json")
# sha256 over PROMPT_FILES (name, NUL, bytes, NUL each); update together with PROMPT_VERSION.
PROMPT_FILES_SHA256 = "3193c705f51587c322a8a877239ef54c3b4e2491a8e2fd3dc9db72de8af6fcab"

MAX_FRAMES = 8  # keyframes sent per request: enough for a short post, small for a local VLM
FRAME_MAX_SIDE = 512  # long side of the pictures sent (pixels)
MAX_ENUM = 400  # longest line-number enum put in a schema (a longer script gets only the range)

Message = dict[str, Any]


@cache
def prompt_file(name: str) -> str:
    return resources.files("valuedesk.llm").joinpath("prompts", name).read_text(encoding="utf-8")


def prompt_files_digest() -> str:
    h = hashlib.sha256()
    for name in PROMPT_FILES:
        h.update(name.encode() + b"\0" + prompt_file(name).encode("utf-8") + b"\0")
    return h.hexdigest()


def definitions_block() -> str:
    """One line per value, circle order: `id — Name: definition`."""
    return "\n".join(f"- {v.id} — {v.name}: {v.definition}" for v in VALUES)


def numbered_script(lines: Sequence[ScriptLine]) -> str:
    """The script as the model reads it: `[i] 00:02.1 speech: WOMAN: "…"`, i = the line's index.

    Lines are numbered in the order given (the order evidence indexes refer to), never re-sorted.
    """
    duration = max((ln.end_ms for ln in lines), default=0)
    head = f"SHORT VIDEO · {format_ms(duration)} · {len(lines)} lines"
    body = [f"[{i}] {format_ms(ln.start_ms)} {ln.kind}: {ln.model_text()}" for i, ln in enumerate(lines)]
    return "\n".join([head, *body])


# ---- JSON schemas (response_format) ----------------------------------------------------------


def values_schema(n_lines: int, *, require_evidence: bool = True) -> dict[str, Any]:
    """The labelling answer's schema: only the 19 ids, labels -1/1/2, evidence within the script
    (at least one line per label unless `require_evidence` is off, as in the direct mode)."""
    # Line numbers as an enum as well as a range: llama.cpp's grammar converter enforces enums but
    # not minimum/maximum, and an out-of-range line would cost the one retry.
    evidence: dict[str, Any] = {"type": "array", "items": _index_schema(n_lines), "maxItems": 3}
    if n_lines > 0 and require_evidence:
        evidence["minItems"] = 1
    elif n_lines == 0:
        evidence["maxItems"] = 0
    entry = {
        "type": "object",
        "properties": {
            "label": {"type": "integer", "enum": [-1, 1, 2]},
            "evidence": evidence,
            "reason": {"type": "string", "minLength": 1, "maxLength": 160},
        },
        "required": ["label", "evidence", "reason"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "values": {
                "type": "object",
                "properties": {vid: entry for vid in VALUE_IDS},
                "additionalProperties": False,
            }
        },
        "required": ["values"],
        "additionalProperties": False,
    }


def _index_schema(n: int) -> dict[str, Any]:
    """An integer 0..n-1 (as an enum too while n is small enough for a grammar)."""
    schema: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": max(0, n - 1)}
    if 0 < n <= MAX_ENUM:
        schema["enum"] = list(range(n))
    return schema


def scenes_schema(n_frames: int) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "scenes": {
                "type": "array",
                "maxItems": max(1, 2 * n_frames),
                "items": {
                    "type": "object",
                    "properties": {
                        "frame": _index_schema(n_frames),
                        "text": {"type": "string", "minLength": 1, "maxLength": 200},
                    },
                    "required": ["frame", "text"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["scenes"],
        "additionalProperties": False,
    }


# ---- step 2: few-shot labelling ----------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    name: str
    lines: tuple[ScriptLine, ...]
    answer: dict[str, Any]


@lru_cache(maxsize=1)
def examples() -> tuple[Example, ...]:
    raw = json.loads(prompt_file("examples.json"))
    out = []
    for ex in raw["examples"]:
        lines = tuple(ScriptLine(int(a), int(b), str(k), str(s), str(t)) for a, b, k, s, t in ex["lines"])
        out.append(Example(str(ex["name"]), lines, ex["answer"]))
    return tuple(out)


def system_text(name: str) -> str:
    return Template(prompt_file(name)).substitute(definitions=definitions_block())


def label_messages(lines: Sequence[ScriptLine], *, n_examples: int | None = None) -> list[Message]:
    """System instructions, the examples as earlier turns, then the script to label."""
    msgs: list[Message] = [{"role": "system", "content": system_text("label.md")}]
    for ex in examples()[:n_examples]:
        msgs.append({"role": "user", "content": numbered_script(ex.lines)})
        msgs.append({"role": "assistant", "content": json.dumps(ex.answer, ensure_ascii=False)})
    msgs.append({"role": "user", "content": numbered_script(lines)})
    return msgs


# ---- frames (step 1 and the direct mode) ----------------------------------------------------


class FrameLike(Protocol):
    """A keyframe: media.frames.Keyframe (RGB `image`) or `FrameImage` (ready JPEG bytes)."""

    t_ms: int


@dataclass(frozen=True)
class FrameImage:
    t_ms: int
    jpeg: bytes


def to_frame_images(
    frames: Sequence[Any], *, max_frames: int = MAX_FRAMES, max_side: int = FRAME_MAX_SIDE
) -> list[FrameImage]:
    """Up to `max_frames` evenly spread frames as JPEGs.

    Accepts `FrameImage`s, `(t_ms, jpeg_bytes)` pairs (the pipeline's thumbnails) and keyframes
    with an RGB `image` array (encoded here, long side ≤ `max_side`).
    """
    if not frames:
        return []
    if len(frames) > max_frames:
        step = len(frames) / max_frames
        frames = [frames[int(i * step)] for i in range(max_frames)]
    out = []
    for f in frames:
        if isinstance(f, FrameImage):
            out.append(f)
        elif isinstance(f, tuple) and len(f) == 2 and isinstance(f[1], bytes | bytearray):
            out.append(FrameImage(int(f[0]), bytes(f[1])))
        else:
            out.append(FrameImage(int(f.t_ms), encode_jpeg(f.image, max_side)))
    return out


def encode_jpeg(image: Any, max_side: int = FRAME_MAX_SIDE, quality: int = 80) -> bytes:
    """An RGB uint8 array as a JPEG, scaled down so the long side is ≤ max_side."""
    import cv2

    h, w = image.shape[:2]
    scale = min(1.0, max_side / max(1, h, w))
    if scale < 1.0:
        image = cv2.resize(
            image, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA
        )
    ok, buf = cv2.imencode(
        ".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        raise ValueError("could not encode a keyframe as JPEG")
    return bytes(buf.tobytes())


@cache
def probe_jpeg() -> bytes:
    """The image-support probe's picture: 96×96 noise, ~12 kB — small for a vision model, many
    thousands of tokens for a server that pastes it into a text prompt."""
    import numpy as np

    noise = np.random.default_rng(0).integers(0, 256, size=(96, 96, 3), dtype=np.uint8)
    return encode_jpeg(noise, quality=90)


def data_url(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def _frame_parts(frames: Sequence[FrameImage]) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for i, f in enumerate(frames):
        parts.append({"type": "text", "text": f"Keyframe {i} at {format_ms(f.t_ms)}:"})
        parts.append({"type": "image_url", "image_url": {"url": data_url(f.jpeg)}})
    return parts


def transcript_text(lines: Sequence[ScriptLine]) -> str:
    if not lines:
        return "Transcript: (no speech or text)"
    return "Transcript:\n" + "\n".join(numbered_script(lines).splitlines()[1:])


# ---- step 1: scene description ----------------------------------------------------------------


def scene_messages(frames: Sequence[FrameImage], lines: Sequence[ScriptLine]) -> list[Message]:
    """Keyframes with their times + the timed transcript → {"scenes": [{"frame", "text"}]}."""
    content = [*_frame_parts(frames), {"type": "text", "text": transcript_text(lines)}]
    return [
        {"role": "system", "content": prompt_file("scenes.md")},
        {"role": "user", "content": content},
    ]


# ---- direct mode -------------------------------------------------------------------------------


def direct_messages(frames: Sequence[FrameImage], lines: Sequence[ScriptLine]) -> list[Message]:
    """Keyframes + numbered transcript lines → the values answer (evidence indexes the lines).

    The system message is step 2's, word for word, so a server's prompt cache reuses it; what
    differs (pictures, evidence may be []) is said in the user message (`direct.md`).
    """
    preface = prompt_file("direct.md").strip()
    content: str | list[dict[str, Any]] = preface + "\n\n" + transcript_text(lines)
    if frames:  # a text-only server may not take a list of parts at all
        content = [
            {"type": "text", "text": preface},
            *_frame_parts(frames),
            {"type": "text", "text": transcript_text(lines)},
        ]
    return [
        {"role": "system", "content": system_text("label.md")},
        {"role": "user", "content": content},
    ]


def retry_message(error: str) -> Message:
    """The one retry after a malformed answer: the problem, told to the model."""
    return {
        "role": "user",
        "content": f"Your answer was not valid: {error}. Reply again with only the JSON object, "
        "exactly in the format asked for.",
    }
