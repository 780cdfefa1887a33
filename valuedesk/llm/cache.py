"""Answers of a local LLM kept on disk, so the same question is never paid for twice.

Why: a few-shot answer from a local model costs seconds to minutes per post; re-analysing a
video (a changed setting elsewhere, a crash, `evaluate` after `score`) asks the very same
questions. The key is a SHA-256 over everything that shapes the answer — the model the server
names, ValueDesk's prompt version, the whole conversation (script lines, keyframes as data URLs,
the video's content follows from them), the JSON schema and the sampling settings — so a changed
prompt, model or transcript is a new question. An answer that fails validation is never stored.

Entries live in `<cache>/llm/` (the classifier cache's folder: $VALUEDESK_CACHE_DIR, else
$XDG_CACHE_HOME/valuedesk, else ~/.cache/valuedesk), one JSON file each, written atomically.
$VALUEDESK_LLM_CACHE=0 turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from valuedesk.llm.client import JsonCall, LlmClient
from valuedesk.llm.prompts import PROMPT_VERSION, Message

CACHE_ENV = "VALUEDESK_LLM_CACHE"
T = TypeVar("T")


def llm_cache_dir() -> Path:
    from valuedesk.classify.onnx_backend import cache_dir

    return cache_dir() / "llm"


def cache_enabled() -> bool:
    return os.environ.get(CACHE_ENV, "1").strip().lower() not in ("0", "no", "off", "false")


def answer_key(model: str, messages: Sequence[Message], **request: Any) -> str:
    blob = json.dumps(
        {"prompt_version": PROMPT_VERSION, "model": model, "messages": list(messages), **request},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class CachingLlmClient(LlmClient):
    """An `LlmClient` whose validated JSON answers are kept on disk and reused (`JsonCall.cached`)."""

    def __init__(self, *args: Any, folder: Path | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.folder = folder or llm_cache_dir()
        self.hits = 0

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
        def ask() -> JsonCall:
            return super(CachingLlmClient, self).chat_json(
                messages,
                parse,
                schema=schema,
                schema_name=schema_name,
                max_tokens=max_tokens,
                temperature=temperature,
            )

        if not cache_enabled():
            return ask()
        model = self.resolve_model()
        key = answer_key(model, messages, schema=schema, max_tokens=max_tokens, temperature=temperature)
        path = self.folder / f"{key}.json"
        hit = self._read(path, parse)
        if hit is not None:
            self.hits += 1
            return hit
        call = ask()
        self._write(path, call)
        return call

    def _read(self, path: Path, parse: Callable[[str], Any]) -> JsonCall | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            value = parse(str(data["text"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # no entry, or one we cannot use: ask the server
        return JsonCall(
            value=value,
            text=str(data["text"]),
            model=str(data.get("model", "")),
            attempts=int(data.get("attempts", 1)),
            prompt_tokens=int(data.get("prompt_tokens", 0)),
            completion_tokens=int(data.get("completion_tokens", 0)),
            seconds=float(data.get("seconds", 0.0)),
            errors=list(data.get("errors", [])),
            cached=True,
        )

    def _write(self, path: Path, call: JsonCall) -> None:
        entry = {
            "text": call.text,
            "model": call.model,
            "attempts": call.attempts,
            "prompt_tokens": call.prompt_tokens,
            "completion_tokens": call.completion_tokens,
            "seconds": round(call.seconds, 3),
            "errors": call.errors,
            "prompt_version": PROMPT_VERSION,
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".entry-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entry, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:  # a full or read-only cache only costs the next run a request
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)
