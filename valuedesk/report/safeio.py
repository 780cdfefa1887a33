"""Writing exports safely: only the chosen file, or files inside a folder we create.

Rules (tested): never overwrite without force; never follow a symlink out of the target; never
create parent folders; file names derived from video titles are reduced to a safe slug, so a
title like "../../etc/passwd" can only ever name a file inside the chosen folder; a file is
written whole or not at all (a hidden temporary file beside it, renamed once complete), so a
full disk leaves no truncated file behind to block the next run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import Any


class OutputError(Exception):
    """The output path cannot be used; the message names it and says what to do."""


def _check_parent(path: Path) -> None:
    if not path.parent.is_dir():
        raise OutputError(f"{path}: folder {path.parent} does not exist")


def check_file_target(path: Path, *, force: bool) -> None:
    """Raise unless `path` can be written as a single file under these rules."""
    if path.is_symlink():
        if not force:
            raise OutputError(f"{path}: already exists (a link); use --force to replace it")
    elif path.exists():
        if path.is_dir():
            raise OutputError(f"{path}: is a folder; give a file name")
        if not force:
            raise OutputError(f"{path}: already exists; use --force to overwrite it")
    _check_parent(path)


def _temp_name(path: Path) -> str:
    """A hidden name beside `path` (same folder, so the final rename stays on one file system)."""
    return f".{path.name[:180]}.partial-{secrets.token_hex(4)}"


def _open_temp(path: Path) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(16):
        tmp = path.parent / _temp_name(path)
        try:
            return os.open(tmp, flags, 0o644), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "cannot pick a temporary file name", str(path.parent))


def _link_new(tmp: Path, path: Path) -> None:
    """Put the finished file at `path` only if nothing is there (O_EXCL for a rename)."""
    try:
        os.link(tmp, path)  # fails if `path` exists, whatever it is (a file, a link, a folder)
    except FileExistsError:
        raise
    except OSError:
        # no hard links here (FAT, some network shares): check, then rename (a tiny race remains);
        # a real write error (a full disk) fails the rename the same way
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.replace(tmp, path)
    else:
        _remove(tmp)  # the file now has its own name; the temporary one is only a second link


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; best effort (not every system can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


class StreamedFile:
    """A file written in pieces that appears at its name only when complete (see `write_file`).

    Used as a context manager: `write()` text or bytes; leaving the block without an error syncs
    the file and gives it its name, an error (a full disk, a cancelled export) removes it. A large
    export streams video by video instead of holding the whole document in memory.
    """

    def __init__(self, path: str | os.PathLike[str], *, force: bool = False) -> None:
        self.path = Path(path)
        self.force = force
        check_file_target(self.path, force=force)
        try:
            fd, self._tmp = _open_temp(self.path)
        except OSError as exc:
            raise OutputError(
                f"{self.path}: cannot write ({exc.strerror or exc}); nothing was written"
            ) from None
        self._fh = os.fdopen(fd, "wb", buffering=1 << 20)

    def write(self, data: bytes | str) -> None:
        try:
            self._fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        except OSError as exc:
            self._fail(exc)

    def _fail(self, exc: OSError) -> None:
        self.abort()
        raise OutputError(f"{self.path}: cannot write ({exc.strerror or exc}); nothing was written") from None

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self._fh.close()
        _remove(self._tmp)

    def commit(self) -> Path:
        path, tmp = self.path, self._tmp
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            if self.force:
                os.replace(tmp, path)  # replaces a link or file at `path`; never follows a link
            else:
                _link_new(tmp, path)
        except OSError as exc:
            self.abort()
            if isinstance(exc, FileExistsError) and not self.force:  # it appeared while we were writing
                raise OutputError(f"{path}: already exists; use --force to overwrite it") from None
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc}); nothing was written") from None
        _sync_folder(path.parent)
        return path

    def __enter__(self) -> StreamedFile:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def write_file(path: Path, data: bytes | str, *, force: bool = False) -> Path:
    """Write one file completely or not at all; a link at `path` is replaced, never followed.

    The bytes go to a hidden temporary file in the same folder, are flushed and synced, and only
    then take the target's name; on any error (a full disk) the temporary file is removed, an
    existing target is left as it was, and OutputError says what happened.
    """
    with StreamedFile(path, force=force) as out:
        out.write(data)
    return Path(path)


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):  # if even this fails, the hidden name never blocks a later export
        os.unlink(tmp)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (a quote "=HYPERLINK(...)") gets a leading
    apostrophe; numbers pass unchanged. Captions and transcripts are untrusted input."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_name(text: str, *, fallback: str = "video", max_len: int = 60) -> str:
    """A file-name slug: ASCII letters, digits, '-', '_' only (no separators, no leading dots)."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    t = re.sub(r"[^A-Za-z0-9_-]+", "-", t).strip("-_")
    t = re.sub(r"-{2,}", "-", t)[:max_len].strip("-_")
    return t or fallback


class OutputFolder:
    """A folder made for one export; files go only directly inside it."""

    def __init__(self, path: str | os.PathLike[str], *, force: bool = False) -> None:
        self.path = Path(path)
        self.written: list[Path] = []
        if self.path.is_symlink():
            raise OutputError(f"{self.path}: is a link; give a real folder path")
        if self.path.exists():
            if not self.path.is_dir():
                raise OutputError(f"{self.path}: is a file; this format writes a folder")
            if any(self.path.iterdir()) and not force:
                raise OutputError(f"{self.path}: folder is not empty; use --force to write into it")
        else:
            _check_parent(self.path)
            try:
                self.path.mkdir()
            except OSError as exc:
                raise OutputError(f"{self.path}: cannot create the folder ({exc.strerror})") from None
        self._root = self.path.resolve()

    def write(self, name: str, data: bytes | str) -> Path:
        """Write `name` (a plain file name we chose) inside the folder, replacing our earlier file."""
        with self.open(name) as out:
            out.write(data)
        return self.path / name

    def open(self, name: str) -> StreamedFile:
        """A `StreamedFile` for `name` inside the folder (the name counts as taken at once)."""
        if (
            not name
            or name != Path(name).name
            or name in (".", "..")
            or name.startswith(".")
            or "\x00" in name
        ):
            raise OutputError(f"refusing unsafe file name {name!r}")
        target = self.path / name
        if target.resolve().parent != self._root and not target.is_symlink():
            raise OutputError(f"refusing to write {name!r} outside {self.path}")
        if target.is_dir() and not target.is_symlink():
            raise OutputError(f"{target}: is a folder")
        out = StreamedFile(target, force=True)
        self.written.append(target)
        return out

    def unique(self, stem: str, suffix: str) -> str:
        """A name not used yet in this export (two videos may share a title)."""
        taken = {p.name for p in self.written}
        name, n = f"{stem}{suffix}", 2
        while name in taken:
            name, n = f"{stem}-{n}{suffix}", n + 1
        return name
