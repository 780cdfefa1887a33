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
