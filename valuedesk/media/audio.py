"""The sound track as 16 kHz float32 mono, the form faster-whisper and the loudness cues take.

Decoded here with PyAV rather than faster_whisper.audio.decode_audio because that one silently
skips invalid data, and a damaged file must surface as a MediaError.
"""

from __future__ import annotations

import av
import numpy as np

from .errors import MediaError, PathLike, fs_path
from .probe import open_media


def load_audio(path: PathLike, sample_rate: int = 16000) -> np.ndarray:
    """First audio stream resampled to `sample_rate` mono float32 in [-1, 1]; empty when there is none."""
    p = fs_path(path)
    chunks: list[np.ndarray] = []
    with open_media(p) as container:
        if not container.streams.audio:
            return np.zeros(0, dtype=np.float32)
        stream = container.streams.audio[0]
        # AudioStream forwards codec-context attributes at run time; its stub (unlike VideoStream's) lacks this one.
        stream.thread_type = "AUTO"  # type: ignore[attr-defined]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
    if not chunks:
        raise MediaError(p, "the audio stream holds no decodable sound")
    return np.concatenate(chunks).astype(np.float32, copy=False)


def rms_envelope(audio: np.ndarray, sample_rate: int = 16000, window_ms: int = 100) -> np.ndarray:
    """Loudness (RMS) per window, used to find sound without speech."""
    n = max(1, sample_rate * window_ms // 1000)
    if audio.size == 0:
        return np.zeros(0, dtype=np.float32)
    usable = audio[: audio.size - audio.size % n] if audio.size >= n else np.pad(audio, (0, n - audio.size))
    return np.sqrt(np.mean(usable.reshape(-1, n).astype(np.float64) ** 2, axis=1)).astype(np.float32)
