"""Optional LLM backend (issue 13): an OpenAI-compatible chat server on this machine as a reader.

Qt-free and cheap to import: `openai` and `httpx2` load only when a request is made. The parts:
`endpoint` (where the server is, loopback-only unless the user opts in), `client` (timeouts,
retries, concurrency limit, cancel, clear errors), `prompts` (ValueDesk's versioned prompts and
schemas), `answers` (strict parsers), `reader` (the ValueClassifier, step 1 and the direct mode).
"""

from __future__ import annotations

from valuedesk.llm.client import ChatResult, LlmClient
from valuedesk.llm.endpoint import LlmEndpoint, is_loopback_host
from valuedesk.llm.errors import (
    LlmCancelled,
    LlmConfigError,
    LlmError,
    LlmImagesUnsupported,
    LlmMalformedAnswer,
    LlmModelNotFound,
    LlmServerDown,
    LlmServerError,
    LlmTimeout,
    RemoteEndpointRefused,
)
from valuedesk.llm.prompts import PROMPT_VERSION, FrameImage
from valuedesk.llm.reader import LlmCall, LlmValueClassifier, is_llm_scene

__all__ = [
    "PROMPT_VERSION",
    "ChatResult",
    "FrameImage",
    "LlmCall",
    "LlmCancelled",
    "LlmClient",
    "LlmConfigError",
    "LlmEndpoint",
    "LlmError",
    "LlmImagesUnsupported",
    "LlmMalformedAnswer",
    "LlmModelNotFound",
    "LlmServerDown",
    "LlmServerError",
    "LlmTimeout",
    "LlmValueClassifier",
    "RemoteEndpointRefused",
    "is_llm_scene",
    "is_loopback_host",
]
