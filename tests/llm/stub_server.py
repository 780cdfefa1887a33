"""A tiny OpenAI-style HTTP stub on loopback, for the two cases a real model cannot be made to
show on demand: a malformed answer and a server that accepts a request but never answers.

Everything else in tests/llm runs against the real llama.cpp server (conftest.py).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class StubState:
    model: str = "stub-model"
    answers: list[str] = field(default_factory=list)  # chat answers' texts, one per request, last repeats
    delay_s: float = 0.0  # sleep before answering a chat request (the slow server)
    requests: list[dict[str, Any]] = field(default_factory=list)  # chat request bodies received
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(state: StubState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout/cancel tests)

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._send(200, {"object": "list", "data": [{"id": state.model, "object": "model"}]})
            else:
                self._send(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            with state.lock:
                state.requests.append(body)
                n = len(state.requests)
            end = time.monotonic() + state.delay_s
            while time.monotonic() < end:
                time.sleep(0.02)
            # Usage as a vision model would count it: a fixed 50 tokens per picture.
            images = sum(
                1
                for m in body.get("messages", [])
                if isinstance(m.get("content"), list)
                for part in m["content"]
                if part.get("type") == "image_url"
            )
            text = state.answers[min(n, len(state.answers)) - 1] if state.answers else "{}"
            self._send(
                200,
                {
                    "id": f"stub-{n}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": state.model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {
                        "prompt_tokens": 10 + 50 * images,
                        "completion_tokens": 5,
                        "total_tokens": 15 + 50 * images,
                    },
                },
            )

    return Handler


@contextmanager
def stub_server(state: StubState) -> Iterator[str]:
    """Serve `state` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
