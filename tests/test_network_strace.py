"""No native library reaches the network: real runs under strace (ValueDesk is offline).

The socket guard in tests/conftest.py only sees Python's socket module; native code (onnxruntime's
telemetry, CTranslate2, libvlc, Qt) never goes through it. Here the real CLI and the explorer run
in subprocesses under `strace -f -e trace=network,process`, each with a fresh HOME and with none
of the offline variables preset, so what is tested is the product's own settings
(valuedesk/__init__.py), not the test suite's.

A run fails on any connect/sendto/sendmsg/sendmmsg to an IPv4/IPv6 address outside loopback
(127.0.0.0/8, ::1), and on anything sent to port 53 on any address, loopback resolvers such as
127.0.0.53 included: a DNS query means something tried to resolve a host name. AF_UNIX and
AF_NETLINK traffic (D-Bus, nscd, the kernel) is fine. The control tests prove the parser flags a
real lookup and a real datagram on this machine (which has no network; attempts still show up).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.clipgen import ClipSegment, ClipTruth, espeak_available, make_clip

PORTRAIT = Path(__file__).parent / "media" / "data" / "portrait.jpg"

# The product sets these itself (valuedesk/__init__.py); conftest.py presets some for the suite.
# They are removed so the subprocesses see only what the product does. VALUEDESK_CACHE_DIR stays:
# the suite's compiled-model cache is shared so the ONNX export is not repeated under strace.
_PRESET_VARS = (
    "HF_HUB_OFFLINE",
    "TRANSFORMERS_OFFLINE",
    "HF_DATASETS_OFFLINE",
    "HF_HUB_DISABLE_TELEMETRY",
    "ORT_DISABLE_TELEMETRY",
    "DO_NOT_TRACK",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    "XDG_RUNTIME_DIR",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "QT_QPA_PLATFORM",
    "PYTEST_CURRENT_TEST",
)

STRACE = shutil.which("strace")
needs_strace = pytest.mark.skipif(STRACE is None, reason="strace is not installed (apt install strace)")


# ----------------------------------------------------------------------------- the strace log parser
_SENDS = ("connect", "sendto", "sendmsg", "sendmmsg")
_LINE = re.compile(r"^(?P<pid>\d+)\s+(?P<rest>.*)$")
_CALL = re.compile(r"^(?P<call>[a-z_0-9]+)\(")
_SOCKADDR = re.compile(r"\{sa_family=(?P<family>AF_[A-Z0-9_]+)(?P<body>[^{}]*)\}")
_PORT = re.compile(r"sin6?_port=htons\((?P<port>\d+)\)")
_ADDR4 = re.compile(r'sin_addr=inet_addr\("(?P<addr>[^"]*)"\)')
_ADDR6 = re.compile(r'inet_pton\(AF_INET6, "(?P<addr>[^"]*)"')
_SOCKET = re.compile(r"^socket\((?P<family>AF_[A-Z0-9_]+)")
_EXECVE = re.compile(r'^execve\("(?P<path>[^"]*)", \[(?P<argv>[^\]]*)\]')
_CHILD = re.compile(r"^(?:<\.\.\. )?(?:clone3?|fork|vfork)\b.*= (?P<child>\d+)(?: <[^>]*>)?$")


def _is_loopback(addr: str) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback (Python < 3.13 says otherwise)
    return ip.is_loopback


@dataclass
class NetworkLog:
    """What one strace log says: offending lines (with the process that made them) and counts."""

    violations: list[str]
    families: Counter[str]  # sockaddr families of connect/send*/bind calls
    sockets: Counter[str]  # families of socket() calls
    execs: list[str]  # every successful execve: path [argv]

    def summary(self) -> str:
        return (
            f"socket() by family {dict(sorted(self.sockets.items()))}; "
            f"addresses in connect/send/bind {dict(sorted(self.families.items()))}"
        )


def parse_network_log(text: str) -> NetworkLog:
    """Check an `strace -f -e trace=network,process` log (pid-prefixed lines)."""
    exe: dict[int, str] = {}
    execs: list[str] = []
    parent: dict[int, int] = {}
    raw: list[tuple[int, str]] = []
    families: Counter[str] = Counter()
    sockets: Counter[str] = Counter()
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        pid, rest = int(m["pid"]), m["rest"]
        if (e := _EXECVE.match(rest)) and "= -1 " not in rest:
            argv = ", ".join(a.strip('"') for a in e["argv"].split(", "))
            exe[pid] = f"{e['path']} [{argv}]"[:300]
            execs.append(exe[pid])
            continue
        if c := _CHILD.match(rest):
            parent[int(c["child"])] = pid
            continue
        if s := _SOCKET.match(rest):
            sockets[s["family"]] += 1
            continue
        call = _CALL.match(rest)
        if call is None or call["call"] not in (*_SENDS, "bind"):
            continue
        for sa in _SOCKADDR.finditer(rest):
            family, body = sa["family"], sa["body"]
            families[family] += 1
            if call["call"] == "bind" or family not in ("AF_INET", "AF_INET6"):
                continue
            port = _PORT.search(body)
            addr = (_ADDR4 if family == "AF_INET" else _ADDR6).search(body)
            # a form of address this parser does not know, DNS to any server, or off the machine
            if port is None or addr is None or int(port["port"]) == 53 or not _is_loopback(addr["addr"]):
                raw.append((pid, line))

    def process(pid: int) -> str:
        seen = set()
        while pid not in exe and pid in parent and pid not in seen:
            seen.add(pid)
            pid = parent[pid]
        return exe.get(pid, "?")

    violations = [f"{line}\n      by {process(pid)}" for pid, line in raw]
    return NetworkLog(violations, families, sockets, execs)


def _assert_offline(log: NetworkLog, what: str, log_path: Path) -> None:
    if log.violations:
        pytest.fail(
            f"{what} tried to reach the network ({len(log.violations)} calls; full log {log_path}):\n"
            + "\n".join(log.violations[:40])
            + f"\n{log.summary()}",
            pytrace=False,
        )


# ----------------------------------------------------------------------------- running things under strace
def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PRESET_VARS}
    home.mkdir(parents=True, exist_ok=True)
    env["HOME"] = str(home)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _strace(
    cmd: list[str], log: Path, env: dict[str, str], *, cwd: Path, timeout: float
) -> subprocess.CompletedProcess[str]:
    assert STRACE is not None
    full = [
        STRACE,
        "-f",
        "-qq",
        "--seccomp-bpf",
        "-e",
        "trace=network,process",
        "-e",
        "signal=none",
        "-o",
        str(log),
        "--",
        *cmd,
    ]
    return subprocess.run(full, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def _valuedesk() -> list[str]:
    """The installed console script (as users run it), else `python -m valuedesk`."""
    script = Path(sys.executable).parent / "valuedesk"
    return [str(script)] if script.exists() else [sys.executable, "-m", "valuedesk"]


@pytest.fixture(scope="module")
def net_clip(tmp_path_factory: pytest.TempPathFactory) -> ClipTruth:
    """≈4 s of speech, a caption and a face: transcription, OCR, the face cue and the classifier all run."""
    if STRACE is None:
        pytest.skip("strace is not installed (apt install strace)")
    if not espeak_available():
        pytest.skip("espeak-ng is not installed (apt install espeak-ng)")
    return make_clip(
        tmp_path_factory.mktemp("net-media") / "family.mp4",
        [
            ClipSegment(
                "Hard work pays off, so never give up on your dreams.",
                "NEVER GIVE UP",
                background=(40, 100, 50),
                picture=PORTRAIT,
            )
        ],
    )


@dataclass
class AnalyzeRun:
    project: Path
    log_path: Path
    log: NetworkLog
    seconds: float


def _analyze(folder: Path, clip: ClipTruth, *, isolate: bool) -> AnalyzeRun:
    project = folder / "net.vdproj"
    log_path = folder / "strace.log"
    cmd = [*_valuedesk(), "analyze", "--project", str(project), "--json", str(clip.path)]
    if isolate:
        cmd.append("--isolate")
    start = time.monotonic()
    proc = _strace(cmd, log_path, _clean_env(folder / "home"), cwd=folder, timeout=300)
    seconds = time.monotonic() - start
    assert proc.returncode == 0, (
        f"valuedesk analyze failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-4000:]}"
    )
    results = json.loads(proc.stdout)
    assert [r["status"] for r in results] == ["done"], results
    return AnalyzeRun(project, log_path, parse_network_log(log_path.read_text(errors="replace")), seconds)


@pytest.fixture(scope="module")
def analyzed(net_clip: ClipTruth, tmp_path_factory: pytest.TempPathFactory) -> AnalyzeRun:
    """One real `valuedesk analyze` in process, under strace; its project feeds the GUI test."""
    return _analyze(tmp_path_factory.mktemp("net-analyze"), net_clip, isolate=False)


def _script_kinds(project: Path) -> set[str]:
    from valuedesk.project import Project

    with Project.open(str(project), readonly=True) as p:
        video_id = int(p.videos()[0]["id"])
        return {ln.kind for ln in p.script_lines(video_id)}


# ----------------------------------------------------------------------------- the tests
@needs_strace
@pytest.mark.slow
def test_ray_batch_makes_no_network_calls(net_clip: ClipTruth, tmp_path: Path) -> None:
    """`batch --ray local`: Ray's services and actors, all followed by strace -f. Left alone Ray
    connects towards 8.8.8.8, binds to the machine's address and probes cloud metadata
    (169.254.169.254); valuedesk/pipeline/pools.py keeps it on loopback."""
    pytest.importorskip("ray")
    project = tmp_path / "ray.vdproj"
    log_path = tmp_path / "strace.log"
    cmd = [*_valuedesk(), "batch", "--project", str(project), "--ray", "local", "--workers", "1", "--no-ocr", str(net_clip.path)]  # fmt: skip
    proc = _strace(cmd, log_path, _clean_env(tmp_path / "home"), cwd=tmp_path, timeout=400)
    assert proc.returncode == 0, f"valuedesk batch failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
    log = parse_network_log(log_path.read_text(errors="replace"))
    assert any("raylet" in e or "gcs_server" in e for e in log.execs), f"Ray did not start: {log.execs[:10]}"
    assert "speech" in _script_kinds(project)
    print(f"\nbatch --ray local: {log.summary()}")
    _assert_offline(log, "valuedesk batch --ray local", log_path)


@needs_strace
@pytest.mark.slow
def test_analyze_makes_no_network_calls(analyzed: AnalyzeRun) -> None:
    # the models really ran: speech came from Whisper, the caption from OCR
    assert {"speech", "onscreen"} <= _script_kinds(analyzed.project)
    print(f"\nanalyze: {analyzed.seconds:.1f} s; {analyzed.log.summary()}")
    _assert_offline(analyzed.log, "valuedesk analyze", analyzed.log_path)


@needs_strace
@pytest.mark.slow
def test_isolated_analyze_makes_no_network_calls(net_clip: ClipTruth, tmp_path: Path) -> None:
    """--isolate runs the models in a child process (the GUI's path): strace -f follows it."""
    run = _analyze(tmp_path, net_clip, isolate=True)
    assert any("multiprocessing" in e for e in run.log.execs), (
        f"no analysis worker process was started: {run.log.execs}"
    )
    assert {"speech", "onscreen"} <= _script_kinds(run.project)
    print(f"\nanalyze --isolate: {run.seconds:.1f} s; {run.log.summary()}")
    _assert_offline(run.log, "valuedesk analyze --isolate", run.log_path)


# The explorer as `valuedesk PROJECT` starts it (valuedesk.app.main), with a timer that plays the
# selected video for a while and then closes the window the way a user does.
_GUI_SCRIPT = r"""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from valuedesk.app import main
from valuedesk.ui.mainwindow import MainWindow

app = QApplication(["valuedesk"])  # run_gui() reuses it
report = {}

def window():
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())

def play():
    w = window()
    report.update(title=w.windowTitle(), video=w.current_video, player_available=w.player.available,
                  player_path=w.player.path, reason=w.player.unavailable_reason)
    w.player.play()
    QTimer.singleShot(2500, stop)

def stop():
    w = window()
    report.update(state=w.player.state(), position_ms=w.player.position_ms())
    w.close()  # saves the layout, releases libvlc; the last window closing ends app.exec()
    QTimer.singleShot(10000, lambda: app.exit(3))  # if it did not

QTimer.singleShot(1500, play)
rc = main([sys.argv[1]])
print("GUI-REPORT " + json.dumps(report), flush=True)
sys.exit(rc)
"""


@needs_strace
@pytest.mark.slow
@pytest.mark.gui
def test_explorer_makes_no_network_calls(analyzed: AnalyzeRun, tmp_path: Path) -> None:
    script = tmp_path / "explorer.py"
    script.write_text(_GUI_SCRIPT, encoding="utf-8")
    env = _clean_env(tmp_path / "home")
    env["QT_QPA_PLATFORM"] = "offscreen"
    log_path = tmp_path / "strace.log"
    start = time.monotonic()
    proc = _strace(
        [sys.executable, str(script), str(analyzed.project)], log_path, env, cwd=tmp_path, timeout=180
    )
    seconds = time.monotonic() - start
    assert proc.returncode == 0, (
        f"the explorer failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-4000:]}"
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("GUI-REPORT ")), None)
    assert line, f"the explorer did not report:\n{proc.stdout}\n{proc.stderr[-4000:]}"
    report = json.loads(line.removeprefix("GUI-REPORT "))
    assert report["video"] is not None and report["title"].startswith(analyzed.project.name), report
    from valuedesk.ui.player import load_vlc

    if load_vlc()[0] is not None:  # libvlc is installed: it must have loaded the clip
        assert report["player_available"], report
        assert Path(report["player_path"]).name == "family.mp4", report
    log = parse_network_log(log_path.read_text(errors="replace"))
    print(f"\nexplorer: {seconds:.1f} s; player {report}; {log.summary()}")
    _assert_offline(log, "the explorer", log_path)


