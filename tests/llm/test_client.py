"""The client against a real llama.cpp server (models, chat, JSON, cancel, timeout, wrong model,
server down) and, for a slow server only, against the loopback stub."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import openai  # noqa: F401 - imported up front so timings below leave out its import
import pytest

from tests.llm.conftest import LlamaServer, free_port
from tests.llm.stub_server import StubState, stub_server
from valuedesk.llm import (
    LlmCancelled,
    LlmClient,
    LlmEndpoint,
    LlmModelNotFound,
    LlmServerDown,
    LlmTimeout,
)

# SmolLM2 answers this with a story longer than 100 tokens (greedy decoding), so generation runs
# to max_tokens (bounded: llama-cpp-python's server finishes an aborted request before the next).
LONG_ASK = [{"role": "user", "content": "Write a very long story about a lighthouse keeper."}]


def _endpoint(server: LlamaServer, **kw: Any) -> LlmEndpoint:
    return LlmEndpoint(server.url, kw.pop("model", server.model), **kw)


def test_models_and_plain_chat(llama_server: LlamaServer) -> None:
    client = LlmClient(_endpoint(llama_server))
    assert client.models() == [llama_server.model]
    res = client.chat([{"role": "user", "content": "Say hello."}], max_tokens=8)
    assert res.text.strip()
    assert res.prompt_tokens > 0 and 0 < res.completion_tokens <= 8
    assert res.seconds > 0 and res.model


def test_json_schema_falls_back_to_what_the_server_takes(llama_server: LlamaServer) -> None:
    """llama-cpp-python's server refuses OpenAI's json_schema type; the client steps down to
    json_object + schema (a grammar), so even the 135M model answers valid JSON."""
    client = LlmClient(_endpoint(llama_server))
    schema = {
        "type": "object",
        "properties": {
            "colour": {"type": "string", "enum": ["red", "green", "blue"]},
            "n": {"type": "integer"},
        },
        "required": ["colour", "n"],
        "additionalProperties": False,
    }
    res = client.chat(
        [{"role": "user", "content": "Pick a colour and a number."}], max_tokens=40, schema=schema
    )
    data = json.loads(res.text)
    assert data["colour"] in ("red", "green", "blue") and isinstance(data["n"], int)
    assert client.format_mode == "json_object"


def test_empty_model_name_takes_the_servers_model(llama_server: LlamaServer) -> None:
    assert LlmClient(_endpoint(llama_server, model="")).resolve_model() == llama_server.model


def test_wrong_model_name_lists_the_models(llama_server: LlamaServer) -> None:
    """llama.cpp's server would answer any name with its one model; the client checks /v1/models."""
    client = LlmClient(_endpoint(llama_server, model="llama3.1:8b"))
    with pytest.raises(LlmModelNotFound) as info:
        client.chat([{"role": "user", "content": "hi"}], max_tokens=4)
    assert "no model 'llama3.1:8b'" in str(info.value) and llama_server.model in str(info.value)
    assert info.value.available == [llama_server.model]


def test_cancel_stops_an_in_flight_request(llama_server: LlamaServer) -> None:
    stop = threading.Event()
    client = LlmClient(_endpoint(llama_server), cancel=stop)
    client.resolve_model()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = client.chat(LONG_ASK, max_tokens=100)
        except Exception as exc:  # noqa: BLE001 - the test looks at what it was
            outcome["error"] = exc
        outcome["done"] = time.monotonic()

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(0.3)
    assert worker.is_alive(), "the request finished before the cancel: make it longer"
    cancelled_at = time.monotonic()
    stop.set()
    worker.join(timeout=5)
    assert not worker.is_alive()
    assert isinstance(outcome.get("error"), LlmCancelled)
    assert outcome["done"] - cancelled_at < 0.5
    # A cancelled client refuses new work until reset; after that it works again.
    with pytest.raises(LlmCancelled):
        client.chat([{"role": "user", "content": "hi"}], max_tokens=2)
    client.reset_cancel()
    assert client.chat([{"role": "user", "content": "hi"}], max_tokens=2).completion_tokens > 0


def test_timeout(llama_server: LlamaServer) -> None:
    client = LlmClient(_endpoint(llama_server, timeout_s=0.4))
    client.resolve_model()
    start = time.monotonic()
    with pytest.raises(LlmTimeout, match=r"did not answer within 0\.4 s"):
        client.chat(LONG_ASK, max_tokens=100)
    assert time.monotonic() - start < 1.5  # not retried


def test_server_down() -> None:
    port = free_port()  # nothing listens there
    client = LlmClient(LlmEndpoint(f"http://127.0.0.1:{port}", "m", max_retries=2), retry_backoff_s=0.05)
    start = time.monotonic()
    with pytest.raises(
        LlmServerDown, match=rf"no LLM server answers at http://127\.0\.0\.1:{port}/v1 — is it running\?"
    ):
        client.chat([{"role": "user", "content": "hi"}])
    assert time.monotonic() - start < 3


def test_slow_server_times_out_and_cancels() -> None:
    state = StubState(answers=['{"values": {}}'], delay_s=3.0)
    with stub_server(state) as url:
        client = LlmClient(LlmEndpoint(url, "stub-model", timeout_s=0.5))
        start = time.monotonic()
        with pytest.raises(LlmTimeout, match=r"within 0\.5 s"):
            client.chat([{"role": "user", "content": "hi"}])
        assert time.monotonic() - start < 1.5
        stop = threading.Event()
        client = LlmClient(LlmEndpoint(url, "stub-model", timeout_s=30), cancel=stop)
        threading.Timer(0.3, stop.set).start()
        start = time.monotonic()
        with pytest.raises(LlmCancelled):
            client.chat([{"role": "user", "content": "hi"}])
        assert time.monotonic() - start < 1.0


def test_concurrency_limit_serialises_requests() -> None:
    state = StubState(answers=["ok"], delay_s=0.3)
    with stub_server(state) as url:
        client = LlmClient(LlmEndpoint(url, "stub-model", max_concurrency=1))
        client.resolve_model()
        spans: list[tuple[float, float]] = []

        def one() -> None:
            t0 = time.monotonic()
            client.chat([{"role": "user", "content": "hi"}])
            spans.append((t0, time.monotonic()))

        threads = [threading.Thread(target=one) for _ in range(3)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=10)
        assert len(spans) == 3 and len(state.requests) == 3
        assert time.monotonic() - start >= 0.85  # three 0.3 s answers one after another
