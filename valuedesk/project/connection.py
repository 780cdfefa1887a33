"""Opening the project's SQLite file and writing to it safely beside other programs.

Every write transaction starts with BEGIN IMMEDIATE: a deferred transaction that reads before it
writes gets SQLITE_BUSY at once in WAL mode (the busy timeout cannot help it), which made two
analysers, or an analyser beside a reviewer, crash. The writer lock is waited for (busy timeout,
then a bounded retry); only if it is still held does the error name the program holding it.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_S = 5.0
LOCK_WAIT_S = 30.0  # total time a write waits for another writer before giving up


class ProjectError(Exception):
    """A project file cannot be opened or written; the message names the file and the cause."""


def is_read_only(path: Path) -> bool:
    """True when the file has no write bits or its folder is not writable (WAL needs -wal/-shm files).

    Mode bits are checked explicitly because os.access says "writable" to root regardless.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return False
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return True
    return (
        not os.access(path, os.W_OK)
        or not os.access(path.parent, os.W_OK | os.X_OK)
        or _read_only_mount(path)
    )


def _read_only_mount(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _folder_writable(path: Path) -> bool:
    folder = path.resolve().parent
    return os.access(folder, os.W_OK | os.X_OK) and not _read_only_mount(folder)


def connect(path: Path, *, readonly: bool, lock_wait_s: float = LOCK_WAIT_S) -> sqlite3.Connection:
    """A connection; a read-only project whose folder cannot hold WAL's -shm file opens immutable.

    SQLite needs a writable -shm beside a WAL database even to read it. On a read-only disk (a USB
    stick, a shared folder) nobody can be writing the file, so `immutable=1` is exact there.
    """
    uri = path.resolve().as_uri()
    if readonly:
        shm = path.with_name(path.name + "-shm")
        uri += "?mode=ro" if _folder_writable(path) or shm.exists() else "?immutable=1"
    else:
        uri += "?mode=rwc"
    conn = sqlite3.connect(uri, uri=True, timeout=min(BUSY_TIMEOUT_S, lock_wait_s), check_same_thread=False)
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def explain(path: Path, exc: sqlite3.Error | OSError) -> ProjectError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        cause = lock_message(path)
    elif "not a database" in text or "malformed" in text or "disk image" in text:
        cause = "not a ValueDesk project or the file is damaged (" + str(exc) + ")"
    elif "readonly" in text or "read-only" in text:
        cause = "the project file is read-only; open it for viewing or copy it somewhere writable"
    elif "disk is full" in text or "no space" in text:
        cause = "the disk is full; nothing was saved (free some space and retry)"
    elif "unable to open" in text:
        cause = "cannot open the file (missing folder or no permission)"
    else:
        cause = str(exc)
    return ProjectError(f"{path}: {cause}")


def holders(path: Path) -> list[tuple[int, str]]:
    """Other processes that have the project (or its WAL files) open: (pid, command line)."""
    targets = {os.path.realpath(str(path) + suffix) for suffix in ("", "-wal", "-shm")}
    found = []
    me = os.getpid()
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) in targets:
                    cmd = (
                        (entry / "cmdline")
                        .read_bytes()
                        .replace(b"\0", b" ")
                        .decode("utf-8", "replace")
                        .strip()
                    )
                    found.append((int(entry.name), cmd[:120]))
                    break
            except OSError:
                continue
    return found


def lock_message(path: Path, waited_s: float | None = None) -> str:
    """Why a write could not get the lock, naming the other program only when there is one."""
    others = holders(path)
    waited = "the project is locked" + (
        f" (still, after waiting {waited_s:g} s)" if waited_s is not None else ""
    )
    if others:
        named = "; ".join(f"pid {pid}: {cmd}" for pid, cmd in others[:3])
        return f"{waited} by another program ({named}); let it finish or close it, then retry"
    return f"{waited}, by another connection of this program, not by another one; retry"


@contextmanager
def immediate(conn: sqlite3.Connection, path: Path, lock_wait_s: float = LOCK_WAIT_S) -> Iterator[None]:
    """One write transaction taking the writer lock up front; nested calls become savepoints."""
    if conn.in_transaction:
        name = f"vd_{time.monotonic_ns()}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    deadline = time.monotonic() + lock_wait_s
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")  # waits up to the busy timeout
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
                raise explain(path, exc) from exc
            if time.monotonic() >= deadline:
                raise ProjectError(f"{path}: {lock_message(path, lock_wait_s)}") from exc
            time.sleep(0.05)
    try:
        yield
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.rollback()
        if isinstance(exc, sqlite3.Error):
            raise explain(path, exc) from exc
        raise
