"""The LLM as a ValueDesk reader: step 2 (`classify`), step 1 (`describe_scenes`) and the direct
one-step mode (`direct_profile`), each one validated JSON round trip through `LlmClient`.

`LlmValueClassifier` implements `classify.base.ValueClassifier`, so the pipeline, the store and
every view treat its profile like the trained model's. An LLM gives labels, not probabilities:
each label maps to a fixed confidence (`LABEL_SCORE`, decision threshold 0.5), and the model's
one-line reasons, token counts, seconds and the prompt version of the latest call are kept in
`last_call` for the run details. Scene lines it writes carry `speaker = "llm:<model>"`, so they
can always be told from the cues' notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from valuedesk.classify.base import Evidence, Profile, ValueScore
from valuedesk.llm.answers import SceneAnswer, ValueAnswer, parse_scenes, parse_values
from valuedesk.llm.client import Cancel, JsonCall, LlmClient
from valuedesk.llm.endpoint import LlmEndpoint
from valuedesk.llm.errors import LlmImagesUnsupported
from valuedesk.llm.prompts import (
    MAX_FRAMES,
    PROMPT_VERSION,
    FrameImage,
    direct_messages,
    label_messages,
    scene_messages,
    scenes_schema,
    to_frame_images,
    values_schema,
)
from valuedesk.script import ScriptLine
from valuedesk.values import VALUE_IDS, Label

THRESHOLD = 0.5
# Presence confidence per label (the profile's `score`), and the contradiction strength of −1.
LABEL_SCORE = {-1: 0.8, 0: 0.05, 1: 0.75, 2: 0.95}
LABEL_CONTRADICTION = {-1: 0.9, 0: 0.0, 1: 0.0, 2: 0.0}
SCENE_SPEAKER_PREFIX = "llm:"
SCENE_MIN_MS = 1500  # a scene line lasts at least this long when no later keyframe bounds it


@dataclass(frozen=True)
class LlmCall:
    """What the latest request of one task produced and cost (shown in the run details)."""

    task: str  # "label", "scenes" or "direct"
    model: str
    prompt_version: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    attempts: int = 0  # 1, or 2 when the first answer was malformed; 0 when nothing was sent
    reasons: dict[str, str] = field(default_factory=dict)  # value id → the model's one-line reason
    note: str = ""  # why a step was skipped or what was off (e.g. "the model takes no images")
    answer: str = ""  # the model's last raw answer
    cached: bool = False  # answered from the on-disk cache (llm.cache): nothing was sent

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def is_llm_scene(line: ScriptLine) -> bool:
    """True for a scene line written by an LLM (step 1), not by ValueDesk's own cues."""
    return line.kind == "scene" and line.speaker.startswith(SCENE_SPEAKER_PREFIX)


