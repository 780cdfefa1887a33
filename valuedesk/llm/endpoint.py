"""Where the OpenAI-compatible chat server is, and the rule that keeps the data on this machine.

ValueDesk is offline: a script, a transcript or a keyframe may only go to a server on loopback
(127.0.0.0/8, ::1, or the literal name "localhost") unless the user explicitly allows another
host. The check never resolves a name (a DNS lookup would itself leave the machine), so any
other host name counts as remote. `LlmEndpoint` refuses a remote URL when it is made, before
any client exists, and `remote_warning()` is the text to show when the user did opt in.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from valuedesk.llm.errors import LlmConfigError, RemoteEndpointRefused

ENV_URL = "VALUEDESK_LLM_URL"
ENV_MODEL = "VALUEDESK_LLM_MODEL"
ENV_ALLOW_REMOTE = "VALUEDESK_LLM_ALLOW_REMOTE"
ENV_API_KEY = "VALUEDESK_LLM_API_KEY"

DEFAULT_TIMEOUT_S = 300.0  # a CPU-only server can take minutes for one long script
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_CONCURRENCY = 1  # one request at a time: a local server usually has one slot

# What a remote server would receive (named in the warning the user must accept).
SENT_DATA = (
    "the video's script text (speech, on-screen text and scene lines)",
    "the speech transcripts",
    "keyframe images from the video (step 1 and the direct mode)",
    "the post's caption and hashtags",
)

_TRUE = {"1", "true", "yes", "on"}


def is_loopback_host(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 (also IPv4-mapped ::ffff:127.x) and the literal "localhost".

    No name is resolved: "localhost." or "myhost.local" are remote here, whatever they resolve to.
    """
    h = host.strip().strip("[]")
    if h.lower() == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(h)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


def normalise_url(url: str) -> str:
    """The API base URL: http(s)://host[:port]/path, with "/v1" added when no path is given.

    "http://127.0.0.1:8080" and "http://127.0.0.1:8080/v1/" both become "http://127.0.0.1:8080/v1";
    a path that is given (e.g. a proxy's "/api/openai/v1") is kept as it is.
    """
    raw = url.strip()
    if "://" not in raw:
        raw = "http://" + raw
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https"):
        raise LlmConfigError(f"LLM server URL {url!r} must start with http:// or https://")
    if not parts.hostname:
        raise LlmConfigError(f"LLM server URL {url!r} names no host")
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise LlmConfigError(f"LLM server URL {url!r} has a bad port: {exc}") from None
    path = parts.path.rstrip("/") or "/v1"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


@dataclass(frozen=True)
class LlmEndpoint:
    """One OpenAI-compatible chat server and model, with the limits ValueDesk keeps towards it.

    `model` may be "" to use the server's first listed model (llama.cpp's server serves one).
    Making an endpoint with a remote host and `allow_remote=False` raises `RemoteEndpointRefused`.
    """

    url: str
    model: str
    api_key: str | None = None
    allow_remote: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_retries: int = DEFAULT_MAX_RETRIES
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", normalise_url(self.url))
        object.__setattr__(self, "model", self.model.strip())
        if not self.timeout_s > 0:
            raise LlmConfigError(f"LLM timeout must be positive seconds, not {self.timeout_s!r}")
        if self.max_retries < 0:
            raise LlmConfigError(f"LLM retries must be 0 or more, not {self.max_retries!r}")
        if self.max_concurrency < 1:
            raise LlmConfigError(f"LLM concurrency must be 1 or more, not {self.max_concurrency!r}")
        if not self.is_loopback and not self.allow_remote:
            raise RemoteEndpointRefused(
                f"refusing to send video data to {self.host}: it is not on this machine (loopback). "
                f"Use a local server, or opt in with --llm-allow-remote / {ENV_ALLOW_REMOTE}=1 "
                "if you accept that the script, transcripts, keyframes and captions go there"
            )

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def is_loopback(self) -> bool:
        return is_loopback_host(self.host)

    def remote_warning(self) -> str | None:
        """For an opted-in remote host: what would leave the machine and where; None on loopback."""
        if self.is_loopback:
            return None
        items = "; ".join(SENT_DATA)
        return (
            f"The LLM server {self.url} is not on this machine. Analysing with it sends {items} "
            f"to {self.host}, where ValueDesk cannot control what is kept."
        )

    def describe(self) -> str:
        """One line for run details and logs (never the API key)."""
        return f"{self.model or '(server default model)'} at {self.url}"

    @classmethod
    def from_settings(
        cls,
        url: str | None = None,
        model: str | None = None,
        *,
        api_key: str | None = None,
        allow_remote: bool | None = None,
        timeout_s: float | None = None,
        max_retries: int | None = None,
        max_concurrency: int | None = None,
        env: Mapping[str, str] | None = None,
    ) -> LlmEndpoint:
        """From CLI-style values, falling back to the VALUEDESK_LLM_* environment variables.

        A value given here wins over the environment; allow_remote is on when either says so
        explicitly (the flag, or VALUEDESK_LLM_ALLOW_REMOTE=1).
        """
        environ = os.environ if env is None else env
        url = url or environ.get(ENV_URL, "").strip()
        if not url:
            raise LlmConfigError(f"no LLM server given: use --llm URL or set {ENV_URL}")
        model = model if model is not None else environ.get(ENV_MODEL, "")
        if allow_remote is None:
            allow_remote = environ.get(ENV_ALLOW_REMOTE, "").strip().lower() in _TRUE
        return cls(
            url=url,
            model=model,
            api_key=api_key or environ.get(ENV_API_KEY) or None,
            allow_remote=allow_remote,
            timeout_s=DEFAULT_TIMEOUT_S if timeout_s is None else float(timeout_s),
            max_retries=DEFAULT_MAX_RETRIES if max_retries is None else int(max_retries),
            max_concurrency=DEFAULT_MAX_CONCURRENCY if max_concurrency is None else int(max_concurrency),
        )
