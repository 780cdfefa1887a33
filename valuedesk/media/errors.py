"""One error type for every media problem, worded for the person who picked the file.

Stages never let a raw av/cv2/OS exception escape: the pipeline and the UI show `str(error)`,
which names the file and says in plain words what is wrong with it.
"""

from __future__ import annotations

import os
from pathlib import Path

PathLike = str | bytes | os.PathLike[str] | os.PathLike[bytes]


def fs_path(path: PathLike) -> str:
    """The str form PyAV and open() accept for any file name, including non-UTF-8 bytes names."""
    return os.fsdecode(os.fspath(path))


def display_name(path: PathLike) -> str:
    """The file name, printable even when it is not valid UTF-8 (bad bytes become U+FFFD)."""
    name = Path(fs_path(path)).name or fs_path(path)
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class MediaError(Exception):
    """A media file cannot be used: `path` is the file, `cause` the reason in plain words."""

    def __init__(self, path: PathLike, cause: str) -> None:
        self.path = fs_path(path)
        self.cause = cause
        super().__init__(f"{display_name(path)}: {cause}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # picklable across worker processes
        return (type(self), (self.path, self.cause))


def check_file(path: PathLike) -> str:
    """Fail early with a clear message for a missing, non-regular or empty file; return its str path."""
    p = fs_path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise MediaError(p, "file not found") from None
    except PermissionError:
        raise MediaError(p, "permission denied") from None
    except OSError as e:
        raise MediaError(p, f"cannot be read ({e.strerror or e})") from None
    if os.path.isdir(p):
        raise MediaError(p, "is a folder, not a media file")
    if st.st_size == 0:
        raise MediaError(p, "empty file (0 bytes)")
    if not os.access(p, os.R_OK):
        raise MediaError(p, "permission denied")
    return p
