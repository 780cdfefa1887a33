"""Short scene notes with times: format and sound, cuts, people facing the camera, sound without speech.

The notes stand in for the paper's LLM-written scene lines, so they must stay short and only
say what changed: one opening note, then a note when a shot starts or when the number of faces
changes, and a sound note for longer stretches of sound with nobody speaking.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from ..script import ScriptLine
from .audio import rms_envelope
from .faces import detect_faces
from .frames import Keyframe
from .probe import MediaInfo

FACE_SIDE = 224  # long side of the picture the face detector sees (TikTok faces are large)
_FACE_EVERY_MS = 10_000  # within one shot, look again at most this often
_QUICK_CUTS_MS = 1500  # cuts closer than this are summarised as one "quick cuts" note
_SOUND_MIN_MS = 3000  # sound without speech shorter than this is not worth a note
_SOUND_RMS = 0.01  # about -40 dBFS: quieter is silence
_WINDOW_MS = 100
_NUMBERS = {2: "Two", 3: "Three", 4: "Four", 5: "Five"}


def count_faces(image: np.ndarray) -> int:
    """Frontal faces on an RGB picture (Haar cascade on a small grey copy)."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    h, w = grey.shape
    scale = min(1.0, FACE_SIDE / max(h, w))
    if scale < 1.0:
        grey = cv2.resize(
            grey, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
        )
    return len(detect_faces(grey, min_neighbors=4, min_size=max(24, min(grey.shape) // 8)))


def _faces_phrase(n: int) -> str:
    if n == 0:
        return "No one on screen."
    if n == 1:
        return "One person faces the camera."
    if n in _NUMBERS:
        return f"{_NUMBERS[n]} people face the camera."
    return "A group of people face the camera."


def face_counts(keyframes: Sequence[Keyframe]) -> list[int]:
    """Faces per keyframe, looked for where it can change: at each new shot, and within a shot
    when much of the picture changed, at most every few seconds (faces cost ~20 ms a look)."""
    counts: list[int] = []
    last_look = -(10**9)
    for i, kf in enumerate(keyframes):
        box = kf.changed_box
        big_change = kf.changed and (box is None or (box[2] - box[0]) * (box[3] - box[1]) >= 0.15)
        if i == 0 or kf.is_cut or (big_change and kf.t_ms - last_look >= _FACE_EVERY_MS):
            counts.append(count_faces(kf.image))
            last_look = kf.t_ms
        else:
            counts.append(counts[-1])
    return counts


def _orientation(info: MediaInfo) -> str:
    w, h = info.display_size
    if not w or not h:
        return "Video"
    if h > w * 1.1:
        return "Vertical video"
    if w > h * 1.1:
        return "Horizontal video"
    return "Square video"


def _speech_mask(speech_lines: Sequence[ScriptLine], n_windows: int) -> np.ndarray:
    mask = np.zeros(n_windows, dtype=bool)
    for ln in speech_lines:
        a = max(0, ln.start_ms // _WINDOW_MS - 3)  # a little margin: breaths, word edges
        b = min(n_windows, -(-ln.end_ms // _WINDOW_MS) + 3)
        mask[a:b] = True
    return mask


def sound_lines(
    audio: np.ndarray,
    speech_lines: Sequence[ScriptLine],
    sample_rate: int = 16000,
    *,
    voice: Sequence[tuple[int, int]] = (),
) -> list[ScriptLine]:
    """Stretches of ≥ 3 s with sound but nobody speaking (kind="sound").

    "Nobody speaking" means no transcript line *and* no voice found by VAD (`voice`, ms spans):
    speech Whisper failed to transcribe is not music (the transcript warns about it instead).
    """
    env = rms_envelope(audio, sample_rate, _WINDOW_MS)
    if env.size == 0:
        return []
    loud = env >= _SOUND_RMS
    heard = [ScriptLine(a, b, "speech", "", "voice") for a, b in voice]
    speaking = _speech_mask([*speech_lines, *heard], env.size)
    free = loud & ~speaking
    # close gaps of up to 0.5 s between notes of music
    padded = np.concatenate([[False], free, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    runs = [[int(a), int(b)] for a, b in zip(edges[::2], edges[1::2], strict=True)]
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] <= 5 and not speaking[merged[-1][1] : a].any():
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [
        ScriptLine(a * _WINDOW_MS, b * _WINDOW_MS, "sound", "", "Music or sound without speech")
        for a, b in merged
        if (b - a) * _WINDOW_MS >= _SOUND_MIN_MS
    ]


def _speech_share(speech_lines: Sequence[ScriptLine], duration_ms: int) -> float:
    if duration_ms <= 0:
        return 0.0
    n = max(1, duration_ms // _WINDOW_MS)
    return float(_speech_mask(speech_lines, n).mean())


def _opening(info: MediaInfo, n_shots: int, speech_lines: Sequence[ScriptLine], has_sound: bool) -> str:
    secs = max(1, round(info.duration_ms / 1000))
    kind = _orientation(info) if info.has_video else "Audio only"
    parts = [kind, f"{secs} s"]
    if info.has_video:
        parts.append(f"{n_shots} shot" + ("" if n_shots == 1 else "s"))
    if speech_lines:
        share = _speech_share(speech_lines, info.duration_ms)
        parts.append(
            "speech throughout" if share >= 0.8 else "with speech" if share >= 0.3 else "a little speech"
        )
    elif has_sound:
        parts.append("sound but no speech")
    else:
        parts.append("no sound")
    return ", ".join(parts) + "."


def scene_notes(
    info: MediaInfo,
    keyframes: Sequence[Keyframe],
    cuts: Sequence[int],
    speech_lines: Sequence[ScriptLine],
    *,
    audio: np.ndarray | None = None,
    sample_rate: int = 16000,
    faces: Sequence[int] | None = None,
    voice: Sequence[tuple[int, int]] = (),
) -> list[ScriptLine]:
    """Scene notes (kind="scene") and, given the decoded `audio`, sound notes (kind="sound").

    `faces` (from `face_counts(keyframes)`) may be computed beforehand, e.g. while Whisper runs.
    """
    duration = max(info.duration_ms, max((k.t_ms for k in keyframes), default=0))
    if audio is not None and audio.size:
        has_sound = bool((rms_envelope(audio, sample_rate, _WINDOW_MS) >= _SOUND_RMS).any())
    else:
        has_sound = info.has_audio and audio is None  # unknown loudness: trust the stream
    cuts = sorted(c for c in cuts if 0 < c < duration)
    counts = list(faces) if faces is not None else face_counts(keyframes) if keyframes else []

    # fragments of text per moment, joined into one note per moment
    moments: dict[int, list[str]] = {}
    i = 0
    while i < len(cuts):
        j = i
        while j + 1 < len(cuts) and cuts[j + 1] - cuts[j] < _QUICK_CUTS_MS:
            j += 1
        if j - i >= 2:
            moments.setdefault(cuts[i], []).append(
                f"Quick cuts: {j - i + 2} shots in {max(1, round((cuts[j] - cuts[i]) / 1000))} s."
            )
        else:
            for c in cuts[i : j + 1]:
                moments.setdefault(c, []).append("Cut to a new shot.")
        i = j + 1

    last_faces: int | None = None
    for kf, n in zip(keyframes, counts, strict=True):
        if n != last_faces:
            moments.setdefault(kf.t_ms, []).append(_faces_phrase(n))
            last_faces = n

    opening = _opening(info, len(cuts) + 1, speech_lines, has_sound)
    first = moments.pop(0, [])
    lines = [ScriptLine(0, duration, "scene", "", " ".join([opening, *first]))]
    times = sorted(moments)
    for k, t in enumerate(times):
        end = times[k + 1] if k + 1 < len(times) else duration
        lines.append(ScriptLine(t, max(t, end), "scene", "", " ".join(moments[t])))
    if audio is not None and audio.size and speech_lines is not None:
        lines.extend(sound_lines(audio, speech_lines, sample_rate, voice=voice))
    return lines
