"""Writing exports safely: only the chosen file, or files inside a folder we create.

Rules (tested): never overwrite without force; never follow a symlink out of the target; never
create parent folders; file names derived from video titles are reduced to a safe slug, so a
title like "../../etc/passwd" can only ever name a file inside the chosen folder.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path


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


def write_file(path: Path, data: bytes | str, *, force: bool = False) -> Path:
    """Write one file; a link at `path` is replaced, never followed."""
    path = Path(path)
    check_file_target(path, force=force)
    if path.is_symlink():
        path.unlink()
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    if not force:
        flags |= os.O_EXCL
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd = os.open(path, flags, 0o644)
    except FileExistsError:
        raise OutputError(f"{path}: already exists; use --force to overwrite it") from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(payload)
    return path


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
        if not name or name != Path(name).name or name in (".", "..") or name.startswith(".") or "\x00" in name:
            raise OutputError(f"refusing unsafe file name {name!r}")
        target = self.path / name
        if target.resolve().parent != self._root and not target.is_symlink():
            raise OutputError(f"refusing to write {name!r} outside {self.path}")
        if target.is_dir() and not target.is_symlink():
            raise OutputError(f"{target}: is a folder")
        self.written.append(write_file(target, data, force=True))
        return target

    def unique(self, stem: str, suffix: str) -> str:
        """A name not used yet in this export (two videos may share a title)."""
        taken = {p.name for p in self.written}
        name, n = f"{stem}{suffix}", 2
        while name in taken:
            name, n = f"{stem}-{n}{suffix}", n + 1
        return name
