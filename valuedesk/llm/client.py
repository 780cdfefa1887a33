"""One OpenAI-compatible chat client with the limits ValueDesk keeps: timeout, bounded retries,
a concurrency limit, cancel that aborts the request in flight, and one-line errors.

Built on the `openai` package's async client, run one request at a time on a private event loop
in the calling thread: cancelling the asyncio task closes the HTTP connection at once (a server
such as llama.cpp's then stops generating), which a blocking call in a thread cannot do. The
HTTP client ignores proxy variables and redirects (trust_env=False, follow_redirects=False), so a
loopback URL can never be forwarded elsewhere; the openai package itself sends nothing but the
requests made here (no telemetry; its X-Stainless-* headers go to the endpoint only).

Retries: connection errors and HTTP 5xx only, `endpoint.max_retries` times with a short backoff.
A timeout is not retried (it would double a long wait). A malformed JSON answer is asked for
again once, with the problem told to the model (`chat_json`), and then raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from valuedesk.llm.answers import AnswerError
from valuedesk.llm.endpoint import LlmEndpoint
from valuedesk.llm.errors import (
    LlmCancelled,
    LlmError,
    LlmImagesUnsupported,
    LlmMalformedAnswer,
    LlmModelNotFound,
    LlmServerDown,
    LlmServerError,
    LlmTimeout,
)
from valuedesk.llm.prompts import Message, data_url, probe_jpeg, retry_message

if TYPE_CHECKING:
    from openai import AsyncOpenAI

T = TypeVar("T")
Cancel = threading.Event | Callable[[], bool] | None

NO_KEY = "no-key"  # local servers want some bearer token or none; never the user's OPENAI_API_KEY
POLL_S = 0.05  # how often a waiting request looks at the cancel flag and the deadline
RETRY_BACKOFF_S = 0.5  # first pause before a retry; doubles each time
FORMAT_MODES = ("json_schema", "json_object", "none")
_IMAGE_WORDS = ("image", "multimodal", "vision", "mmproj", "clip model", "llava")
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "schema", "grammar")
_CONTEXT_WORDS = ("context", "too many tokens", "too long", "exceed")
# A vision model spends a bounded number of tokens on a small picture (tens to ~600); a text model
# whose server pastes the data: URL into the prompt spends thousands (the probe picture is ~16k
# base64 characters).
PROBE_MAX_IMAGE_TOKENS = 2000


@dataclass(frozen=True)
class ChatResult:
    """One answer: its text, token counts (the server's `usage`) and wall seconds."""

    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    finish_reason: str = ""

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class JsonCall:
    """A validated JSON round trip: the parsed answer plus what it cost (all attempts summed)."""

    value: Any
    text: str
    model: str
    attempts: int
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # what was wrong with a rejected first answer
    cached: bool = False  # answered from a cache of earlier answers (no request was made)


class _Retryable(Exception):
    """An attempt failed in a way another attempt may fix (connection refused, HTTP 5xx)."""

    def __init__(self, error: LlmError) -> None:
        super().__init__(str(error))
        self.error = error


class _FormatRefused(Exception):
    """The server rejected the response_format we asked for: try the next simpler one."""


class LlmClient:
    """Talks to one `LlmEndpoint`. Thread-safe: share one client between threads; at most
    `endpoint.max_concurrency` requests run at once, the others wait (and can be cancelled).

    Call from ordinary threads, not from inside a running asyncio loop.
    """

    def __init__(
        self,
        endpoint: LlmEndpoint,
        *,
        cancel: Cancel = None,
        retry_backoff_s: float = RETRY_BACKOFF_S,
        poll_s: float = POLL_S,
    ) -> None:
        self.endpoint = endpoint
        self.retry_backoff_s = retry_backoff_s
        self.poll_s = poll_s
        self._external_cancel = cancel
        self._cancel_event = threading.Event()
        self._slots = threading.BoundedSemaphore(endpoint.max_concurrency)
        self._lock = threading.Lock()
        self._model: str | None = None
        self._ssl: ssl.SSLContext | None = None
        self.format_mode: str = FORMAT_MODES[0]  # lowered when the server refuses a response_format
        self._images: tuple[bool, str] | None = None

    # ---- cancel ----

    def cancel(self) -> None:
        """Abort the requests in flight and any waiting ones (they raise `LlmCancelled`)."""
        self._cancel_event.set()

    def reset_cancel(self, cancel: Cancel = None) -> None:
        """Clear `cancel()` and set the external flag to watch for the next job."""
        self._cancel_event.clear()
        self._external_cancel = cancel

    def cancelled(self) -> bool:
        if self._cancel_event.is_set():
            return True
        c = self._external_cancel
        if c is None:
            return False
        return c.is_set() if isinstance(c, threading.Event) else bool(c())

    def _check_cancel(self) -> None:
        if self.cancelled():
            raise LlmCancelled("the LLM request was cancelled")

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._check_cancel()
            time.sleep(min(self.poll_s, left))
        self._check_cancel()

    # ---- models ----

    def models(self) -> list[str]:
        """The model ids the server offers (GET /v1/models)."""

        async def call(client: AsyncOpenAI) -> list[str]:
            page = await client.models.list()
            return [m.id for m in page.data]

        return self._with_retries(call)

    def resolve_model(self) -> str:
        """The endpoint's model, checked against /v1/models once ("" = the server's first model).

        A server without /v1/models is trusted with the name given.
        """
        with self._lock:
            if self._model is not None:
                return self._model
        wanted = self.endpoint.model
        try:
            offered = self.models()
        except (LlmServerError, LlmModelNotFound) as exc:  # no /v1/models on this server
            status = exc.status if isinstance(exc, LlmServerError) else 404
            if status not in (404, 405, 501) or not wanted:
                raise
            offered = []
        else:
            if not offered:
                raise LlmModelNotFound(f"the LLM server at {self.endpoint.url} lists no models", [])
            if not wanted:
                wanted = offered[0]
            elif not _offers(offered, wanted):
                raise LlmModelNotFound(
                    f"the LLM server at {self.endpoint.url} has no model {wanted!r}; it offers: "
                    + ", ".join(offered),
                    offered,
                )
        with self._lock:
            self._model = wanted
        return wanted

    # ---- images ----

    def image_support(self) -> tuple[bool, str]:
        """(True, "") when the model reads images, else (False, why). Probed once per client.

        Servers differ in how a text-only model meets an image: some refuse it (the error names
        images), some paste the data: URL into the prompt as text, some drop it. The probe sends
        "Reply with OK." with and without one small picture and compares the prompt tokens.
        """
        with self._lock:
            if self._images is not None:
                return self._images
        ask = "Reply with OK."
        url = self.endpoint.url
        picture = {"type": "image_url", "image_url": {"url": data_url(probe_jpeg())}}
        plain = self.chat(
            [{"role": "user", "content": ask}], max_tokens=1
        )  # errors here are not about images
        try:
            seen = self.chat(
                [{"role": "user", "content": [{"type": "text", "text": ask}, picture]}],
                max_tokens=1,
                retries=0,
            )
        except LlmImagesUnsupported as exc:
            result = (False, str(exc))
        except LlmServerError as exc:  # the same request without the picture worked
            low = str(exc).lower()
            why = (
                "read a test picture as text"
                if any(w in low for w in _CONTEXT_WORDS)
                else "refused a test picture"
            )
            result = (False, f"the model at {url} takes no images: its server {why} ({exc})")
        else:
            extra = seen.prompt_tokens - plain.prompt_tokens
            if plain.prompt_tokens == 0 or seen.prompt_tokens == 0:
                result = (True, "")  # no usage figures: cannot tell, let the real request decide
            elif extra > PROBE_MAX_IMAGE_TOKENS:
                result = (
                    False,
                    f"the model at {url} takes no images: its server read a test picture as {extra} tokens of text",
                )
            elif extra < 2:
                result = (False, f"the model at {url} takes no images: its server dropped a test picture")
            else:
                result = (True, "")
        with self._lock:
            self._images = result
        return result

    # ---- chat ----

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int = 800,
        temperature: float = 0.0,
        schema: dict[str, Any] | None = None,
        schema_name: str = "answer",
        retries: int | None = None,
    ) -> ChatResult:
        """One chat completion (with `schema`, as strict JSON where the server supports it).

        `retries` overrides the endpoint's `max_retries` for this call."""
        model = self.resolve_model()
        has_images = _has_images(messages)
        while True:
            mode = self.format_mode if schema is not None else "none"
            response_format = _response_format(mode, schema, schema_name)

            async def call(client: AsyncOpenAI, rf: dict[str, Any] | None = response_format) -> ChatResult:
                start = time.monotonic()
                extra: dict[str, Any] = {} if rf is None else {"response_format": rf}
                resp = await client.chat.completions.create(
                    model=model,
                    messages=list(messages),  # type: ignore[arg-type]
                    max_tokens=max_tokens,
                    temperature=temperature,
                    **extra,
                )
                return _result(resp, model, time.monotonic() - start)

            try:
                return self._with_retries(call, has_images=has_images, format_mode=mode, retries=retries)
            except LlmModelNotFound as exc:
                offered = [] if exc.available else self._offered_or_empty()
                if not offered:
                    raise
                raise LlmModelNotFound(f"{exc}; it offers: {', '.join(offered)}", offered) from None
            except _FormatRefused:
                with self._lock:
                    i = FORMAT_MODES.index(mode)
                    if self.format_mode == mode:
                        self.format_mode = FORMAT_MODES[min(i + 1, len(FORMAT_MODES) - 1)]

    def chat_json(
        self,
        messages: Sequence[Message],
        parse: Callable[[str], T],
        *,
        schema: dict[str, Any],
        schema_name: str = "answer",
        max_tokens: int = 800,
        temperature: float = 0.0,
    ) -> JsonCall:
        """Ask, validate with `parse` (raising `AnswerError`), ask once more telling the model
        what was wrong, and raise `LlmMalformedAnswer` when the second answer fails too."""
        convo = list(messages)
        call = JsonCall(value=None, text="", model="", attempts=0)
        for attempt in (1, 2):
            call.attempts = attempt
            try:
                res = self.chat(
                    convo,
                    max_tokens=max_tokens,
                    temperature=temperature,
                    schema=schema,
                    schema_name=schema_name,
                )
            except LlmMalformedAnswer as exc:  # a response without an answer text: ask again
                call.errors.append(str(exc))
                convo = [*convo, retry_message(str(exc))] if attempt == 1 else convo
                continue
            call.text, call.model = res.text, res.model
            call.prompt_tokens += res.prompt_tokens
            call.completion_tokens += res.completion_tokens
            call.seconds += res.seconds
            try:
                call.value = parse(res.text)
                return call
            except AnswerError as exc:
                problem = str(exc)
                if res.finish_reason == "length":
                    problem += f" (the answer was cut off at {max_tokens} tokens; keep it shorter)"
                call.errors.append(problem)
                convo = [*convo, {"role": "assistant", "content": res.text}, retry_message(problem)]
        raise LlmMalformedAnswer(
            f"the model {call.model or self.endpoint.model!r} gave no valid answer in 2 tries: {call.errors[-1]}",
            attempts=call.attempts,
            answer=call.text,
        )

    # ---- the request machinery ----

    def _with_retries(
        self,
        call: Callable[[AsyncOpenAI], Awaitable[T]],
        *,
        has_images: bool = False,
        format_mode: str = "none",
        retries: int | None = None,
    ) -> T:
        most = self.endpoint.max_retries if retries is None else retries
        self._acquire_slot()
        try:
            delay = self.retry_backoff_s
            for attempt in range(most + 1):
                self._check_cancel()
                try:
                    return asyncio.run(self._attempt(call, has_images, format_mode))
                except _Retryable as exc:
                    if attempt >= most:
                        raise exc.error from None
                    self._sleep(delay)
                    delay *= 2
            raise AssertionError("unreachable")
        finally:
            self._slots.release()

    def _acquire_slot(self) -> None:
        while not self._slots.acquire(timeout=self.poll_s):
            self._check_cancel()

    async def _attempt(
        self, call: Callable[[AsyncOpenAI], Awaitable[T]], has_images: bool, format_mode: str
    ) -> T:
        import httpx2
        import openai

        ep = self.endpoint
        timeout = httpx2.Timeout(ep.timeout_s, connect=min(10.0, ep.timeout_s))
        http = httpx2.AsyncClient(
            verify=self._tls(),
            trust_env=False,  # no HTTP(S)_PROXY / ALL_PROXY: loopback stays loopback
            follow_redirects=False,
            timeout=timeout,
            limits=httpx2.Limits(max_connections=2, max_keepalive_connections=0),
        )
        client = openai.AsyncOpenAI(
            api_key=ep.api_key or NO_KEY,
            base_url=ep.url,
            max_retries=0,  # retries are ours (bounded, cancellable)
            timeout=timeout,
            http_client=http,
        )
        try:
            task = asyncio.ensure_future(call(client))
            loop = asyncio.get_running_loop()
            deadline = loop.time() + ep.timeout_s
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.poll_s)
                if done:
                    break
                if self.cancelled():
                    await _abort(task)
                    raise LlmCancelled("the LLM request was cancelled")
                if loop.time() >= deadline:
                    await _abort(task)
                    raise self._timeout()
            try:
                return task.result()
            except openai.APITimeoutError:
                raise self._timeout() from None
            except openai.APIConnectionError as exc:
                raise _Retryable(
                    LlmServerDown(f"no LLM server answers at {ep.url} — is it running? ({_cause(exc)})")
                ) from None
            except openai.APIStatusError as exc:
                raise self._status_error(exc, has_images, format_mode) from None
            except openai.APIResponseValidationError as exc:
                raise LlmMalformedAnswer(
                    f"the LLM server at {ep.url} sent a malformed response: {exc}"
                ) from None
        finally:
            await client.close()

    def _tls(self) -> ssl.SSLContext | bool:
        """One verifying TLS context per client for https (making one costs ≈0.2 s); plain http
        has no TLS to verify."""
        if not self.endpoint.url.startswith("https:"):
            return False
        with self._lock:
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            return self._ssl

    def _timeout(self) -> LlmTimeout:
        return LlmTimeout(
            f"the LLM server at {self.endpoint.url} did not answer within {self.endpoint.timeout_s:g} s"
        )

    def _status_error(self, exc: Any, has_images: bool, format_mode: str) -> Exception:
        status = int(exc.status_code)
        detail = _detail(exc)
        low = detail.lower()
        url = self.endpoint.url
        if has_images and any(w in low for w in _IMAGE_WORDS):
            return LlmImagesUnsupported(f"the model at {url} takes no images: {detail}")
        if format_mode != "none" and status in (400, 422, 500) and any(w in low for w in _FORMAT_WORDS):
            return _FormatRefused(detail)
        if status in (401, 403):
            return LlmServerError(
                f"the LLM server at {url} refused the request (HTTP {status}): check the API key", status
            )
        if status == 404 and "model" in low:  # chat() adds the models offered (outside this request)
            return LlmModelNotFound(f"the LLM server at {url} has no model {self.endpoint.model!r}", [])
        err = LlmServerError(f"the LLM server at {url} failed (HTTP {status}): {detail}", status)
        return _Retryable(err) if status >= 500 else err

    def _offered_or_empty(self) -> list[str]:
        try:
            return self.models()
        except LlmError:
            return []


