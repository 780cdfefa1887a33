"""LlmValueClassifier: a full classification through the real llama.cpp server, the image checks
of step 1 and the direct mode, and (stub only) the malformed-answer retry."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.llm.conftest import LlamaServer
from tests.llm.stub_server import StubState, stub_server
from valuedesk.classify.base import Profile, ValueClassifier
from valuedesk.llm import (
    PROMPT_VERSION,
    FrameImage,
    LlmEndpoint,
    LlmImagesUnsupported,
    LlmMalformedAnswer,
    LlmValueClassifier,
    is_llm_scene,
)
from valuedesk.llm.answers import parse_scenes
from valuedesk.llm.prompts import encode_jpeg
from valuedesk.llm.reader import scene_lines
from valuedesk.script import ScriptLine
from valuedesk.values import VALUE_IDS, Label

SCRIPT = [
    ScriptLine(0, 6000, "caption", "", "first time at the climbing gym #newhobby"),
    ScriptLine(0, 2000, "scene", "", "A YOUNG MAN grips the wall, grinning."),
    ScriptLine(2100, 4000, "speech", "young man", "I was terrified but I made it to the top!"),
    ScriptLine(4200, 6000, "onscreen", "", "NEVER STOP TRYING NEW THINGS"),
]


def _frames() -> list[FrameImage]:
    img = np.full((96, 64, 3), 180, dtype=np.uint8)
    img[20:60, 10:50] = (200, 40, 40)
    return [FrameImage(0, encode_jpeg(img)), FrameImage(3000, encode_jpeg(img[::-1].copy()))]


def _check_profile(profile: Profile, reader: LlmValueClassifier, lines: list[ScriptLine]) -> None:
    assert set(profile.scores) == set(VALUE_IDS)
    call = reader.last_call
    assert call is not None and call.prompt_version == PROMPT_VERSION
    assert call.prompt_tokens > 0 and call.completion_tokens > 0 and call.seconds > 0
    assert call.attempts in (1, 2)
    flagged = {v for v, s in profile.scores.items() if s.label != Label.ABSENT}
    assert set(call.reasons) == flagged
    for v, s in profile.scores.items():
        assert (s.score >= s.threshold) == (v in flagged)
    for e in profile.evidence:
        assert e.value_id in flagged and 0 <= e.line_index < len(lines)
        assert (e.start_ms, e.text) == (lines[e.line_index].start_ms, lines[e.line_index].text)
    assert {e.value_id for e in profile.evidence} == flagged


def test_classify_through_the_server(llama_server: LlamaServer) -> None:
    """The 135M model's labels are poor; the protocol is what is tested. The schema becomes a
    grammar on this server, so its answer must parse: a Profile, never a silent guess."""
    reader = LlmValueClassifier(
        LlmEndpoint(llama_server.url, llama_server.model), max_tokens=600, n_examples=1
    )
    assert isinstance(reader, ValueClassifier)
    try:
        profile = reader.classify(SCRIPT)
    except LlmMalformedAnswer as exc:  # only after exactly one retry (e.g. cut off at max_tokens)
        assert exc.attempts == 2 and exc.answer
        pytest.fail(f"the grammar-constrained answer did not validate twice: {exc}")
    assert profile.model_id == f"llm:{llama_server.model}@{PROMPT_VERSION}"
    _check_profile(profile, reader, SCRIPT)
    assert json.loads(reader.last_call.answer if reader.last_call else "")["values"] is not None


def test_direct_mode_without_frames(llama_server: LlamaServer) -> None:
    """Right after the classification: both share the system prompt, which the server has cached."""
    reader = LlmValueClassifier(LlmEndpoint(llama_server.url, llama_server.model), max_tokens=300)
    transcript = [ln for ln in SCRIPT if ln.kind != "scene"]
    profile = reader.direct_profile([], transcript)
    _check_profile(profile, reader, transcript)
    assert reader.last_call is not None and reader.last_call.task == "direct"


def test_empty_script_needs_no_request() -> None:
    reader = LlmValueClassifier(LlmEndpoint("http://127.0.0.1:9", "m"))  # nothing listens there
    profile = reader.classify([])
    assert all(s.label == Label.ABSENT for s in profile.scores.values())
    assert reader.last_call is not None and reader.last_call.attempts == 0


def test_scenes_skipped_with_a_note_when_the_model_takes_no_images(llama_server: LlamaServer) -> None:
    reader = LlmValueClassifier(LlmEndpoint(llama_server.url, llama_server.model), scene_max_tokens=60)
    assert reader.describe_scenes(_frames(), SCRIPT) == []
    assert reader.last_call is not None and "takes no images" in reader.last_call.note
    assert reader.images_supported is False
    with pytest.raises(LlmImagesUnsupported):
        reader.direct_profile(_frames(), SCRIPT)


# ---- the stub: malformed answers, which a real model cannot be made to give on demand ---------

VALID = json.dumps(
    {"values": {"stimulation": {"label": 2, "evidence": [2, 3], "reason": "A first climb: a new thrill."}}}
)


def test_malformed_answer_is_retried_once_then_reported() -> None:
    state = StubState(answers=["Sure! Stimulation is present.", '{"values": {"courage": {"label": 1}}}'])
    with stub_server(state) as url:
        reader = LlmValueClassifier(LlmEndpoint(url, "stub-model"))
        with pytest.raises(LlmMalformedAnswer, match="unknown value ids") as info:
            reader.classify(SCRIPT)
    assert info.value.attempts == 2 and len(state.requests) == 2
    retry = state.requests[1]["messages"]
    assert retry[-2] == {"role": "assistant", "content": "Sure! Stimulation is present."}
    assert "not valid JSON" in retry[-1]["content"]
    assert state.requests[0]["response_format"]["type"] == "json_schema"


def test_malformed_then_valid() -> None:
    state = StubState(
        answers=['{"values": {"stimulation": {"label": 2, "evidence": [9], "reason": "x"}}}', VALID]
    )
    with stub_server(state) as url:
        reader = LlmValueClassifier(LlmEndpoint(url, "stub-model"))
        profile = reader.classify(SCRIPT)
    assert profile.scores["stimulation"].label == Label.DOMINANT
    assert [e.line_index for e in profile.evidence_for("stimulation")] == [2, 3]
    call = reader.last_call
    assert call is not None and call.attempts == 2 and "line 9 does not exist" in call.note
    assert call.reasons == {"stimulation": "A first climb: a new thrill."}
    assert (call.prompt_tokens, call.completion_tokens) == (20, 10)  # both attempts counted
    _check_profile(profile, reader, SCRIPT)


def test_scene_lines_are_marked_with_their_model() -> None:
    """The mapping of a scene answer to script lines (no vision model runs here: SmolLM2 is text only)."""
    text = json.dumps(
        {"scenes": [{"frame": 1, "text": "A YOUNG MAN waves from the top."}, {"frame": 0, "text": "A gym."}]}
    )
    lines = scene_lines(parse_scenes(text, 2), _frames(), "qwen2.5-vl", end_ms=6000)
    assert [(ln.start_ms, ln.end_ms, ln.text) for ln in lines] == [
        (0, 3000, "A gym."),
        (3000, 6000, "A YOUNG MAN waves from the top."),
    ]
    assert all(ln.kind == "scene" and ln.speaker == "llm:qwen2.5-vl" and is_llm_scene(ln) for ln in lines)
    assert not is_llm_scene(SCRIPT[1])


def _image_parts(request: dict) -> list[str]:
    content = request["messages"][-1]["content"]
    parts = content if isinstance(content, list) else []
    return [p["image_url"]["url"] for p in parts if p.get("type") == "image_url"]


def test_a_model_that_takes_images_gets_the_keyframes_and_writes_timed_scene_lines() -> None:
    """Step 1's success path as a vision server sees it (no vision model is packaged, so this is
    the stub: the probe's image costs no extra prompt tokens, the scene answer is valid)."""
    scenes = json.dumps(
        {
            "scenes": [
                {"frame": 0, "text": "A YOUNG MAN chalks his hands."},
                {"frame": 1, "text": "He waves from the top."},
            ]
        }
    )
    state = StubState(answers=["OK", "OK", scenes])
    with stub_server(state) as url:
        reader = LlmValueClassifier(LlmEndpoint(url, "stub-model"))
        lines = reader.describe_scenes(_frames(), SCRIPT)
    assert reader.images_supported is True
    scene_request = state.requests[-1]
    sent = _image_parts(scene_request)
    assert len(sent) == 2 and all(u.startswith("data:image/jpeg;base64,") for u in sent)
    assert "I was terrified but I made it to the top!" in json.dumps(scene_request["messages"])
    assert [(ln.start_ms, ln.end_ms, ln.text) for ln in lines] == [
        (0, 3000, "A YOUNG MAN chalks his hands."),
        (3000, 6000, "He waves from the top."),
    ]
    assert all(ln.kind == "scene" and ln.speaker == "llm:stub-model" for ln in lines)
    call = reader.last_call
    assert call is not None and call.task == "scenes" and call.attempts == 1 and not call.note


def test_direct_mode_with_a_model_that_takes_images() -> None:
    """The one-step baseline: frames and transcript in one request, the values out, evidence optional."""
    state = StubState(answers=["OK", "OK", VALID])
    with stub_server(state) as url:
        reader = LlmValueClassifier(LlmEndpoint(url, "stub-model"))
        profile = reader.direct_profile(_frames(), SCRIPT)
    assert len(_image_parts(state.requests[-1])) == 2
    assert profile.scores["stimulation"].label == Label.DOMINANT
    assert reader.last_call is not None and reader.last_call.task == "direct"
    assert reader.last_call.reasons == {"stimulation": "A first climb: a new thrill."}