# ----------------------------------------------------------------------------- controls: the parser catches real traffic
_CONTROL_SCRIPT = r"""
import socket
def attempt(f):
    try:
        f()
    except OSError:
        pass
attempt(lambda: socket.getaddrinfo("example.invalid", 80))  # a DNS lookup (resolv.conf's server, port 53)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
attempt(lambda: u.sendto(b"x", ("192.0.2.1", 9)))  # TEST-NET-1, discard port: harmless
attempt(lambda: u.sendto(b"x", ("127.0.0.1", 9)))  # loopback: allowed
attempt(lambda: u.sendto(b"x", ("127.0.0.53", 53)))  # a loopback resolver: still a DNS query
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.settimeout(0.2)
attempt(lambda: t.connect(("192.0.2.1", 80)))
a, b = socket.socketpair()  # AF_UNIX: allowed
a.send(b"x")
"""


@needs_strace
def test_control_real_lookup_and_datagrams_are_flagged(tmp_path: Path) -> None:
    log_path = tmp_path / "strace.log"
    proc = _strace(
        [sys.executable, "-c", _CONTROL_SCRIPT],
        log_path,
        _clean_env(tmp_path / "home"),
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    text = log_path.read_text(errors="replace")
    log = parse_network_log(text)
    flagged = "\n".join(log.violations)
    assert 'sin_port=htons(9), sin_addr=inet_addr("192.0.2.1")' in flagged
    assert 'sin_port=htons(80), sin_addr=inet_addr("192.0.2.1")' in flagged
    assert 'inet_addr("127.0.0.53")' in flagged
    assert 'sin_addr=inet_addr("127.0.0.1")' not in flagged
    assert "AF_UNIX" not in flagged
    # glibc's resolver connect()s a UDP socket to the name server (the explicit one above is a sendto)
    lookups = [v for v in log.violations if re.match(r"\d+\s+connect\(.*htons\(53\)", v)]
    assert lookups, f"getaddrinfo('example.invalid') made no DNS query that the parser flagged:\n{text}"
    assert all("python" in v.split("\n      by ")[1].lower() for v in log.violations), flagged


def test_parser_rules() -> None:
    """Synthetic strace lines: the forms strace prints for each family and call."""
    log = parse_network_log(
        "\n".join(
            [
                '100 execve("/usr/bin/python3", ["python3", "x.py"], 0x7ffe /* 20 vars */) = 0',
                "100 clone3({flags=CLONE_VM|CLONE_THREAD, child_tid=0x7f, parent_tid=0x7f, exit_signal=0, stack=0x7f,"
                " stack_size=0x7fff00, tls=0x7f} => {parent_tid=[101]}, 88) = 101",
                "101 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 3",
                '101 connect(3, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.1")}, 16) = 0',
                '101 connect(4, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("20.42.65.92")}, 16'
                " <unfinished ...>",
                "101 <... connect resumed>) = -1 ENETUNREACH (Network is unreachable)",
                '101 sendto(5, "x", 1, 0, {sa_family=AF_INET6, sin6_port=htons(9), sin6_flowinfo=htonl(0),'
                ' inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = 1',
                '101 sendmsg(6, {msg_name={sa_family=AF_INET, sin_port=htons(5353), sin_addr=inet_addr("224.0.0.251")},'
                ' msg_namelen=16, msg_iov=[{iov_base="x", iov_len=1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 1',
                # allowed
                '101 connect(7, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
                "101 connect(8, {sa_family=AF_INET6, sin6_port=htons(631), sin6_flowinfo=htonl(0),"
                ' inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
                "101 connect(8, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0),"
                ' inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
                "101 bind(9, {sa_family=AF_INET6, sin6_port=htons(0), sin6_flowinfo=htonl(0),"
                ' inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
                '101 connect(10, {sa_family=AF_UNIX, sun_path="/run/dbus/system_bus_socket"}, 110) = 0',
                "101 sendto(11, [{nlmsg_len=20, nlmsg_type=RTM_GETADDR, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP}], 20, 0,"
                " {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 20",
                '101 sendto(12, "x", 1, 0, NULL, 0) = 1',
                '101 connect(13, {sa_family=AF_UNSPEC, sa_data="\\0\\0"}, 16) = 0',
            ]
        )
    )
    assert len(log.violations) == 4, "\n".join(log.violations)
    for needle in ('"10.0.0.1"', '"20.42.65.92"', '"2001:db8::1"', '"224.0.0.251"'):
        assert any(needle in v for v in log.violations), needle
    assert all("by /usr/bin/python3 [python3, x.py]" in v for v in log.violations)
    assert log.sockets == Counter({"AF_INET": 1})
    assert log.families["AF_UNIX"] == 1 and log.families["AF_NETLINK"] == 1 and log.families["AF_INET6"] == 4
    # port 53 fails even on loopback
    local_dns = parse_network_log(
        '7 connect(3, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 0'
    )
    assert len(local_dns.violations) == 1 and "by ?" in local_dns.violations[0]