async def _abort(task: asyncio.Future[Any]) -> None:
    """Cancel the request task and wait for it to close its connection."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):  # whatever the aborted request raised
        await task


def _offers(offered: Sequence[str], wanted: str) -> bool:
    """Exact id, or Ollama's implicit ":latest" tag."""
    return wanted in offered or f"{wanted}:latest" in offered


def _has_images(messages: Sequence[Message]) -> bool:
    for m in messages:
        content = m.get("content")
        if isinstance(content, list) and any(
            isinstance(p, dict) and p.get("type") == "image_url" for p in content
        ):
            return True
    return False


def _response_format(mode: str, schema: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
    if schema is None or mode == "none":
        return None
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
    # llama-cpp-python's server reads a "schema" beside json_object; others just get JSON mode.
    return {"type": "json_object", "schema": schema}


def _result(resp: Any, model: str, seconds: float) -> ChatResult:
    choices = getattr(resp, "choices", None) or []
    if not choices:
        raise LlmMalformedAnswer("the LLM server's response has no choices")
    msg = choices[0].message
    text = msg.content if msg is not None and isinstance(msg.content, str) else None
    if text is None:
        raise LlmMalformedAnswer("the LLM server's response has no message text")
    usage = getattr(resp, "usage", None)
    return ChatResult(
        text=text,
        model=str(getattr(resp, "model", "") or model),
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        seconds=round(seconds, 3),
        finish_reason=str(choices[0].finish_reason or ""),
    )


def _detail(exc: Any) -> str:
    """The server's own error text (OpenAI-style {"error": {"message"}} or FastAPI's "detail")."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return " ".join(str(inner["message"]).split())[:400]
        if "detail" in body:
            return " ".join(str(body["detail"]).split())[:400]
    return " ".join(str(getattr(exc, "message", exc)).split())[:400]


def _cause(exc: BaseException) -> str:
    inner = exc.__cause__ or exc.__context__
    return f"{type(inner).__name__}: {inner}" if inner else str(exc)
