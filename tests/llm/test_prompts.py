"""The prompts: versioned files, the 19 ids and definitions, examples that pass our own parser."""

from __future__ import annotations

import json

import numpy as np

from valuedesk.llm import prompts
from valuedesk.llm.answers import parse_values
from valuedesk.script import ScriptLine
from valuedesk.values import VALUES


def test_prompt_files_match_the_version() -> None:
    assert prompts.prompt_files_digest() == prompts.PROMPT_FILES_SHA256, (
        "a prompt file changed: bump PROMPT_VERSION and set PROMPT_FILES_SHA256 to "
        + prompts.prompt_files_digest()
    )


def test_label_prompt_has_every_value_and_the_meaning_of_minus_one() -> None:
    system = prompts.label_messages([])[0]["content"]
    for v in VALUES:
        assert v.id in system and v.definition in system
    assert "goes against" in system and "sarcasm" in system
    assert "$" not in system  # every placeholder filled


def test_direct_mode_shares_the_system_prompt() -> None:
    """Same system message as step 2 (a server's prompt cache reuses it); the pictures' rules
    come in the user message."""
    lines = [ScriptLine(0, 1000, "speech", "", "hi")]
    direct = prompts.direct_messages([], lines)
    assert direct[0] == prompts.label_messages(lines)[0]
    assert "[] when only the pictures show it" in direct[1]["content"]
    with_frames = prompts.direct_messages([prompts.FrameImage(0, b"x")], lines)
    assert [p["type"] for p in with_frames[1]["content"]] == ["text", "text", "image_url", "text"]


def test_examples_are_valid_answers() -> None:
    exs = prompts.examples()
    assert 3 <= len(exs) <= 4
    labels = set()
    for ex in exs:
        answers = parse_values(json.dumps(ex.answer), len(ex.lines))
        labels |= {a.label for a in answers}
    assert {-1, 1, 2} <= labels
    assert any("sarcasm" in ex.name for ex in exs)


def test_numbered_script_keeps_the_given_order() -> None:
    lines = [ScriptLine(5000, 6000, "speech", "mom", "Dinner!"), ScriptLine(0, 9000, "caption", "", "family")]
    text = prompts.numbered_script(lines)
    assert '[0] 00:05.0 speech: MOM: "Dinner!"' in text
    assert "[1] 00:00.0 caption: CAPTION: family" in text


def test_values_schema_bounds_evidence() -> None:
    schema = prompts.values_schema(4)
    entry = schema["properties"]["values"]["properties"]["face"]
    assert entry["properties"]["evidence"]["items"]["maximum"] == 3
    assert set(schema["properties"]["values"]["properties"]) == {v.id for v in VALUES}


def test_frames_become_data_urls() -> None:
    img = np.zeros((1280, 720, 3), dtype=np.uint8)

    class Kf:
        t_ms = 1200
        image = img

    frames = prompts.to_frame_images([Kf(), (3400, b"\xff\xd8jpeg"), prompts.FrameImage(5000, b"x")])
    assert [f.t_ms for f in frames] == [1200, 3400, 5000]
    assert frames[0].jpeg[:2] == b"\xff\xd8"
    msgs = prompts.scene_messages(frames, [ScriptLine(0, 1000, "speech", "", "hi")])
    parts = msgs[1]["content"]
    urls = [p["image_url"]["url"] for p in parts if p["type"] == "image_url"]
    assert len(urls) == 3 and all(u.startswith("data:image/jpeg;base64,") for u in urls)
    assert "Keyframe 1 at 00:03.4:" in [p.get("text") for p in parts]
    many = prompts.to_frame_images([prompts.FrameImage(i * 100, b"x") for i in range(30)], max_frames=8)
    assert len(many) == 8
