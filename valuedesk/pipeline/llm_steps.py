"""The local LLM's part of an analysis (issue 13): scene lines from keyframes, and the reader.

`AnalysisSettings.llm_mode` chooses (settings.LLM_MODES):
- "two-step": the LLM writes timed scene lines from the keyframes and the transcript (step 1),
  then labels the 19 values from the whole script (step 2) — the paper's best configuration;
- "direct": keyframes + transcript straight to values in one request (the paper's baseline);
- "combine": the trained encoder proposes, the LLM says on which side (llm.combine);
- "scenes": the LLM writes scene lines only; the trained encoder reads them with the rest.
Everything the LLM did is returned as the run's `llm` record: mode, server and model, prompt
version, per call its task, tokens, seconds, attempts and whether the cache answered, and the
model's one-line reason per value. Its errors (server down, wrong model, malformed answers) fail
the video with their own message, never a guessed profile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from valuedesk.pipeline.settings import AnalysisSettings

SCENE_MODES = ("two-step", "scenes")
READER_MODES = ("two-step", "direct", "combine")


def make_endpoint(settings: AnalysisSettings) -> Any:
    """The settings' server (falling back to $VALUEDESK_LLM_*), loopback unless opted in."""
    from valuedesk.llm import LlmEndpoint

    return LlmEndpoint.from_settings(
        settings.llm_url, settings.llm_model, allow_remote=True if settings.llm_allow_remote else None
    )


def make_reader(settings: AnalysisSettings) -> Any:
    """An `LlmValueClassifier` on a caching client for the settings' server."""
    from valuedesk.llm.cache import CachingLlmClient
    from valuedesk.llm.reader import LlmValueClassifier

    return LlmValueClassifier(CachingLlmClient(make_endpoint(settings)))


class LlmSteps:
    """Holds one reader for a batch (its model check and image probe happen once)."""

    def __init__(self, settings: AnalysisSettings) -> None:
        self.settings = settings
        self.mode = settings.llm_mode
        self.reader = make_reader(settings)
        self.calls: list[dict[str, Any]] = []
        self.notes: list[str] = []

    def start(self, should_stop: Callable[[], bool] | None) -> None:
        """A new video: forget the last one's calls; its cancel stops a request in flight."""
        self.reader.reset_cancel(should_stop)
        self.calls, self.notes = [], []

    def _keep(self) -> None:
        call = self.reader.last_call
        if call is None:
            return
        self.calls.append(
            {
                "task": call.task,
                "model": call.model,
                "prompt_tokens": call.prompt_tokens,
                "completion_tokens": call.completion_tokens,
                "seconds": call.seconds,
                "attempts": call.attempts,
                "cached": call.cached,
                "note": call.note,
                "reasons": dict(call.reasons),
            }
        )
        if call.note and call.task == "scenes":
            self.notes.append(call.note)

    def scenes(self, keyframes: list[Any], lines: list[Any]) -> list[Any]:
        """Step 1's scene lines ([] with a note when the model takes no images)."""
        if self.mode not in SCENE_MODES:
            return []
        out = list(self.reader.describe_scenes(keyframes, lines))
        self._keep()
        return out

    def classifier(self, encoder: Callable[[], Any]) -> Any:
        """The step-2 reader for "two-step" and "combine" (None: the encoder reads alone)."""
        if self.mode == "two-step":
            return _Recording(self.reader, self)
        if self.mode == "combine":
            from valuedesk.llm.combine import CombinedClassifier

            return _Recording(CombinedClassifier(encoder(), self.reader), self)
        return None

    def direct(self, keyframes: list[Any], lines: list[Any]) -> Any:
        profile = self.reader.direct_profile(keyframes, lines)
        self._keep()
        return profile

    def record(self) -> dict[str, Any]:
        endpoint = self.reader.client.endpoint
        reasons: dict[str, str] = {}
        for call in self.calls:
            if call["task"] in ("label", "direct"):
                reasons = call["reasons"]
        return {
            "mode": self.mode,
            "server": endpoint.url,
            "model": self.reader.model_id,
            "prompt_version": self.reader.prompt_version,
            "calls": [{k: v for k, v in c.items() if k != "reasons"} for c in self.calls],
            "prompt_tokens": sum(c["prompt_tokens"] for c in self.calls),
            "completion_tokens": sum(c["completion_tokens"] for c in self.calls),
            "seconds": round(sum(c["seconds"] for c in self.calls if not c["cached"]), 3),
            "reasons": reasons,
            "notes": list(self.notes),
        }


class _Recording:
    """A reader whose every `classify` call lands in the run's LLM record."""

    def __init__(self, inner: Any, steps: LlmSteps) -> None:
        self.inner = inner
        self.steps = steps

    @property
    def model_id(self) -> str:
        return str(self.inner.model_id)

    def classify(self, lines: Any) -> Any:
        profile = self.inner.classify(lines)
        self.steps._keep()
        return profile
