"""Media stages: probe, sound track, keyframes and cuts, on-screen text, scene cues.

Every failure caused by the file itself surfaces as `MediaError` (see errors.py).
Heavy parts (RapidOCR) load lazily, so importing this package is cheap.
"""

from __future__ import annotations

from .audio import load_audio
from .cues import scene_notes, sound_lines
from .errors import MediaError
from .frames import Keyframe, extract_keyframes
from .ocr import OcrReader, onscreen_lines
from .probe import MediaInfo, probe, sha256_file

__all__ = [
    "Keyframe",
    "MediaError",
    "MediaInfo",
    "OcrReader",
    "extract_keyframes",
    "load_audio",
    "onscreen_lines",
    "probe",
    "scene_notes",
    "sha256_file",
    "sound_lines",
]
