"""Suite-wide fixtures: offline guard, headless Qt, shared generated media."""

from __future__ import annotations

import ipaddress
import os
import socket

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

pytest_plugins = ("tests.mediafixtures",)


def _is_loopback(address: object) -> bool:
    if isinstance(address, (str, bytes)) and not isinstance(address, tuple):
        return True  # AF_UNIX path
    if not isinstance(address, tuple) or not address:
        return False
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(scope="session", autouse=True)
def _private_model_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled model caches (ONNX) go to a session folder, never the user's ~/.cache."""
    if "VALUEDESK_CACHE_DIR" not in os.environ:
        os.environ["VALUEDESK_CACHE_DIR"] = str(tmp_path_factory.mktemp("valuedesk-cache"))


@pytest.fixture(scope="session", autouse=True)
def _one_qapplication() -> object:
    """Create the widget-capable QApplication before any code makes a bare QGuiApplication.

    Reports (Qt-free core) create a QGuiApplication when none exists; a later widget test in the
    same process would then abort. The GUI always has a QApplication, so this mirrors real use.
    """
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


class NetworkBlocked(AssertionError):
    pass


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that opens a connection to anything but loopback (ValueDesk is offline)."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(method):  # type: ignore[no-untyped-def]
        def inner(self: socket.socket, address: object):  # type: ignore[no-untyped-def]
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
                raise NetworkBlocked(f"test tried to open a network connection to {address!r}")
            return method(self, address)

        return inner

    monkeypatch.setattr(socket.socket, "connect", guarded(real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded(real_connect_ex))

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host not in (None, "localhost", "127.0.0.1", "::1") and not _is_loopback((host,)):
            raise NetworkBlocked(f"test tried to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
