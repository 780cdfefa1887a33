"""Who is working on a video: a claim stored with 'queued'/'analyzing' so no status goes stale.

A process that queues or analyses a video writes its claim (host, pid, the process's start time
and a nonce) on the row. Readers turn 'queued'/'analyzing' into 'interrupted' when the claim is
dead: its process is gone (kill -9, power cut), or it is this process and the job has ended
(a failed save on a full disk could not even write its status). Nothing has to clean up after a
crash for the status to be right.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading

_active: set[str] = set()
_lock = threading.Lock()
_HOST = socket.gethostname()


def _start_time(pid: int) -> str:
    """The kernel's start time of a process (clock ticks since boot); '' when unknown or gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
    except OSError:
        return ""
    # Field 22; the command name (field 2) may hold spaces or ')' so split after its last ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else ""


def new_claim() -> str:
    """A claim for one job of this process, live until `release`."""
    claim = f"{_HOST}|{os.getpid()}|{_start_time(os.getpid())}|{secrets.token_hex(4)}"
    with _lock:
        _active.add(claim)
    return claim


def release(claim: str | None) -> None:
    with _lock:
        _active.discard(claim or "")


def is_live(claim: str | None) -> bool:
    """False when the claim's job certainly ended; True when it runs or cannot be told (another host)."""
    if not claim:
        return False
    parts = claim.split("|")
    if len(parts) != 4 or not parts[1].isdigit():
        return False
    host, pid_text, started, _ = parts
    if host != _HOST:
        return True  # a project on a shared disk used from another machine: cannot check, trust it
    pid = int(pid_text)
    if pid == os.getpid():
        with _lock:
            return claim in _active
    if not os.path.exists("/proc/self/stat"):  # no procfs: fall back to "does the pid exist"
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return bool(started) and _start_time(pid) == started


def live_status(status: str, claim: str | None) -> str:
    """The status a reader should see: a queued or analysing video whose claim is dead is 'interrupted'."""
    if status in ("queued", "analyzing") and not is_live(claim):
        return "interrupted"
    return status
