"""Loopback-only endpoints: what counts as this machine, the opt-in, the warning, the settings."""

from __future__ import annotations

import pytest

from valuedesk.llm import LlmClient, LlmConfigError, LlmEndpoint, RemoteEndpointRefused, is_loopback_host
from valuedesk.llm.endpoint import ENV_ALLOW_REMOTE, ENV_MODEL, ENV_URL


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"]
)
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize(
    "host",
    [
        "10.0.0.5",
        "192.168.1.2",
        "0.0.0.0",
        "8.8.8.8",
        "::",
        "2001:db8::1",
        "localhost.",
        "my.localhost",
        "gpu-box",
        "localhost.example.com",
        "::ffff:10.0.0.1",
    ],
)
def test_other_hosts_are_remote_without_dns(host: str) -> None:
    assert not is_loopback_host(host)  # the offline guard in tests/conftest.py fails any lookup


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/v1"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/v1"),
        ("127.0.0.1:11434/v1/", "http://127.0.0.1:11434/v1"),
        ("http://localhost:1234/api/v1", "http://localhost:1234/api/v1"),
        ("http://[::1]:8000", "http://[::1]:8000/v1"),
    ],
)
def test_url_normalised(given: str, base: str) -> None:
    assert LlmEndpoint(given, "m").url == base


def test_remote_refused_without_opt_in() -> None:
    with pytest.raises(RemoteEndpointRefused, match=r"gpu\.example\.org.*not on this machine"):
        LlmEndpoint("http://gpu.example.org:8000/v1", "m")
    with pytest.raises(RemoteEndpointRefused):
        LlmEndpoint("http://192.168.1.20:11434", "llama3")


def test_remote_opt_in_gives_the_warning() -> None:
    ep = LlmEndpoint("https://gpu.example.org/v1", "m", allow_remote=True)
    warning = ep.remote_warning()
    assert warning is not None
    for what in ("gpu.example.org", "script text", "transcripts", "keyframe images", "caption"):
        assert what in warning
    assert LlmEndpoint("http://127.0.0.1:1/v1", "m").remote_warning() is None


def test_remote_opt_in_client_makes_no_connection() -> None:
    """Making a client for an opted-in remote host sends nothing until a request is made."""
    LlmClient(LlmEndpoint("https://gpu.example.org/v1", "m", allow_remote=True))


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/v1", "http://", "http://127.0.0.1:99999"])
def test_bad_urls(url: str) -> None:
    with pytest.raises(LlmConfigError):
        LlmEndpoint(url, "m")


def test_bad_limits() -> None:
    with pytest.raises(LlmConfigError, match="timeout"):
        LlmEndpoint("http://127.0.0.1:1", "m", timeout_s=0)
    with pytest.raises(LlmConfigError, match="concurrency"):
        LlmEndpoint("http://127.0.0.1:1", "m", max_concurrency=0)
    with pytest.raises(LlmConfigError, match="retries"):
        LlmEndpoint("http://127.0.0.1:1", "m", max_retries=-1)


def test_from_settings_cli_wins_over_env() -> None:
    env = {ENV_URL: "http://127.0.0.1:9/v1", ENV_MODEL: "env-model"}
    assert LlmEndpoint.from_settings(env=env).model == "env-model"
    ep = LlmEndpoint.from_settings("http://localhost:8080", "cli-model", env=env)
    assert (ep.url, ep.model) == ("http://localhost:8080/v1", "cli-model")
    with pytest.raises(LlmConfigError, match="--llm URL"):
        LlmEndpoint.from_settings(env={})


def test_from_settings_allow_remote_env() -> None:
    env = {ENV_URL: "http://10.1.2.3:8000", ENV_MODEL: "m"}
    with pytest.raises(RemoteEndpointRefused):
        LlmEndpoint.from_settings(env=env)
    ep = LlmEndpoint.from_settings(env={**env, ENV_ALLOW_REMOTE: "1"})
    assert ep.allow_remote and ep.remote_warning()
    assert LlmEndpoint.from_settings(env=env, allow_remote=True).allow_remote
