"""The errors of the LLM backend: one class per thing a user can fix, each with a one-line message.

The CLI and the GUI show `str(error)` as it is, so every message names the server, the model or
the seconds involved and says what to do; callers catch `LlmError` for all of them.
"""

from __future__ import annotations

from collections.abc import Sequence


class LlmError(Exception):
    """Anything that went wrong talking to the LLM server (the base of all below)."""


class LlmConfigError(LlmError):
    """The endpoint settings are unusable (no URL, bad scheme, bad numbers)."""


class RemoteEndpointRefused(LlmConfigError):
    """A non-loopback address without the user's explicit opt-in: nothing was sent."""


class LlmServerDown(LlmError):
    """Nothing answers at the URL (connection refused or reset, after the retries)."""


class LlmServerError(LlmError):
    """The server answered with an error status that no retry fixed (HTTP 4xx/5xx)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class LlmModelNotFound(LlmError):
    """The model name is not one the server offers; `available` lists the ones it does."""

    def __init__(self, message: str, available: Sequence[str]) -> None:
        super().__init__(message)
        self.available = list(available)


class LlmTimeout(LlmError):
    """The server took longer than the endpoint's timeout for one request."""


class LlmCancelled(LlmError):
    """The caller cancelled (the queue's cancel); the in-flight request was aborted."""


class LlmMalformedAnswer(LlmError):
    """The model's answer did not parse or validate, also after the one retry; never guessed.

    `attempts` is how many answers were asked for (2: the first plus the retry), `answer` the
    last raw text the model returned.
    """

    def __init__(self, message: str, attempts: int = 1, answer: str = "") -> None:
        super().__init__(message)
        self.attempts = attempts
        self.answer = answer


class LlmImagesUnsupported(LlmError):
    """The server or model refused image input (a text-only model): step 1 is skipped."""
