"""What is in a media file (streams, size, duration, rotation), and the one safe way to open it.

Every stage opens files through `open_media`, so a missing, empty, foreign, truncated or
stream-less file always ends as a `MediaError` naming the file, never as a raw PyAV exception.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import av
import av.error

from .errors import MediaError, PathLike, check_file, fs_path


@dataclass(frozen=True)
class MediaInfo:
    path: str
    size_bytes: int
    duration_ms: int
    has_video: bool
    has_audio: bool
    width: int
    height: int
    fps: float
    rotation: int  # display rotation, degrees counter-clockwise (0/90/180/270), as the display matrix says
    video_codec: str
    audio_codec: str
    container: str

    @property
    def display_size(self) -> tuple[int, int]:
        """(width, height) as shown, after rotation."""
        return (self.height, self.width) if self.rotation in (90, 270) else (self.width, self.height)

    @property
    def is_vertical(self) -> bool:
        w, h = self.display_size
        return h > w


def av_cause(exc: BaseException) -> str:
    """Plain words for a PyAV/FFmpeg failure."""
    if isinstance(exc, av.error.InvalidDataError):
        return "not a video or audio file, or the file is damaged (invalid data)"
    if isinstance(exc, av.error.PermissionError | PermissionError):
        return "permission denied"
    if isinstance(exc, av.error.FileNotFoundError | FileNotFoundError):
        return "file not found"
    if isinstance(exc, av.error.EOFError):
        return "the file ends too early (truncated)"
    if isinstance(exc, av.error.FFmpegError):
        detail = getattr(exc, "strerror", None) or str(exc)
        return f"cannot be decoded ({detail})"
    if isinstance(exc, MemoryError):
        return "too large to decode in memory"
    return f"cannot be read ({type(exc).__name__}: {exc})"


def _check_complete(path: str, container: av.container.InputContainer) -> None:
    """Detect a cut-off download: mp4/mov index entries point past the end of the file.

    A truncated 'faststart' mp4 still opens and demuxes without an error (FFmpeg just stops), so
    the sample index is the only cheap, exact evidence.
    """
    size = os.path.getsize(path)
    for stream in container.streams:
        try:
            entries = stream.index_entries
            n = len(entries)
            if n == 0:
                continue
            last = entries[n - 1]
        except (AttributeError, IndexError, TypeError):
            continue
        if last.pos >= 0 and last.pos + last.size > size:
            missing = (last.pos + last.size - size) / 1024
            raise MediaError(path, f"the file is truncated (about {missing:.0f} KiB missing at the end)")


@contextmanager
def open_media(path: PathLike) -> Iterator[av.container.InputContainer]:
    """Open a media file for reading; any failure (open, check, or inside the with-block) → MediaError."""
    p = check_file(path)
    try:
        container = av.open(p, metadata_errors="replace")
    except MediaError:
        raise
    except (av.error.FFmpegError, OSError, UnicodeError, ValueError) as e:
        raise MediaError(p, av_cause(e)) from e
    try:
        if not any(s.type in ("video", "audio") for s in container.streams):
            raise MediaError(p, "not a video or audio file (no decodable streams)")
        _check_complete(p, container)
        yield container
    except MediaError:
        raise
    except (av.error.FFmpegError, OSError, MemoryError) as e:
        raise MediaError(p, av_cause(e)) from e
    finally:
        container.close()


def _duration_ms(container: av.container.InputContainer) -> int:
    if container.duration and container.duration > 0:
        return int(round(container.duration / 1000))  # AV_TIME_BASE is microseconds
    best = 0.0
    for s in container.streams:
        if s.duration and s.time_base:
            best = max(best, float(s.duration * s.time_base))
    return int(round(best * 1000))


def _container_name(path: str, container: av.container.InputContainer) -> str:
    names = container.format.name.split(",")
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    return ext if ext in names else names[0]


def _first_frame_rotation(path: str, container: av.container.InputContainer) -> int:
    """Decode the first picture: proves the video decodes and gives the display-matrix rotation."""
    stream = container.streams.video[0]
    for frame in container.decode(stream):
        return int(round(frame.rotation / 90.0)) * 90 % 360
    raise MediaError(path, "the video stream holds no decodable pictures")


def probe(path: PathLike) -> MediaInfo:
    """Stream facts of a media file (cheap: reads headers and one picture)."""
    p = os.path.abspath(fs_path(path))
    with open_media(p) as c:
        v = c.streams.video[0] if c.streams.video else None
        a = c.streams.audio[0] if c.streams.audio else None
        width = height = rotation = 0
        fps = 0.0
        if v is not None:
            width, height = v.codec_context.width, v.codec_context.height
            rate = v.average_rate or v.guessed_rate or v.base_rate
            fps = round(float(rate), 3) if rate else 0.0
            rotation = _first_frame_rotation(p, c)
        return MediaInfo(
            path=p,
            size_bytes=os.path.getsize(p),
            duration_ms=_duration_ms(c),
            has_video=v is not None,
            has_audio=a is not None,
            width=width,
            height=height,
            fps=fps,
            rotation=rotation,
            video_codec=v.codec_context.name if v is not None else "",
            audio_codec=a.codec_context.name if a is not None else "",
            container=_container_name(p, c),
        )


def sha256_file(path: PathLike, chunk_size: int = 1 << 20) -> str:
    """Content hash for caching analysis results, read in 1 MiB chunks so big files stay cheap."""
    p = check_file(path)
    h = hashlib.sha256()
    try:
        with open(p, "rb") as f:
            while chunk := f.read(chunk_size):
                h.update(chunk)
    except OSError as e:
        raise MediaError(p, f"cannot be read ({e.strerror or e})") from e
    return h.hexdigest()