class LlmValueClassifier:
    """A `ValueClassifier` backed by an OpenAI-compatible local server.

    `model_id` is "llm:<model>@<prompt version>" (the server's model once it is known).
    """

    def __init__(
        self,
        endpoint: LlmEndpoint | LlmClient,
        *,
        cancel: Cancel = None,
        max_tokens: int = 700,
        scene_max_tokens: int = 500,
        n_examples: int | None = None,
        max_frames: int = MAX_FRAMES,
    ) -> None:
        self.client = endpoint if isinstance(endpoint, LlmClient) else LlmClient(endpoint, cancel=cancel)
        if cancel is not None and isinstance(endpoint, LlmClient):
            self.client.reset_cancel(cancel)
        self.max_tokens = max_tokens
        self.scene_max_tokens = scene_max_tokens
        self.n_examples = n_examples
        self.max_frames = max_frames
        self.model_id: str = self._model_id(self.client.endpoint.model or "server-default")
        self.last_call: LlmCall | None = None
        self.images_supported: bool | None = None  # None until a request with images was made
        self._images_note = ""

    @staticmethod
    def _model_id(model: str) -> str:
        return f"llm:{model}@{PROMPT_VERSION}"

    @property
    def prompt_version(self) -> str:
        return PROMPT_VERSION

    def cancel(self) -> None:
        """Abort the request in flight (from any thread); later calls raise `LlmCancelled`
        until `reset_cancel()`."""
        self.client.cancel()

    def reset_cancel(self, cancel: Cancel = None) -> None:
        """Ready for the next job, watching `cancel` (an Event or a callable) for it."""
        self.client.reset_cancel(cancel)

    def check(self) -> str:
        """Contact the server and check the model name now (raises the clear errors); returns it."""
        model = self.client.resolve_model()
        self.model_id = self._model_id(model)
        return model

    # ---- step 2 ----

    def classify(self, lines: Sequence[ScriptLine]) -> Profile:
        lines = list(lines)
        if not lines:  # an empty script expresses nothing: no request
            self.last_call = LlmCall("label", self.client.endpoint.model, PROMPT_VERSION, note="empty script")
            return self._profile([], lines)
        self.check()
        call = self.client.chat_json(
            label_messages(lines, n_examples=self.n_examples),
            lambda text: parse_values(text, len(lines)),
            schema=values_schema(len(lines)),
            schema_name="valuedesk_values",
            max_tokens=self.max_tokens,
        )
        answers: list[ValueAnswer] = call.value
        self.last_call = self._record("label", call, reasons={a.value_id: a.reason for a in answers})
        return self._profile(answers, lines)

    # ---- direct mode ----

    def direct_profile(self, frames: Sequence[Any], lines: Sequence[ScriptLine]) -> Profile:
        """Keyframes + transcript lines → profile in one request (evidence indexes `lines`).

        Raises `LlmImagesUnsupported` when the model takes no images (nothing to fall back on
        here: the caller chooses the two-step mode instead).
        """
        lines = list(lines)
        images = to_frame_images(frames, max_frames=self.max_frames)
        self.check()
        if images:
            ok, why = self.client.image_support()
            if not ok:
                self.images_supported = False
                raise LlmImagesUnsupported(why)
        try:
            call = self.client.chat_json(
                direct_messages(images, lines),
                lambda text: parse_values(text, len(lines), require_evidence=not images),
                schema=values_schema(len(lines), require_evidence=not images),
                schema_name="valuedesk_values",
                max_tokens=self.max_tokens,
            )
        except LlmImagesUnsupported:
            self.images_supported = False
            raise
        if images:
            self.images_supported = True
        answers: list[ValueAnswer] = call.value
        self.last_call = self._record("direct", call, reasons={a.value_id: a.reason for a in answers})
        return self._profile(answers, lines)

    # ---- step 1 ----

    def describe_scenes(self, keyframes: Sequence[Any], lines: Sequence[ScriptLine]) -> list[ScriptLine]:
        """Timed scene lines written from the keyframes and the transcript (kind "scene",
        speaker "llm:<model>"). [] with `last_call.note` saying why when the model takes no
        images or there are no keyframes."""
        images = to_frame_images(keyframes, max_frames=self.max_frames)
        model = self.client.endpoint.model
        if not images:
            self.last_call = LlmCall("scenes", model, PROMPT_VERSION, note="no keyframes to describe")
            return []
        if self.images_supported is False:
            self.last_call = LlmCall("scenes", model, PROMPT_VERSION, note=self._images_note)
            return []
        model = self.check()
        ok, why = self.client.image_support()
        if not ok:
            return self._no_images(model, why)
        try:
            call = self.client.chat_json(
                scene_messages(images, lines),
                lambda text: parse_scenes(text, len(images)),
                schema=scenes_schema(len(images)),
                schema_name="valuedesk_scenes",
                max_tokens=self.scene_max_tokens,
            )
        except LlmImagesUnsupported as exc:
            return self._no_images(model, str(exc))
        self.images_supported = True
        self.last_call = self._record("scenes", call)
        end_ms = max([ln.end_ms for ln in lines] + [images[-1].t_ms + SCENE_MIN_MS])
        return scene_lines(call.value, images, call.model or model, end_ms)

    # ---- helpers ----

    def _no_images(self, model: str, why: str) -> list[ScriptLine]:
        self.images_supported = False
        self._images_note = f"scene description skipped: {why}"
        self.last_call = LlmCall("scenes", model, PROMPT_VERSION, note=self._images_note)
        return []

    def _record(self, task: str, call: JsonCall, reasons: dict[str, str] | None = None) -> LlmCall:
        note = f"first answer rejected: {call.errors[0]}" if call.errors else ""
        if call.model:
            self.model_id = self._model_id(self.client.resolve_model())
        return LlmCall(
            task,
            call.model,
            PROMPT_VERSION,
            call.prompt_tokens,
            call.completion_tokens,
            round(call.seconds, 3),
            call.attempts,
            reasons or {},
            note,
            call.text,
            call.cached,
        )

    def _profile(self, answers: Sequence[ValueAnswer], lines: Sequence[ScriptLine]) -> Profile:
        return profile_from_answers(self.model_id, answers, lines)


def profile_from_answers(
    model_id: str, answers: Sequence[ValueAnswer], lines: Sequence[ScriptLine]
) -> Profile:
    """19 `ValueScore`s (absent where the model listed nothing) and one `Evidence` row per cited line
    (weights split evenly, summing to 1 per value)."""
    by_id = {a.value_id: a for a in answers}
    scores: dict[str, ValueScore] = {}
    evidence: list[Evidence] = []
    for vid in VALUE_IDS:
        a = by_id.get(vid)
        label = a.label if a is not None else 0
        scores[vid] = ValueScore(vid, LABEL_SCORE[label], Label(label), THRESHOLD, LABEL_CONTRADICTION[label])
        if a is None or not a.evidence:
            continue
        weight = round(1.0 / len(a.evidence), 4)
        for i in a.evidence:
            ln = lines[i]
            evidence.append(Evidence(vid, i, weight, ln.start_ms, ln.end_ms, ln.text))
    return Profile(model_id, scores, evidence)


def scene_lines(
    answers: Sequence[SceneAnswer], frames: Sequence[FrameImage], model: str, end_ms: int
) -> list[ScriptLine]:
    """Scene answers → ScriptLines spanning from their keyframe to the next one (or `end_ms`)."""
    out: list[ScriptLine] = []
    seen: set[tuple[int, str]] = set()
    for a in answers:
        key = (a.frame, a.text.lower())
        if key in seen:
            continue
        seen.add(key)
        start = frames[a.frame].t_ms
        later = [f.t_ms for f in frames[a.frame + 1 :] if f.t_ms > start]
        end = later[0] if later else max(end_ms, start + SCENE_MIN_MS)
        out.append(ScriptLine(start, end, "scene", f"{SCENE_SPEAKER_PREFIX}{model}", a.text))
    return sorted(out, key=lambda ln: (ln.start_ms, ln.end_ms))
