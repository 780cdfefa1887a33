"""The suite-wide guard really blocks the network (and leaves loopback alone)."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import NetworkBlocked


def test_outbound_connection_fails_the_test() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(NetworkBlocked):
        s.connect(("93.184.216.34", 443))


def test_name_lookup_of_a_remote_host_is_blocked() -> None:
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("huggingface.co", 443)


def test_loopback_is_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass


def test_hub_libraries_are_forced_offline() -> None:
    import os

    import valuedesk  # noqa: F401

    assert os.environ["HF_HUB_OFFLINE"] == "1"


def _files_written_by(tmp_path, name: str, code: str) -> list:  # type: ignore[no-untyped-def]
    """Run ``code`` with a fresh HOME and list the files it leaves there."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("ORT_DISABLE_TELEMETRY", "XDG_CACHE_HOME")}
    home = tmp_path / name
    home.mkdir()
    subprocess.run([sys.executable, "-c", code], env={**env, "HOME": str(home)}, check=True, timeout=120)
    return [p for p in home.rglob("*") if p.is_file()]


def _onnx_session_code() -> str:
    from pathlib import Path

    import rapidocr

    model = next((Path(rapidocr.__file__).parent / "models").glob("*.onnx"))
    return (
        f"import onnxruntime as ort; ort.InferenceSession({str(model)!r}, providers=['CPUExecutionProvider'])"
    )


def test_onnxruntime_writes_no_telemetry_once_valuedesk_is_imported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Native telemetry is invisible to the socket guard: check the switch and the files instead."""
    code = "import os, valuedesk; assert os.environ['ORT_DISABLE_TELEMETRY'] == '1'; " + _onnx_session_code()
    assert _files_written_by(tmp_path, "valuedesk", code) == []


def test_plain_onnxruntime_would_write_telemetry_here(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The control for the test above: without valuedesk, onnxruntime leaves its usage files.

    onnxruntime does not write them on every machine (not on CI's, seen 2026-12-01); there the
    control cannot be shown and is skipped, while the test above still checks the switch.
    """
    written = _files_written_by(tmp_path, "control", _onnx_session_code())
    if not written:
        pytest.skip("plain onnxruntime wrote no telemetry files on this machine")
    assert any("DeveloperTools" in str(p) for p in written)
